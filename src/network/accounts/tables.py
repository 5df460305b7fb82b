"""People who sign in, and the roles they hold where."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Serial, SmallInt, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.directory.tables import County, Municipality
from network.lib.vocab import Role

__all__ = ("ApiToken", "RoleBinding", "User")


class User(Table, tablename="app_user"):
    """A person who may sign in. Matched on the OpenID provider's ``sub``."""

    id: Serial

    email = Varchar(length=254, unique=True, index=True)
    display_name = Varchar(length=120)
    oidc_subject = Varchar(length=255, null=True, default=None, unique=True)
    active = Boolean(default=True)
    locale = Varchar(length=5, default="sv")
    unit = Varchar(length=120, null=True, default=None)
    years_in_profession = SmallInt(null=True, default=None)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)


class RoleBinding(Table):
    """A role held by a user, scoped to exactly one municipality or one county."""

    id: Serial

    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    role = Varchar(length=32, choices=Role)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True, index=True)
    county = ForeignKey(County, on_delete=OnDelete.restrict, null=True, index=True)
    created_at = Timestamptz()


class ApiToken(Table):
    """A machine client's credential: acts as its user, limited to ``scopes``.

    Only a SHA-256 hash of the secret is stored; ``prefix`` lets people tell
    their tokens apart.
    """

    id: Serial

    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=120)
    prefix = Varchar(length=16)
    token_hash = Varchar(length=64, unique=True, index=True)
    scopes = JSON(default="[]")
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)

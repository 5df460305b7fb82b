"""API shapes of sign-in and the current user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from network.lib.schema import Instant, Label, Schema
from network.lib.vocab import Role

__all__ = (
    "Binding",
    "BindingCreate",
    "DevLogin",
    "DevLoginForm",
    "Me",
    "RoleOut",
    "Token",
    "TokenCreate",
    "TokenSecret",
    "UserCreate",
    "UserOut",
    "UserUpdate",
)

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]


class DevLogin(Schema):
    email: Email


class DevLoginForm(msgspec.Struct, kw_only=True):
    """The dev sign-in page's form (carries the CSRF field too)."""

    email: Email
    next: str = ""  # where to go afterwards: a same-site path (``oidc.safe_next``)
    _csrf_token: str = ""


class RoleOut(Schema):
    role: str
    county: str
    municipality: str | None


class Me(Schema):
    id: int
    email: str
    roles: list[RoleOut]
    specialist_id: int | None


class TokenCreate(Schema):
    name: Label
    scopes: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=20)
    ]
    expires_at: Instant


class Token(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenSecret(Schema):
    id: int
    token: str


MunicipalityCode = Annotated[str, msgspec.Meta(pattern=r"^\d{4}$")]
CountyCode = Annotated[str, msgspec.Meta(pattern=r"^\d{2}$")]


class BindingCreate(Schema):
    role: Role
    municipality: MunicipalityCode | None = None
    county: CountyCode | None = None


class UserCreate(Schema):
    email: Email
    display_name: Label
    role: Role
    municipality: MunicipalityCode | None = None
    county: CountyCode | None = None


class UserUpdate(Schema):
    active: bool


class Binding(Schema):
    id: int
    role: str
    municipality: str | None
    county: str


class UserOut(Schema):
    id: int
    email: str
    display_name: str
    active: bool
    roles: list[Binding]

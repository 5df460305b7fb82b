"""In-app notifications: a fixed sentence per kind, a link, and structured parameters."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.lib.vocab import NotificationKind

__all__ = ("Notification",)


class Notification(Table):
    """One notice to one user. ``params`` holds only the keys allowed for its kind
    (an area code, a meeting time), never case text."""

    id: Serial

    recipient = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    kind = Varchar(length=32, choices=NotificationKind)
    object_type = Varchar(length=32, default="")
    object_id = Integer(null=True, default=None)
    link = Varchar(length=200, default="/")
    params = JSON(default="{}")
    created_at = Timestamptz(index=True)
    read_at = Timestamptz(null=True, default=None)

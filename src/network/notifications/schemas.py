"""API shapes of notifications."""

from __future__ import annotations

from datetime import datetime

from network.lib.schema import Schema

__all__ = ("NotificationOut", "UnreadCount")


class NotificationOut(Schema):
    """A notice: its kind (a fixed sentence), a link in the app, allowed parameters."""

    id: int
    kind: str
    object_type: str
    object_id: int | None
    link: str
    params: dict[str, str]
    created_at: datetime
    read_at: datetime | None
    # an offer's notice once the offer is no longer open: accepted, declined, expired
    # or withdrawn (its deadline then no longer applies)
    answer: str | None = None


class UnreadCount(Schema):
    count: int

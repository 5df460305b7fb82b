"""API shapes of consultations and their bookings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from network.lib.schema import Schema

__all__ = ("BookingCancel", "BookingCreate", "BookingOut", "BookingReschedule")

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class BookingCreate(Schema):
    """Book the meeting of an accepted consultation at one of the specialist's free slots."""

    request: Id
    start: Annotated[datetime, msgspec.Meta(description="ISO 8601 with offset, a free slot")]
    mode: Literal["phone", "video", "on_site"] | None = None


class BookingCancel(Schema):
    reason: Reason


class BookingReschedule(Schema):
    start: datetime
    reason: Reason


class BookingOut(Schema):
    id: int
    specialist: int
    specialist_name: str | None
    request: int | None
    area: str | None
    area_name_sv: str | None
    area_name_en: str | None
    mode: str
    starts_at: datetime
    ends_at: datetime
    status: str
    origin_municipality: str | None
    origin_municipality_name: str | None

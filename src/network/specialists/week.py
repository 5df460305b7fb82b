"""A specialist's "my week": the offers waiting for their answer with the time left,
and what uses the week's capacity (from :mod:`network.specialists.capacity`, the
same source as the figure shown next to it).

Offers are case data: only their area, urgency, kind, origin and deadline are read
(never the question), in a scoped system read like the capacity's, and the read is
audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from network.audit.services import record
from network.consultations.tables import Assignment
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.lib.vocab import AssignmentStatus
from network.specialists.capacity import WeekEntry, WeekLoad, week_entries, week_load
from network.specialists.editing import authorize

__all__ = ("PendingOffer", "WeekView", "my_week", "time_left", "urgency_tag")

SOON = timedelta(hours=4)
TODAY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class PendingOffer:
    """An offer waiting for the specialist's answer (no case text)."""

    request: int
    area: str
    area_name_sv: str
    area_name_en: str
    urgency: str
    kind: str
    mode: str
    municipality_name: str
    offered_at: datetime
    deadline: datetime | None


@dataclass(frozen=True, slots=True)
class WeekView:
    offers: list[PendingOffer]
    entries: list[WeekEntry]
    load: WeekLoad | None


def time_left(deadline: datetime | None, now: datetime) -> tuple[int, int] | None:
    """Whole hours and minutes until ``deadline`` (``(0, 0)`` once it has passed)."""
    if deadline is None:
        return None
    minutes = max(int((deadline - now).total_seconds() // 60), 0)
    return minutes // 60, minutes % 60


def urgency_tag(deadline: datetime | None, urgency: str, now: datetime) -> str:
    """The design system's colour for an offer: ``danger`` when under four hours are
    left or the request is acute, ``warning`` under a day, else ``info``."""
    if urgency == "acute" or (deadline is not None and deadline - now <= SOON):
        return "danger"
    if deadline is not None and deadline - now <= TODAY:
        return "warning"
    return "info"


async def pending_offers(specialist_id: int) -> list[PendingOffer]:
    """The live offers to ``specialist_id``, the soonest deadline first."""
    async with system_scope(Assignment._meta.db):
        rows = await Assignment.select(
            Assignment.request,
            Assignment.request._.area._.code.as_alias("area"),
            Assignment.request._.area._.name_sv.as_alias("area_name_sv"),
            Assignment.request._.area._.name_en.as_alias("area_name_en"),
            Assignment.request._.urgency.as_alias("urgency"),
            Assignment.request._.kind.as_alias("kind"),
            Assignment.request._.mode.as_alias("mode"),
            Assignment.request._.origin_municipality._.name.as_alias("municipality_name"),
            Assignment.created_at.as_alias("offered_at"),
            Assignment.expires_at.as_alias("deadline"),
        ).where(
            (Assignment.specialist == specialist_id)
            & (Assignment.status == AssignmentStatus.OFFERED)
        )
    offers = [PendingOffer(**row) for row in rows]
    return sorted(offers, key=lambda o: (o.deadline is None, o.deadline or o.offered_at, o.request))


async def my_week(ctx: Context, specialist_id: int, day: date) -> WeekView:
    """The specialist's offers waiting for an answer and the week holding ``day``:
    what uses its capacity, and the figure (both from the same counting)."""
    async with ctx.work():
        row = await authorize(ctx.principal, specialist_id)
        offers = await pending_offers(specialist_id)
        entries = await week_entries(specialist_id, day)
        load = (await week_load([specialist_id], day)).get(specialist_id)
        await record(
            ctx.actor,
            "specialist.week_read",
            "specialist",
            specialist_id,
            municipality=row["municipality"],
            county=row["county"],
            detail={"offers": len(offers), "entries": len(entries)},
        )
    return WeekView(offers=offers, entries=entries, load=load)

"""The monthly settlement between municipalities: hours of specialist time given and
received, per pair of municipalities and competence area, at an hourly rate.

The giver is the specialist's home municipality, the receiver the municipality the
request came from; only completed consultations with logged minutes count, in the
month (Europe/Stockholm) they were completed, and only across borders. Pure
aggregation (:func:`settle`) plus a loader that reads times and codes, no case text.

The coordinators and administrators of the giving or receiving municipality see
their lines exactly (they invoice them). Anyone else who may read a line (an FoU
analyst) sees it with small numbers suppressed: a line of 1–4 consultations shows no
count, minutes, hours or amount (:mod:`network.privacy.small_numbers`); the lines
have no total, so no hidden line can be derived from the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal

from network.audit.services import record
from network.consultations.tables import Assignment, ConsultationRequest
from network.directory.tables import Municipality
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.kernel.policy import Action, Target, holds_role_in, visible_scope
from network.lib.csvsafe import csv_text
from network.lib.errors import Forbidden, InvalidInput
from network.lib.vocab import AssignmentStatus, ConsultationStatus, Role
from network.privacy.small_numbers import small
from network.scheduling import STOCKHOLM

__all__ = (
    "INVOICING_ROLES",
    "Given",
    "SettlementLine",
    "month_bounds",
    "settle",
    "settlement_for",
    "shown_to",
    "to_csv",
)


INVOICING_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Given:
    """One completed consultation: who gave, who received, the area, the minutes."""

    giver: str
    receiver: str
    area: str
    minutes: int


@dataclass(frozen=True, slots=True)
class SettlementLine:
    giver: str
    receiver: str
    area: str
    consultations: int | None  # None: suppressed (1–4, shown so only to those who invoice)
    minutes: int | None
    hours: float | None
    amount: int | None  # whole kronor, rounded half up

    @property
    def suppressed(self) -> bool:
        return self.consultations is None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.giver, self.receiver, self.area


def settle(given: Iterable[Given], hourly_rate: int) -> list[SettlementLine]:
    """Lines per (giver, receiver, area) across borders, sorted; amounts from the
    summed minutes (so rounding happens once per line)."""
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for item in given:
        if item.giver == item.receiver:
            continue
        line = totals[(item.giver, item.receiver, item.area)]
        line[0] += 1
        line[1] += item.minutes
    return [
        SettlementLine(
            giver=giver,
            receiver=receiver,
            area=area,
            consultations=count,
            minutes=minutes,
            hours=round(minutes / 60, 2),
            amount=(minutes * hourly_rate * 2 + 60) // 120,
        )
        for (giver, receiver, area), (count, minutes) in sorted(totals.items())
    ]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` as [first day 00:00, next month's first day) in Stockholm time."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InvalidInput("must be a month as YYYY-MM", field="month", source="query") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, time(0), tzinfo=STOCKHOLM),
        datetime.combine(following, time(0), tzinfo=STOCKHOLM),
    )


async def _given(start: datetime, end: datetime) -> list[Given]:
    async with system_scope(ConsultationRequest._meta.db):
        rows = await Assignment.select(
            Assignment.specialist._.home_municipality._.code.as_alias("giver"),
            Assignment.request._.origin_municipality._.code.as_alias("receiver"),
            Assignment.request._.area._.code.as_alias("area"),
            Assignment.request._.minutes_spent.as_alias("minutes"),
        ).where(
            (Assignment.status == AssignmentStatus.ACCEPTED)
            & (Assignment.request._.status == ConsultationStatus.COMPLETED)
            & Assignment.request._.minutes_spent.is_not_null()
            & (Assignment.request._.closed_at >= start)
            & (Assignment.request._.closed_at < end)
        )
    return [Given(**row) for row in rows]


async def _counties_of(codes: Iterable[str]) -> dict[str, str]:

    rows = await Municipality.select(
        Municipality.code, Municipality.county._.code.as_alias("county")
    ).where(Municipality.code.is_in(sorted(set(codes)) or [""]))
    return {row["code"]: row["county"] for row in rows}


async def settlement_for(ctx: Context, *, month: str, hourly_rate: int) -> list[SettlementLine]:
    """The month's lines that concern a municipality in ``ctx.principal``'s scope."""
    start, end = month_bounds(month)
    visible = await shown_to(ctx, settle(await _given(start, end), hourly_rate))
    await record(
        ctx.actor,
        "settlement.read",
        "settlement",
        month,
        detail={"lines": len(visible), "rate": hourly_rate},
    )
    return visible


async def shown_to(ctx: Context, lines: list[SettlementLine]) -> list[SettlementLine]:
    """The ``lines`` that concern a municipality in ``ctx.principal``'s scope, exact for
    those who invoice either side and with small numbers suppressed for anyone else
    (the one rule for every settlement: consultations and conferences)."""
    scope = visible_scope(ctx.principal, Action.SETTLEMENT_READ)
    if scope.empty:
        raise Forbidden("no role of yours may read settlements")
    counties = await _counties_of([code for line in lines for code in line.key[:2]])

    def mine(code: str) -> bool:
        return code in scope.municipalities or counties.get(code) in scope.counties

    def exact(line: SettlementLine) -> bool:
        places = [Target(code, counties.get(code)) for code in (line.giver, line.receiver)]
        return holds_role_in(ctx.principal, places, INVOICING_ROLES)

    return [
        line
        if exact(line) or not small(line.consultations or 0)
        else replace(line, consultations=None, minutes=None, hours=None, amount=None)
        for line in lines
        if mine(line.giver) or mine(line.receiver)
    ]


CSV_COLUMNS = (
    "month",
    "giver",
    "receiver",
    "area",
    "consultations",
    "minutes",
    "hours",
    "rate",
    "amount",
)


def to_csv(lines: Iterable[SettlementLine], *, month: str, hourly_rate: int) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            [
                month,
                line.giver,
                line.receiver,
                line.area,
                line.consultations,
                line.minutes,
                None if line.hours is None else Decimal(f"{line.hours:.2f}"),  # written 1.50
                hourly_rate,
                line.amount,
            ]
            for line in lines
        ),
    )

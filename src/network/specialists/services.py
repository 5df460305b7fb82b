"""Reading specialists and computing their free slots (through the pure scheduler)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from network.audit.services import record
from network.db import among, id_chunks
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    CompetenceArea,
    County,
    Municipality,
    SharingAgreement,
)
from network.kernel.context import Context
from network.kernel.policy import Action, Target, decide
from network.lib import clock
from network.lib.clock import today
from network.lib.errors import Forbidden, InvalidInput, NotFound
from network.lib.vocab import AuditOutcome
from network.scheduling import (
    Busy,
    DateOverride,
    SlotRules,
    WeeklyHours,
    free_slots,
    used_per_week,
)
from network.specialists import schemas
from network.specialists.capacity import booked_times, written_taken
from network.specialists.tables import (
    Absence,
    AvailabilityOverride,
    AvailabilityRule,
    SpecialistCompetence,
    SpecialistProfile,
)

__all__ = (
    "MAX_SLOT_RANGE",
    "Availability",
    "availability",
    "list_specialists",
    "lock_profiles",
    "locked_profile",
    "profile_for_editing",
    "readable_slots",
    "served_places",
    "specialist_names",
    "specialist_slots",
)

MAX_SLOT_RANGE = timedelta(days=92)
MAX_LIST = 5000


async def list_specialists(
    *,
    area: str | None,
    municipality: str | None,
    county: str | None,
    limit: int = MAX_LIST,
    ids: list[int] | None = None,
) -> list[schemas.Specialist]:
    """Specialists filtered by competence area and home municipality or county."""
    condition: Any = SpecialistProfile.id > 0
    if ids is not None:
        condition = condition & SpecialistProfile.id.is_in(ids or [0])
    if area is not None:
        if not await CompetenceArea.exists().where(CompetenceArea.code == area):
            raise InvalidInput(f"unknown area code {area!r}", field="area", source="query")
        with_area = SpecialistCompetence.select(SpecialistCompetence.specialist).where(
            SpecialistCompetence.area._.code == area
        )
        condition = condition & SpecialistProfile.id.is_in(
            [r["specialist"] for r in await with_area] or [0]
        )
    if municipality is not None:
        if not await Municipality.exists().where(Municipality.code == municipality):
            raise InvalidInput(
                f"unknown municipality code {municipality!r}", field="municipality", source="query"
            )
        condition = condition & (SpecialistProfile.home_municipality._.code == municipality)
    if county is not None:
        if not await County.exists().where(County.code == county):
            raise InvalidInput(f"unknown county code {county!r}", field="county", source="query")
        condition = condition & (SpecialistProfile.home_municipality._.county._.code == county)
    profiles = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.user._.display_name.as_alias("name"),
            SpecialistProfile.title,
            SpecialistProfile.home_municipality._.code.as_alias("home_municipality"),
            SpecialistProfile.home_municipality._.name.as_alias("home_municipality_name"),
            SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
            SpecialistProfile.languages,
            SpecialistProfile.offers_phone,
            SpecialistProfile.offers_video,
            SpecialistProfile.offers_on_site,
            SpecialistProfile.max_travel_km,
            SpecialistProfile.consultations_per_week,
            SpecialistProfile.mentees_capacity,
            SpecialistProfile.points_capacity,
            SpecialistProfile.accepts_new,
        )
        .where(condition)
        .order_by(SpecialistProfile.id)
        .limit(limit)
    )
    competences: dict[int, list[schemas.Competence]] = defaultdict(list)
    for row in await SpecialistCompetence.select(
        SpecialistCompetence.specialist,
        SpecialistCompetence.area._.code.as_alias("area"),
        SpecialistCompetence.level,
    ).where(SpecialistCompetence.specialist.is_in([p["id"] for p in profiles] or [0])):
        competences[row["specialist"]].append(
            schemas.Competence(area=row["area"], level=row["level"])
        )
    return [
        schemas.Specialist(
            id=p["id"],
            name=p["name"],
            title=p["title"],
            home_municipality=p["home_municipality"],
            home_municipality_name=p["home_municipality_name"],
            county=p["county"],
            languages=list(p["languages"] or []),
            modes=[
                mode
                for mode, offered in (
                    ("phone", p["offers_phone"]),
                    ("video", p["offers_video"]),
                    ("on_site", p["offers_on_site"]),
                )
                if offered
            ],
            max_travel_km=p["max_travel_km"],
            consultations_per_week=p["consultations_per_week"],
            mentees_capacity=p["mentees_capacity"],
            points_capacity=p["points_capacity"],
            accepts_new=p["accepts_new"],
            competences=sorted(competences[p["id"]], key=lambda c: c.area),
        )
        for p in profiles
    ]


@dataclass(frozen=True, slots=True)
class Availability:
    """Everything the pure scheduler needs about one specialist around a period."""

    weekly: list[WeeklyHours]
    overrides: list[DateOverride]
    absences: list[Busy]
    bookings: list[Busy]
    rules: SlotRules
    written: list[Busy] = field(default_factory=list)  # accepted written consultations

    @property
    def used(self) -> dict[tuple[int, int], int]:
        return used_per_week([*self.bookings, *self.written])

    def free(self, start: datetime, end: datetime, now: datetime) -> list[datetime]:
        return free_slots(
            self.weekly,
            self.overrides,
            self.absences,
            self.bookings,
            self.rules,
            start=start,
            end=end,
            now=now,
            used_per_week=self.used,
        )


async def availability(specialist_id: int, start: datetime, end: datetime) -> Availability:
    """The hours, absences, bookings and rules of one specialist around [start, end)."""
    found = await availabilities([specialist_id], start, end)
    if specialist_id not in found:
        raise NotFound("no such specialist", field="id", source="path")
    return found[specialist_id]


async def availabilities(
    specialist_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, Availability]:
    """:func:`availability` of many specialists at once, in six queries whatever their
    number (suggestions fill in the next free slot of every eligible specialist)."""
    ids = sorted(set(specialist_ids))
    if not ids:
        return {}
    profiles = await SpecialistProfile.select(
        SpecialistProfile.id,
        SpecialistProfile.slot_minutes,
        SpecialistProfile.buffer_minutes,
        SpecialistProfile.consultations_per_week,
    ).where(among(SpecialistProfile.id, ids))
    weekly: dict[int, list[WeeklyHours]] = defaultdict(list)
    for r in await AvailabilityRule.select().where(among(AvailabilityRule.specialist, ids)):
        weekly[r["specialist"]].append(WeeklyHours(r["weekday"], r["start_time"], r["end_time"]))
    overrides: dict[int, list[DateOverride]] = defaultdict(list)
    for r in await AvailabilityOverride.select().where(among(AvailabilityOverride.specialist, ids)):
        overrides[r["specialist"]].append(
            DateOverride(r["on_date"], r["closed"], r["start_time"], r["end_time"])
        )
    absences: dict[int, list[Busy]] = defaultdict(list)
    for r in await Absence.select(Absence.specialist, Absence.starts_at, Absence.ends_at).where(
        among(Absence.specialist, ids) & (Absence.ends_at > start) & (Absence.starts_at < end)
    ):
        absences[r["specialist"]].append(Busy(r["starts_at"], r["ends_at"]))
    # Bookings a week either side count towards the weekly capacity of the weeks shown.
    around = (start - timedelta(days=7), end + timedelta(days=7))
    bookings = await booked_times(ids, *around)
    written = await written_taken(ids, *around)
    return {
        p["id"]: Availability(
            weekly=weekly[p["id"]],
            overrides=overrides[p["id"]],
            absences=absences[p["id"]],
            bookings=bookings.get(p["id"], []),
            written=written.get(p["id"], []),
            rules=SlotRules(
                slot_minutes=p["slot_minutes"],
                buffer_minutes=p["buffer_minutes"],
                weekly_capacity=p["consultations_per_week"],
            ),
        )
        for p in profiles
    }


async def specialist_slots(
    specialist_id: int, start: datetime, end: datetime, *, now: datetime | None = None
) -> list[schemas.Slot]:
    """The bookable slots of one specialist in [start, end) (both aware)."""
    if end <= start:
        raise InvalidInput("must be after 'from'", field="to", source="query")
    if end - start > MAX_SLOT_RANGE:
        raise InvalidInput("at most 92 days after 'from'", field="to", source="query")
    found = await availability(specialist_id, start, end)
    slot = timedelta(minutes=found.rules.slot_minutes)
    return [
        schemas.Slot(start=s, end=(s.astimezone(UTC) + slot).astimezone(s.tzinfo))
        for s in found.free(start, end, now or clock.now())
    ]


async def served_places(specialist_id: int, day: date) -> list[Target]:
    """Where a specialist may serve on ``day``, as policy targets: their home
    municipality (the target that names them), and every municipality that a sharing
    agreement valid that day binds to their home in one of their competence areas.
    :class:`NotFound` if there is no such specialist."""
    profile = (
        await SpecialistProfile.select(
            SpecialistProfile.home_municipality._.code.as_alias("home"),
            SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
        )
        .where(SpecialistProfile.id == specialist_id)
        .first()
    )
    if profile is None:
        raise NotFound("no such specialist", field="id", source="path")
    home, county = profile["home"], profile["county"]
    places = [Target(municipality=home, county=county, specialist_ids=frozenset({specialist_id}))]
    areas = SpecialistCompetence.select(SpecialistCompetence.area).where(
        SpecialistCompetence.specialist == specialist_id
    )
    covering = AgreementArea.select(AgreementArea.agreement).where(
        AgreementArea.area.is_in([row["area"] for row in await areas] or [0])
    )
    valid = await SharingAgreement.select(
        SharingAgreement.id, SharingAgreement.county._.code.as_alias("county")
    ).where(
        SharingAgreement.id.is_in(sorted({row["agreement"] for row in await covering}) or [0])
        & (SharingAgreement.valid_from <= day)
        & (SharingAgreement.valid_to.is_null() | (SharingAgreement.valid_to >= day))
    )
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in await AgreementMunicipality.select(
        AgreementMunicipality.agreement,
        AgreementMunicipality.municipality._.code.as_alias("code"),
        AgreementMunicipality.municipality._.county._.code.as_alias("county"),
    ).where(
        AgreementMunicipality.agreement.is_in([a["id"] for a in valid if not a["county"]] or [0])
    ):
        members[row["agreement"]].append((row["code"], row["county"]))
    for agreement in valid:
        if not agreement["county"] and home in {code for code, _ in members[agreement["id"]]}:
            places.extend(Target(municipality=m, county=c) for m, c in members[agreement["id"]])
    if any(agreement["county"] == county for agreement in valid):  # the home's whole county
        places.extend(
            Target(municipality=row["code"], county=county)
            for row in await Municipality.select(Municipality.code).where(
                Municipality.county._.code == county
            )
        )
    return places


async def readable_slots(
    ctx: Context, specialist_id: int, start: datetime, end: datetime
) -> list[schemas.Slot]:
    """:func:`specialist_slots` for those who could book the specialist (the policy's
    ``slots.read`` in one of :func:`served_places`): the specialist themself, and social
    workers and coordinators of a municipality they serve. Others are refused (403, the
    specialist being listed to everyone), audited as denied."""
    places = await served_places(specialist_id, today())
    if not any(decide(ctx.principal, Action.SLOTS_READ, place) for place in places):
        reason = "only those who could book this specialist see their free slots"
        await record(
            ctx.actor,
            "access.denied",
            "specialist_slots",
            specialist_id,
            outcome=AuditOutcome.DENIED,
            detail={"action": Action.SLOTS_READ.value, "reason": reason},
        )
        raise Forbidden(reason, field="specialist_id", source="path")
    return await specialist_slots(specialist_id, start, end)


async def profile_for_editing(specialist_id: int) -> schemas.ProfileOut:
    """The profile editor's view of one specialist."""
    listed = await list_specialists(area=None, municipality=None, county=None, ids=[specialist_id])
    if not listed:
        raise NotFound("no such specialist", field="id", source="path")
    row = (
        await SpecialistProfile.select(
            SpecialistProfile.version,
            SpecialistProfile.slot_minutes,
            SpecialistProfile.buffer_minutes,
            SpecialistProfile.meeting_video_url,
            SpecialistProfile.meeting_phone,
            SpecialistProfile.meeting_place,
        )
        .where(SpecialistProfile.id == specialist_id)
        .first()
    )
    assert row is not None
    hours = await AvailabilityRule.select().where(AvailabilityRule.specialist == specialist_id)
    notes = await SpecialistCompetence.select(
        SpecialistCompetence.area._.code.as_alias("area"), SpecialistCompetence.note
    ).where(SpecialistCompetence.specialist == specialist_id)
    absences = (
        await Absence.select()
        .where(Absence.specialist == specialist_id)
        .order_by(Absence.starts_at)
    )
    return schemas.ProfileOut(
        specialist=listed[0],
        version=row["version"],
        slot_minutes=row["slot_minutes"],
        buffer_minutes=row["buffer_minutes"],
        hours=sorted(
            (
                schemas.Interval(weekday=h["weekday"], start=h["start_time"], end=h["end_time"])
                for h in hours
            ),
            key=lambda i: (i.weekday, i.start),
        ),
        absences=[
            schemas.AbsenceOut(
                id=a["id"],
                starts_at=a["starts_at"],
                ends_at=a["ends_at"],
                reason=a["reason"],
                stand_in=a["stand_in"],
            )
            for a in absences
        ],
        notes={n["area"]: n["note"] for n in notes if n["note"]},
        meeting=schemas.MeetingDetails(
            video_url=row["meeting_video_url"],
            phone=row["meeting_phone"],
            place=row["meeting_place"],
        ),
    )


async def specialist_names(ids: list[int]) -> dict[int, str]:
    """Display names of the given specialists (with their home municipality)."""
    rows = await SpecialistProfile.select(
        SpecialistProfile.id,
        SpecialistProfile.user._.display_name.as_alias("name"),
        SpecialistProfile.home_municipality._.name.as_alias("home"),
    ).where(SpecialistProfile.id.is_in(sorted(set(ids)) or [0]))
    return {row["id"]: f"{row['name']} ({row['home']})" for row in rows}


async def locked_profile(specialist_id: int, *columns: Any, missing: NotFound) -> dict[str, Any]:
    """The specialist's profile (``id`` and ``columns``), locked until the transaction
    ends on PostgreSQL, so that two bookings of one specialist's time queue up; a
    ``missing`` (naming the caller's field) raised when there is none."""
    query = SpecialistProfile.select(SpecialistProfile.id, *columns).where(
        SpecialistProfile.id == specialist_id
    )
    if isinstance(SpecialistProfile._meta.db, PostgresEngine):
        query = query.lock_rows()
    row = await query.first()
    if row is None:
        raise missing
    return dict(row)


async def lock_profiles(specialist_ids: Iterable[int]) -> None:
    """:func:`locked_profile` for many specialists at once (a round's commit): their
    rows locked until the transaction ends on PostgreSQL, in id order so that two
    such lockers never deadlock; SQLite has one writer at a time."""
    if not isinstance(SpecialistProfile._meta.db, PostgresEngine):
        return
    for chunk in id_chunks(sorted(set(specialist_ids))):
        await (
            SpecialistProfile.select(SpecialistProfile.id)
            .where(among(SpecialistProfile.id, chunk))
            .order_by(SpecialistProfile.id)
            .lock_rows()
        )

"""Building the matching core's plain data (:mod:`network.graph.model`) from the database.

The only bridge between the tables and the pure algorithms: places, the agreements
valid today, and the specialists competent in the areas asked about, with their
week's capacity use, whether they are away now, and (for meetings) their next free
slot, computed only for specialists who are otherwise eligible.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.methods.select import Select

from network.consultations.access import RequestRow
from network.db import as_date, as_instant, as_time, fetch, one_of
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    Municipality,
    SharingAgreement,
)
from network.directory.versions import HOURS, NETWORK, data_versions
from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo
from network.kernel.case_scope import system_scope
from network.kernel.kept import Kept
from network.lib.vocab import AgreementScope, AssignmentStatus, BookingStatus, ConsultationKind
from network.scheduling import (
    STOCKHOLM,
    Busy,
    DateOverride,
    SlotRules,
    WeeklyHours,
    next_free_slot,
)
from network.specialists.capacity import WRITTEN_NOT_COUNTED, week_bounds
from network.specialists.services import Availability
from network.specialists.tables import SpecialistCompetence, SpecialistProfile

__all__ = (
    "KeptHours",
    "State",
    "agreements_on",
    "area_homes",
    "competent_in",
    "current_state",
    "first_free",
    "load_network",
    "next_free_slots",
    "places",
    "request_info",
    "slot_inputs",
    "static_specialists",
)

NEXT_FREE_HORIZON_DAYS = 56


async def places() -> list[Place]:
    rows = await Municipality.select(
        Municipality.code,
        Municipality.county._.code.as_alias("county"),
        Municipality.latitude,
        Municipality.longitude,
        Municipality.population,
    )
    return [Place(**row) for row in rows]


async def agreements_on(day: Any) -> list[Agreement]:
    rows = await SharingAgreement.select(
        SharingAgreement.id,
        SharingAgreement.scope,
        SharingAgreement.county._.code.as_alias("county"),
        SharingAgreement.valid_from,
        SharingAgreement.valid_to,
    ).where(
        (SharingAgreement.valid_from <= day)
        & (SharingAgreement.valid_to.is_null() | (SharingAgreement.valid_to >= day))
    )
    ids = [row["id"] for row in rows] or [0]
    areas: dict[int, set[str]] = defaultdict(set)
    for row in await AgreementArea.select(
        AgreementArea.agreement, AgreementArea.area._.code.as_alias("area")
    ).where(AgreementArea.agreement.is_in(ids)):
        areas[row["agreement"]].add(row["area"])
    members: dict[int, set[str]] = defaultdict(set)
    for row in await AgreementMunicipality.select(
        AgreementMunicipality.agreement,
        AgreementMunicipality.municipality._.code.as_alias("code"),
    ).where(AgreementMunicipality.agreement.is_in(ids)):
        members[row["agreement"]].add(row["code"])
    return [
        Agreement(
            id=row["id"],
            areas=frozenset(areas[row["id"]]),
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
            municipalities=frozenset(members[row["id"]]),
            counties=frozenset({row["county"]}) if row["county"] else frozenset(),
            co_handling=row["scope"] == AgreementScope.CO_HANDLING,
        )
        for row in rows
    ]


def competent_in(areas: Iterable[str], homes: Collection[str] | None = None) -> Select[Any]:
    """A query selecting the specialists competent in one of ``areas`` (and at home
    in one of ``homes``, when given)."""
    where: Any = SpecialistCompetence.area._.code.is_in(sorted(set(areas)) or [""])
    if homes is not None:
        home = SpecialistCompetence.specialist._.home_municipality._.code
        where &= home.is_in(sorted(homes) or [""])
    return SpecialistCompetence.select(SpecialistCompetence.specialist).where(where)


@dataclass(frozen=True, slots=True)
class State:
    """What changes by the hour for the specialists of some areas: how much of this
    week's capacity each has used (nobody listed: none), and who is away now."""

    used: dict[int, int]
    absent: frozenset[int]


async def static_specialists(
    areas: Iterable[str], homes: Collection[str] | None = None, state: State | None = None
) -> list[SpecialistInfo]:
    """The specialists competent in ``areas`` (at home in ``homes``, when given) as
    their profiles describe them, with ``state`` (none: no load, nobody away) and
    without their next free slot."""
    competent = competent_in(areas, homes)
    competences: dict[int, dict[str, int]] = defaultdict(dict)
    for row in await SpecialistCompetence.select(
        SpecialistCompetence.specialist,
        SpecialistCompetence.area._.code.as_alias("area"),
        SpecialistCompetence.level,
    ).where(SpecialistCompetence.specialist.is_in(competent)):
        competences[row["specialist"]][row["area"]] = row["level"]
    profiles = await SpecialistProfile.select(
        SpecialistProfile.id,
        SpecialistProfile.home_municipality._.code.as_alias("home"),
        SpecialistProfile.languages,
        SpecialistProfile.offers_phone,
        SpecialistProfile.offers_video,
        SpecialistProfile.offers_on_site,
        SpecialistProfile.max_travel_km,
        SpecialistProfile.consultations_per_week,
        SpecialistProfile.accepts_new,
    ).where(SpecialistProfile.id.is_in(competent))
    used, absent = (state.used, state.absent) if state else ({}, frozenset())
    return [
        SpecialistInfo(
            id=p["id"],
            home=p["home"],
            competences=competences[p["id"]],
            languages=frozenset(p["languages"] or ["sv"]),
            modes=frozenset(m for m in ("phone", "video", "on_site") if p[f"offers_{m}"]),
            max_travel_km=p["max_travel_km"],
            capacity=p["consultations_per_week"],
            used=used.get(p["id"], 0),
            accepts_new=p["accepts_new"],
            absent=p["id"] in absent,
        )
        for p in sorted(profiles, key=lambda p: p["id"])
    ]


async def current_state(
    areas: Iterable[str], now: datetime, homes: Collection[str] | None = None
) -> State:
    """:class:`State` of the specialists competent in ``areas`` (at home in
    ``homes``, when given): one hand-written statement (see :func:`_state_sql`)."""
    engine = SpecialistProfile._meta.db
    sql, args = _state_sql(engine, sorted(set(areas)), homes, now)
    used: Counter[int] = Counter()
    absent: set[int] = set()
    # Counts of every specialist's bookings, whoever asks (times and ids only).
    async with system_scope(engine):
        if isinstance(engine, PostgresEngine):
            # As one row of three arrays, which the driver decodes in C: thousands of
            # rows one by one were a tenth of a suggestion's CPU at national scale.
            sql = (
                "SELECT array_agg(specialist) AS specialists, array_agg(n) AS counts, "  # noqa: S608
                f"array_agg(away) AS away FROM ({sql}) AS state"
            )
            row = (await fetch(engine, sql, *args))[0]
            found: Iterable[tuple[int, int, int]] = zip(
                row["specialists"] or (), row["counts"] or (), row["away"] or (), strict=True
            )
        else:
            rows = await fetch(engine, sql, *args)
            found = [(r["specialist"], r["n"], r["away"]) for r in rows]
    for specialist, n, away in found:
        if away:
            absent.add(specialist)
        else:
            used[specialist] += n
    return State(used=dict(used), absent=frozenset(absent))


# The hand-written statements below interpolate only fixed SQL and placeholders
# (``{}``); every value is a parameter (hence their S608 exemptions).


def _competent_sql(
    engine: Any, areas: Sequence[str], homes: Collection[str] | None
) -> tuple[str, list[Any]]:
    """A subquery of the ids of the specialists competent in ``areas`` (at home in
    ``homes``, when given): what :func:`competent_in` selects."""
    in_areas, args = one_of(engine, list(areas) or [""], "varchar")
    sql = (
        "SELECT sc.specialist FROM specialist_competence sc "  # noqa: S608
        f"JOIN competence_area ca ON ca.id = sc.area WHERE ca.code {in_areas}"
    )
    if homes is not None:
        in_homes, more = one_of(engine, sorted(homes) or [""], "varchar")
        sql += (
            " AND sc.specialist IN (SELECT p.id FROM specialist_profile p "  # noqa: S608
            f"JOIN municipality m ON m.id = p.home_municipality WHERE m.code {in_homes})"
        )
        args += more
    return sql, args


def _state_sql(
    engine: Any, areas: Sequence[str], homes: Collection[str] | None, now: datetime
) -> tuple[str, list[Any]]:
    """One statement for :func:`current_state`, the same on both engines: per
    specialist, the live bookings and the accepted written consultations that use
    this week's capacity (as :func:`network.specialists.capacity.week_used` counts
    them), and a row for each who is away at ``now`` (``away`` 1)."""
    start, end = week_bounds(now.astimezone(STOCKHOLM).date())
    parts: list[str] = []
    args: list[Any] = []
    competent, some = _competent_sql(engine, areas, homes)
    parts.append(
        "SELECT b.specialist AS specialist, count(*) AS n, 0 AS away FROM booking b "  # noqa: S608
        f"WHERE b.specialist IN ({competent}) AND b.status = {{}} "
        "AND b.starts_at >= {} AND b.starts_at < {} GROUP BY b.specialist"
    )
    args += [*some, BookingStatus.BOOKED.value, start, end]
    competent, some = _competent_sql(engine, areas, homes)
    not_counted, more = one_of(engine, [s.value for s in WRITTEN_NOT_COUNTED], "varchar")
    parts.append(
        "SELECT a.specialist, count(*), 0 FROM assignment a "  # noqa: S608
        "JOIN consultation_request r ON r.id = a.request "
        f"WHERE a.specialist IN ({competent}) AND a.status = {{}} AND r.kind = {{}} "
        f"AND NOT (r.status {not_counted}) "
        "AND r.accepted_at >= {} AND r.accepted_at < {} GROUP BY a.specialist"
    )
    args += [
        *some,
        AssignmentStatus.ACCEPTED.value,
        ConsultationKind.WRITTEN.value,
        *more,
        start,
        end,
    ]
    competent, some = _competent_sql(engine, areas, homes)
    parts.append(
        "SELECT DISTINCT x.specialist, 0, 1 FROM absence x "  # noqa: S608
        f"WHERE x.specialist IN ({competent}) AND x.starts_at <= {{}} AND x.ends_at > {{}}"
    )
    args += [*some, now, now]
    return " UNION ALL ".join(parts), args


async def load_network(requests: Iterable[RequestInfo], *, now: datetime) -> Network:
    """Places, today's agreements, and the specialists who may serve one of
    ``requests``: competent in its area, and at home where it comes from or where an
    agreement on the area joins to it (:meth:`Network.homes_serving`)."""
    asks = {(r.area, r.origin) for r in requests}
    areas = sorted({area for area, _ in asks})
    base = Network.of(await places(), await agreements_on(now.astimezone(STOCKHOLM).date()))
    homes = base.homes_serving(asks)
    state = await current_state(areas, now, homes)
    people = await static_specialists(areas, homes, state)
    return Network.of(base.places.values(), base.agreements, people)


async def area_homes(areas: Iterable[str]) -> dict[str, frozenset[str]]:
    """Every municipality where a specialist competent in each of ``areas`` has their
    home, anywhere in the country: what tells a missing agreement from a missing
    specialist when a round explains an unplaced request."""
    wanted = sorted(set(areas))
    found: dict[str, set[str]] = defaultdict(set)
    if not wanted:
        return {}
    rows = (
        await SpecialistCompetence.select(
            SpecialistCompetence.area._.code.as_alias("area"),
            SpecialistCompetence.specialist._.home_municipality._.code.as_alias("home"),
        )
        .where(SpecialistCompetence.area._.code.is_in(wanted))
        .distinct()
    )
    for row in rows:
        found[row["area"]].add(row["home"])
    return {area: frozenset(homes) for area, homes in found.items()}


def request_info(request: RequestRow) -> RequestInfo:
    return RequestInfo(
        id=request.id,
        area=request.area,
        origin=request.municipality,
        urgency=request.urgency,
        kind=request.kind,
        mode=request.mode,
        language=request.language,
        named_specialist=request.named_specialist,
        latest_date=request.latest_date,
    )


async def next_free_slots(
    specialist_ids: Iterable[int],
    now: datetime,
    *,
    kept: Kept | None = None,
    token: tuple[int, int] | None = None,
) -> dict[int, datetime | None]:
    """The first free slot of each specialist within the horizon (``None``: none, or
    no such specialist). With ``kept`` (the runtime's), the slot rules and weekly
    hours come from what the process keeps (:func:`slot_inputs`; ``token``: the
    ``network`` and ``hours`` data versions, when the caller has read them)."""
    wanted = sorted(set(specialist_ids))
    horizon = now + timedelta(days=NEXT_FREE_HORIZON_DAYS)
    found, shapes = await _slot_inputs(wanted, now, horizon, kept, token)
    return first_free(found, wanted, now, shapes=shapes)


def _shape(weekly: Sequence[WeeklyHours], rules: SlotRules) -> Hashable:
    """What decides the first free slot of a specialist with nothing booked, away or
    changed: their hours and slot lengths (with nothing used, a week is open exactly
    when the capacity is above 0)."""
    return (tuple(weekly), rules.slot_minutes, rules.buffer_minutes, rules.weekly_capacity > 0)


def first_free(
    found: Mapping[int, Availability],
    wanted: Iterable[int],
    now: datetime,
    *,
    shapes: Mapping[int, int] | None = None,
) -> dict[int, datetime | None]:
    """The first free slot from ``now`` within the horizon of each of ``wanted``,
    from what was read of them (``None``: none, or nothing read), in one pass: the
    specialists with nothing booked, away or changed in the period (most of a
    round's thousands) whose hours and slot lengths are alike (:func:`_shape`) share
    one answer. ``shapes``: a number for each specialist's shape, alike for alike
    ones, when the caller keeps them (:class:`KeptHours`)."""
    alike: dict[Hashable, datetime | None] = {}
    result: dict[int, datetime | None] = {}
    for specialist_id in wanted:
        a = found.get(specialist_id)
        if a is None:
            result[specialist_id] = None
            continue
        free = not (a.overrides or a.absences or a.bookings or a.written)
        rules = a.rules
        key: Hashable | None = None
        if free:
            known = shapes.get(specialist_id) if shapes is not None else None
            key = _shape(a.weekly, rules) if known is None else known
        if key is not None and key in alike:
            result[specialist_id] = alike[key]
            continue
        result[specialist_id] = next_free_slot(
            a.weekly,
            a.overrides,
            a.absences,
            a.bookings,
            rules,
            now=now,
            horizon_days=NEXT_FREE_HORIZON_DAYS,
            used_per_week=a.used,
        )
        if key is not None:
            alike[key] = result[specialist_id]
    return result


# The kinds of row of :func:`_slots_sql`: the slot rules and weekly hours are kept
# by a process (``kept``); the rest is read every time.
_PROFILE, _RULE, _OVERRIDE, _ABSENCE, _BOOKING, _WRITTEN = range(6)
_STATIC = frozenset({_PROFILE, _RULE})
_CHANGING = frozenset({_OVERRIDE, _ABSENCE, _BOOKING, _WRITTEN})
# Ids in one statement of :func:`slot_inputs` on SQLite (an IN list each part);
# PostgreSQL takes them all as one array parameter.
_SLOT_CHUNK = 1000


@dataclass(frozen=True)
class KeptHours:
    """The slot rules (``None``: no such specialist) and weekly hours of the
    specialists read so far, as of the ``network`` and ``hours`` data versions
    ``token`` (:func:`network.directory.versions.data_versions`): triggers raise one
    of them with every change to profiles or to weekly hours."""

    token: tuple[int, int]
    rules: dict[int, SlotRules | None]
    weekly: dict[int, list[WeeklyHours]]
    # A number for each specialist's :func:`_shape` (alike shapes, one number).
    shape: dict[int, int] = field(default_factory=dict)
    numbers: dict[Hashable, int] = field(default_factory=dict)


_KEPT_HOURS = "slot-hours"


async def _kept_hours(
    kept: Kept, ids: Sequence[int], token: tuple[int, int] | None = None
) -> KeptHours:
    """The kept rules and hours of ``ids``, reading those of the specialists not kept
    yet (all of them after a change) in one statement (inside ``system_scope``);
    ``token``: the data versions as the caller's transaction read them (else read
    here)."""
    if token is None:
        network, hours = await data_versions((NETWORK, HOURS))
        token = (network, hours)
    known = kept.values.get(_KEPT_HOURS)
    if not isinstance(known, KeptHours) or known.token < token:
        known = KeptHours(token, {}, {})
        kept.keep(_KEPT_HOURS, known)
    elif known.token > token:  # (the data moved after this transaction began)
        known = KeptHours(token, {}, {})
    missing = [i for i in ids if i not in known.rules]
    if missing:
        found = _parse(await _slot_rows(missing, None, None, _STATIC))
        for who in missing:
            availability = found.get(who)
            known.rules[who] = availability.rules if availability else None
            known.weekly[who] = availability.weekly if availability else []
            if availability is not None:
                shape = _shape(availability.weekly, availability.rules)
                known.shape[who] = known.numbers.setdefault(shape, len(known.numbers))
    return known


async def _slot_rows(
    ids: Sequence[int], start: datetime | None, end: datetime | None, kinds: frozenset[int]
) -> list[Mapping[str, Any]]:
    """The rows of ``kinds`` of :func:`_slots_sql` for ``ids``: one statement on
    PostgreSQL, one per thousand on SQLite."""
    engine = SpecialistProfile._meta.db
    chunk = len(ids) or 1 if isinstance(engine, PostgresEngine) else _SLOT_CHUNK
    rows: list[Mapping[str, Any]] = []
    for at in range(0, len(ids), chunk):
        sql, args = _slots_sql(engine, ids[at : at + chunk], start, end, kinds)
        rows += await fetch(engine, sql, *args)
    return rows


async def slot_inputs(
    specialist_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    kept: Kept | None = None,
    token: tuple[int, int] | None = None,
) -> dict[int, Availability]:
    """What :func:`network.specialists.services.availabilities` reads (in six
    queries), in one hand-written statement (per thousand specialists on SQLite):
    their rules, hours, date overrides, absences in [start, end), and the live
    bookings and accepted written consultations a week either side. With ``kept``
    (the runtime's) the rules and hours are read only for specialists it does not
    hold yet under the current data versions (:class:`KeptHours`; ``token``: those
    versions, when the caller has read them)."""
    return (await _slot_inputs(specialist_ids, start, end, kept, token))[0]


async def _slot_inputs(
    specialist_ids: Sequence[int],
    start: datetime,
    end: datetime,
    kept: Kept | None,
    token: tuple[int, int] | None,
) -> tuple[dict[int, Availability], Mapping[int, int] | None]:
    """:func:`slot_inputs`, with the kept shapes of the specialists when ``kept``."""
    async with system_scope(SpecialistProfile._meta.db):  # every specialist's bookings
        if kept is None:
            rows = await _slot_rows(specialist_ids, start, end, _STATIC | _CHANGING)
            return _parse(rows), None
        hours = await _kept_hours(kept, specialist_ids, token)
        changing = await _slot_rows(specialist_ids, start, end, _CHANGING)
    found = _parse(
        changing,
        {i: r for i in specialist_ids if (r := hours.rules.get(i)) is not None},
        hours.weekly,
    )
    return found, hours.shape


def _parse(
    rows: Sequence[Mapping[str, Any]],
    rules: dict[int, SlotRules] | None = None,
    weekly_hours: Mapping[int, list[WeeklyHours]] | None = None,
) -> dict[int, Availability]:
    """:func:`slot_inputs`' answer from rows of :func:`_slots_sql` (and, when given,
    the rules and hours read before: whoever has rules is answered)."""
    rules = dict(rules or {})
    weekly: dict[int, list[tuple[int, WeeklyHours]]] = defaultdict(list)
    overrides: dict[int, list[tuple[int, DateOverride]]] = defaultdict(list)
    absences: dict[int, list[Busy]] = defaultdict(list)
    bookings: dict[int, list[Busy]] = defaultdict(list)
    written: dict[int, list[Busy]] = defaultdict(list)
    for row in rows:
        who, kind = row["specialist"], row["kind"]
        if kind == _PROFILE:
            rules[who] = SlotRules(
                slot_minutes=row["i1"], buffer_minutes=row["i2"], weekly_capacity=row["i3"]
            )
        elif kind == _RULE:
            hours = WeeklyHours(row["i1"], as_time(row["h1"]), as_time(row["h2"]))
            weekly[who].append((row["i3"], hours))
        elif kind == _OVERRIDE:
            override = DateOverride(
                as_date(row["d"]), bool(int(row["flag"])), as_time(row["h1"]), as_time(row["h2"])
            )
            overrides[who].append((row["i3"], override))
        elif kind == _WRITTEN:
            at = as_instant(row["t1"])
            written[who].append(Busy(at, at))
        else:
            busy = Busy(as_instant(row["t1"]), as_instant(row["t2"]))
            (absences if kind == _ABSENCE else bookings)[who].append(busy)
    for found in bookings.values():
        found.sort(key=lambda busy: busy.start)
    # (Most of a round's thousands have none of the changing rows: they are not
    # looked up in every dict, and get fresh empty lists.)
    changed = overrides.keys() | absences.keys() | bookings.keys() | written.keys()
    result: dict[int, Availability] = {}
    for who, rule in sorted(rules.items()):
        their_hours = (
            weekly_hours[who]
            if weekly_hours is not None
            else [h for _, h in sorted(weekly.get(who, ()), key=lambda x: x[0])]
        )
        if who not in changed:
            result[who] = Availability(their_hours, [], [], [], rule, [])
            continue
        result[who] = Availability(
            weekly=their_hours,
            overrides=[o for _, o in sorted(overrides.get(who, ()), key=lambda x: x[0])],
            absences=absences.get(who, []),
            bookings=bookings.get(who, []),
            written=written.get(who, []),
            rules=rule,
        )
    return result


def _slots_sql(
    engine: Any,
    ids: Sequence[int],
    start: datetime | None,
    end: datetime | None,
    kinds: frozenset[int] = _STATIC | _CHANGING,
) -> tuple[str, list[Any]]:
    """One statement for :func:`slot_inputs`: a row per profile, weekly rule, date
    override, absence, booking and written consultation (those of ``kinds``; the
    changing ones need ``start`` and ``end``), told apart by ``kind`` (the same on
    both engines: typed NULLs by ``CAST``)."""
    no = {
        "i": "CAST(NULL AS integer)",
        "t": "CAST(NULL AS timestamptz)",
        "d": "CAST(NULL AS date)",
        "h": "CAST(NULL AS time)",
        "b": "CAST(NULL AS boolean)",
    }
    names = ("kind", "specialist", "i1", "i2", "i3", "t1", "t2", "d", "h1", "h2", "flag")
    parts: list[str] = []
    args: list[Any] = []

    def among_ids(column: str) -> str:
        fragment, more = one_of(engine, list(ids), "bigint")
        args.extend(more)
        return f"{column} {fragment}"

    def select(*columns: str) -> str:
        # (named in every part: whichever comes first names the answer's columns)
        named = ", ".join(f"{c} AS {n}" for c, n in zip(columns, names, strict=True))
        return f"SELECT {named} "

    i, t, d, h, flag = no["i"], no["t"], no["d"], no["h"], no["b"]
    if _PROFILE in kinds:
        parts.append(
            select(
                "0",
                "p.id",
                "p.slot_minutes",
                "p.buffer_minutes",
                "p.consultations_per_week",
                t,
                t,
                d,
                h,
                h,
                flag,
            )
            + f"FROM specialist_profile p WHERE {among_ids('p.id')}"
        )
    if _RULE in kinds:
        parts.append(
            select(
                "1",
                "x.specialist",
                "x.weekday",
                i,
                "x.id",
                t,
                t,
                d,
                "x.start_time",
                "x.end_time",
                flag,
            )
            + f"FROM availability_rule x WHERE {among_ids('x.specialist')}"
        )
    if _OVERRIDE in kinds:
        parts.append(
            select(
                "2",
                "x.specialist",
                i,
                i,
                "x.id",
                t,
                t,
                "x.on_date",
                "x.start_time",
                "x.end_time",
                "x.closed",
            )
            + f"FROM availability_override x WHERE {among_ids('x.specialist')}"
        )
    if kinds & {_ABSENCE, _BOOKING, _WRITTEN}:
        if start is None or end is None:
            raise ValueError("the changing kinds need start and end")
        around = (start - timedelta(days=7), end + timedelta(days=7))
    if _ABSENCE in kinds:
        parts.append(
            select("3", "x.specialist", i, i, i, "x.starts_at", "x.ends_at", d, h, h, flag)
            + f"FROM absence x WHERE {among_ids('x.specialist')} "
            "AND x.ends_at > {} AND x.starts_at < {}"
        )
        args += [start, end]
    if _BOOKING in kinds:
        parts.append(
            select("4", "x.specialist", i, i, i, "x.starts_at", "x.ends_at", d, h, h, flag)
            + f"FROM booking x WHERE {among_ids('x.specialist')} "
            "AND x.status = {} AND x.starts_at < {} AND x.ends_at > {}"
        )
        args += [BookingStatus.BOOKED.value, around[1], around[0]]
    if _WRITTEN in kinds:
        not_counted = one_of(engine, [s.value for s in WRITTEN_NOT_COUNTED], "varchar")
        parts.append(
            select("5", "x.specialist", i, i, i, "r.accepted_at", t, d, h, h, flag)
            + "FROM assignment x JOIN consultation_request r ON r.id = x.request "
            f"WHERE {among_ids('x.specialist')} "
            f"AND x.status = {{}} AND r.kind = {{}} AND NOT (r.status {not_counted[0]}) "
            "AND r.accepted_at >= {} AND r.accepted_at < {}"
        )
        args += [
            AssignmentStatus.ACCEPTED.value,
            ConsultationKind.WRITTEN.value,
            *not_counted[1],
            *around,
        ]
    return " UNION ALL ".join(parts), args

"""Writing a :class:`~network.demo.model.DemoNetwork` to the database (the I/O half).

Rows go in with ``Table.insert(*rows)`` in chunks of about a thousand, inside one
transaction, so a failed seed leaves nothing behind. Foreign keys are wired by
reading the new ids back together with each row's natural key (``RETURNING id,
email`` and the like), so the order the database returns rows in does not matter.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

import anyio.to_thread
import msgspec
from piccolo.engine.postgres import PostgresEngine
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from network.accounts.tables import RoleBinding, User
from network.conferences.tables import (
    ConferenceApplication,
    ConferenceCase,
    ConferenceSeries,
    ConferenceSession,
    ConferenceSignup,
    SeriesMunicipality,
)
from network.consultations.tables import Booking, ConsultationRequest
from network.db import insert_chunks
from network.demo import texts
from network.demo.generator import (
    DEFAULT_MENTORING_REQUESTS,
    DEFAULT_REQUESTS,
    DEFAULT_SEED,
    DEFAULT_SPECIALISTS,
    FOCUS_AREA,
    generate_network,
)
from network.demo.introduction import seed_group_parts
from network.demo.model import DemoNetwork, SeedCounts
from network.directory.reference import AreaRow, CountyRow, MunicipalityRow
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    CompetenceArea,
    County,
    Municipality,
    SharingAgreement,
)
from network.kernel.case_scope import system_transaction
from network.lib import clock
from network.lib.clock import STOCKHOLM
from network.lib.demo_users import SOCIAL_WORKER_EMAIL, SPECIALIST_EMAIL
from network.lib.vocab import (
    ApplicationStatus,
    BookingStatus,
    ConferenceKind,
    Role,
    StandingCadence,
    StandingStatus,
)
from network.mentoring.tables import (
    MentoringCohort,
    MentoringProgramme,
    MentoringRequest,
    MentorOffer,
)
from network.peers.tables import PeerPost, PeerReply
from network.specialists.points_model import default_points_capacity
from network.specialists.tables import (
    Absence,
    AvailabilityRule,
    SpecialistCompetence,
    SpecialistProfile,
)
from network.standing.access import series_rows
from network.standing.occurrences import plan_ahead
from network.standing.tables import StandingSeries

__all__ = ("DemoSeedError", "load_generator_inputs", "seed_demo", "seed_if_empty")

_SEED_LOCK_KEY = 7_305_944_112  # pg_advisory_xact_lock key of "seed the demo"


class DemoSeedError(RuntimeError):
    """The database cannot take the demo network (e.g. no reference data loaded)."""


# --------------------------------------------------------------------------- progress


class _Steps:
    """One rich progress bar per step, or nothing when ``enabled`` is false."""

    def __init__(self, enabled: bool) -> None:
        self.progress = (
            Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
            )
            if enabled
            else None
        )

    @contextlib.contextmanager
    def running(self) -> Iterator[_Steps]:
        if self.progress is None:
            yield self
            return
        with self.progress:
            yield self

    def step(self, description: str, total: int) -> Callable[[int], None]:
        progress = self.progress
        if progress is None:
            return lambda _: None
        task = progress.add_task(description, total=total)
        return partial(_advance, progress, task)


def _advance(progress: Progress, task: Any, amount: int) -> None:
    progress.advance(task, amount)


# --------------------------------------------------------------------------- helpers


async def _insert(
    table: Any,
    rows: Sequence[dict[str, Any]],
    advance: Callable[[int], None],
    *,
    returning: Sequence[Any] = (),
) -> list[dict[str, Any]]:
    """Insert ``rows`` (column name → value) in chunks; the ``returning`` columns of each."""
    found: list[dict[str, Any]] = []
    for chunk in insert_chunks(table, rows):
        query = table.insert(*(table(_ignore_missing=True, **row) for row in chunk))
        if returning:
            found.extend(await query.returning(*returning))
        else:
            await query
        advance(len(chunk))
    return found


async def _ids(table: Any) -> dict[str, int]:
    return {r["code"]: r["id"] for r in await table.select(table._meta.primary_key, table.code)}


def _require(kind: str, codes: set[str], known: dict[str, int]) -> None:
    if missing := sorted(codes - known.keys()):
        raise DemoSeedError(
            f"{kind} {', '.join(missing[:5])} not in the database; "
            "load the reference data first (`network load-reference`)"
        )


# --------------------------------------------------------------------------- seeding


async def seed_demo(network: DemoNetwork, *, progress: bool = True) -> SeedCounts:
    """Insert ``network`` into an empty (but migrated, reference-loaded) database.

    All in one transaction; raises :class:`DemoSeedError` if reference rows it
    names are missing. Returns the number of rows written per table.
    """
    steps = _Steps(progress)
    engine = SpecialistProfile._meta.db
    # Acting for the whole network: case rows pass row-level security whoever seeds.
    async with system_transaction(engine):
        county_ids = await _ids(County)
        municipality_ids = await _ids(Municipality)
        area_ids = await _ids(CompetenceArea)
        _require("county", _county_codes(network), county_ids)
        _require("municipality", _municipality_codes(network), municipality_ids)
        _require("competence area", _area_codes(network), area_ids)
        with steps.running():
            counts = await _write(network, steps, county_ids, municipality_ids, area_ids)
        if FOCUS_AREA in area_ids:
            await _seed_conference(area_ids[FOCUS_AREA])
            await _seed_applications(area_ids[FOCUS_AREA])
            await seed_group_parts(area_ids[FOCUS_AREA])
        await _seed_standing()
        await _seed_peers()
    if isinstance(engine, PostgresEngine):
        # Statistics for the planner now, not when autovacuum comes by: a national
        # seed is tens of thousands of rows in tables that were empty.
        await engine.run_ddl("ANALYZE")
    return counts


def _county_codes(network: DemoNetwork) -> set[str]:
    codes = {b.county_code for b in network.role_bindings if b.county_code}
    codes |= {a.county_code for a in network.agreements if a.county_code}
    codes |= {p.county_code for p in network.programmes}
    return codes


def _municipality_codes(network: DemoNetwork) -> set[str]:
    codes = {b.municipality_code for b in network.role_bindings if b.municipality_code}
    codes |= {s.home_municipality_code for s in network.specialists}
    codes |= {c for a in network.agreements for c in a.municipality_codes}
    codes |= {c.origin_municipality_code for c in network.consultations}
    return codes


def _area_codes(network: DemoNetwork) -> set[str]:
    codes = {c.area_code for s in network.specialists for c in s.competences}
    codes |= {c for a in network.agreements for c in a.area_codes}
    codes |= {c.area_code for c in network.consultations}
    codes |= {c for m in network.mentoring_requests for c in m.area_codes}
    return codes


async def _write(
    network: DemoNetwork,
    steps: _Steps,
    county_ids: dict[str, int],
    municipality_ids: dict[str, int],
    area_ids: dict[str, int],
) -> SeedCounts:
    user_rows = [
        {
            "email": u.email,
            "display_name": u.display_name,
            "locale": u.locale,
            "unit": u.unit,
            "years_in_profession": u.years_in_profession,
            "created_at": u.created_at,
        }
        for u in network.users
    ]
    returned = await _insert(
        User,
        user_rows,
        steps.step("users", len(user_rows)),
        returning=(User._meta.primary_key, User.email),
    )
    user_ids = {r["email"]: r["id"] for r in returned}

    created = {u.email: u.created_at for u in network.users}
    binding_rows = [
        {
            "user": user_ids[b.email],
            "role": b.role.value,
            "municipality": municipality_ids[b.municipality_code] if b.municipality_code else None,
            "county": county_ids[b.county_code] if b.county_code else None,
            "created_at": created[b.email],
        }
        for b in network.role_bindings
    ]
    await _insert(RoleBinding, binding_rows, steps.step("role bindings", len(binding_rows)))

    profile_rows = [
        {
            "user": user_ids[s.email],
            "home_municipality": municipality_ids[s.home_municipality_code],
            "title": s.title,
            "languages": list(s.languages),
            "offers_phone": s.offers_phone,
            "offers_video": s.offers_video,
            "offers_on_site": s.offers_on_site,
            "max_travel_km": s.max_travel_km,
            "consultations_per_week": s.consultations_per_week,
            "mentees_capacity": s.mentees_capacity,
            "points_capacity": default_points_capacity(
                s.consultations_per_week, s.mentees_capacity
            ),
            "slot_minutes": s.slot_minutes,
            "buffer_minutes": s.buffer_minutes,
            "accepts_new": True,
            # Synthetic meeting details (the .invalid host never resolves).
            "meeting_video_url": f"https://video.example.invalid/rum/{index + 1}",
            "meeting_phone": f"010-{100 + index % 900} {index % 100:02d} 00",
            "meeting_place": None,
            "created_at": s.created_at,
            "updated_at": s.created_at,
            "version": 1,
        }
        for index, s in enumerate(network.specialists)
    ]
    returned = await _insert(
        SpecialistProfile,
        profile_rows,
        steps.step("specialists", len(profile_rows)),
        returning=(SpecialistProfile._meta.primary_key, SpecialistProfile.user),
    )
    profile_by_user = {r["user"]: r["id"] for r in returned}
    profile_ids = {s.email: profile_by_user[user_ids[s.email]] for s in network.specialists}

    competence_rows = [
        {"specialist": profile_ids[s.email], "area": area_ids[c.area_code], "level": c.level}
        for s in network.specialists
        for c in s.competences
    ]
    await _insert(
        SpecialistCompetence, competence_rows, steps.step("competences", len(competence_rows))
    )
    rule_rows = [
        {
            "specialist": profile_ids[s.email],
            "weekday": r.weekday,
            "start_time": r.start_time,
            "end_time": r.end_time,
        }
        for s in network.specialists
        for r in s.availability
    ]
    await _insert(AvailabilityRule, rule_rows, steps.step("weekly hours", len(rule_rows)))
    absence_rows = [
        {
            "specialist": profile_ids[s.email],
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "reason": a.reason.value,
            "stand_in": None,
            "created_at": a.created_at,
        }
        for s in network.specialists
        for a in s.absences
    ]
    await _insert(Absence, absence_rows, steps.step("absences", len(absence_rows)))

    agreement_rows = [
        {
            "name": a.name,
            "legal_form": a.legal_form.value,
            "scope": a.scope.value,
            "county": county_ids[a.county_code] if a.county_code else None,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
            "created_at": a.created_at,
        }
        for a in network.agreements
    ]
    returned = await _insert(
        SharingAgreement,
        agreement_rows,
        steps.step("agreements", len(agreement_rows)),
        returning=(SharingAgreement._meta.primary_key, SharingAgreement.name),
    )
    agreement_ids = {r["name"]: r["id"] for r in returned}
    if len(agreement_ids) != len(network.agreements):
        raise DemoSeedError("the demo network has two agreements with the same name")
    member_rows = [
        {"agreement": agreement_ids[a.name], "municipality": municipality_ids[code]}
        for a in network.agreements
        for code in a.municipality_codes
    ]
    await _insert(
        AgreementMunicipality, member_rows, steps.step("agreement members", len(member_rows))
    )
    agreement_area_rows = [
        {"agreement": agreement_ids[a.name], "area": area_ids[code]}
        for a in network.agreements
        for code in a.area_codes
    ]
    await _insert(
        AgreementArea, agreement_area_rows, steps.step("agreement areas", len(agreement_area_rows))
    )

    programme_rows = [
        {
            "name": p.name,
            "county": county_ids[p.county_code],
            "start_date": p.start_date,
            "end_date": p.end_date,
            "steps": json.dumps(list(p.steps), ensure_ascii=False),
            "created_by": user_ids.get(p.created_by_email) if p.created_by_email else None,
            "created_at": p.created_at,
        }
        for p in network.programmes
    ]
    returned = await _insert(
        MentoringProgramme,
        programme_rows,
        steps.step("mentoring programmes", len(programme_rows)),
        returning=(MentoringProgramme._meta.primary_key, MentoringProgramme.name),
    )
    programme_ids = {r["name"]: r["id"] for r in returned}
    # One cohort per programme, and every specialist of the programme's county who
    # takes mentees offers to mentor in it (their competences, languages and modes).
    cohort_rows = [
        {
            "programme": programme_ids[p.name],
            "name": "Kull 1",
            "start_date": p.start_date,
            "end_date": p.end_date,
            "created_at": p.created_at,
        }
        for p in network.programmes
    ]
    returned = await _insert(
        MentoringCohort,
        cohort_rows,
        steps.step("mentoring cohorts", len(cohort_rows)),
        returning=(MentoringCohort._meta.primary_key, MentoringCohort.programme),
    )
    cohort_ids = {r["programme"]: r["id"] for r in returned}
    county_of = {
        row["code"]: row["county"]
        for row in await Municipality.select(
            Municipality.code, Municipality.county._.code.as_alias("county")
        )
    }
    offer_rows = [
        {
            "programme": programme_ids[p.name],
            "user": user_ids[s.email],
            "municipality": municipality_ids[s.home_municipality_code],
            "capacity": min(s.mentees_capacity, 10),
            "areas": json.dumps([c.area_code for c in s.competences]),
            "languages": json.dumps(list(s.languages)),
            "modes": json.dumps(
                [
                    mode
                    for mode, offered in (
                        ("video", s.offers_video),
                        ("phone", s.offers_phone),
                        ("on_site", s.offers_on_site),
                    )
                    if offered
                ]
                or ["video"]
            ),
            "ranking": "[]",
            "active": True,
            "created_at": p.created_at,
        }
        for p in network.programmes
        for s in network.specialists
        if s.mentees_capacity > 0
        and s.competences
        and county_of[s.home_municipality_code] == p.county_code
    ]
    await _insert(MentorOffer, offer_rows, steps.step("mentors", len(offer_rows)))
    home = {b.email: b.municipality_code for b in network.role_bindings if b.municipality_code}

    consultation_rows = [
        {
            "area": area_ids[c.area_code],
            "origin_municipality": municipality_ids[c.origin_municipality_code],
            "requester": user_ids[c.requester_email],
            "named_specialist": None,
            "kind": c.kind.value,
            "urgency": c.urgency.value,
            "mode": c.mode.value,
            "language": c.language,
            "summary": c.summary,
            "latest_date": c.latest_date,
            "status": c.status.value,
            "created_at": c.created_at,
            "opened_at": c.opened_at,
            "version": 1,
        }
        for c in network.consultations
    ]
    await _insert(
        ConsultationRequest,
        consultation_rows,
        steps.step("consultation requests", len(consultation_rows)),
    )
    mentoring_rows = [
        {
            "programme": programme_ids[m.programme_name] if m.programme_name else None,
            "mentee": user_ids[m.mentee_email],
            "areas": json.dumps(list(m.area_codes)),
            "language": m.language,
            "mode": m.mode.value,
            "match_constraint": m.match_constraint.value,
            "status": m.status.value,
            "cohort": cohort_ids[programme_ids[m.programme_name]] if m.programme_name else None,
            "municipality": municipality_ids[home[m.mentee_email]],
            "wishes": "[]",
            "created_at": m.created_at,
        }
        for m in network.mentoring_requests
    ]
    await _insert(
        MentoringRequest, mentoring_rows, steps.step("mentoring requests", len(mentoring_rows))
    )
    return SeedCounts(
        users=len(user_rows),
        role_bindings=len(binding_rows),
        specialists=len(profile_rows),
        competences=len(competence_rows),
        availability_rules=len(rule_rows),
        absences=len(absence_rows),
        agreements=len(agreement_rows),
        agreement_municipalities=len(member_rows),
        agreement_areas=len(agreement_area_rows),
        programmes=len(programme_rows),
        cohorts=len(cohort_rows),
        mentor_offers=len(offer_rows),
        consultations=len(consultation_rows),
        mentoring_requests=len(mentoring_rows),
    )


async def _seed_conference(area: int) -> None:
    """One case conference series of the demo specialist (the hub) in the focus area,
    serving the focus county's municipalities that have social workers (the demo social
    worker's first, at least three): a past session with attendance, a case and its
    recommendation, and an upcoming one the demo social worker has signed up for. Each
    session holds the hub's time as a booking, as one scheduled in the app does."""
    hub = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.home_municipality.as_alias("home"),
            SpecialistProfile.home_municipality._.county.as_alias("county"),
        )
        .where(SpecialistProfile.user._.email == SPECIALIST_EMAIL)
        .first()
    )
    if hub is None:
        return
    workers = (
        await RoleBinding.select(
            RoleBinding.user, RoleBinding.user._.email.as_alias("email"), RoleBinding.municipality
        )
        .where(
            (RoleBinding.role == Role.SOCIAL_WORKER)
            & (RoleBinding.municipality._.county == hub["county"])
        )
        .order_by(RoleBinding.user)
    )
    by_place: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(workers, key=lambda r: r["email"] != SOCIAL_WORKER_EMAIL):
        by_place.setdefault(row["municipality"], []).append(row)
    places = list(by_place)[:5]
    if len(places) < 3:
        return
    now = clock.now()
    series = ConferenceSeries(
        title="Hedersrelaterat våld – länets fallkonferens",
        area=area,
        hub=hub["id"],
        home_municipality=hub["home"],
        duration_minutes=90,
        capacity=12,
        created_at=now - timedelta(days=60),
    )
    await series.save()
    for place in sorted({*places, hub["home"]}):
        await SeriesMunicipality(series=series.id, municipality=place).save()
    attendees = [by_place[place][0] for place in places]
    today = now.astimezone(STOCKHOLM).date()
    for weeks, topic in ((-3, "Riskbedömning med PATRIARK"), (2, "Samtal med barn om heder")):
        day = today - timedelta(days=today.weekday() - 2) + timedelta(weeks=weeks)  # Wednesday
        start = datetime.combine(day, time(13, 5), tzinfo=STOCKHOLM).astimezone(UTC)
        end = start + timedelta(minutes=90)
        booking = Booking(
            specialist=hub["id"],
            origin_municipality=hub["home"],
            starts_at=start,
            ends_at=end,
            status=BookingStatus.BOOKED,
            created_at=now,
        )
        await booking.save()
        past = weeks < 0
        session = ConferenceSession(
            series=series.id,
            starts_at=start,
            ends_at=end,
            topic=topic,
            booking=booking.id,
            attendance_recorded_at=end if past else None,
            created_at=now,
        )
        await session.save()
        for person in attendees if past else attendees[:1]:
            await ConferenceSignup(
                session=session.id,
                user=person["user"],
                municipality=person["municipality"],
                attended=True if past else None,
                created_at=start - timedelta(days=7),
            ).save()
        if past:
            await ConferenceCase(
                session=session.id,
                presenter=attendees[0]["user"],
                origin_municipality=attendees[0]["municipality"],
                specialist=hub["id"],
                question="Hur bedömer vi risken när en flicka berättar om en resa i sommar?",
                presentation=texts.CONFERENCE_CASE,
                recommendation=texts.CONFERENCE_ANSWER,
                recommended_at=end,
                created_at=start - timedelta(days=3),
            ).save()


async def _seed_applications(area: int) -> None:
    """A second series of the demo hub, opened by application, with one upcoming
    session of six seats and more applicants than seats (the focus county's social
    workers, the demo social worker first, some speaking Arabic or Finnish too): the
    hub and the coordinator find a group placement to preview on first start."""
    hub = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.home_municipality.as_alias("home"),
            SpecialistProfile.home_municipality._.county.as_alias("county"),
        )
        .where(SpecialistProfile.user._.email == SPECIALIST_EMAIL)
        .first()
    )
    if hub is None:
        return
    workers = (
        await RoleBinding.select(
            RoleBinding.user, RoleBinding.user._.email.as_alias("email"), RoleBinding.municipality
        )
        .where(
            (RoleBinding.role == Role.SOCIAL_WORKER)
            & (RoleBinding.municipality._.county == hub["county"])
        )
        .order_by(RoleBinding.user)
    )
    applicants = sorted(workers, key=lambda r: r["email"] != SOCIAL_WORKER_EMAIL)[:14]
    if len(applicants) < 8:
        return
    now = clock.now()
    series = ConferenceSeries(
        title="Hedersrelaterat våld – fördjupningsgrupp",
        area=area,
        hub=hub["id"],
        home_municipality=hub["home"],
        duration_minutes=90,
        capacity=6,
        language="sv",
        by_application=True,
        created_at=now - timedelta(days=20),
    )
    await series.save()
    for place in sorted({*(a["municipality"] for a in applicants), hub["home"]}):
        await SeriesMunicipality(series=series.id, municipality=place).save()
    today = now.astimezone(STOCKHOLM).date()
    day = today - timedelta(days=today.weekday() - 3) + timedelta(weeks=3)  # Thursday
    start = datetime.combine(day, time(9, 5), tzinfo=STOCKHOLM).astimezone(UTC)
    end = start + timedelta(minutes=90)
    booking = Booking(
        specialist=hub["id"],
        origin_municipality=hub["home"],
        starts_at=start,
        ends_at=end,
        status=BookingStatus.BOOKED,
        created_at=now,
    )
    await booking.save()
    await ConferenceSession(
        series=series.id,
        starts_at=start,
        ends_at=end,
        topic="Skyddsplanering och samverkan",
        booking=booking.id,
        created_at=now,
    ).save()
    for number, person in enumerate(applicants):
        languages = ("sv,ar", "sv,fi", "ar,sv")[number % 3] if number % 4 == 3 else "sv"
        await ConferenceApplication(
            series=series.id,
            user=person["user"],
            municipality=person["municipality"],
            languages=languages,
            rank=1,
            status=ApplicationStatus.WAITING,
            created_at=now - timedelta(days=10 - number % 7),
        ).save()


async def _seed_peers() -> None:
    """The demo specialist's peer groups: for each of their competence areas, one
    national series of network meetings hosted by another specialist of the area (the
    demo specialist when they are its only one), with one upcoming session booked in the
    host's calendar that the demo specialist can sign up for, and a few posts in the
    group's thread by the area's other specialists, some answered."""
    me = (
        await SpecialistProfile.select(SpecialistProfile.id, SpecialistProfile.user)
        .where(SpecialistProfile.user._.email == SPECIALIST_EMAIL)
        .first()
    )
    if me is None:
        return
    areas = await SpecialistCompetence.select(
        SpecialistCompetence.area,
        SpecialistCompetence.area._.name_sv.as_alias("name"),
    ).where(SpecialistCompetence.specialist == me["id"])
    now = clock.now()
    today = now.astimezone(STOCKHOLM).date()
    for index, area in enumerate(sorted(areas, key=lambda a: a["area"])):
        others = (
            await SpecialistCompetence.select(
                SpecialistCompetence.specialist,
                SpecialistCompetence.specialist._.user.as_alias("user"),
                SpecialistCompetence.specialist._.home_municipality.as_alias("home"),
            )
            .where(
                (SpecialistCompetence.area == area["area"])
                & (SpecialistCompetence.specialist != me["id"])
                & SpecialistCompetence.specialist._.user._.active.eq(True)
            )
            .order_by(SpecialistCompetence.specialist)
            .limit(4)
        )
        host = others[0] if others else None
        mine = (
            await SpecialistProfile.select(SpecialistProfile.home_municipality)
            .where(SpecialistProfile.id == me["id"])
            .first()
        ) or {}
        host_id = host["specialist"] if host else me["id"]
        home = host["home"] if host else mine.get("home_municipality")
        series = ConferenceSeries(
            title=f"Nätverksträff: {area['name']}",
            kind=ConferenceKind.PEER_NETWORK,
            area=area["area"],
            hub=host_id,
            home_municipality=home,
            duration_minutes=60,
            capacity=30,
            created_at=now - timedelta(days=30),
        )
        await series.save()
        # A Thursday morning three weeks on, at an odd minute no slot starts at.
        day = today - timedelta(days=today.weekday() - 3) + timedelta(weeks=3 + index)
        start = datetime.combine(day, time(9, 5), tzinfo=STOCKHOLM).astimezone(UTC)
        end = start + timedelta(minutes=60)
        booking = Booking(
            specialist=host_id,
            origin_municipality=home,
            starts_at=start,
            ends_at=end,
            status=BookingStatus.BOOKED,
            created_at=now,
        )
        await booking.save()
        await ConferenceSession(
            series=series.id,
            starts_at=start,
            ends_at=end,
            topic="Erfarenhetsutbyte och aktuella frågor",
            booking=booking.id,
            created_at=now,
        ).save()
        writers = others or [{"user": me["user"], "home": home}]
        for number, (subject, body, answer) in enumerate(texts.PEER_POSTS):
            writer = writers[number % len(writers)]
            posted = now - timedelta(days=12 - 4 * number)
            post = PeerPost(
                area=area["area"],
                author=writer["user"],
                municipality=writer["home"],
                subject=subject,
                body=body,
                created_at=posted,
            )
            await post.save()
            if answer:
                replier = writers[(number + 1) % len(writers)]
                await PeerReply(
                    post=post.id,
                    area=area["area"],
                    author=replier["user"],
                    municipality=replier["home"],
                    body=answer,
                    created_at=posted + timedelta(hours=5),
                ).save()


async def _seed_standing() -> None:
    """Standing support of the demo specialist: a weekly Monday time with the demo
    social worker (agreed), a fortnightly Thursday time with a unit of another focus
    county municipality (proposed by the county's coordinator, agreed), and a Tuesday
    time the specialist has proposed to the demo social worker, waiting for an answer.
    The agreed ones are booked for the coming weeks as agreeing in the app does."""
    specialist = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.user,
            SpecialistProfile.home_municipality._.county.as_alias("county"),
        )
        .where(SpecialistProfile.user._.email == SPECIALIST_EMAIL)
        .first()
    )
    worker = (
        await RoleBinding.select(RoleBinding.user, RoleBinding.municipality)
        .where(
            (RoleBinding.user._.email == SOCIAL_WORKER_EMAIL)
            & (RoleBinding.role == Role.SOCIAL_WORKER)
        )
        .first()
    )
    coordinator = (
        await RoleBinding.select(RoleBinding.user)
        .where(RoleBinding.role == Role.COORDINATOR)
        .where(RoleBinding.user._.email == "coordinator@demo.invalid")
        .first()
    )
    if specialist is None or worker is None:
        return
    other = (
        await Municipality.select(Municipality.id)
        .where(
            (Municipality.county == specialist["county"])
            & (Municipality.id != worker["municipality"])
        )
        .order_by(Municipality.population)
        .first()
    )
    now = clock.now()
    today = now.astimezone(STOCKHOLM).date()
    monday = today - timedelta(days=today.weekday())
    made = []
    for fields in (
        {
            "social_worker": worker["user"],
            "municipality": worker["municipality"],
            "weekday": 0,
            "start_time": time(9),
            "status": StandingStatus.ACTIVE,
            "by_specialist": True,
            "proposed_by": specialist["user"],
            "answered_by": worker["user"],
        },
        {
            "social_worker": None,
            "municipality": other["id"] if other else worker["municipality"],
            "unit": "Barn och unga, utredning",
            "weekday": 3,
            "start_time": time(10),
            "cadence": StandingCadence.FORTNIGHTLY,
            "status": StandingStatus.ACTIVE,
            "by_specialist": False,
            "proposed_by": coordinator["user"] if coordinator else None,
            "answered_by": specialist["user"],
        },
        {
            "social_worker": worker["user"],
            "municipality": worker["municipality"],
            "weekday": 1,
            "start_time": time(14),
            "status": StandingStatus.PROPOSED,
            "by_specialist": True,
            "proposed_by": specialist["user"],
        },
    ):
        series = StandingSeries(
            specialist=specialist["id"],
            duration_minutes=45,
            mode="video",
            first_date=monday + timedelta(weeks=1),
            created_at=now - timedelta(days=7),
            answered_at=now - timedelta(days=6) if fields.get("answered_by") else None,
            **fields,
        )
        await series.save()
        made.append(series.id)
    for row in await series_rows(StandingSeries.id.is_in(made)):
        if row.status == StandingStatus.ACTIVE:
            await plan_ahead(row, user_id=row.answered_by, now=now, strict=False)


# --------------------------------------------------------------------------- entry point


async def load_generator_inputs() -> tuple[list[MunicipalityRow], list[CountyRow], list[AreaRow]]:
    """The reference rows in the database, as the generator's inputs (without boundaries)."""
    municipalities = await Municipality.select(
        Municipality.code,
        Municipality.name,
        Municipality.county.code.as_alias("county_code"),
        Municipality.population,
        Municipality.latitude,
        Municipality.longitude,
    ).order_by(Municipality.code)
    counties = await County.select(County.code, County.name).order_by(County.code)
    areas = (
        await CompetenceArea.select(
            CompetenceArea.code,
            CompetenceArea.name_sv,
            CompetenceArea.name_en,
            CompetenceArea.description_en,
        )
        .where(CompetenceArea.active.eq(True))
        .order_by(CompetenceArea.code)
    )
    return (
        msgspec.convert(municipalities, list[MunicipalityRow]),
        msgspec.convert(counties, list[CountyRow]),
        msgspec.convert(areas, list[AreaRow]),
    )


def stockholm_today() -> date:
    """Today's date in Sweden."""
    return clock.now().astimezone(STOCKHOLM).date()


async def seed_if_empty(
    *,
    specialists: int = DEFAULT_SPECIALISTS,
    requests: int = DEFAULT_REQUESTS,
    mentoring_requests: int = DEFAULT_MENTORING_REQUESTS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    progress: bool = True,
) -> bool:
    """Generate and seed the demo network unless the database has specialists already.

    Returns whether it seeded. The check and the seed share one transaction (on
    PostgreSQL under an advisory lock), so two processes starting at once seed once.
    """
    engine = SpecialistProfile._meta.db
    # Acting for the whole network: case rows pass row-level security whoever seeds.
    async with system_transaction(engine):
        if isinstance(engine, PostgresEngine):
            await SpecialistProfile.raw("SELECT pg_advisory_xact_lock({})", _SEED_LOCK_KEY)
        if await SpecialistProfile.count() > 0:
            return False
        municipalities, counties, areas = await load_generator_inputs()
        if not municipalities:
            raise DemoSeedError(
                "no municipalities in the database; load the reference data first "
                "(`network load-reference`)"
            )
        network = await anyio.to_thread.run_sync(
            partial(
                generate_network,
                municipalities,
                counties,
                areas,
                specialists=specialists,
                requests=requests,
                mentoring_requests=mentoring_requests,
                seed=seed,
                today=today or stockholm_today(),
            )
        )
        await seed_demo(network, progress=progress)
    return True

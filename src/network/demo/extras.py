"""Synthetic figures for the FoU views of the demo, marked as synthetic:

- workforce indicators for every municipality for the last two years (the
  ``synthetic`` flag is set, and the page says so): headcounts in proportion to the
  population, with smaller municipalities more often short of experienced staff,
  more reliant on agency consultants and with higher turnover, as the articles this
  platform grew from describe;
- closed consultations with their close-out surveys in the focus county this year,
  so that the outcome reports have something to show (no case text beyond a fixed
  demo sentence, no requester);
- a history for the trend charts: closed and expired consultations in the focus
  county in the months before this year (back to ``HISTORY_MONTHS`` ago), with
  waits that shorten as the network grows, and a coverage snapshot for every past
  month of that window, every municipality: the network as it stands, with some
  municipality × area cells covered only since a month within the window.
- the demo specialist's co-handling engagements of the demo social worker's
  municipality, in several phases (:mod:`network.demo.engagements`).
- open (accepted) consultations of the focus county's specialists, so that their
  load in case points shows on the first start: the demo specialist's about a third
  of their budget, one colleague's above it (the pages warn).

Deterministic: equal inputs and seed give equal rows.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from network.accounts.tables import User
from network.consultations.tables import Assignment, ConsultationRequest, Feedback
from network.coverage.loader import load_graph
from network.coverage.tables import CoverageSnapshot, WorkforceIndicator
from network.db import insert_chunks
from network.demo.engagements import seed_engagements
from network.demo.generator import DEFAULT_SEED, FOCUS_AREA, FOCUS_COUNTY, SECOND_AREA
from network.demo.model import MunicipalityLike
from network.demo.seed import load_generator_inputs, stockholm_today
from network.directory.tables import CompetenceArea, Municipality
from network.graph.coverage import Service, Status, coverage
from network.graph.history import SnapshotFact, facts_of
from network.kernel.case_scope import system_transaction
from network.lib.demo_users import SOCIAL_WORKER_EMAIL, SPECIALIST_EMAIL
from network.lib.vocab import (
    AssignmentStatus,
    ConsultationKind,
    ConsultationStatus,
    Referral,
    Urgency,
)
from network.specialists.tables import SpecialistProfile

__all__ = (
    "HISTORY_MONTHS",
    "past_months",
    "seed_demo_extras",
    "seed_extras",
    "seed_history",
    "seed_workload",
    "synthetic_demand",
    "synthetic_snapshots",
    "synthetic_surveys",
    "synthetic_workforce",
)

SURVEY_SUMMARY = "Syntetisk demokonsultation (avslutad)."
HISTORY_SUMMARY = "Syntetisk demokonsultation (historik)."
HISTORY_MONTHS = 18  # months of history before this one (the trend charts' window)
OPEN_SUMMARY = "Syntetisk demokonsultation (pågående)."
# The demo specialist's open work: (area, kind, urgency), 8 + 5 + 5 case points.
DEMO_SPECIALIST_WORK = (
    (FOCUS_AREA, ConsultationKind.MEETING, Urgency.ACUTE),
    ("lvu_investigation", ConsultationKind.WRITTEN, Urgency.SOON),
    (FOCUS_AREA, ConsultationKind.MEETING, Urgency.PLANNED),
)


def synthetic_workforce(
    municipalities: Sequence[MunicipalityLike], today: date, seed: int
) -> list[dict[str, Any]]:
    """Rows of ``WorkforceIndicator`` for last year and the year before."""
    rows = []
    for place in sorted(municipalities, key=lambda m: m.code):
        rng = random.Random(f"{seed}:workforce:{place.code}")
        small = place.population < 15_000
        base = max(2, round(place.population / 1100 * rng.uniform(0.8, 1.2)))
        for year in (today.year - 2, today.year - 1):
            workers = max(2, round(base * rng.uniform(0.92, 1.08)))
            rows.append(
                {
                    "municipality": place.code,
                    "year": year,
                    "social_workers": workers,
                    "new_share": round(rng.uniform(18, 45) if small else rng.uniform(8, 30), 1),
                    "turnover": round(rng.uniform(15, 45) if small else rng.uniform(8, 28), 1),
                    "vacancies": round(workers * rng.uniform(0, 0.15)),
                    "agency_consultants": round(
                        workers * (rng.uniform(0.05, 0.3) if small else rng.uniform(0, 0.1))
                    ),
                    "sick_leave": round(rng.uniform(4, 11), 1),
                    "case_points": round(rng.uniform(35, 75), 1),
                    "source": "synthetic",
                    "synthetic": True,
                }
            )
    return rows


def synthetic_surveys(
    municipalities: Sequence[MunicipalityLike], today: date, seed: int
) -> list[dict[str, Any]]:
    """Closed consultations of this year in the focus county, each with its survey:
    municipality code, area code, when it closed and the answers."""
    rng = random.Random(f"{seed}:surveys")
    places = sorted(
        (m for m in municipalities if m.county_code == FOCUS_COUNTY), key=lambda m: m.code
    )
    days = max((today - date(today.year, 1, 1)).days, 1)
    found = []
    for place in places:
        count = round(min(60, 3 + place.population / 4000) * rng.uniform(0.6, 1.3))
        for _ in range(count):
            area = rng.choices((FOCUS_AREA, SECOND_AREA, "domestic_violence"), (5, 3, 2))[0]
            changed = rng.random() < (0.45 if area == FOCUS_AREA else 0.3)
            closed = datetime.combine(
                date(today.year, 1, 1) + timedelta(days=rng.randrange(days)), time(10), UTC
            )
            found.append(
                {
                    "municipality": place.code,
                    "area": area,
                    "closed_at": closed,
                    "wait_days": rng.randint(3, 18),
                    "helpful": rng.choices((2, 3, 4, 5), (1, 2, 4, 4))[0],
                    "changed_risk_assessment": changed,
                    "escalation_avoided": rng.random() < 0.35,
                    "placement_avoided": changed and rng.random() < 0.4,
                    "referral_avoided": rng.random() < 0.15,
                    "referral_made": rng.choices(
                        (Referral.NONE, Referral.BARNAHUS, Referral.BUP, Referral.POLICE),
                        (7, 1, 1, 1),
                    )[0].value,
                }
            )
    return found


async def seed_extras(municipalities: Sequence[MunicipalityLike], today: date, seed: int) -> None:
    """Insert the synthetic workforce and surveys (inside the caller's transaction)."""
    now = datetime.now(UTC)
    workforce = synthetic_workforce(municipalities, today, seed)
    if workforce:
        await WorkforceIndicator.insert(
            *(WorkforceIndicator(updated_at=now, **row) for row in workforce)
        )
    surveys = synthetic_surveys(municipalities, today, seed)
    if not surveys:
        return
    town = {
        r["code"]: r["id"] for r in await Municipality.select(Municipality.code, Municipality.id)
    }
    topic = {
        r["code"]: r["id"]
        for r in await CompetenceArea.select(CompetenceArea.code, CompetenceArea.id)
    }
    requests = [
        ConsultationRequest(
            area=topic[s["area"]],
            origin_municipality=town[s["municipality"]],
            requester=None,
            kind=ConsultationKind.MEETING,
            summary=SURVEY_SUMMARY,
            status=ConsultationStatus.COMPLETED,
            created_at=s["closed_at"] - timedelta(days=s["wait_days"] + 1),
            opened_at=s["closed_at"] - timedelta(days=s["wait_days"] + 1),
            accepted_at=s["closed_at"] - timedelta(days=s["wait_days"]),
            meeting_at=s["closed_at"] - timedelta(days=1),
            closed_at=s["closed_at"],
            minutes_spent=60,
        )
        for s in surveys
    ]
    saved = await ConsultationRequest.insert(*requests).returning(ConsultationRequest.id)
    await Feedback.insert(
        *(
            Feedback(
                request=row["id"],
                origin_municipality=town[s["municipality"]],
                author=None,
                helpful=s["helpful"],
                changed_risk_assessment=s["changed_risk_assessment"],
                escalation_avoided=s["escalation_avoided"],
                placement_avoided=s["placement_avoided"],
                referral_avoided=s["referral_avoided"],
                referral_made=s["referral_made"],
                created_at=s["closed_at"],
            )
            for row, s in zip(saved, surveys, strict=True)
        )
    )


def past_months(today: date, count: int = HISTORY_MONTHS) -> list[date]:
    """The first days of the ``count`` months before ``today``'s, oldest first."""
    found = []
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        found.append(month)
    return found[::-1]


def synthetic_demand(
    municipalities: Sequence[MunicipalityLike], today: date, seed: int
) -> list[dict[str, Any]]:
    """Consultations of the focus county in the window's months before this year:
    municipality, area, when opened, the meeting (None: expired unplaced). Waits
    shorten and fewer requests go unplaced as the months go by, as a growing network
    would have it."""
    rng = random.Random(f"{seed}:demand")
    places = sorted(
        (m for m in municipalities if m.county_code == FOCUS_COUNTY), key=lambda m: m.code
    )
    months = [m for m in past_months(today) if m.year < today.year]
    found = []
    for index, month in enumerate(months):
        progress = index / max(len(months) - 1, 1)  # 0 oldest … 1 newest
        following = (month + timedelta(days=32)).replace(day=1)
        days = (following - month).days
        for place in places:
            count = round(min(12, 0.3 + place.population / 40_000) * rng.uniform(0.5, 1.5))
            for _ in range(count):
                area = rng.choices((FOCUS_AREA, SECOND_AREA, "domestic_violence"), (5, 3, 2))[0]
                opened = datetime.combine(month + timedelta(days=rng.randrange(days)), time(9), UTC)
                unplaced = rng.random() < 0.25 - 0.15 * progress
                wait = max(1, round(rng.uniform(8, 30) * (1 - 0.5 * progress)))
                found.append(
                    {
                        "municipality": place.code,
                        "area": area,
                        "opened_at": opened,
                        "meeting_at": None if unplaced else opened + timedelta(days=wait),
                    }
                )
    return found


def synthetic_snapshots(
    facts: Sequence[SnapshotFact], today: date, seed: int
) -> list[SnapshotFact]:
    """The coverage of every past month of the window, from today's ``facts``: about a
    third of the covered cells became covered in a month within the window (before
    it, no coverage and no specialists there); the rest were covered throughout."""
    months = past_months(today)
    found = []
    for fact in facts:
        rng = random.Random(f"{seed}:history:{fact.municipality}:{fact.area}")
        since = len(months) + 1  # months ago the cell became covered
        if fact.status is not Status.NONE and rng.random() < 0.35:
            since = rng.randint(1, len(months))
        for month in months:
            ago = (today.year - month.year) * 12 + today.month - month.month
            if ago >= since:
                found.append(
                    SnapshotFact(
                        month=month.strftime("%Y-%m"),
                        municipality=fact.municipality,
                        county=fact.county,
                        area=fact.area,
                        status=Status.NONE,
                        population=fact.population,
                        local_specialists=0,
                        local_hours=0.0,
                        reachable_hours=0.0,
                    )
                )
            else:
                found.append(
                    SnapshotFact(
                        month=month.strftime("%Y-%m"),
                        municipality=fact.municipality,
                        county=fact.county,
                        area=fact.area,
                        status=fact.status,
                        population=fact.population,
                        local_specialists=fact.local_specialists,
                        local_hours=fact.local_hours,
                        reachable_hours=fact.reachable_hours,
                    )
                )
    return found


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


async def seed_history(today: date, seed: int) -> None:
    """The past requests and monthly snapshots of the window (once: not when a past
    month already has a snapshot)."""
    first = past_months(today)[0].strftime("%Y-%m")
    if await CoverageSnapshot.exists().where(CoverageSnapshot.month >= first):
        return
    network, graph = await load_graph(today)
    weekly = {s.id: s.weekly_hours for s in network.specialists.values()}
    now = facts_of(today.strftime("%Y-%m"), coverage(graph, Service.CONSULTATION), weekly)
    rows = [
        CoverageSnapshot(
            month=f.month,
            taken_on=_month_end(date.fromisoformat(f"{f.month}-01")),
            municipality=f.municipality,
            county=f.county,
            area=f.area,
            status=f.status.value,
            population=f.population,
            local_specialists=f.local_specialists,
            local_hours=f.local_hours,
            reachable_hours=f.reachable_hours,
        )
        for f in synthetic_snapshots(now, today, seed)
    ]
    municipalities, _, _ = await load_generator_inputs()
    past = synthetic_demand(municipalities, today, seed)
    town = {
        r["code"]: r["id"] for r in await Municipality.select(Municipality.code, Municipality.id)
    }
    topic = {
        r["code"]: r["id"]
        for r in await CompetenceArea.select(CompetenceArea.code, CompetenceArea.id)
    }
    requests = [
        ConsultationRequest(
            area=topic[r["area"]],
            origin_municipality=town[r["municipality"]],
            requester=None,
            kind=ConsultationKind.MEETING,
            summary=HISTORY_SUMMARY,
            status=ConsultationStatus.EXPIRED
            if r["meeting_at"] is None
            else ConsultationStatus.COMPLETED,
            created_at=r["opened_at"],
            opened_at=r["opened_at"],
            accepted_at=None if r["meeting_at"] is None else r["opened_at"] + timedelta(days=1),
            meeting_at=r["meeting_at"],
            closed_at=r["opened_at"] + timedelta(days=35)
            if r["meeting_at"] is None
            else r["meeting_at"],
            minutes_spent=None if r["meeting_at"] is None else 60,
        )
        for r in past
    ]
    async with system_transaction(CoverageSnapshot._meta.db):
        for chunk in insert_chunks(CoverageSnapshot, rows):
            await CoverageSnapshot.insert(*chunk)
        for batch in insert_chunks(ConsultationRequest, requests):
            await ConsultationRequest.insert(*batch)


async def seed_demo_extras(seed: int | None = None, today: date | None = None) -> None:
    """The synthetic workforce and surveys of the ``network demo`` (not ``network
    seed``, whose counts other tools rely on), once, right after the demo was seeded."""
    engine = WorkforceIndicator._meta.db
    async with system_transaction(engine):
        if await WorkforceIndicator.count() > 0:
            return
        municipalities, _, _ = await load_generator_inputs()
        await seed_extras(
            municipalities, today or stockholm_today(), DEFAULT_SEED if seed is None else seed
        )
        await seed_engagements()
        await seed_workload()
    await seed_history(today or stockholm_today(), DEFAULT_SEED if seed is None else seed)


async def seed_workload() -> None:
    """Open consultations of the focus county's specialists (inside the caller's
    transaction): the demo specialist's :data:`DEMO_SPECIALIST_WORK`, the next
    specialist's acute LVU meetings (8 points each) until one over their budget, and
    one planned meeting for a few more."""
    profiles = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.points_capacity,
            SpecialistProfile.home_municipality,
            SpecialistProfile.user._.email.as_alias("email"),
        )
        .where(SpecialistProfile.home_municipality._.county._.code == FOCUS_COUNTY)
        .order_by(SpecialistProfile.id)
    )
    if not profiles:
        return
    demo = [p for p in profiles if p["email"] == SPECIALIST_EMAIL]
    others = [p for p in profiles if p["email"] != SPECIALIST_EMAIL]
    work: list[tuple[dict[str, Any], str, ConsultationKind, Urgency]] = [
        (p, area, kind, urgency) for p in demo for area, kind, urgency in DEMO_SPECIALIST_WORK
    ]
    if others:
        busy = others[0]
        work += [(busy, "lvu_investigation", ConsultationKind.MEETING, Urgency.ACUTE)] * (
            busy["points_capacity"] // 8 + 1
        )
    work += [(p, SECOND_AREA, ConsultationKind.MEETING, Urgency.PLANNED) for p in others[1:6]]
    topic = {
        r["code"]: r["id"]
        for r in await CompetenceArea.select(CompetenceArea.code, CompetenceArea.id)
    }
    requester = await User.select(User.id).where(User.email == SOCIAL_WORKER_EMAIL).first()
    now = datetime.now(UTC)
    requests = [
        ConsultationRequest(
            area=topic[area],
            origin_municipality=p["home_municipality"],
            requester=requester["id"] if requester else None,
            kind=kind,
            urgency=urgency,
            summary=OPEN_SUMMARY,
            status=ConsultationStatus.ACCEPTED,
            created_at=now - timedelta(days=3),
            opened_at=now - timedelta(days=3),
            accepted_at=now - timedelta(days=2),
        )
        for p, area, kind, urgency in work
        if area in topic
    ]
    if not requests:
        return
    saved = await ConsultationRequest.insert(*requests).returning(ConsultationRequest.id)
    placed = [item for item in work if item[1] in topic]
    await Assignment.insert(
        *(
            Assignment(
                request=row["id"],
                specialist=p["id"],
                origin_municipality=p["home_municipality"],
                status=AssignmentStatus.ACCEPTED,
                created_at=now - timedelta(days=2),
                responded_at=now - timedelta(days=2),
            )
            for row, (p, _, _, _) in zip(saved, placed, strict=True)
        )
    )

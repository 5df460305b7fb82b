"""Mentoring programmes and their cohorts.

A programme is run by a county (every municipality of it takes part) or by a
group of municipalities. Everyone signed in may read programmes (they are how a
new social worker finds one); coordinators whose scope holds every participant
create and change them and their cohorts. Every write is audited.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from network.audit.services import record
from network.directory.parties import Members, check_parties
from network.directory.tables import Municipality
from network.kernel.context import Context
from network.kernel.policy import (
    Action,
    Principal,
    Target,
    decide_all,
    holds_role_in,
    party_targets,
)
from network.lib import clock
from network.lib.errors import Forbidden, InvalidInput, NotFound
from network.lib.vocab import MentoringStatus, Role
from network.mentoring import schemas
from network.mentoring.tables import (
    LadderSignoff,
    MentoringCohort,
    MentoringProgramme,
    MentoringRequest,
    MentorOffer,
    ProgrammeMunicipality,
)

__all__ = (
    "Programme",
    "create_cohort",
    "create_programme",
    "get_programme",
    "home_of",
    "list_programmes",
    "load_programme",
    "require_manager",
    "update_programme",
)


@dataclass(frozen=True, slots=True)
class Programme:
    """A programme as the services need it: who takes part, and the ladder."""

    id: int
    name: str
    county: str | None
    county_name: str | None
    members: tuple[tuple[str, str, str], ...]  # (kommunkod, name, county) of a group
    participants: frozenset[str]  # every participating municipality
    start_date: date
    end_date: date
    steps: tuple[str, ...]
    stale_weeks: int

    def may_manage(self, principal: Principal) -> bool:
        targets = party_targets(self.county, ((code, c) for code, _, c in self.members))
        return decide_all(principal, Action.MENTORING_MANAGE, targets)

    def includes(self, principal: Principal) -> bool:
        """Whether ``principal`` is a user (any role) of a participating municipality."""
        if self.county is not None:
            places = [Target(municipality=code, county=self.county) for code in self.participants]
        else:
            places = [Target(municipality=code, county=c) for code, _, c in self.members]
        return holds_role_in(principal, places)


def home_of(principal: Principal) -> tuple[str, str] | None:
    """The (municipality, county) where a social worker or specialist works."""
    for binding in principal.bindings:
        if binding.role in (Role.SOCIAL_WORKER, Role.SPECIALIST) and binding.municipality:
            return binding.municipality, binding.county
    return None


async def _programmes(ids: list[int] | None = None) -> list[Programme]:
    query = MentoringProgramme.select(
        MentoringProgramme.id,
        MentoringProgramme.name,
        MentoringProgramme.county._.code.as_alias("county"),
        MentoringProgramme.county._.name.as_alias("county_name"),
        MentoringProgramme.start_date,
        MentoringProgramme.end_date,
        MentoringProgramme.steps,
        MentoringProgramme.stale_weeks,
    ).order_by(MentoringProgramme.start_date, ascending=False)
    if ids is not None:
        query = query.where(MentoringProgramme.id.is_in(ids or [0]))
    rows = await query
    members: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for row in await ProgrammeMunicipality.select(
        ProgrammeMunicipality.programme,
        ProgrammeMunicipality.municipality._.code.as_alias("code"),
        ProgrammeMunicipality.municipality._.name.as_alias("name"),
        ProgrammeMunicipality.municipality._.county._.code.as_alias("county"),
    ).where(ProgrammeMunicipality.programme.is_in([r["id"] for r in rows] or [0])):
        members[row["programme"]].append((row["code"], row["name"], row["county"]))
    in_county: dict[str, set[str]] = defaultdict(set)
    counties = {r["county"] for r in rows if r["county"]}
    if counties:
        for row in await Municipality.select(
            Municipality.code, Municipality.county._.code.as_alias("county")
        ).where(Municipality.county._.code.is_in(sorted(counties))):
            in_county[row["county"]].add(row["code"])
    return [
        Programme(
            id=r["id"],
            name=r["name"],
            county=r["county"],
            county_name=r["county_name"],
            members=tuple(sorted(members[r["id"]])),
            participants=frozenset(in_county[r["county"]])
            if r["county"]
            else frozenset(code for code, _, _ in members[r["id"]]),
            start_date=r["start_date"],
            end_date=r["end_date"],
            steps=tuple(_steps(r["steps"])),
            stale_weeks=r["stale_weeks"],
        )
        for r in rows
    ]


def _steps(value: Any) -> list[str]:
    return list(json.loads(value) if isinstance(value, str) else value or [])


async def load_programme(programme_id: int) -> Programme:
    found = await _programmes([programme_id])
    if not found:
        raise NotFound("no such programme", field="id", source="path")
    return found[0]


def require_manager(principal: Principal, programme: Programme) -> None:
    if not programme.may_manage(principal):
        raise Forbidden("only coordinators of every participating municipality may do this")


async def _cohorts(programme_ids: list[int]) -> dict[int, list[schemas.CohortOut]]:
    counts: dict[int, tuple[int, int]] = {}
    for row in (
        await MentoringRequest.select(
            MentoringRequest.cohort, MentoringRequest.status, Count(alias="n")
        )
        .where(
            MentoringRequest.programme.is_in(programme_ids or [0])
            & MentoringRequest.cohort.is_not_null()
            & MentoringRequest.status.is_in([MentoringStatus.OPEN, MentoringStatus.MATCHED])
        )
        .group_by(MentoringRequest.cohort, MentoringRequest.status)
    ):
        asked, matched = counts.get(row["cohort"], (0, 0))
        asked += row["n"]
        if row["status"] == MentoringStatus.MATCHED:
            matched += row["n"]
        counts[row["cohort"]] = (asked, matched)
    found: dict[int, list[schemas.CohortOut]] = defaultdict(list)
    for row in (
        await MentoringCohort.select()
        .where(MentoringCohort.programme.is_in(programme_ids or [0]))
        .order_by(MentoringCohort.start_date)
    ):
        asked, matched = counts.get(row["id"], (0, 0))
        found[row["programme"]].append(
            schemas.CohortOut(
                id=row["id"],
                programme=row["programme"],
                name=row["name"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                requests=asked,
                matched=matched,
            )
        )
    return found


async def _out(principal: Principal, programmes: list[Programme]) -> list[schemas.ProgrammeOut]:
    ids = [p.id for p in programmes]
    cohorts = await _cohorts(ids)
    mentors = {
        row["programme"]: row["n"]
        for row in await MentorOffer.select(MentorOffer.programme, Count(alias="n"))
        .where(MentorOffer.programme.is_in(ids or [0]) & MentorOffer.active.eq(True))
        .group_by(MentorOffer.programme)
    }
    return [
        schemas.ProgrammeOut(
            id=p.id,
            name=p.name,
            county=p.county,
            county_name=p.county_name,
            municipalities=[schemas.Member(code=c, name=n) for c, n, _ in p.members],
            start_date=p.start_date,
            end_date=p.end_date,
            steps=list(p.steps),
            stale_weeks=p.stale_weeks,
            cohorts=cohorts.get(p.id, []),
            mentors=mentors.get(p.id, 0),
            may_manage=p.may_manage(principal),
        )
        for p in programmes
    ]


async def list_programmes(
    principal: Principal, *, municipality: str | None = None
) -> list[schemas.ProgrammeOut]:
    """Every programme, or those a municipality takes part in."""
    found = await _programmes()
    if municipality is not None:
        found = [p for p in found if municipality in p.participants]
    return await _out(principal, found)


async def get_programme(principal: Principal, programme_id: int) -> schemas.ProgrammeOut:
    return (await _out(principal, [await load_programme(programme_id)]))[0]


async def _checked(data: schemas.ProgrammeIn) -> tuple[int | None, Members]:
    if data.end_date < data.start_date:
        raise InvalidInput("must not be before start_date", field="end_date")
    return await check_parties(data.county, data.municipalities, what="a programme")


def _require_parties(principal: Principal, data: schemas.ProgrammeIn, members: Members) -> None:
    targets = party_targets(data.county, ((c, m[1]) for c, m in members.items()))
    if not decide_all(principal, Action.MENTORING_MANAGE, targets):
        raise Forbidden(
            "every participating municipality must lie in the scope you coordinate",
            field="county" if data.county else "municipalities",
        )


def _fields(data: schemas.ProgrammeIn, county_id: int | None) -> dict[Any, Any]:
    return {
        MentoringProgramme.name: data.name.strip(),
        MentoringProgramme.county: county_id,
        MentoringProgramme.start_date: data.start_date,
        MentoringProgramme.end_date: data.end_date,
        MentoringProgramme.steps: [s.strip() for s in data.steps],
        MentoringProgramme.stale_weeks: data.stale_weeks,
    }


async def create_programme(ctx: Context, data: schemas.ProgrammeIn) -> schemas.ProgrammeOut:
    county_id, members = await _checked(data)
    _require_parties(ctx.principal, data, members)
    async with ctx.work():
        programme = MentoringProgramme(
            **{column._meta.name: value for column, value in _fields(data, county_id).items()},
            created_by=ctx.actor.user_id,
            created_at=clock.now(),
        )
        await programme.save()
        programme_id = int(programme.id)
        await _write_members(programme_id, members)
        await record(
            ctx.actor,
            "mentoring.programme_create",
            "mentoring_programme",
            programme_id,
            county=data.county,
            detail={"members": sorted(members)},
        )
    return await get_programme(ctx.principal, programme_id)


async def _write_members(programme_id: int, members: Members) -> None:
    if members:
        await ProgrammeMunicipality.insert(
            *(
                ProgrammeMunicipality(programme=programme_id, municipality=municipality_id)
                for municipality_id, _ in members.values()
            )
        )


async def update_programme(
    ctx: Context, programme_id: int, data: schemas.ProgrammeIn
) -> schemas.ProgrammeOut:
    """Replace a programme's terms; the ladder may not lose a step someone has passed."""
    county_id, members = await _checked(data)
    _require_parties(ctx.principal, data, members)
    async with ctx.work():
        current = await load_programme(programme_id)
        require_manager(ctx.principal, current)
        highest = (
            await LadderSignoff.select(LadderSignoff.step)
            .where(LadderSignoff.request._.programme == programme_id)
            .order_by(LadderSignoff.step, ascending=False)
            .first()
        )
        if highest is not None and highest["step"] > len(data.steps):
            raise InvalidInput(
                f"a mentee has passed step {highest['step']}; keep at least that many steps",
                field="steps",
            )
        await MentoringProgramme.update(_fields(data, county_id)).where(
            MentoringProgramme.id == programme_id
        )
        await ProgrammeMunicipality.delete().where(ProgrammeMunicipality.programme == programme_id)
        await _write_members(programme_id, members)
        await record(
            ctx.actor,
            "mentoring.programme_update",
            "mentoring_programme",
            programme_id,
            county=data.county,
            detail={"members": sorted(members)},
        )
    return await get_programme(ctx.principal, programme_id)


async def create_cohort(
    ctx: Context, programme_id: int, data: schemas.CohortIn
) -> schemas.CohortOut:
    programme = await load_programme(programme_id)
    require_manager(ctx.principal, programme)
    if data.end_date < data.start_date:
        raise InvalidInput("must not be before start_date", field="end_date")
    if data.start_date < programme.start_date or data.end_date > programme.end_date:
        raise InvalidInput(
            f"must lie within the programme ({programme.start_date} – {programme.end_date})",
            field="start_date" if data.start_date < programme.start_date else "end_date",
        )
    async with ctx.work():
        cohort = MentoringCohort(
            programme=programme_id,
            name=data.name.strip(),
            start_date=data.start_date,
            end_date=data.end_date,
            created_at=clock.now(),
        )
        await cohort.save()
        await record(
            ctx.actor,
            "mentoring.cohort_create",
            "mentoring_cohort",
            int(cohort.id),
            county=programme.county,
            detail={"programme": programme_id},
        )
    return schemas.CohortOut(
        id=int(cohort.id),
        programme=programme_id,
        name=cohort.name,
        start_date=data.start_date,
        end_date=data.end_date,
        requests=0,
        matched=0,
    )

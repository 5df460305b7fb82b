"""Reading peer groups: the groups a person belongs to (one per area they have; every
area for a coordinator), and one group with its members and network meetings."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from network.conferences import series as conference_series
from network.conferences.access import peer_audience
from network.conferences.schemas import Place, SeriesOut
from network.directory.tables import CompetenceArea
from network.kernel.context import Context
from network.kernel.policy import Action, Target, decide
from network.lib import clock
from network.lib.errors import Forbidden
from network.lib.vocab import ConferenceKind, Role
from network.peers import schemas
from network.peers.access import Group, load_group, require_reader
from network.specialists.tables import SpecialistCompetence, SpecialistProfile

__all__ = ("get_group", "members", "my_groups", "next_meeting")


async def members(group: Group) -> list[schemas.MemberOut]:
    """The group's specialists, by county, municipality and name."""
    levels = {
        r["specialist"]: r["level"]
        for r in await SpecialistCompetence.select(
            SpecialistCompetence.specialist, SpecialistCompetence.level
        ).where(
            (SpecialistCompetence.area == group.area_id)
            & SpecialistCompetence.specialist.is_in(sorted(group.members) or [0])
        )
    }
    rows = await SpecialistProfile.select(
        SpecialistProfile.id,
        SpecialistProfile.title,
        SpecialistProfile.user._.display_name.as_alias("name"),
        SpecialistProfile.home_municipality._.code.as_alias("code"),
        SpecialistProfile.home_municipality._.name.as_alias("place"),
        SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
        SpecialistProfile.home_municipality._.county._.name.as_alias("county_name"),
    ).where(SpecialistProfile.id.is_in(sorted(levels) or [0]))
    out = [
        schemas.MemberOut(
            specialist=r["id"],
            name=r["name"],
            title=r["title"] or "",
            level=levels[r["id"]],
            municipality=Place(code=r["code"], name=r["place"]),
            county=Place(code=r["county"], name=r["county_name"]),
        )
        for r in rows
    ]
    return sorted(out, key=lambda m: (m.county.name, m.municipality.name, m.name or ""))


def next_meeting(meetings: list[SeriesOut], now: datetime) -> datetime | None:
    upcoming = [s.starts_at for m in meetings for s in m.sessions if s.starts_at > now]
    return min(upcoming) if upcoming else None


async def my_groups(ctx: Context) -> list[schemas.GroupSummary]:
    """A specialist's groups (one per competence area they have); every area's group
    for a coordinator. Social workers and others have none (403)."""
    principal = ctx.principal
    if not decide(principal, Action.PEER_READ):
        raise Forbidden("only specialists and coordinators have peer groups")
    async with ctx.work():
        areas = (
            await CompetenceArea.select(
                CompetenceArea.id,
                CompetenceArea.code,
                CompetenceArea.name_sv,
                CompetenceArea.name_en,
            )
            .where(CompetenceArea.active.eq(True))
            .order_by(CompetenceArea.name_sv)
        )
        audience = await peer_audience([a["id"] for a in areas])
        mine = {a for a, people in audience.items() if principal.specialist_id in people}
        every = bool(decide(principal, Action.PEER_READ, Target()))  # a coordinator
        shown = [a for a in areas if every or a["id"] in mine]
        meetings = await conference_series.list_series(ctx, kind=ConferenceKind.PEER_NETWORK)
        by_area: dict[str, list[SeriesOut]] = {}
        for m in meetings:
            by_area.setdefault(m.area, []).append(m)
        now = clock.now()
        sizes = Counter({a: len(people) for a, people in audience.items()})
        return [
            schemas.GroupSummary(
                area=a["code"],
                area_name_sv=a["name_sv"],
                area_name_en=a["name_en"],
                members=sizes[a["id"]],
                member=a["id"] in mine,
                next_meeting=next_meeting(by_area.get(a["code"], []), now),
            )
            for a in shown
        ]


async def get_group(ctx: Context, area: str) -> schemas.GroupOut:
    """One area's peer group: members (with municipality and county), the network
    meetings with their sessions (sign-up state for the asker), and what the asker may
    do. Read by the area's specialists and coordinators (403 for others)."""
    async with ctx.work():
        group = await load_group(area)
        require_reader(ctx.principal, group)
        meetings = await conference_series.list_series(
            ctx, kind=ConferenceKind.PEER_NETWORK, area_id=group.area_id
        )
        return schemas.GroupOut(
            area=group.area,
            area_name_sv=group.name_sv,
            area_name_en=group.name_en,
            members=await members(group),
            meetings=meetings,
            member=group.has_member(ctx.principal),
            may_start_meetings=group.has_member(ctx.principal)
            or ctx.principal.has(Role.COORDINATOR),
        )

"""What the parallel-groups page offers to choose from.

The groups themselves are made by :func:`network.conferences.placement.create_groups`
(the one use case behind ``POST /api/v1/conferences/groups`` and the page); this
module only lists the choices for the person asking: the competence areas, the
municipalities of the counties where they coordinate (or of their own county), and
the specialists at home there who could lead a group (a specialist who coordinates
nothing is offered only themself). The use case still decides: a hub the person may
not manage, or one not competent in the area, is refused naming the hub.
"""

from __future__ import annotations

from dataclasses import dataclass

from network.directory import schemas as directory
from network.directory.services import list_areas, list_municipalities
from network.kernel.policy import Principal
from network.lib.vocab import Role
from network.specialists import schemas as specialists
from network.specialists.services import list_specialists

__all__ = ("GroupChoices", "group_choices")


@dataclass(frozen=True, slots=True)
class GroupChoices:
    areas: list[directory.Area]
    municipalities: list[directory.Municipality]
    hubs: list[specialists.Specialist]


async def group_choices(principal: Principal) -> GroupChoices:
    """The areas, municipalities and possible hubs the parallel-groups form offers."""
    coordinating = [b for b in principal.bindings if b.role == Role.COORDINATOR]
    counties = sorted({b.county for b in coordinating})
    hubs: dict[int, specialists.Specialist] = {}
    for binding in coordinating:
        found = await list_specialists(
            area=None,
            municipality=binding.municipality,
            county=None if binding.municipality else binding.county,
        )
        for specialist in found:
            hubs[specialist.id] = specialist
    if principal.specialist_id is not None:
        for specialist in await list_specialists(
            area=None, municipality=None, county=None, ids=[principal.specialist_id]
        ):
            hubs[specialist.id] = specialist
            counties = counties or [specialist.county]
    places: list[directory.Municipality] = []
    for county in counties:
        places.extend(await list_municipalities(county))
    return GroupChoices(
        areas=await list_areas(),
        municipalities=sorted(places, key=lambda m: (m.county_code, m.name)),
        hubs=sorted(hubs.values(), key=lambda s: (s.home_municipality_name, s.name)),
    )

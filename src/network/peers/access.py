"""A peer group's area and members, and who may read the group or its thread.

The group of an area is its active specialists in every municipality (national). The
group, its members and its meetings are read by those specialists and by every
coordinator (``peer.read``); its thread only by those specialists (``peer.thread``).
Both decisions are the policy's (:func:`network.kernel.policy.decide`), with the
group's specialists named on the target. Social workers, analysts and specialists of
other areas are refused with a 403: the group is no secret, but not theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from network.conferences.access import peer_audience
from network.directory.tables import CompetenceArea
from network.kernel.policy import Action, Principal, Target, decide
from network.lib.errors import Forbidden, NotFound

__all__ = ("Group", "load_group", "require_reader", "require_thread")


@dataclass(frozen=True, slots=True)
class Group:
    """An area and its specialists: specialist id -> (home id, kommunkod, county)."""

    area_id: int
    area: str
    name_sv: str
    name_en: str
    members: dict[int, tuple[int, str, str]]

    def target(self) -> Target:
        return Target(specialist_ids=frozenset(self.members))

    def has_member(self, principal: Principal) -> bool:
        return principal.specialist_id is not None and principal.specialist_id in self.members


async def load_group(area: str, *, field: str = "area_code") -> Group:
    """The peer group of the area ``area`` (a 404 naming ``field`` when there is no
    such area)."""
    row = (
        await CompetenceArea.select(
            CompetenceArea.id, CompetenceArea.code, CompetenceArea.name_sv, CompetenceArea.name_en
        )
        .where(CompetenceArea.code == area)
        .first()
    )
    if row is None:
        raise NotFound("no such competence area", field=field, source="path")
    members = (await peer_audience([row["id"]])).get(row["id"], {})
    return Group(row["id"], row["code"], row["name_sv"], row["name_en"], members)


def require_reader(principal: Principal, group: Group, *, field: str = "area_code") -> None:
    """Refuse (403) anyone who may not see the group: not one of its specialists and
    no coordinator."""
    if not decide(principal, Action.PEER_READ, group.target()):
        raise Forbidden(
            "only the competence area's specialists and coordinators see its peer group",
            field=field,
        )


def require_thread(principal: Principal, group: Group, *, field: str = "area_code") -> None:
    """Refuse (403) anyone but the group's specialists the thread."""
    if not decide(principal, Action.PEER_THREAD, group.target()):
        raise Forbidden(
            "only specialists of the competence area read and write its thread", field=field
        )

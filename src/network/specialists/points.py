"""The points table, as coordinators read and keep it.

The national rows are the default model (:mod:`network.specialists.points_model`),
kept by migrations. A county's coordinators set their county's own rows and a
mentoring programme's managers the programme's; a row of a scope wins over the
national one with the same kind, urgency and area, and a missing one falls back
to it. Everyone signed in may read any scope's table (it holds no case data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from network.audit.services import record
from network.directory.tables import CompetenceArea, County
from network.kernel.context import Context
from network.kernel.policy import Action, Principal, Target, decide
from network.lib import clock
from network.lib.errors import Forbidden, InvalidInput, NotFound
from network.lib.vocab import Role, Urgency, WorkKind
from network.mentoring.programmes import load_programme
from network.specialists import schemas
from network.specialists.points_model import NATIONAL, PointsTable
from network.specialists.tables import WorkPoints

__all__ = ("coordinated_scopes", "points_table", "set_points")

_COUNTY = re.compile(r"^\d{2}$")
_PROGRAMME = re.compile(r"^programme:(\d{1,9})$")
_KIND_ORDER = {kind.value: index for index, kind in enumerate(WorkKind)}
_URGENCY_ORDER = {u.value: index for index, u in enumerate(Urgency)}


@dataclass(frozen=True, slots=True)
class _Scope:
    name: str
    county: str | None  # the county whose rows come before the national ones
    programme: int | None
    editable: bool


async def _scope(principal: Principal, scope: str, *, source: str = "query") -> _Scope:
    if scope == NATIONAL:
        return _Scope(NATIONAL, None, None, editable=False)
    if _COUNTY.match(scope):
        if not await County.exists().where(County.code == scope):
            raise NotFound(f"unknown county code {scope!r}", field="scope", source=source)
        editable = bool(decide(principal, Action.SPECIALIST_EDIT, Target(county=scope)))
        return _Scope(scope, scope, None, editable=editable)
    match = _PROGRAMME.match(scope)
    if match is None:
        raise InvalidInput(
            "must be 'national', a county code such as 14, or programme:<id>",
            field="scope",
            source=source,
        )
    try:
        programme = await load_programme(int(match[1]))
    except NotFound:
        raise NotFound("no such programme", field="scope", source=source) from None
    return _Scope(scope, programme.county, programme.id, editable=programme.may_manage(principal))


def coordinated_scopes(principal: Principal) -> list[str]:
    """The counties whose table ``principal`` keeps as a county coordinator."""
    return sorted(
        {b.county for b in principal.bindings if b.role is Role.COORDINATOR and not b.municipality}
    )


async def _rows() -> list[tuple[str, str, str, str, int]]:
    return [
        (r["scope"], r["kind"], r["urgency"], r["area"], r["points"])
        for r in await WorkPoints.select(
            WorkPoints.scope,
            WorkPoints.kind,
            WorkPoints.urgency,
            WorkPoints.area,
            WorkPoints.points,
        )
    ]


def _entries(
    where: _Scope, rows: list[tuple[str, str, str, str, int]]
) -> list[schemas.WorkPointsEntry]:
    table = PointsTable.of(rows)
    national = {(k, u, a): p for s, k, u, a, p in rows if s == NATIONAL}
    own = {(k, u, a): p for s, k, u, a, p in rows if s == where.name}
    keys = sorted(
        set(national) | set(own),
        key=lambda key: (_KIND_ORDER.get(key[0], 99), key[2], _URGENCY_ORDER.get(key[1], 9)),
    )
    return [
        schemas.WorkPointsEntry(
            kind=kind,
            urgency=urgency,
            area=area,
            points=own.get(
                (kind, urgency, area),
                table.points(kind, urgency, area, county=where.county, programme=where.programme),
            ),
            national=national.get((kind, urgency, area)),
            own=(kind, urgency, area) in own and where.name != NATIONAL,
        )
        for kind, urgency, area in keys
    ]


async def points_table(principal: Principal, scope: str = NATIONAL) -> schemas.WorkPointsOut:
    """The points that apply in ``scope``, row by row, and whether each is its own."""
    where = await _scope(principal, scope)
    return schemas.WorkPointsOut(
        scope=where.name, editable=where.editable, rows=_entries(where, await _rows())
    )


async def set_points(ctx: Context, scope: str, data: schemas.WorkPointsIn) -> schemas.WorkPointsOut:
    """Replace ``scope``'s own rows with ``data`` (the national rows are kept by the
    platform); refused unless the asker coordinates the county or manages the
    programme."""
    where = await _scope(ctx.principal, scope, source="path")
    if where.name == NATIONAL:
        raise Forbidden(
            "the national default is kept by the platform; set your county's own points",
            field="scope",
        )
    if not where.editable:
        raise Forbidden(
            "only the county's coordinators or the programme's managers change its points",
            field="scope",
        )
    seen: set[tuple[str, str, str]] = set()
    for index, row in enumerate(data.rows):
        key = (row.kind.value, row.urgency.value, row.area)
        if key in seen:
            raise InvalidInput(
                "the same kind, urgency and area are listed twice", field=f"rows[{index}]"
            )
        seen.add(key)
    areas = sorted({row.area for row in data.rows if row.area})
    known = {
        r["code"]
        for r in await CompetenceArea.select(CompetenceArea.code).where(
            CompetenceArea.code.is_in(areas or [""])
        )
    }
    for index, row in enumerate(data.rows):
        if row.area and row.area not in known:
            raise InvalidInput(f"unknown area code {row.area!r}", field=f"rows[{index}].area")
    now = clock.now()
    async with ctx.work():
        await WorkPoints.delete().where(WorkPoints.scope == where.name)
        if data.rows:
            await WorkPoints.insert(
                *(
                    WorkPoints(
                        scope=where.name,
                        kind=row.kind.value,
                        urgency=row.urgency.value,
                        area=row.area,
                        points=row.points,
                        updated_at=now,
                        updated_by=ctx.principal.user_id,
                    )
                    for row in data.rows
                )
            )
        await record(
            ctx.actor,
            "work_points.update",
            "work_points",
            where.name,
            county=where.county,
            detail={"rows": len(data.rows)},
        )
    return schemas.WorkPointsOut(
        scope=where.name, editable=True, rows=_entries(where, await _rows())
    )

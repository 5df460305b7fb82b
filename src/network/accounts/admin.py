"""Administering users and their role bindings, within the administrator's scope.

Every change is audited (role grants and revocations by name). A user is "in
scope" of an administrator when one of their role bindings lies in the
administrator's municipality or county; a new user enters with a first binding.

Separation of duties: no administrator changes their own role bindings (grant,
revoke, or a new user with their own e-mail address): another administrator
must. Such a refusal is a 403 naming the field, audited as denied. A role that
reads case data (:data:`~network.kernel.policy.CASE_DATA_ROLES`) may be granted
to anyone else; the grant is audited with the role and the place and told (in the
app) to every other administrator whose scope covers that place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import quote

from network.accounts.tables import RoleBinding, User
from network.audit.services import record
from network.directory.tables import County, Municipality
from network.kernel.context import Actor, Context
from network.kernel.policy import (
    CASE_DATA_ROLES,
    Action,
    Binding,
    Principal,
    Target,
    decide,
    visible_scope,
)
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import AuditOutcome, NotificationKind, Role
from network.notifications.services import notify

__all__ = (
    "Place",
    "add_user",
    "grant_role",
    "list_users",
    "resolve_place",
    "revoke_role",
    "set_active",
    "users_page",
)

OWN_ACCOUNT = "you cannot disable your own account: another administrator must"


@dataclass(frozen=True, slots=True)
class Place:
    """A municipality (with its county) or a county, with row ids and codes."""

    county_code: str
    county_id: int | None = None
    municipality_code: str | None = None
    municipality_id: int | None = None
    name: str = ""

    @property
    def target(self) -> Target:
        return Target(municipality=self.municipality_code, county=self.county_code)

    @property
    def label(self) -> str:
        """The place as people read it: its name and code."""
        code = self.municipality_code or self.county_code
        return f"{self.name} ({code})" if self.name else code


async def resolve_place(municipality: str | None, county: str | None) -> Place:
    """Look the codes up; exactly one of them must be given."""
    if (municipality is None) == (county is None):
        raise InvalidInput("name exactly one of municipality or county", field="municipality")
    if municipality is not None:
        row = (
            await Municipality.select(
                Municipality.id, Municipality.name, Municipality.county._.code.as_alias("county")
            )
            .where(Municipality.code == municipality)
            .first()
        )
        if row is None:
            raise InvalidInput(f"unknown municipality code {municipality!r}", field="municipality")
        return Place(row["county"], None, municipality, row["id"], row["name"])
    found = await County.select(County.id, County.name).where(County.code == county).first()
    if found is None:
        raise InvalidInput(f"unknown county code {county!r}", field="county")
    assert county is not None
    return Place(county, found["id"], name=found["name"])


def _require(principal: Principal, place: Place) -> None:
    if not decide(principal, Action.USER_MANAGE, place.target):
        raise Forbidden("outside the municipalities and counties you administer")


OWN_ROLES = "you cannot change your own role bindings: another administrator must"
MAX_LINK = 200  # a notification's link column


async def _refuse_own(
    actor: Actor,
    action: str,
    user_id: int,
    *,
    field: str,
    source: str | None = None,
    place: Place | None = None,
    **detail: Any,
) -> NoReturn:
    """Audit an administrator's attempt to change their own roles as denied, and
    refuse it (403 naming ``field``)."""
    await record(
        actor,
        action,
        "user",
        user_id,
        municipality=place.municipality_code if place else None,
        county=place.county_code if place else None,
        outcome=AuditOutcome.DENIED,
        detail={**detail, "reason": "own role bindings"},
    )
    raise Forbidden(OWN_ROLES, field=field, source=source)


async def _bindings(user_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = await RoleBinding.select(
        RoleBinding.id,
        RoleBinding.user,
        RoleBinding.role,
        RoleBinding.municipality._.code.as_alias("municipality"),
        RoleBinding.municipality._.county._.code.as_alias("municipality_county"),
        RoleBinding.county._.code.as_alias("county"),
    ).where(RoleBinding.user.is_in(user_ids or [0]))
    by_user: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_user.setdefault(row["user"], []).append(
            {
                "id": row["id"],
                "role": row["role"],
                "municipality": row["municipality"],
                "county": row["municipality_county"] or row["county"],
            }
        )
    return by_user


async def _users_in_scope(
    principal: Principal, query: str | None, user_id: int | None
) -> list[dict[str, Any]]:
    """Users with a binding in the administrator's scope (or just ``user_id``, if it
    is one of them), matching ``query``, by e-mail; without their bindings."""
    scope = visible_scope(principal, Action.USER_MANAGE)
    if not (scope.municipalities or scope.counties):
        return []
    condition: Any = RoleBinding.municipality._.code.is_in(sorted(scope.municipalities) or [""])
    condition = condition | RoleBinding.municipality._.county._.code.is_in(
        sorted(scope.counties) or [""]
    )
    condition = condition | RoleBinding.county._.code.is_in(sorted(scope.counties) or [""])
    if user_id is not None:
        condition = (RoleBinding.user == user_id) & (condition)
    ids = sorted(
        {row["user"] for row in await RoleBinding.select(RoleBinding.user).where(condition)}
    )
    users_query = User.select(User.id, User.email, User.display_name, User.active).where(
        User.id.is_in(ids or [0])
    )
    users = list(await users_query.order_by(User.email))
    if query:
        # Matched here, not in SQL: the same on both engines (SQLite has no ILIKE and
        # folds ASCII only), Swedish letters folded too, and no LIKE wildcards to escape.
        # The users in one administrator's scope are at most a few thousand.
        wanted = query.strip().casefold()
        users = [
            u
            for u in users
            if wanted in u["email"].casefold() or wanted in u["display_name"].casefold()
        ]
    return users


async def list_users(
    principal: Principal, query: str | None = None, *, user_id: int | None = None
) -> list[dict[str, Any]]:
    """Users with a binding in the administrator's scope (or just ``user_id``, if it is
    one of them), with all their bindings."""
    users = await _users_in_scope(principal, query, user_id)
    bindings = await _bindings([u["id"] for u in users])
    return [{**u, "roles": bindings.get(u["id"], [])} for u in users]


async def users_page(
    principal: Principal, query: str | None, *, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of :func:`list_users` (``limit`` users from ``offset``, by e-mail) and
    how many match in all; the bindings are read for the page's users only."""
    users = await _users_in_scope(principal, query, None)
    shown = users[offset : offset + limit]
    bindings = await _bindings([u["id"] for u in shown])
    return [{**u, "roles": bindings.get(u["id"], [])} for u in shown], len(users)


async def _user_in_scope(principal: Principal, user_id: int) -> dict[str, Any]:
    user = await User.select(User.id, User.email).where(User.id == user_id).first()
    if user is None:
        raise NotFound("no such user", field="user_id", source="path")
    bindings = (await _bindings([user_id])).get(user_id, [])
    if not any(
        decide(principal, Action.USER_MANAGE, Target(b["municipality"], b["county"]))
        for b in bindings
    ):
        raise NotFound("no such user in your scope", field="user_id", source="path")
    return user


async def add_user(ctx: Context, *, email: str, display_name: str, role: Role, place: Place) -> int:
    email = email.strip().lower()
    if email == ctx.principal.email.strip().lower():
        await _refuse_own(
            ctx.actor,
            "user.create",
            ctx.principal.user_id,
            field="email",
            place=place,
            role=role.value,
        )
    _require(ctx.principal, place)
    async with ctx.work():
        if await User.exists().where(User.email == email):
            raise Conflict("a user with this e-mail exists already", field="email")
        user = User(email=email, display_name=display_name, created_at=clock.now())
        await user.save()
        await _grant(ctx.actor, int(user.id), role, place)
        await record(
            ctx.actor,
            "user.create",
            "user",
            user.id,
            municipality=place.municipality_code,
            county=place.county_code,
        )
    return int(user.id)


async def _grant(actor: Actor, user_id: int, role: Role, place: Place) -> int:
    exists = await RoleBinding.exists().where(
        (RoleBinding.user == user_id)
        & (RoleBinding.role == role)
        & (
            (RoleBinding.municipality == place.municipality_id)
            if place.municipality_id is not None
            else (RoleBinding.county == place.county_id)
        )
    )
    if exists:
        raise Conflict("the user holds this role here already", field="role")
    binding = RoleBinding(
        user=user_id,
        role=role,
        municipality=place.municipality_id,
        county=place.county_id,
        created_at=clock.now(),
    )
    await binding.save()
    told: list[int] = []
    if role in CASE_DATA_ROLES:
        told = await _administrators_of(place, besides=actor.user_id)
        email = await User.select(User.email).where(User.id == user_id).first()
        link = f"/admin/users?q={quote(email['email'] if email else '', safe='@')}"
        await notify(
            told,
            NotificationKind.ROLE_GRANTED,
            object_type="role_binding",
            object_id=int(binding.id),
            link=link if len(link) <= MAX_LINK else "/admin/users",
            params={"role": role.value, "place": place.label},
        )
    await record(
        actor,
        "role.grant",
        "role_binding",
        binding.id,
        municipality=place.municipality_code,
        county=place.county_code,
        detail={
            "user_id": user_id,
            "role": role.value,
            "reads_case_data": role in CASE_DATA_ROLES,
            "administrators_told": len(told),
        },
    )
    return int(binding.id)


async def _administrators_of(place: Place, *, besides: int | None) -> list[int]:
    """The active administrators (but ``besides``) whose scope covers ``place``."""
    rows = await RoleBinding.select(
        RoleBinding.user,
        RoleBinding.role,
        RoleBinding.municipality._.code.as_alias("municipality"),
        RoleBinding.municipality._.county._.code.as_alias("municipality_county"),
        RoleBinding.county._.code.as_alias("county"),
    ).where(
        (RoleBinding.role == Role.ADMIN)
        & RoleBinding.user._.active.eq(True)
        & (
            (RoleBinding.municipality._.county._.code == place.county_code)
            | (RoleBinding.county._.code == place.county_code)
        )
    )
    held: dict[int, list[Binding]] = defaultdict(list)
    for row in rows:
        if row["user"] != besides:
            held[row["user"]].append(
                Binding(
                    role=Role(row["role"]),
                    county=row["municipality_county"] or row["county"],
                    municipality=row["municipality"],
                )
            )
    return sorted(
        user
        for user, bindings in held.items()
        if decide(Principal(user, "", tuple(bindings)), Action.USER_MANAGE, place.target)
    )


async def grant_role(ctx: Context, user_id: int, role: Role, place: Place) -> int:
    if user_id == ctx.principal.user_id:
        await _refuse_own(
            ctx.actor,
            "role.grant",
            user_id,
            field="user_id",
            source="path",
            place=place,
            role=role.value,
        )
    _require(ctx.principal, place)
    await _user_in_scope(ctx.principal, user_id)
    async with ctx.work():
        return await _grant(ctx.actor, user_id, role, place)


async def revoke_role(ctx: Context, user_id: int, binding_id: int) -> None:
    if user_id == ctx.principal.user_id:
        await _refuse_own(
            ctx.actor, "role.revoke", user_id, field="user_id", source="path", binding_id=binding_id
        )
    await _user_in_scope(ctx.principal, user_id)
    binding = next(
        (b for b in (await _bindings([user_id])).get(user_id, []) if b["id"] == binding_id), None
    )
    if binding is None:
        raise NotFound("no such role binding of this user", field="binding_id", source="path")
    if not decide(
        ctx.principal, Action.USER_MANAGE, Target(binding["municipality"], binding["county"])
    ):
        raise Forbidden("this role binding lies outside your scope")
    async with ctx.work():
        await RoleBinding.delete().where(RoleBinding.id == binding_id)
        await record(
            ctx.actor,
            "role.revoke",
            "role_binding",
            binding_id,
            municipality=binding["municipality"],
            county=binding["county"],
            detail={"user_id": user_id, "role": binding["role"]},
        )


async def set_active(ctx: Context, user_id: int, active: bool) -> None:
    await _user_in_scope(ctx.principal, user_id)
    if ctx.principal.user_id == user_id and not active:
        # Audited as denied, like a change of one's own roles: a 409 naming the field.
        await record(
            ctx.actor,
            "user.disable",
            "user",
            user_id,
            outcome=AuditOutcome.DENIED,
            detail={"reason": "own account"},
        )
        raise Conflict(OWN_ACCOUNT, field="active")
    async with ctx.work():
        await User.update({User.active: active}).where(User.id == user_id)
        await record(ctx.actor, "user.enable" if active else "user.disable", "user", user_id)

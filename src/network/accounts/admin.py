"""Administering users and their role bindings, within the administrator's scope.

Every change is audited (role grants and revocations by name). A user is "in
scope" of an administrator when one of their role bindings lies in the
administrator's municipality or county; a new user enters with a first binding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from network.accounts.policy import Action, Principal, Target, decide, visible_scope
from network.accounts.tables import RoleBinding, User
from network.audit.service import Actor, record
from network.directory.tables import County, Municipality
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import Role

__all__ = (
    "Place",
    "add_user",
    "grant_role",
    "list_users",
    "resolve_place",
    "revoke_role",
    "set_active",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A municipality (with its county) or a county, with row ids and codes."""

    county_code: str
    county_id: int | None = None
    municipality_code: str | None = None
    municipality_id: int | None = None

    @property
    def target(self) -> Target:
        return Target(municipality=self.municipality_code, county=self.county_code)


async def resolve_place(municipality: str | None, county: str | None) -> Place:
    """Look the codes up; exactly one of them must be given."""
    if (municipality is None) == (county is None):
        raise InvalidInput("name exactly one of municipality or county", field="municipality")
    if municipality is not None:
        row = (
            await Municipality.select(
                Municipality.id, Municipality.county._.code.as_alias("county")
            )
            .where(Municipality.code == municipality)
            .first()
        )
        if row is None:
            raise InvalidInput(f"unknown municipality code {municipality!r}", field="municipality")
        return Place(row["county"], None, municipality, row["id"])
    found = await County.select(County.id).where(County.code == county).first()
    if found is None:
        raise InvalidInput(f"unknown county code {county!r}", field="county")
    assert county is not None
    return Place(county, found["id"])


def _require(principal: Principal, place: Place) -> None:
    if not decide(principal, Action.USER_MANAGE, place.target):
        raise Forbidden("outside the municipalities and counties you administer")


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


async def list_users(
    principal: Principal, query: str | None = None, *, user_id: int | None = None
) -> list[dict[str, Any]]:
    """Users with a binding in the administrator's scope (or just ``user_id``, if it is
    one of them), with all their bindings."""
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
    if query:
        users_query = users_query.where(
            User.email.ilike(f"%{query}%") | User.display_name.ilike(f"%{query}%")
        )
    users = await users_query.order_by(User.email)
    bindings = await _bindings([u["id"] for u in users])
    return [{**u, "roles": bindings.get(u["id"], [])} for u in users]


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


async def add_user(
    principal: Principal, actor: Actor, *, email: str, display_name: str, role: Role, place: Place
) -> int:
    _require(principal, place)
    email = email.strip().lower()
    if await User.exists().where(User.email == email):
        raise Conflict("a user with this e-mail exists already", field="email")
    user = User(email=email, display_name=display_name, created_at=datetime.now(UTC))
    await user.save()
    await _grant(actor, int(user.id), role, place)
    await record(
        actor,
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
        created_at=datetime.now(UTC),
    )
    await binding.save()
    await record(
        actor,
        "role.grant",
        "role_binding",
        binding.id,
        municipality=place.municipality_code,
        county=place.county_code,
        detail={"user_id": user_id, "role": role.value},
    )
    return int(binding.id)


async def grant_role(
    principal: Principal, actor: Actor, user_id: int, role: Role, place: Place
) -> int:
    _require(principal, place)
    await _user_in_scope(principal, user_id)
    return await _grant(actor, user_id, role, place)


async def revoke_role(principal: Principal, actor: Actor, user_id: int, binding_id: int) -> None:
    await _user_in_scope(principal, user_id)
    binding = next(
        (b for b in (await _bindings([user_id])).get(user_id, []) if b["id"] == binding_id), None
    )
    if binding is None:
        raise NotFound("no such role binding of this user", field="binding_id", source="path")
    if not decide(
        principal, Action.USER_MANAGE, Target(binding["municipality"], binding["county"])
    ):
        raise Forbidden("this role binding lies outside your scope")
    if principal.user_id == user_id and binding["role"] == Role.ADMIN.value:
        raise InvalidInput("you cannot remove your own administrator role", field="binding_id")
    await RoleBinding.delete().where(RoleBinding.id == binding_id)
    await record(
        actor,
        "role.revoke",
        "role_binding",
        binding_id,
        municipality=binding["municipality"],
        county=binding["county"],
        detail={"user_id": user_id, "role": binding["role"]},
    )


async def set_active(principal: Principal, actor: Actor, user_id: int, active: bool) -> None:
    await _user_in_scope(principal, user_id)
    if principal.user_id == user_id and not active:
        raise InvalidInput("you cannot disable yourself", field="active")
    await User.update({User.active: active}).where(User.id == user_id)
    await record(actor, "user.enable" if active else "user.disable", "user", user_id)

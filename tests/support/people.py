"""Creating test users with one role binding each."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from network.accounts.tables import RoleBinding, User
from network.directory.tables import County, Municipality
from network.lib.vocab import Role

__all__ = ("create_role_users", "create_specialist_profile", "create_user", "create_users")


async def create_user(
    email: str, role: Role, *, municipality: str | None = None, county: str | None = None
) -> int:
    """A fresh active user (any earlier one with this e-mail is removed) holding ``role``
    in the municipality or county with the given code."""
    await User.delete().where(User.email == email)
    user = User(email=email, display_name=email.split("@")[0], created_at=datetime.now(UTC))
    await user.save()
    scope: dict[str, int] = {}
    if municipality is not None:
        row = (
            await Municipality.select(Municipality.id)
            .where(Municipality.code == municipality)
            .first()
        )
        assert row is not None, municipality
        scope["municipality"] = row["id"]
    else:
        row = await County.select(County.id).where(County.code == county).first()
        assert row is not None, county
        scope["county"] = row["id"]
    await RoleBinding(user=user.id, role=role, created_at=datetime.now(UTC), **scope).save()
    return int(user.id)


def create_users(*specs: tuple[str, Role, dict[str, str]]) -> dict[str, int]:
    """Create users ``(email, role, {"municipality"|"county": code})`` before any app
    starts (outside a running event loop); returns their ids by e-mail."""

    async def create() -> dict[str, int]:
        return {email: await create_user(email, role, **where) for email, role, where in specs}

    return asyncio.run(create())


async def create_specialist_profile(user_id: int, municipality: str) -> int:
    """A specialist profile (default capacity and slot rules) for ``user_id``."""
    from network.specialists.tables import SpecialistProfile

    row = (
        await Municipality.select(Municipality.id).where(Municipality.code == municipality).first()
    )
    assert row is not None, municipality
    now = datetime.now(UTC)
    profile = SpecialistProfile(
        user=user_id, home_municipality=row["id"], created_at=now, updated_at=now
    )
    await profile.save()
    return int(profile.id)


def create_role_users(prefix: str, place: dict[str, str]) -> dict[str, str]:
    """One user per role, ``<prefix>.<role>@demo.invalid``, in ``place``
    (``{"municipality", "county"}``: municipal roles in the municipality, county roles
    in the county), the specialist with a profile; their e-mails by role."""
    municipal = (Role.SOCIAL_WORKER, Role.SPECIALIST)
    ids = create_users(
        *(
            (
                f"{prefix}.{role.value}@demo.invalid",
                role,
                {"municipality": place["municipality"]}
                if role in municipal
                else {"county": place["county"]},
            )
            for role in Role
        )
    )
    specialist = ids[f"{prefix}.{Role.SPECIALIST.value}@demo.invalid"]
    asyncio.run(create_specialist_profile(specialist, place["municipality"]))
    return {role.value: f"{prefix}.{role.value}@demo.invalid" for role in Role}

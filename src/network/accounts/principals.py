"""Loading the :class:`~network.accounts.policy.Principal` of a user from the database."""

from __future__ import annotations

from network.accounts.policy import Binding, Principal
from network.accounts.tables import RoleBinding, User
from network.lib.vocab import Role
from network.specialists.tables import SpecialistProfile

__all__ = ("load_principal", "user_id_for_email")


async def load_principal(user_id: int) -> Principal | None:
    """The active user's principal, or ``None`` if they are unknown or disabled."""
    user = (
        await User.select(User.id, User.email)
        .where((User.id == user_id) & (User.active.eq(True)))
        .first()
    )
    if user is None:
        return None
    rows = await RoleBinding.select(
        RoleBinding.role,
        RoleBinding.municipality.code.as_alias("municipality"),
        RoleBinding.municipality._.county._.code.as_alias("municipality_county"),
        RoleBinding.county.code.as_alias("county"),
    ).where(RoleBinding.user == user_id)
    bindings = tuple(
        Binding(
            role=Role(row["role"]),
            county=row["municipality_county"] or row["county"],
            municipality=row["municipality"],
        )
        for row in rows
    )
    profile = (
        await SpecialistProfile.select(SpecialistProfile.id)
        .where(SpecialistProfile.user == user_id)
        .first()
    )
    return Principal(
        user_id=user["id"],
        email=user["email"],
        bindings=bindings,
        specialist_id=profile["id"] if profile else None,
    )


async def user_id_for_email(email: str) -> int | None:
    """The id of the active user with this e-mail (case-insensitive), if any."""
    row = (
        await User.select(User.id)
        .where((User.email == email.strip().lower()) & (User.active.eq(True)))
        .first()
    )
    return int(row["id"]) if row else None

"""Loading the :class:`~network.kernel.policy.Principal` of a user from the database."""

from __future__ import annotations

from network.accounts.tables import User
from network.db import fetch
from network.kernel.policy import Binding, Principal
from network.lib.vocab import Role

__all__ = ("load_principal", "user_id_for_email")


# One round trip per request instead of three: the user, their role bindings with
# the codes of their places, and their specialist profile (the load test found the
# principal's queries the largest cost of a signed-in request).
_PRINCIPAL_SQL = """
SELECT u.id, u.email, b.role, m.code AS municipality, mc.code AS municipality_county,
       c.code AS county,
       (SELECT s.id FROM specialist_profile s WHERE s."user" = u.id LIMIT 1) AS specialist_id
FROM app_user u
LEFT JOIN role_binding b ON b."user" = u.id
LEFT JOIN municipality m ON m.id = b.municipality
LEFT JOIN county mc ON mc.id = m.county
LEFT JOIN county c ON c.id = b.county
WHERE u.id = {} AND u.active = {}
ORDER BY b.id
"""


async def load_principal(user_id: int) -> Principal | None:
    """The active user's principal, or ``None`` if they are unknown or disabled."""
    rows = await fetch(User._meta.db, _PRINCIPAL_SQL, user_id, True)
    if not rows:
        return None
    bindings = tuple(
        Binding(
            role=Role(row["role"]),
            county=row["municipality_county"] or row["county"],
            municipality=row["municipality"],
        )
        for row in rows
        if row["role"] is not None
    )
    first = rows[0]
    return Principal(
        user_id=int(first["id"]),
        email=first["email"],
        bindings=bindings,
        specialist_id=first["specialist_id"],
    )


async def user_id_for_email(email: str) -> int | None:
    """The id of the active user with this e-mail (case-insensitive), if any."""
    row = (
        await User.select(User.id)
        .where((User.email == email.strip().lower()) & (User.active.eq(True)))
        .first()
    )
    return int(row["id"]) if row else None

"""The five demo users, one per role: a stable interface (the e-mails stay).

Low in the layers so that both the demo seed and the demo sign-in page (an entry
point of ``accounts``) can name them.
"""

from __future__ import annotations

from network.lib.vocab import Role

__all__ = (
    "ADMIN_EMAIL",
    "ANALYST_EMAIL",
    "COORDINATOR_EMAIL",
    "DEMO_USERS",
    "EMAIL_DOMAIN",
    "SOCIAL_WORKER_EMAIL",
    "SPECIALIST_EMAIL",
)

EMAIL_DOMAIN = "demo.invalid"
SOCIAL_WORKER_EMAIL = f"social.worker@{EMAIL_DOMAIN}"
SPECIALIST_EMAIL = f"specialist@{EMAIL_DOMAIN}"
COORDINATOR_EMAIL = f"coordinator@{EMAIL_DOMAIN}"
ANALYST_EMAIL = f"analyst@{EMAIL_DOMAIN}"
ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"

DEMO_USERS: tuple[tuple[str, Role], ...] = (
    (SOCIAL_WORKER_EMAIL, Role.SOCIAL_WORKER),
    (SPECIALIST_EMAIL, Role.SPECIALIST),
    (COORDINATOR_EMAIL, Role.COORDINATOR),
    (ANALYST_EMAIL, Role.ANALYST),
    (ADMIN_EMAIL, Role.ADMIN),
)
"""The five demo sign-ins, one per role (a stable interface: keep the e-mails)."""

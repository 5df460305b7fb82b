"""One rule drops cached coverage, and no writer can forget it: a change written
straight to the tables (past every service, as the seed, a migration or a hand-made
statement would) is seen by the next read, because the database's triggers raise the
data version the cache keys its entries by."""

from __future__ import annotations

import asyncio
from datetime import time

from network.directory.versions import network_token
from network.lib.vocab import Role
from network.specialists.tables import AvailabilityRule, SpecialistCompetence
from tests.support import app_client, in_app, sign_in
from tests.support.cases import add_competence, add_weekly_hours
from tests.support.people import create_specialist_profile, create_user

ANALYST = "cache.analyst@demo.invalid"  # county 22 (Västernorrland)
HOME = "2262"  # Timrå
AREA = "young_offenders"


def _row(client, code: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/coverage", params={"county": "22", "area": AREA})
    assert response.status_code == 200, response.text
    return next(r for r in response.json() if r["municipality"] == code)


def test_coverage_follows_changes_nobody_announced(migrated: None) -> None:
    async def create() -> int:
        await create_user(ANALYST, Role.ANALYST, county="22")
        user = await create_user(
            "cache.specialist@demo.invalid", Role.SPECIALIST, municipality=HOME
        )
        specialist = await create_specialist_profile(user, HOME)
        await add_competence(specialist, AREA, 2)
        await add_weekly_hours(specialist, range(5), time(8), time(12))  # 20 h
        return specialist

    specialist = asyncio.run(create())
    with app_client() as client:
        sign_in(client, ANALYST)
        before = _row(client, HOME)
        assert before["status"] == "local"
        assert before["supply_hours"] == 20
        token = in_app(client, network_token)

        # Hours written straight to the table: the "hours" version moves.
        async def fewer_hours() -> None:
            await AvailabilityRule.delete().where(
                (AvailabilityRule.specialist == specialist) & (AvailabilityRule.weekday >= 3)
            )

        in_app(client, fewer_hours)
        assert in_app(client, network_token) != token
        assert _row(client, HOME)["supply_hours"] == 12

        # The competence removed straight from the table: the "network" version moves.
        async def no_competence() -> None:
            await SpecialistCompetence.delete().where(SpecialistCompetence.specialist == specialist)

        in_app(client, no_competence)
        assert _row(client, HOME)["status"] == "none"

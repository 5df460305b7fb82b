"""Offers for an absent specialist go to the stand-in named on the absence (read
from the database, following chains)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from network.lib.vocab import Role
from network.specialists.capacity import offer_recipients
from network.specialists.tables import Absence
from tests.support.people import create_specialist_profile, create_user


def test_offer_recipients_follow_stand_ins(migrated: None) -> None:
    async def scenario() -> None:
        ids = []
        for name in ("a", "b", "c", "d"):
            user = await create_user(f"standin.{name}@demo.invalid", Role.SPECIALIST, county="05")
            ids.append(await create_specialist_profile(user, "0580"))
        a, b, c, d = ids
        now = datetime.now(UTC)
        period = {"starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=5)}
        await Absence.insert(
            Absence(specialist=a, stand_in=b, reason="holiday", created_at=now, **period),
            Absence(specialist=b, stand_in=c, reason="training", created_at=now, **period),
            Absence(specialist=d, reason="sick_leave", created_at=now, **period),
        )
        assert await offer_recipients([a, b, c, d], now) == {a: c, b: c, c: c, d: None}
        # After the absences, everyone takes their own offers again.
        later = now + timedelta(days=6)
        assert await offer_recipients([a, d], later) == {a: a, d: d}

    asyncio.run(scenario())

"""Many clients race to book from two app processes on one database: a specialist is
never double-booked and their weekly capacity is never exceeded.

Runs on the suite's database (PostgreSQL in the CI's second run, where the check
locks the specialist's row; SQLite in the first, where writers queue).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, date, datetime, time, timedelta

import pytest

from network.consultations.tables import Booking
from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from network.specialists.tables import SpecialistProfile
from tests.support.cases import add_weekly_hours, create_accepted_request, seeing_all
from tests.support.http import Browser
from tests.support.people import create_specialist_profile, create_user
from tests.support.server import running_server

REQUESTER = "race.requester@demo.invalid"
CLIENTS = 16
_today = date.today()
MONDAY = _today + timedelta(days=28 - _today.weekday())


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


@pytest.fixture(scope="module")
def world(migrated: None) -> dict[str, object]:
    """A specialist with 3 meetings a week and 8 slots every weekday (08–16), and
    2 × 16 accepted requests from Ljusdal waiting for a meeting."""

    async def create() -> dict[str, object]:
        requester = await create_user(REQUESTER, Role.SOCIAL_WORKER, municipality="2161")
        user = await create_user("race.specialist@demo.invalid", Role.SPECIALIST, county="21")
        specialist = await create_specialist_profile(user, "2161")
        await SpecialistProfile.update({SpecialistProfile.consultations_per_week: 3}).where(
            SpecialistProfile.id == specialist
        )
        await add_weekly_hours(specialist, range(5), time(8), time(16))
        requests = [
            await create_accepted_request(
                requester=requester, municipality="2161", specialist=specialist
            )
            for _ in range(2 * CLIENTS)
        ]
        return {"specialist": specialist, "requests": requests}

    return asyncio.run(create())


@pytest.fixture(scope="module")
def servers(world: dict[str, object]) -> Iterator[tuple[str, str]]:
    with ExitStack() as stack:
        yield (
            stack.enter_context(running_server()),
            stack.enter_context(running_server()),
        )


def _race(servers: tuple[str, str], attempts: list[tuple[int, datetime]]) -> Counter[int]:
    """Sign in one client per attempt (alternating servers), then fire them together."""
    browsers = []
    for index in range(len(attempts)):
        browser = Browser()
        browser.sign_in(servers[index % 2], REQUESTER)
        browsers.append(browser)

    def attempt(index: int) -> int:
        request_id, start = attempts[index]
        response = browsers[index].request(
            "POST",
            f"{servers[index % 2]}/api/v1/bookings",
            json={"request": request_id, "start": start.isoformat()},
        )
        assert response.status_code in (201, 409), response.text
        return response.status_code

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return Counter(pool.map(attempt, range(len(attempts))))


def _live(specialist: int, start: datetime, end: datetime) -> list[datetime]:
    async def query() -> list[datetime]:
        rows = await Booking.select(Booking.starts_at).where(
            (Booking.specialist == specialist)
            & (Booking.status == "booked")
            & (Booking.starts_at >= start.astimezone(UTC))
            & (Booking.starts_at < end.astimezone(UTC))
        )
        return [row["starts_at"] for row in rows]

    return asyncio.run(seeing_all(query))


def test_one_slot_many_clients_exactly_one_wins(
    servers: tuple[str, str], world: dict[str, object]
) -> None:
    requests = world["requests"]
    assert isinstance(requests, list)
    slot = at(MONDAY, 10)
    outcome = _race(servers, [(request_id, slot) for request_id in requests[:CLIENTS]])
    assert outcome == Counter({201: 1, 409: CLIENTS - 1})
    assert _live(int(str(world["specialist"])), slot, slot + timedelta(hours=1)) == [slot]


def test_weekly_capacity_holds_under_concurrent_bookings(
    servers: tuple[str, str], world: dict[str, object]
) -> None:
    requests = world["requests"]
    assert isinstance(requests, list)
    week = MONDAY + timedelta(days=7)
    # 16 different free slots of one week, for a specialist with room for 3.
    starts = [at(week + timedelta(days=i % 4), 8 + i // 4) for i in range(CLIENTS)]
    outcome = _race(servers, list(zip(requests[CLIENTS:], starts, strict=True)))
    assert outcome == Counter({201: 3, 409: CLIENTS - 3})
    assert len(_live(int(str(world["specialist"])), at(week, 0), at(week + timedelta(7), 0))) == 3

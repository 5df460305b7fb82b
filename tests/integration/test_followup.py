"""Follow-up over time: an unanswered offer expires and passes to the next best
specialist (or back to the pool), a request past its latest useful date expires,
closed requests are purged after the retention period; by the job and the CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from network.audit.tables import AuditEvent
from network.consultations.followup import follow_up, periodic_follow_up
from network.consultations.tables import Assignment, ConsultationMessage, ConsultationRequest
from network.kernel.case_scope import system_scope
from network.lib.vocab import AssignmentStatus, ConsultationStatus, Role
from tests.support.cases import (
    add_competence,
    add_weekly_hours,
    create_accepted_request,
    create_county_agreement,
)
from tests.support.context import bare_runtime
from tests.support.database import TEST_URL, run_cli
from tests.support.people import create_specialist_profile, create_user

AREA = "unaccompanied_minors"
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def world(migrated: None) -> dict[str, int]:
    """Two specialists in Uppsala (0380) for a county-wide agreement; a worker in Håbo."""

    async def create() -> dict[str, int]:
        await create_county_agreement("03", AREA)
        ids = {
            "worker": await create_user(
                "fu.worker@demo.invalid", Role.SOCIAL_WORKER, municipality="0305"
            )
        }
        for key, level in (("first", 3), ("second", 1)):
            user = await create_user(f"fu.{key}@demo.invalid", Role.SPECIALIST, municipality="0380")
            ids[key] = await create_specialist_profile(user, "0380")
            await add_competence(ids[key], AREA, level)
            await add_weekly_hours(ids[key], range(7), time(8), time(16))
        return ids

    return asyncio.run(create())


async def offered_to(world: dict[str, int], specialist: str, **changes: Any) -> int:
    request = await create_accepted_request(
        requester=world["worker"],
        municipality="0305",
        specialist=world[specialist],
        area=AREA,
        status=ConsultationStatus.OFFERED,
        assignment=AssignmentStatus.OFFERED,
    )
    async with seeing_all():
        await Assignment.update(
            {Assignment.expires_at: NOW - timedelta(minutes=5), **changes}
        ).where(Assignment.request == request)
    return request


def seeing_all() -> Any:
    """The test's own reads and writes of case rows see them all (a system scope)."""
    return system_scope(ConsultationRequest._meta.db)


async def status(request: int) -> str:
    async with seeing_all():
        row = (
            await ConsultationRequest.select(ConsultationRequest.status)
            .where(ConsultationRequest.id == request)
            .first()
        )
    return "purged" if row is None else str(row["status"])


async def offers(request: int) -> list[tuple[int, str]]:
    async with seeing_all():
        rows = (
            await Assignment.select(Assignment.specialist, Assignment.status)
            .where(Assignment.request == request)
            .order_by(Assignment.id)
        )
    return [(r["specialist"], r["status"]) for r in rows]


def test_unanswered_offer_passes_to_the_next_best(world: dict[str, int]) -> None:
    async def scenario() -> None:
        request = await offered_to(world, "first")
        result = await follow_up(bare_runtime(), now=NOW, retention_days=730)
        assert result.offers_expired >= 1
        assert await offers(request) == [
            (world["first"], "expired"),
            (world["second"], "offered"),
        ]
        assert await status(request) == "offered"
        # When the second lets it expire too, nobody is left: back to the pool.
        async with seeing_all():
            await Assignment.update({Assignment.expires_at: NOW - timedelta(minutes=1)}).where(
                (Assignment.request == request) & (Assignment.status == "offered")
            )
        await follow_up(bare_runtime(), now=NOW, retention_days=730)
        assert await status(request) == "open"
        actions = await AuditEvent.select(AuditEvent.action).where(
            AuditEvent.object_id == str(request)
        )
        assert sum(a["action"] == "consultation.offer_expired" for a in actions) == 2

    asyncio.run(scenario())


def test_requests_past_their_latest_date_expire(world: dict[str, int]) -> None:
    async def scenario() -> None:
        late = await offered_to(world, "first", expires_at=NOW + timedelta(days=1))
        async with seeing_all():
            await ConsultationRequest.update(
                {ConsultationRequest.latest_date: date.today() - timedelta(days=2)}
            ).where(ConsultationRequest.id == late)
        await follow_up(bare_runtime(), now=NOW, retention_days=730)
        assert await status(late) == "expired"
        assert await offers(late) == [(world["first"], "withdrawn")]

    asyncio.run(scenario())


def test_closed_requests_are_purged_after_retention(world: dict[str, int]) -> None:
    async def scenario() -> None:
        old, recent = [
            await create_accepted_request(
                requester=world["worker"],
                municipality="0305",
                specialist=world["first"],
                area=AREA,
                status=ConsultationStatus.COMPLETED,
            )
            for _ in range(2)
        ]
        async with seeing_all():
            await ConsultationRequest.update(
                {ConsultationRequest.closed_at: NOW - timedelta(days=800)}
            ).where(ConsultationRequest.id == old)
            await ConsultationRequest.update(
                {ConsultationRequest.closed_at: NOW - timedelta(days=10)}
            ).where(ConsultationRequest.id == recent)
            await ConsultationMessage(request=old, body="Svar", created_at=NOW).save()
        result = await follow_up(bare_runtime(), now=NOW, retention_days=730)
        assert result.purged >= 1
        assert await status(old) == "purged"
        assert await offers(old) == []
        async with seeing_all():
            messages = await ConsultationMessage.count().where(ConsultationMessage.request == old)
        assert messages == 0
        assert await status(recent) == "completed"

    asyncio.run(scenario())


def test_the_cli_and_the_timer_run_passes(world: dict[str, int]) -> None:
    request = asyncio.run(offered_to(world, "second"))
    run_cli(TEST_URL, "followup")
    assert asyncio.run(offers(request))[0] == (world["second"], "expired")

    async def timer() -> None:
        due = await offered_to(world, "second")
        async with periodic_follow_up(bare_runtime(followup_interval=1), retention_days=730):
            await asyncio.sleep(2.5)
        assert (await offers(due))[0] == (world["second"], "expired")

    asyncio.run(timer())

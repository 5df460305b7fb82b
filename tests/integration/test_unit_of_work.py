"""The unit of work commits a change with its audit records and notifications, and
announces it only once it has committed; ``create_app(settings)`` alone decides the
database an app uses."""

from __future__ import annotations

import asyncio

import pytest

from network.audit.services import record
from network.audit.tables import AuditEvent
from network.kernel.context import Context
from network.kernel.policy import Principal
from network.lib.errors import Conflict
from network.lib.vocab import NotificationKind, Role
from network.notifications.services import notify
from network.notifications.tables import Notification
from network.settings import Settings
from tests.support import app_client
from tests.support.context import context_of
from tests.support.database import migrated_database, serving_url
from tests.support.people import create_user

WORKER = "unit.worker@demo.invalid"


@pytest.fixture(scope="module")
def ctx(migrated: None) -> Context:
    async def create() -> Principal:
        from network.accounts.principals import load_principal

        user = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        principal = await load_principal(user)
        assert principal is not None
        return principal

    return context_of(asyncio.run(create()))


async def _audited(action: str) -> int:
    return await AuditEvent.count().where(AuditEvent.action == action)


async def _told(user: int, link: str) -> int:
    return await Notification.count().where(
        (Notification.recipient == user) & (Notification.link == link)
    )


async def _announce(ctx: Context, action: str, link: str) -> None:
    await record(ctx.actor, action, "test", 1)
    await notify(
        [ctx.principal.user_id],
        NotificationKind.TEST,
        object_type="test",
        object_id=1,
        link=link,
    )


def test_a_change_commits_with_its_records_and_announces_after_commit(ctx: Context) -> None:
    ran: list[bool] = []

    async def scenario() -> tuple[int, int, int]:
        async with ctx.work() as unit:
            await _announce(ctx, "unit.kept", "/unit/kept")
            # collected, not yet written: one insert for the change's records at the end
            assert await _audited("unit.kept") == 0
            unit.after_commit(
                lambda: ran.append(ctx.runtime.engine.current_transaction.get() is None)
            )
            assert ran == []  # nothing runs before the change is durable
        return (
            await _audited("unit.kept"),
            await _told(ctx.principal.user_id, "/unit/kept"),
            len(ran),
        )

    assert asyncio.run(scenario()) == (1, 1, 1)
    assert ran == [True]  # and it ran outside the transaction, after the commit


def test_a_change_that_rolls_back_leaves_no_record_and_announces_nothing(
    ctx: Context,
) -> None:
    ran: list[str] = []

    async def change() -> None:
        async with ctx.work() as unit:
            await _announce(ctx, "unit.undone", "/unit/undone")
            unit.after_commit(lambda: ran.append("announced"))
            raise Conflict("changed meanwhile", field="version")

    async def scenario() -> tuple[int, int]:
        with pytest.raises(Conflict):
            await change()
        return await _audited("unit.undone"), await _told(ctx.principal.user_id, "/unit/undone")

    assert asyncio.run(scenario()) == (0, 0)
    assert ran == []


def test_a_nested_unit_joins_the_outer_change(ctx: Context) -> None:
    async def change() -> None:
        async with ctx.work() as outer:
            async with ctx.work() as inner:
                assert inner is outer
                await _announce(ctx, "unit.nested", "/unit/nested")
            # the inner block ended: still nothing written until the outer commits
            assert await _audited("unit.nested") == 0
            raise Conflict("the outer change fails")

    async def scenario() -> tuple[int, int]:
        with pytest.raises(Conflict):
            await change()
        return await _audited("unit.nested"), await _told(ctx.principal.user_id, "/unit/nested")

    assert asyncio.run(scenario()) == (0, 0)


def test_outside_a_unit_a_record_is_written_at_once(ctx: Context) -> None:
    async def scenario() -> int:
        await record(ctx.actor, "unit.alone", "test", 1)
        return await _audited("unit.alone")

    assert asyncio.run(scenario()) == 1


def test_the_settings_given_to_create_app_decide_its_database(migrated: None) -> None:
    """An app made for another database (migrated, no reference data) reads that one,
    not the environment's, and the suite's tables are as before once it has stopped."""
    other = Settings.from_env({"NETWORK_DATABASE_URL": serving_url(migrated_database("other"))})
    with app_client(other) as client:
        assert client.get("/api/v1/areas").json() == []
    with app_client() as client:
        assert len(client.get("/api/v1/areas").json()) >= 4  # the reference data

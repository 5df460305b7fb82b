"""Shared fixtures.

``tests.support.database`` is imported first: it picks and creates the suite's
database and sets ``NETWORK_DATABASE_URL`` before any network module is imported,
because Piccolo caches its engine at first use (docs/conventions.md, pitfall 1).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from litestar.testing import TestClient

from tests.support import provision

# First of all: what the suite needs beside Python (Chromium, Node.js, PostgreSQL,
# Redis), installed and started when missing and allowed, or the run stops naming it.
provision.ensure()

from tests.support import database  # noqa: E402  (after the services it may create a database on)

# Property-based tests: the same examples every run (CI must not turn red by luck);
# `HYPOTHESIS_PROFILE=explore uv run pytest tests/unit` searches far wider.
hypothesis_settings.register_profile("default", max_examples=400, derandomize=True, deadline=None)
hypothesis_settings.register_profile("explore", max_examples=20_000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Tests that run the `network` command get it from a zygote: start it now, so that
    it has made its imports (on the other core) by the time the first one needs it."""
    from tests.support import spawn

    if session.config.option.collectonly:
        return
    if any(item.path.parent.name in ("integration", "e2e") for item in session.items):
        spawn.warm_up()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    database.cleanup()


@pytest.fixture(scope="session")
def database_url() -> str:
    return database.TEST_URL


@pytest.fixture(scope="session")
def migrated() -> None:
    """The suite's database, migrated and holding the reference data (as the owner, as
    `network migrate` and `network load-reference` do; the app serves as another role)."""
    from network.directory.reference import load_reference_data
    from network.migrate import as_owner, grant_serving_role, migrate_forwards
    from network.settings import get_settings

    async def prepare() -> None:
        settings = get_settings()
        with as_owner(settings):
            await migrate_forwards()
            await load_reference_data()
        await grant_serving_role(settings)

    # On a thread of its own: another fixture (Playwright) may run a loop here already.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, prepare()).result()


@pytest.fixture
def client(migrated: None) -> Iterator[TestClient[Litestar]]:
    """A test client of the app on the suite's database (lifespan run)."""
    from network.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client

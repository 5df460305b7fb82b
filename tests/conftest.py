"""Shared fixtures.

``tests.support.database`` is imported first: it picks and creates the suite's
database and sets ``NETWORK_DATABASE_URL`` before any network module is imported,
because Piccolo caches its engine at first use (STYLE pitfall 1).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.support import database


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    database.cleanup()


@pytest.fixture(scope="session")
def database_url() -> str:
    return database.TEST_URL


@pytest.fixture(scope="session")
def migrated() -> None:
    """The suite's database, migrated and holding the reference data."""
    from network.directory.reference import load_reference_data
    from network.migrate import migrate_forwards

    async def prepare() -> None:
        await migrate_forwards()
        await load_reference_data()

    # On a thread of its own: another fixture (Playwright) may run a loop here already.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, prepare()).result()


@pytest.fixture
def client(migrated: None) -> Iterator[TestClient[Litestar]]:
    """A test client of the app on the suite's database (lifespan run)."""
    from network.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client

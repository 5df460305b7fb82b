"""Fixtures for integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import SharedApp
from tests.support.database import migrated_database, serving_url, using_database


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures are made
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Stop a module's shared app (:class:`SharedApp`) before a test that does not use
    it, or that needs a module or session fixture not made yet: those may make apps
    of their own or use the database from another event loop, as they did alone."""
    if not SharedApp.running:
        return
    info = getattr(item, "_fixtureinfo", None)
    if info is None or "shared_app" not in info.names_closure:
        SharedApp.stop_all()
        return
    for name in info.names_closure:
        fixturedefs = info.name2fixturedefs.get(name)
        if not fixturedefs:
            continue
        fixturedef = fixturedefs[-1]  # the one in force for this test
        if fixturedef.scope != "function" and fixturedef.cached_result is None:
            SharedApp.stop_all()
            return


@pytest.fixture(scope="module")
def shared_app() -> Iterator[SharedApp]:
    """The module's :class:`SharedApp`; ``shared_app.client()`` is a new visitor of it."""
    shared = SharedApp()
    yield shared
    shared.stop()


@pytest.fixture
def fresh_db() -> Iterator[str]:
    """A freshly migrated database without reference data, used by every table (as the
    serving role, so row-level security is in force); its owner's URL."""
    url = migrated_database("fresh")
    with using_database(serving_url(url)):
        yield url

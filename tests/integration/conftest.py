"""Fixtures for integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.database import migrated_database, serving_url, using_database


@pytest.fixture
def fresh_db() -> Iterator[str]:
    """A freshly migrated database without reference data, used by every table (as the
    serving role, so row-level security is in force); its owner's URL."""
    url = migrated_database("fresh")
    with using_database(serving_url(url)):
        yield url

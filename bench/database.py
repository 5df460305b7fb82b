"""A scratch database for a benchmark run, of the kind ``NETWORK_DATABASE_URL`` names."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ("drop_scratch", "scratch", "scratch_database")


def scratch_database() -> tuple[str, bool]:
    """A fresh database URL, and whether it is a PostgreSQL one (to drop afterwards)."""
    base = os.environ.get("NETWORK_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-')) / 'bench.sqlite3'}", False
    from network.lib.pgdatabases import create_database, scratch_url

    url = scratch_url(base, "network_bench")
    asyncio.run(create_database(url))
    return url, True


def drop_scratch(url: str, postgres: bool) -> None:
    if postgres:
        from network.lib.pgdatabases import drop_database

        asyncio.run(drop_database(url))


@contextmanager
def scratch() -> Iterator[tuple[str, bool]]:
    """A scratch database that the app's code uses for the block (its URL, and
    whether it is PostgreSQL); dropped afterwards."""
    url, postgres = scratch_database()
    os.environ["NETWORK_DATABASE_URL"] = url
    # The scratch database is made, migrated and served by the role that made it.
    os.environ.pop("NETWORK_DATABASE_OWNER_URL", None)
    os.environ["PICCOLO_CONF"] = "network.piccolo_conf"
    try:
        yield url, postgres
    finally:
        drop_scratch(url, postgres)

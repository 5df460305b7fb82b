"""A scratch database for a benchmark run, of the kind ``NETWORK_DATABASE_URL`` names."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

__all__ = ("drop_scratch", "keep_as_template", "scratch", "scratch_database", "seeded_template")


def scratch_database(template: str | None = None) -> tuple[str, bool]:
    """A fresh database URL, and whether it is a PostgreSQL one (to drop afterwards);
    on PostgreSQL a copy of the database ``template`` when given."""
    base = os.environ.get("NETWORK_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-')) / 'bench.sqlite3'}", False
    from network.lib.pgdatabases import create_database, scratch_url

    url = scratch_url(base, "network_bench")
    asyncio.run(_copy(url, template) if template else create_database(url))
    return url, True


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))


def _plain(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"not a plain database name: {name!r}")
    return name


async def _copy(url: str, template: str) -> None:
    conn = await _admin(url)
    try:
        name = _plain(urlsplit(url).path.lstrip("/"))
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_plain(template)}"')
    finally:
        await conn.close()


async def _exists(url: str, name: str) -> bool:
    conn = await _admin(url)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


def seeded_template(name: str) -> bool:
    """Whether the database ``name`` (a seeded network kept by ``--keep-seed``) exists
    on ``NETWORK_DATABASE_URL``'s PostgreSQL server."""
    base = os.environ.get("NETWORK_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--keep-seed needs NETWORK_DATABASE_URL to name a PostgreSQL server")
    return asyncio.run(_exists(base, _plain(name)))


def keep_as_template(url: str, name: str) -> None:
    """Copy the freshly seeded database ``url`` to ``name`` for later runs."""
    from network.lib.pgdatabases import scratch_url

    target = urlunsplit(urlsplit(scratch_url(url, "x"))._replace(path=f"/{_plain(name)}"))
    asyncio.run(_copy(target, _plain(urlsplit(url).path.lstrip("/"))))


def drop_scratch(url: str, postgres: bool) -> None:
    if postgres:
        from network.lib.pgdatabases import drop_database

        asyncio.run(drop_database(url))


@contextmanager
def scratch(template: str | None = None) -> Iterator[tuple[str, bool]]:
    """A scratch database that the app's code uses for the block (its URL, and
    whether it is PostgreSQL; a copy of ``template`` when given); dropped afterwards."""
    url, postgres = scratch_database(template)
    os.environ["NETWORK_DATABASE_URL"] = url
    # The scratch database is made, migrated and served by the role that made it.
    os.environ.pop("NETWORK_DATABASE_OWNER_URL", None)
    os.environ["PICCOLO_CONF"] = "network.piccolo_conf"
    try:
        yield url, postgres
    finally:
        drop_scratch(url, postgres)

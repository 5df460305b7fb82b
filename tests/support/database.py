"""The suite's database, chosen and created BEFORE any network module is
imported, because Piccolo caches its engine at first use (STYLE pitfall 1).

- ``NETWORK_DATABASE_URL`` unset or SQLite: a fresh SQLite file in a temp dir.
- PostgreSQL: a fresh database named ``network_test_<random>`` on that server,
  dropped at the end of the session.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

_TMP = Path(tempfile.mkdtemp(prefix="network-tests-"))
_BASE_URL = os.environ.get("NETWORK_DATABASE_URL", "").strip()
_PG_ADMIN_URL: str | None = None
_PG_DB: str | None = None
_CREATED: list[str] = []


def _fresh_postgres(url: str) -> tuple[str, str, str]:
    import asyncpg

    parts = urlsplit(url)
    name = f"network_test_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))

    async def create() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    _CREATED.append(name)
    return urlunsplit(parts._replace(path=f"/{name}")), admin, name


if _BASE_URL.startswith(("postgres://", "postgresql://")):
    TEST_URL, _PG_ADMIN_URL, _PG_DB = _fresh_postgres(_BASE_URL)
else:
    TEST_URL = f"sqlite:///{_TMP / 'test.sqlite3'}"

os.environ["NETWORK_DATABASE_URL"] = TEST_URL
os.environ["PICCOLO_CONF"] = "network.piccolo_conf"
os.environ.setdefault("NETWORK_ENV", "dev")
os.environ.setdefault("NETWORK_LOG_LEVEL", "WARNING")
# Many sign-ins from one test client address; the limits have their own test.
os.environ.setdefault("NETWORK_RATE_LIMIT_SIGNIN", "100000")
os.environ.setdefault("NETWORK_RATE_LIMIT_WRITES", "100000")

DATABASE_KIND = "postgres" if _PG_DB else "sqlite"
REDIS_URL = os.environ.get("NETWORK_REDIS_URL") or None


def fresh_database_url(tag: str) -> str:
    """Another empty database of the same kind as the suite's (for migration tests)."""
    if _PG_DB is None:
        return f"sqlite:///{_TMP / f'{tag}-{secrets.token_hex(3)}.sqlite3'}"
    url, _, _ = _fresh_postgres(_BASE_URL)
    return url


def cleanup() -> None:
    """Remove the temp dir and drop the PostgreSQL databases this session made."""
    shutil.rmtree(_TMP, ignore_errors=True)
    if _PG_ADMIN_URL is None:
        return
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect(_PG_ADMIN_URL)
        try:
            for name in _CREATED:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def migrate(url: str, *extra: str) -> None:
    """Run ``network migrate`` (with ``extra`` options) on the database ``url``."""
    run_cli(url, "migrate", *extra)


def run_cli(url: str, *args: str) -> None:
    """Run the ``network`` command with ``args`` on the database ``url``; it must succeed."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "network.cli", *args],
        env={**os.environ, "NETWORK_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def migrated_database(tag: str) -> str:
    """A fresh database of the suite's kind with every migration applied."""
    url = fresh_database_url(tag)
    migrate(url)
    return url


@contextmanager
def using_database(url: str) -> Iterator[None]:
    """Point every Piccolo table at the database ``url`` inside the block."""
    from network.db import make_engine
    from network.piccolo_conf import APP_REGISTRY
    from network.settings import Settings

    engine = make_engine(Settings.from_env({"NETWORK_DATABASE_URL": url}))
    tables = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]
    saved = [(table, table._meta._db) for table in tables]
    for table in tables:
        table._meta.db = engine
    try:
        yield
    finally:
        for table, db in saved:
            table._meta._db = db

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

_TMP = Path(tempfile.mkdtemp(prefix="network-tests-"))
_BASE_URL = os.environ.get("NETWORK_DATABASE_URL", "").strip()
_CREATED: list[str] = []


def _fresh_postgres(server_url: str) -> str:
    from network.lib.pgdatabases import create_database, scratch_url

    url = scratch_url(server_url, "network_test")
    asyncio.run(create_database(url))
    _CREATED.append(url)
    return url


DATABASE_KIND = "postgres" if _BASE_URL.startswith(("postgres://", "postgresql://")) else "sqlite"
TEST_URL = (
    _fresh_postgres(_BASE_URL)
    if DATABASE_KIND == "postgres"
    else f"sqlite:///{_TMP / 'test.sqlite3'}"
)

os.environ["NETWORK_DATABASE_URL"] = TEST_URL
os.environ["PICCOLO_CONF"] = "network.piccolo_conf"
os.environ.setdefault("NETWORK_ENV", "dev")
os.environ.setdefault("NETWORK_LOG_LEVEL", "WARNING")
# Many sign-ins from one test client address; the limits have their own test.
os.environ.setdefault("NETWORK_RATE_LIMIT_SIGNIN", "100000")
os.environ.setdefault("NETWORK_RATE_LIMIT_WRITES", "100000")
# Follow-up passes run when a test calls them, not on a timer under other tests.
os.environ.setdefault("NETWORK_FOLLOWUP_INTERVAL", "0")

REDIS_URL = os.environ.get("NETWORK_REDIS_URL") or None


def fresh_database_url(tag: str) -> str:
    """Another empty database of the same kind as the suite's (for migration tests)."""
    if DATABASE_KIND == "sqlite":
        return f"sqlite:///{_TMP / f'{tag}-{secrets.token_hex(3)}.sqlite3'}"
    return _fresh_postgres(_BASE_URL)


def cleanup() -> None:
    """Remove the temp dir and drop the PostgreSQL databases this session made."""
    from network.lib.pgdatabases import drop_database

    shutil.rmtree(_TMP, ignore_errors=True)

    async def drop() -> None:
        for url in _CREATED:
            await drop_database(url)

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

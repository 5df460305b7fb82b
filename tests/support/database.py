"""The suite's database, chosen and created BEFORE any network module is
imported, because Piccolo caches its engine at first use (docs/conventions.md, pitfall 1).

- ``NETWORK_DATABASE_URL`` unset or SQLite: a fresh SQLite file in a temp dir.
- PostgreSQL: a fresh database named ``network_test_<random>`` on that server,
  dropped at the end of the session. The URL given (a superuser's) is the owner's:
  it creates and migrates the database (``NETWORK_DATABASE_OWNER_URL``). The app
  under test serves as :data:`SERVING_ROLE`, neither superuser nor ``BYPASSRLS``
  (``NETWORK_DATABASE_URL``), so row-level security is in force in every test. The
  server must let that role in as it lets the owner in (``trust`` on loopback, as
  in CI).

Tests that need a database of their own, freshly migrated, get a copy of one that
``network migrate`` migrated once per session (:func:`migrated_database`): a file
copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL. SQLite files live on
a RAM disk when the machine has one (``/dev/shm``): durability is not under test.
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


def _scratch_parent() -> str | None:
    """A RAM disk for the SQLite files when there is one (commits need no disk flush)."""
    shm = Path("/dev/shm")  # noqa: S108 (a directory of our own is made inside it)
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


_TMP = Path(tempfile.mkdtemp(prefix="network-tests-", dir=_scratch_parent()))
_BASE_URL = os.environ.get("NETWORK_DATABASE_URL", "").strip()
_CREATED: list[str] = []
# The role the app under test serves as on PostgreSQL (``network migrate`` makes it).
SERVING_ROLE = "network_app"


def _fresh_postgres(server_url: str, *, template: str | None = None) -> str:
    """A new database on the server, created and owned by ``server_url``'s role (empty,
    or a copy of the database ``template`` names): its URL as that owner. The serving
    role may already use it (default privileges)."""
    from network.lib.pgdatabases import create_database, scratch_url
    from network.lib.pgroles import prepare_serving_role

    url = scratch_url(server_url, "network_test")
    if template is None:
        asyncio.run(create_database(url))
    else:
        asyncio.run(_copy_postgres(template, url))
    _CREATED.append(url)
    # CONNECT on the database is the database's own, not copied from a template.
    asyncio.run(prepare_serving_role(url, serving_url(url)))
    return url


async def _copy_postgres(template: str, url: str) -> None:
    import asyncpg

    names = [urlsplit(u).path.lstrip("/") for u in (url, template)]
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{names[0]}" TEMPLATE "{names[1]}"')
    finally:
        await conn.close()


def serving_url(url: str) -> str:
    """The URL of ``url``'s database as the serving role (SQLite: ``url`` itself)."""
    if DATABASE_KIND == "sqlite":
        return url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{SERVING_ROLE}@{host}"))


def owner_url(url: str) -> str:
    """The URL of ``url``'s database as its owner (the base URL's role)."""
    if DATABASE_KIND == "sqlite":
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=urlsplit(_BASE_URL).netloc))


DATABASE_KIND = "postgres" if _BASE_URL.startswith(("postgres://", "postgresql://")) else "sqlite"
# The suite's database: as the owner (migrations, direct inspection), and as the app.
OWNER_URL = (
    _fresh_postgres(_BASE_URL)
    if DATABASE_KIND == "postgres"
    else f"sqlite:///{_TMP / 'test.sqlite3'}"
)
TEST_URL = serving_url(OWNER_URL)

os.environ["NETWORK_DATABASE_URL"] = TEST_URL
if DATABASE_KIND == "postgres":
    os.environ["NETWORK_DATABASE_OWNER_URL"] = OWNER_URL
else:
    os.environ.pop("NETWORK_DATABASE_OWNER_URL", None)
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
    """Another empty database of the same kind as the suite's (for migration tests);
    its owner's URL (:func:`serving_url` gives the app's)."""
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


def database_env(url: str) -> dict[str, str]:
    """The variables that point the app at the database ``url`` (either of its URLs):
    serving as the serving role, migrating as the owner, as in production."""
    env = {"NETWORK_DATABASE_URL": serving_url(url)}
    if DATABASE_KIND == "postgres":
        env["NETWORK_DATABASE_OWNER_URL"] = owner_url(url)
    return env


def run_cli(url: str, *args: str) -> None:
    """Run the ``network`` command with ``args`` on the database ``url``; it must succeed."""
    from tests.support import spawn

    result = spawn.run(args, {**os.environ, **database_env(url)}, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout


_TEMPLATE: list[str] = []  # the session's migrated database that copies are made of


def migrated_database(tag: str) -> str:
    """A fresh database of the suite's kind with every migration applied (the
    owner's URL; :func:`serving_url` gives the app's): a copy of a database that
    ``network migrate`` migrated, once per session, and that nothing else uses."""
    if not _TEMPLATE:
        template = fresh_database_url("template")
        migrate(template)
        _TEMPLATE.append(template)
    if DATABASE_KIND == "postgres":
        return _fresh_postgres(_BASE_URL, template=_TEMPLATE[0])
    url = fresh_database_url(tag)
    source, target = (Path(u.split(":///", 1)[1]) for u in (_TEMPLATE[0], url))
    for suffix in ("", "-wal", "-shm"):  # `migrate` has exited: normally the file alone
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return url


@contextmanager
def using_database(url: str) -> Iterator[None]:
    """Point every Piccolo table at the database ``url`` inside the block."""
    from network.bootstrap import bind_tables
    from network.db import make_engine
    from network.settings import Settings

    with bind_tables(make_engine(Settings.from_env({"NETWORK_DATABASE_URL": url}))):
        yield

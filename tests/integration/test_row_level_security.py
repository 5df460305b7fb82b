"""Row-level security on PostgreSQL: without the transaction's case scope, no case rows.

Always runs on PostgreSQL (``NETWORK_TEST_POSTGRES_URL``, default the local server),
also in the embedded-default run of the suite, because the feature is PostgreSQL's.
The module's database is migrated by ``network migrate`` as its owner (a superuser),
which makes and grants a serving role of the module's own; the policy checks also
switch to an unprivileged role (``SET LOCAL ROLE``) inside the transaction. On the
PostgreSQL run the whole suite serves as ``network_app`` (``tests.support.database``),
checked here to bypass nothing; and the app refuses (prod) or warns (dev) at start-up
when its role would bypass row-level security.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import subprocess
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from network.app import create_app
from network.consultations.tables import Booking, ConsultationRequest
from network.db import check_row_security, make_engine
from network.kernel.case_scope import (
    CASE_TABLES,
    case_transaction,
    system_scope,
    system_transaction,
)
from network.kernel.policy import Binding, Principal
from network.lib.pgroles import BYPASS_QUERY
from network.lib.vocab import Role
from network.settings import Settings, SettingsError
from tests.support import database as suite
from tests.support import spawn
from tests.support.database import using_database

BASE = os.environ.get("NETWORK_TEST_POSTGRES_URL") or (
    suite.OWNER_URL  # a superuser's: it creates databases and roles
    if suite.DATABASE_KIND == "postgres"
    else "postgresql://postgres@127.0.0.1:5432/postgres"
)
PROBE = "network_rls_probe"
# The module's serving role (made by `network migrate`, dropped afterwards).
SERVING = f"network_test_app_{secrets.token_hex(3)}"
PASSWORD = secrets.token_hex(8)


def _with_user(url: str, user: str, password: str | None = None) -> str:
    parts = urlsplit(url)
    login = f"{user}:{password}" if password else user
    return urlunsplit(parts._replace(netloc=f"{login}@{parts.netloc.rpartition('@')[2]}"))


def _network(owner: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The ``network`` command on ``owner``'s database, serving as :data:`SERVING`."""
    return spawn.run(
        args,
        {
            **os.environ,
            "NETWORK_DATABASE_URL": _with_user(owner, SERVING, PASSWORD),
            "NETWORK_DATABASE_OWNER_URL": owner,
            **env,
        },
        timeout=300,
    )


async def _admin(sql: str, *args: object, url: str | None = None) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url or urlunsplit(urlsplit(BASE)._replace(path="/postgres")))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def database() -> Iterator[dict[str, int | str]]:
    name = f"network_test_rls_{secrets.token_hex(4)}"
    url = urlunsplit(urlsplit(BASE)._replace(path=f"/{name}"))

    async def setup() -> dict[str, int | str]:
        await _admin(f'CREATE DATABASE "{name}"')
        return {}

    asyncio.run(setup())
    migrated = _network(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr

    async def seed() -> dict[str, int | str]:
        run = lambda sql, *a: _admin(sql, *a, url=url)  # noqa: E731
        roles = await run("SELECT 1 FROM pg_roles WHERE rolname = $1", PROBE)
        if not roles:
            await run(f"CREATE ROLE {PROBE} NOLOGIN NOSUPERUSER NOBYPASSRLS")
        await run(f"GRANT USAGE ON SCHEMA public TO {PROBE}")
        await run(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {PROBE}")
        county = (await run("INSERT INTO county (code, name) VALUES ('21', 'G') RETURNING id"))[0][
            0
        ]
        ids: dict[str, int | str] = {"url": url, "first_migrate": migrated.stdout}
        for code in ("2161", "2584"):
            ids[code] = (
                await run(
                    "INSERT INTO municipality (code, name, county, population, latitude, "
                    "longitude, boundary) VALUES ($1, $1, $2, 1, 0, 0, '{}') RETURNING id",
                    code,
                    county,
                )
            )[0][0]
        area = (
            await run(
                "INSERT INTO competence_area (code, name_sv, name_en, description_en) "
                "VALUES ('lvu', 'LVU', 'LVU', '') RETURNING id"
            )
        )[0][0]
        for code in ("2161", "2584"):
            await run(
                "INSERT INTO consultation_request (area, origin_municipality, summary, status, "
                "created_at, kind, urgency, mode, language, version) "
                "VALUES ($1, $2, 'x', 'open', now(), 'meeting', 'planned', 'video', 'sv', 1)",
                area,
                ids[code],
            )
        return ids

    ids = asyncio.run(seed())
    try:
        yield ids
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(_admin(f'DROP ROLE IF EXISTS "{SERVING}"'))


def _worker_in(municipality: str) -> Principal:
    return Principal(
        user_id=424242,
        email="w@demo.invalid",
        bindings=(Binding(Role.SOCIAL_WORKER, "21", municipality),),
    )


async def _visible(url: str, settings: dict[str, str]) -> int:
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for name, value in settings.items():
                await conn.execute("SELECT set_config($1, $2, true)", name, value)
            await conn.execute(f"SET LOCAL ROLE {PROBE}")
            return int(await conn.fetchval("SELECT count(*) FROM consultation_request"))
    finally:
        await conn.close()


def test_no_scope_means_no_case_rows(database: dict[str, int | str]) -> None:
    url = str(database["url"])
    assert asyncio.run(_visible(url, {})) == 0
    assert asyncio.run(_visible(url, {"network.municipalities": str(database["2161"])})) == 1
    both = f"{database['2161']},{database['2584']}"
    assert asyncio.run(_visible(url, {"network.municipalities": both})) == 2
    assert asyncio.run(_visible(url, {"network.scope": "all"})) == 2


def test_every_case_table_has_a_forced_policy(database: dict[str, int | str]) -> None:
    url = str(database["url"])

    async def check() -> None:
        # Case data: the requests, every table that points at a request, and the
        # de-identified cases presented at group case conferences, every part of a
        # co-handling engagement, and the peer groups' threads.
        referencing = await _admin(
            "SELECT DISTINCT tc.table_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.constraint_column_usage ccu "
            "ON tc.constraint_name = ccu.constraint_name "
            "WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'consultation_request'",
            url=url,
        )
        engagement_parts = await _admin(
            "SELECT DISTINCT tc.table_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.constraint_column_usage ccu "
            "ON tc.constraint_name = ccu.constraint_name "
            "WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'engagement'",
            url=url,
        )
        case_tables = (
            {"consultation_request", "conference_case", "peer_post", "peer_reply"}
            | {r[0] for r in referencing}
            | {r[0] for r in engagement_parts}
        )
        assert case_tables == set(CASE_TABLES)
        rows = await _admin(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "(SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname) "
            "FROM pg_class c WHERE c.relname = ANY($1::text[])",
            list(case_tables),
            url=url,
        )
        assert {r[0] for r in rows} == case_tables
        for name, enabled, forced, policies in rows:
            assert enabled, name
            assert forced, name
            assert policies >= 1, name

    asyncio.run(check())


async def test_case_transaction_scopes_the_app_queries(database: dict[str, int | str]) -> None:
    url = str(database["url"])
    with using_database(url):
        engine = ConsultationRequest._meta.db
        for municipality in ("2161", "2584"):
            async with case_transaction(engine, _worker_in(municipality)):
                await engine.run_ddl(f"SET LOCAL ROLE {PROBE}")
                rows = await ConsultationRequest.select(ConsultationRequest.origin_municipality)
            assert [r["origin_municipality"] for r in rows] == [database[municipality]]
        async with system_transaction(engine):
            await engine.run_ddl(f"SET LOCAL ROLE {PROBE}")
            assert await ConsultationRequest.count() == 2
        # Rows of another municipality can neither be changed nor be written.
        async with case_transaction(engine, _worker_in("2161")):
            await engine.run_ddl(f"SET LOCAL ROLE {PROBE}")
            changed = (
                await ConsultationRequest.update({ConsultationRequest.summary: "y"})
                .where(ConsultationRequest.origin_municipality == database["2584"])
                .returning(ConsultationRequest.id)
            )
        assert changed == []
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await _insert_as_worker(engine, "2161", int(database["2584"]))


async def _insert_as_worker(engine: object, municipality: str, origin: int) -> None:
    async with case_transaction(engine, _worker_in(municipality)):
        await ConsultationRequest._meta.db.run_ddl(f"SET LOCAL ROLE {PROBE}")
        await ConsultationRequest.insert(
            ConsultationRequest(area=1, origin_municipality=origin, summary="z")
        )


async def test_system_scope_widens_only_its_block(database: dict[str, int | str]) -> None:
    """Free slots and capacity count every booking of a specialist, whoever asks: inside
    :func:`system_scope` a worker's transaction sees another municipality's booking
    (times only are read there); before and after the block it does not."""
    url = str(database["url"])
    run = lambda sql, *a: _admin(sql, *a, url=url)  # noqa: E731
    user = (
        await run(
            "INSERT INTO app_user (email, display_name, active, created_at) "
            "VALUES ('rls.specialist@demo.invalid', 'S', true, now()) RETURNING id"
        )
    )[0][0]
    specialist = (
        await run(
            'INSERT INTO specialist_profile ("user", home_municipality, created_at, updated_at) '
            "VALUES ($1, $2, now(), now()) RETURNING id",
            user,
            database["2584"],
        )
    )[0][0]
    await run(
        "INSERT INTO booking (specialist, origin_municipality, starts_at, ends_at, mode, status, "
        "created_at) VALUES ($1, $2, now() + interval '1 day', now() + interval '25 hours', "
        "'video', 'booked', now())",
        specialist,
        database["2584"],
    )
    with using_database(url):
        engine = Booking._meta.db
        async with case_transaction(engine, _worker_in("2161")):
            await engine.run_ddl(f"SET LOCAL ROLE {PROBE}")
            assert await Booking.count() == 0
            async with system_scope(engine):
                assert await Booking.count() == 1
            assert await Booking.count() == 0
            # Nested: the inner block changes nothing, the outer one restores.
            async with system_scope(engine):
                async with system_scope(engine):
                    assert await Booking.count() == 1
                assert await Booking.count() == 1
            assert await Booking.count() == 0
        async with system_transaction(engine):
            await engine.run_ddl(f"SET LOCAL ROLE {PROBE}")
            async with system_scope(engine):
                assert await Booking.count() == 1
            assert await Booking.count() == 1  # a system transaction keeps seeing all


# --------------------------------------------------------------------------- the roles


@pytest.mark.skipif(suite.DATABASE_KIND != "postgres", reason="the PostgreSQL run's role")
def test_the_suite_serves_as_a_role_that_bypasses_nothing() -> None:
    """Every test of the PostgreSQL run has the policies in force: the app's engine
    connects as ``network_app``, neither superuser nor ``BYPASSRLS``, and not the owner."""

    async def check() -> None:
        engine = ConsultationRequest._meta.db
        (row,) = await engine.run_ddl(BYPASS_QUERY)
        assert (row["role"], row["superuser"], row["bypassrls"]) == (
            suite.SERVING_ROLE,
            False,
            False,
        )
        owner = await _admin("SELECT current_user", url=suite.OWNER_URL)
        assert owner[0][0] != suite.SERVING_ROLE
        # And it cannot change the schema.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await engine.run_ddl("CREATE TABLE rls_probe_table (id int)")

    asyncio.run(check())
    assert os.environ["NETWORK_DATABASE_URL"] == suite.TEST_URL
    assert os.environ["NETWORK_DATABASE_OWNER_URL"] == suite.OWNER_URL


def test_migrate_makes_and_grants_the_serving_role_idempotently(
    database: dict[str, int | str],
) -> None:
    url = str(database["url"])
    assert f"serving role '{SERVING}' created and granted" in str(database["first_migrate"])
    again = _network(url, "migrate")  # the second time: nothing to create, grants again
    assert again.returncode == 0, again.stderr
    assert f"serving role '{SERVING}' granted" in again.stdout
    assert again.stderr == ""

    async def check() -> None:
        run = lambda sql, *a: _admin(sql, *a, url=url)  # noqa: E731
        (role,) = await run(
            "SELECT rolsuper, rolbypassrls, rolcanlogin, rolcreaterole, rolcreatedb, "
            "rolpassword IS NOT NULL FROM pg_authid WHERE rolname = $1",
            SERVING,
        )
        assert tuple(role) == (False, False, True, False, False, True)
        privileges = await run(
            "SELECT c.relname, has_table_privilege($1, c.oid, 'SELECT'), "
            "has_table_privilege($1, c.oid, 'INSERT, UPDATE, DELETE'), "
            "has_table_privilege($1, c.oid, 'TRUNCATE, REFERENCES, TRIGGER') "
            "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'",
            SERVING,
        )
        assert len(privileges) > 30
        for table, read, write, other in privileges:
            assert read, table
            assert write == (table != "migration"), table
            assert not other, table
        sequences = await run(
            "SELECT bool_and(has_sequence_privilege($1, c.oid, 'USAGE')), count(*) "
            "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'",
            SERVING,
        )
        assert sequences[0][0] is True
        assert sequences[0][1] > 30
        (schema,) = await run(
            "SELECT has_schema_privilege($1, 'public', 'USAGE'), "
            "has_schema_privilege($1, 'public', 'CREATE')",
            SERVING,
        )
        assert tuple(schema) == (True, False)
        # Tables a later migration adds are granted too (default privileges).
        await run("CREATE TABLE rls_later (id serial PRIMARY KEY)")
        (later,) = await run(
            "SELECT has_table_privilege($1, 'rls_later', 'SELECT, INSERT, UPDATE, DELETE'), "
            "has_sequence_privilege($1, 'rls_later_id_seq', 'USAGE')",
            SERVING,
        )
        await run("DROP TABLE rls_later")
        assert tuple(later) == (True, True)

    asyncio.run(check())


async def test_the_serving_role_sees_case_rows_only_in_scope(
    database: dict[str, int | str],
) -> None:
    """Connected as the role `network migrate` made (no ``SET ROLE``): no case rows
    without a scope, a worker's own municipality's in theirs, all in a system job's."""
    serving = _with_user(str(database["url"]), SERVING, PASSWORD)
    with using_database(serving):
        engine = ConsultationRequest._meta.db
        assert await ConsultationRequest.count() == 0
        async with case_transaction(engine, _worker_in("2161")):
            assert await ConsultationRequest.count() == 1
        async with system_transaction(engine):
            assert await ConsultationRequest.count() == 2
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await _insert_unscoped(engine, int(database["2584"]))


async def _insert_unscoped(engine: object, origin: int) -> None:
    await ConsultationRequest.insert(
        ConsultationRequest(area=1, origin_municipality=origin, summary="z")
    )


def _settings(url: str, env: str) -> Settings:
    return Settings(env=env, database_url=url, secret_key="s" * 40, followup_interval=0)


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def test_start_up_refuses_a_bypassing_role_in_prod(database: dict[str, int | str]) -> None:
    from litestar.testing import TestClient

    owner = str(database["url"])  # a superuser's
    refused = pytest.RaisesGroup(SettingsError, flatten_subgroups=True)  # from the lifespan
    with refused as caught, TestClient(create_app(_settings(owner, "prod"))):
        pass
    (error,) = _leaves(caught.value)
    message = str(error)
    assert message.startswith("NETWORK_DATABASE_URL: role ")
    assert "is a superuser, which bypasses row-level security" in message
    assert "\n" not in message
    # The serving role starts.
    serving = _with_user(owner, SERVING, PASSWORD)
    with TestClient(create_app(_settings(serving, "prod"))) as client:
        assert client.get("/health").status_code == 200


def test_serve_refuses_a_bypassing_role_in_prod_with_one_line(
    database: dict[str, int | str],
) -> None:
    owner = str(database["url"])
    result = _network(
        owner,
        "serve",
        "--port",
        "1",  # never reached: the check comes first
        NETWORK_ENV="prod",
        NETWORK_SECRET_KEY="s" * 40,
        NETWORK_DATABASE_URL=owner,
        NETWORK_REDIS_URL="",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: NETWORK_DATABASE_URL: role ")
    assert "bypasses row-level security" in lines[0]


async def test_start_up_warns_in_dev_of_a_bypassing_role(
    database: dict[str, int | str], caplog: pytest.LogCaptureFixture
) -> None:
    owner = str(database["url"])
    serving = _with_user(owner, SERVING, PASSWORD)
    for url, warned in ((owner, True), (serving, False)):
        settings = _settings(url, "dev")
        engine = make_engine(settings)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="network.db"):
            await check_row_security(engine, settings)  # dev: never refuses
        found = [r.getMessage() for r in caplog.records if r.name == "network.db"]
        assert bool(found) == warned, found
        if warned:
            assert "bypasses row-level security" in found[0]
            assert "allowed in dev" in found[0]
        # The same role in prod: refused exactly when dev warns.
        if warned:
            with pytest.raises(SettingsError):
                await check_row_security(engine, _settings(url, "prod"))
        else:
            await check_row_security(engine, _settings(url, "prod"))

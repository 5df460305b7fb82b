"""Row-level security on PostgreSQL: without the transaction's case scope, no case rows.

Always runs on PostgreSQL (``NETWORK_TEST_POSTGRES_URL``, default the local server),
also in the embedded-default run of the suite, because the feature is PostgreSQL's.
The app connects as a superuser in tests, which bypasses row-level security, so the
checks switch to an unprivileged role (``SET LOCAL ROLE``) inside the transaction,
as the production app role is.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from network.accounts.case_scope import (
    CASE_TABLES,
    case_transaction,
    system_scope,
    system_transaction,
)
from network.accounts.policy import Binding, Principal
from network.consultations.tables import Booking, ConsultationRequest
from network.lib.vocab import Role
from tests.support.database import migrate, using_database

BASE = os.environ.get("NETWORK_TEST_POSTGRES_URL") or (
    os.environ["NETWORK_DATABASE_URL"]
    if os.environ.get("NETWORK_DATABASE_URL", "").startswith("postgres")
    else "postgresql://postgres@127.0.0.1:5432/postgres"
)
PROBE = "network_rls_probe"


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
    migrate(url)

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
        ids: dict[str, int | str] = {"url": url}
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
        # Case data: the requests, and every table that points at a request.
        referencing = await _admin(
            "SELECT DISTINCT tc.table_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.constraint_column_usage ccu "
            "ON tc.constraint_name = ccu.constraint_name "
            "WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'consultation_request'",
            url=url,
        )
        case_tables = {"consultation_request"} | {r[0] for r in referencing}
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

"""PostgreSQL roles: the serving role that row-level security binds, set up by the
owner of the schema, and the question whether a role bypasses row-level security.

A superuser, or a role with ``BYPASSRLS``, sees every row whatever the policies
say. The schema's owner runs migrations; the app serves as another role, made here
with ``NOSUPERUSER NOBYPASSRLS`` and given exactly what serving needs: to read and
write rows (never to change the schema), now and on tables later migrations add.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import asyncpg

__all__ = (
    "BYPASS_QUERY",
    "RoleSetupError",
    "ServingRole",
    "bypass_problem",
    "prepare_serving_role",
    "role_bypasses",
)

# One row for the connected role: its name, and whether it bypasses row-level security.
BYPASS_QUERY = (
    "SELECT current_user AS role, rolsuper AS superuser, rolbypassrls AS bypassrls "
    "FROM pg_roles WHERE rolname = current_user"
)


def bypass_problem(role: str, *, superuser: bool, bypassrls: bool) -> str | None:
    """Why ``role`` bypasses row-level security, or ``None`` if it does not."""
    if not (superuser or bypassrls):
        return None
    what = "is a superuser" if superuser else "has BYPASSRLS"
    return (
        f"role {role!r} {what}, which bypasses row-level security; serve as a role "
        "with neither (`network migrate` creates one from NETWORK_DATABASE_URL's user "
        "when NETWORK_DATABASE_OWNER_URL names the owner)"
    )


async def role_bypasses(url: str) -> str | None:
    """Connect with ``url``: :func:`bypass_problem` for its role."""
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(BYPASS_QUERY)
    finally:
        await conn.close()
    assert row is not None
    return bypass_problem(row["role"], superuser=row["superuser"], bypassrls=row["bypassrls"])


class RoleSetupError(RuntimeError):
    """The serving role cannot be created or granted; the message says what to do."""


@dataclass(frozen=True, slots=True)
class ServingRole:
    """What :func:`prepare_serving_role` found and did."""

    name: str
    created: bool  # it did not exist before
    bypasses: str | None  # an existing role that bypasses row-level security: why


async def _quoted(conn: asyncpg.Connection, template: str, *values: str) -> str:
    """``template`` with ``values`` quoted by the server (``%I`` names, ``%L`` literals)."""
    sql = await conn.fetchval(f"SELECT format('{template}', {_params(len(values))})", *values)
    assert isinstance(sql, str)
    return sql


def _params(count: int) -> str:
    return ", ".join(f"${i}::text" for i in range(1, count + 1))


async def prepare_serving_role(owner_url: str, serving_url: str) -> ServingRole | None:
    """Connected as the owner (``owner_url``), make sure the role named by
    ``serving_url``'s user exists (``LOGIN NOSUPERUSER NOBYPASSRLS``, with the URL's
    password if it has one) and may read and write the rows of every table in the
    schema ``public``, now and in future tables the owner creates. Idempotent.

    ``None`` when the app serves as the owner itself (same user, or none named):
    nothing to grant then (and the start-up check says whether that role bypasses
    row-level security).
    """
    serving = urlsplit(serving_url)
    name = unquote(serving.username) if serving.username else None
    password = unquote(serving.password) if serving.password else None
    conn = await asyncpg.connect(owner_url)
    try:
        owner = await conn.fetchval("SELECT current_user")
        if name is None or name == owner:
            return None
        created = False
        if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name) is None:
            template = "CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            values = [name]
            if password is not None:
                template += " PASSWORD %L"
                values.append(password)
            try:
                await conn.execute(await _quoted(conn, template, *values))
                created = True
            except (asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
                pass  # created meanwhile by another migrate of the same server
            except asyncpg.InsufficientPrivilegeError as error:
                raise RoleSetupError(
                    f"role {owner!r} may not create the serving role {name!r} ({error}); "
                    f"create it as an administrator: CREATE ROLE {name} LOGIN PASSWORD '…' "
                    "NOSUPERUSER NOBYPASSRLS"
                ) from error
        row = await conn.fetchrow(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", name
        )
        assert row is not None
        bypasses = bypass_problem(name, superuser=row["rolsuper"], bypassrls=row["rolbypassrls"])
        database = await conn.fetchval("SELECT current_database()")
        for grant, names in (
            ("GRANT CONNECT ON DATABASE %I TO %I", (database, name)),
            ("GRANT USAGE ON SCHEMA public TO %I", (name,)),
            ("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I", (name,)),
            ("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I", (name,)),
            (
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I",
                (name,),
            ),
            (
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I",
                (name,),
            ),
        ):
            try:
                await conn.execute(await _quoted(conn, grant, *names))
            except asyncpg.InsufficientPrivilegeError as error:
                raise RoleSetupError(
                    f"role {owner!r} may not grant {name!r} what serving needs ({error}); "
                    "NETWORK_DATABASE_OWNER_URL must name the owner of the database and tables"
                ) from error
        # The migrations' own record: the app reads it (readiness), never writes it.
        if await conn.fetchval("SELECT to_regclass('public.migration') IS NOT NULL"):
            await conn.execute(
                await _quoted(conn, "REVOKE INSERT, UPDATE, DELETE ON migration FROM %I", name)
            )
        return ServingRole(name=name, created=created, bypasses=bypasses)
    finally:
        await conn.close()

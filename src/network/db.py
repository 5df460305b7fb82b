"""The database engine for the configured URL, and its lifecycle."""

from __future__ import annotations

import logging
import string
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar, overload

import anyio
from piccolo.columns.combination import WhereRaw
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.utils.encoding import dump_json

from network.lib.pgroles import BYPASS_QUERY, bypass_problem
from network.settings import Settings, SettingsError

T = TypeVar("T")
CHUNK_ROWS = 1000
# Both SQLite (32,766) and asyncpg (32,767) cap the bind parameters of one statement.
MAX_PARAMETERS = 30_000


def insert_chunks(table: Any, rows: Sequence[T]) -> Iterator[Sequence[T]]:
    """``rows`` in chunks that one ``INSERT`` into ``table`` can take (at most a
    thousand rows, and never more bind parameters than the drivers allow)."""
    size = max(1, min(CHUNK_ROWS, MAX_PARAMETERS // len(table._meta.columns)))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def insert_columns(table: Any, values: Mapping[Any, Sequence[Any]]) -> None:
    """Insert rows given as columns (``{column: its values}``, all as long).

    On PostgreSQL one statement, whatever the number of rows: ``INSERT ... SELECT``
    from ``unnest`` of one array per column (row-level security checks each row as
    for any insert; ``COPY`` would refuse such a table). Piccolo's own ``INSERT``
    builds its text value by value, which for thousands of rows takes most of a
    second. On SQLite, Piccolo's inserts in chunks.
    """
    columns = list(values)
    lengths = {len(values[c]) for c in columns}
    if len(lengths) > 1:
        raise ValueError("every column needs as many values")
    if not columns or lengths == {0}:
        return
    if not isinstance(table._meta.db, PostgresEngine):
        keys = [c._meta.name for c in columns]
        rows = [
            table(**dict(zip(keys, row, strict=True))) for row in zip(*values.values(), strict=True)
        ]
        for chunk in insert_chunks(table, rows):
            await table.insert(*chunk)
        return
    arrays = []
    for column in columns:
        if column.column_type in ("JSON", "JSONB"):
            arrays.append([dump_json(v) for v in values[column]])
        else:
            arrays.append(list(values[column]))
    # Names and types from the table's own definition; the values are parameters.
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    unnested = ", ".join(f"{{}}::{c.column_type}[]" for c in columns)
    await fetch(
        table._meta.db,
        f'INSERT INTO "{table._meta.tablename}" ({names}) SELECT * FROM unnest({unnested})',  # noqa: S608
        *arrays,
    )


def among(column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids`` for an integer column, as a where clause. On PostgreSQL one
    array parameter (``= ANY``), which the driver sends as it is, where Piccolo's
    ``IN`` list cleans and renders each value (a fifth of a second for a batch
    round's thousands)."""
    if isinstance(column._meta.table._meta.db, PostgresEngine):
        name = column._meta.get_full_name(with_alias=False)
        return WhereRaw(f"{name} = ANY({{}}::bigint[])", [int(i) for i in ids])
    return column.is_in(list(ids))


# Hand-written statements as their PostgreSQL text (``{}`` placeholders numbered).
_NUMBERED: dict[str, str] = {}


def _numbered(sql: str) -> str:
    """``sql`` with its ``{}`` placeholders as ``$1``, ``$2``, ... (``{{`` and ``}}``
    as literal braces), as Piccolo would compile it; kept per text."""
    known = _NUMBERED.get(sql)
    if known is None:
        parts, count = [], 0
        for literal, field, _, _ in string.Formatter().parse(sql):
            parts.append(literal)
            if field is not None:
                count += 1
                parts.append(f"${count}")
        known = _NUMBERED[sql] = "".join(parts)
    return known


async def fetch(engine: Any, sql: str, *args: Any) -> list[Mapping[str, Any]]:
    """The rows of one hand-written statement (``{}`` placeholders, every value a
    parameter, as for ``Table.raw``), read-only mappings of column to value (the
    driver's records on PostgreSQL, dicts on SQLite: ``dict(row)`` for one to
    change), in the caller's transaction if one is open.

    On PostgreSQL straight through the driver, on the transaction's connection (or
    one from the pool): Piccolo's query objects cost a fifth of a millisecond of
    CPU per statement building and compiling their text, a good share of a
    suggestion's. The values are passed as they are (no Piccolo value conversion:
    ids, strings, instants and lists, which the driver takes). On SQLite through
    Piccolo's engine, as ``Table.raw`` runs it."""
    if not isinstance(engine, PostgresEngine):
        return list(await engine.run_querystring(QueryString(sql, *args)))
    text = _numbered(sql)
    transaction = engine.current_transaction.get()
    if transaction is not None:
        rows = await transaction.connection.fetch(text, *args)
    elif engine.pool is not None:
        async with engine.pool.acquire() as connection:
            rows = await connection.fetch(text, *args)
    else:
        rows = await engine._run_in_new_connection(text, args)
    return list(rows)


def one_of(engine: Any, values: Sequence[Any], kind: str) -> tuple[str, list[Any]]:
    """For a hand-written statement: ``<column> <this>`` tests membership of
    ``values`` (of the PostgreSQL type ``kind``), with its parameters: one array
    parameter on PostgreSQL (``= ANY``), an ``IN`` list on SQLite."""
    if isinstance(engine, PostgresEngine):
        return f"= ANY({{}}::{kind}[])", [list(values)]
    return f"IN ({', '.join('{}' for _ in values)})", list(values)


# What hand-written statements read back: PostgreSQL gives Python values, SQLite the
# text Piccolo stored (instants in UTC), which these turn into what Piccolo's own
# reads give.


@overload
def as_time(value: None) -> None: ...
@overload
def as_time(value: time | str) -> time: ...
def as_time(value: time | str | None) -> time | None:
    return time.fromisoformat(value) if isinstance(value, str) else value


@overload
def as_date(value: None) -> None: ...
@overload
def as_date(value: date | str) -> date: ...
def as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


@overload
def as_instant(value: None) -> None: ...
@overload
def as_instant(value: datetime | str) -> datetime: ...
def as_instant(value: datetime | str | None) -> datetime | None:
    if not isinstance(value, str):
        return value
    found = datetime.fromisoformat(value)
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


# Ids in one IN list: far under the drivers' caps, with room for other parameters.
IN_LIST = 5000


def id_chunks(ids: Sequence[T]) -> Iterator[list[T]]:
    """``ids`` in lists that one ``IN (...)`` condition can take."""
    for start in range(0, len(ids), IN_LIST):
        yield list(ids[start : start + IN_LIST])


__all__ = (
    "DatabaseUnavailable",
    "among",
    "as_date",
    "as_instant",
    "as_time",
    "check_row_security",
    "close_pool",
    "fetch",
    "id_chunks",
    "insert_chunks",
    "insert_columns",
    "is_unique_violation",
    "make_engine",
    "one_of",
    "open_pool",
    "ping",
    "write_transaction",
)


def make_engine(settings: Settings) -> Engine:  # type: ignore[type-arg]
    """A Piccolo engine for ``settings.database_url``."""
    if settings.database_kind == "sqlite":
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=settings.sqlite_timeout)
    return PostgresEngine(config={"dsn": settings.database_url})


async def open_pool(engine: Engine, settings: Settings) -> None:  # type: ignore[type-arg]
    """Start the PostgreSQL pool (a pool belongs to one event loop)."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(
            min_size=min(settings.pg_pool_min, settings.pg_pool_max),
            max_size=settings.pg_pool_max,
            reset=_no_session_state,
        )


async def _no_session_state(connection: object) -> None:
    """How a connection goes back to the pool: as it is.

    asyncpg rolls back a transaction left open, then by default runs a reset query
    (unlock advisory locks, close cursors, unlisten, ``RESET ALL``): one more round
    trip for every query outside a transaction. The app keeps no session state on a
    connection (its row-level-security settings are transaction-local, its advisory
    lock transaction-scoped), so there is nothing to reset.
    """


async def check_row_security(engine: Engine, settings: Settings) -> None:  # type: ignore[type-arg]
    """Refuse (prod) or warn (dev) when the app would serve PostgreSQL as a role that
    bypasses row-level security (a superuser or ``BYPASSRLS``): every policy would be
    void. Raises :class:`SettingsError` naming ``NETWORK_DATABASE_URL`` in prod."""
    if not isinstance(engine, PostgresEngine):
        return

    rows = await engine.run_ddl(BYPASS_QUERY)
    row = rows[0]
    problem = bypass_problem(row["role"], superuser=row["superuser"], bypassrls=row["bypassrls"])
    if problem is None:
        return
    if not settings.is_dev:
        raise SettingsError("NETWORK_DATABASE_URL", problem)
    logging.getLogger("network.db").warning("NETWORK_DATABASE_URL: %s (allowed in dev)", problem)


async def close_pool(engine: Engine) -> None:  # type: ignore[type-arg]
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or has no schema."""


async def ping(engine: Engine) -> None:  # type: ignore[type-arg]
    """Raise :class:`DatabaseUnavailable` unless the database answers and is migrated."""
    if isinstance(engine, SQLiteEngine) and not await anyio.Path(engine.path).is_file():
        raise DatabaseUnavailable(f"SQLite file {engine.path} is missing")
    try:
        await engine.run_ddl("SELECT 1 FROM migration LIMIT 1")
    except Exception as error:  # any driver error means "not ready"
        raise DatabaseUnavailable(f"{type(error).__name__}: {error}") from error


def write_transaction(engine: Engine) -> Any:  # type: ignore[type-arg]
    """A transaction for read-then-write work; on SQLite it takes the write lock at
    once (``BEGIN IMMEDIATE``) so that two writers queue instead of deadlocking."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def is_unique_violation(error: BaseException) -> bool:
    """Whether ``error`` is a unique constraint or index refusing a row (either engine)."""
    import sqlite3

    from asyncpg.exceptions import UniqueViolationError

    if isinstance(error, UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)

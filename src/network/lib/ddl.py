"""Database constraints that Piccolo cannot create on SQLite, rendered per dialect.

Piccolo adds CHECK and multi-column UNIQUE constraints with ``ALTER TABLE ... ADD
CONSTRAINT``, which SQLite does not support. Migrations declare them here instead:

- a :class:`Unique` becomes a (possibly partial) unique index on both engines;
- a :class:`Check` becomes a real ``CHECK`` constraint on PostgreSQL and a pair of
  ``BEFORE INSERT`` / ``BEFORE UPDATE`` triggers that abort on SQLite;
- an :class:`AppendOnly` table refuses UPDATE and DELETE (and TRUNCATE on
  PostgreSQL) through triggers on both engines;
- a :class:`Counted` table raises its topic's counter in ``data_version`` with
  every change, through triggers on both engines (per statement on PostgreSQL,
  per row on SQLite, which has no statement triggers).

Both refuse the offending row with an integrity error, so services treat the two
engines alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = (
    "AppendOnly",
    "Check",
    "Counted",
    "RowSecurity",
    "Unique",
    "apply_constraints",
    "constraint_migration",
    "revert_constraints",
    "statements",
)

_SQL_WORDS = frozenset(
    {"AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "IN", "BETWEEN", "LIKE", "NEW", "OLD"}
)
_IDENTIFIER = re.compile(r"(?<![\w'.])([A-Za-z_][A-Za-z0-9_]*)(?![\w'(])")


@dataclass(frozen=True, slots=True)
class Check:
    """``condition`` must hold for every row of ``table`` (NULL counts as holding)."""

    table: str
    name: str
    condition: str


@dataclass(frozen=True, slots=True)
class Unique:
    """No two rows of ``table`` share ``columns`` (among the rows matching ``where``)."""

    table: str
    name: str
    columns: tuple[str, ...]
    where: str | None = None


@dataclass(frozen=True, slots=True)
class AppendOnly:
    """Rows of ``table`` can be inserted but never updated or deleted."""

    table: str

    @property
    def name(self) -> str:
        return f"{self.table}_append_only"


@dataclass(frozen=True, slots=True)
class RowSecurity:
    """PostgreSQL row-level security on ``table``: rows are visible (and writable)
    only where ``condition`` holds, also for the table's owner (FORCE). SQLite has
    no row-level security; there this is a no-op and the application's own filters
    are the only line."""

    table: str
    condition: str

    @property
    def name(self) -> str:
        return f"{self.table}_case_scope"


@dataclass(frozen=True, slots=True)
class Counted:
    """Every insert, update or delete of ``table`` raises the counter of ``topic`` in
    ``data_version`` (in the writing transaction: readers see both or neither)."""

    table: str
    topic: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z_]+", self.topic):
            raise ValueError(f"a topic is lower-case letters and underscores: {self.topic!r}")

    @property
    def name(self) -> str:
        return f"{self.table}_counts_{self.topic}"

    @property
    def bump(self) -> str:
        # The topic is a checked identifier from a migration, not input.
        return f"UPDATE data_version SET version = version + 1 WHERE topic = '{self.topic}'"  # noqa: S608


Constraint = Check | Unique | AppendOnly | RowSecurity | Counted


def _for_trigger(condition: str) -> str:
    """Prefix bare column names with ``NEW.`` for use inside a SQLite trigger."""

    def prefix(match: re.Match[str]) -> str:
        word = match.group(1)
        return word if word.upper() in _SQL_WORDS else f'NEW."{word}"'

    # Leave quoted string literals alone.
    parts = re.split(r"('(?:[^']|'')*')", condition)
    return "".join(
        part if part.startswith("'") else _IDENTIFIER.sub(prefix, part) for part in parts
    )


def statements(constraint: Constraint, engine_type: str) -> list[str]:
    """The DDL that creates ``constraint`` on ``engine_type`` ("postgres" or "sqlite")."""
    if isinstance(constraint, AppendOnly):
        return _append_only(constraint, engine_type)
    if isinstance(constraint, Counted):
        return _counted(constraint, engine_type)
    if isinstance(constraint, RowSecurity):
        if engine_type == "sqlite":
            return []
        return [
            f'ALTER TABLE "{constraint.table}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{constraint.table}" FORCE ROW LEVEL SECURITY',
            f'CREATE POLICY "{constraint.name}" ON "{constraint.table}" '
            f"USING ({constraint.condition}) WITH CHECK ({constraint.condition})",
        ]
    if isinstance(constraint, Unique):
        columns = ", ".join(f'"{c}"' for c in constraint.columns)
        where = f" WHERE {constraint.where}" if constraint.where else ""
        return [
            f'CREATE UNIQUE INDEX "{constraint.name}" ON "{constraint.table}" ({columns}){where}'
        ]
    if engine_type == "sqlite":
        condition = _for_trigger(constraint.condition)
        message = f"CHECK constraint failed: {constraint.name}"
        return [
            f'CREATE TRIGGER "{constraint.name}_{event.lower()}" BEFORE {event} '
            f'ON "{constraint.table}" FOR EACH ROW WHEN NOT ({condition}) '
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for event in ("INSERT", "UPDATE")
        ]
    return [
        f'ALTER TABLE "{constraint.table}" ADD CONSTRAINT "{constraint.name}" '
        f"CHECK ({constraint.condition})"
    ]


def _append_only(constraint: AppendOnly, engine_type: str) -> list[str]:
    message = f"{constraint.table} is append-only"
    if engine_type == "sqlite":
        return [
            f'CREATE TRIGGER "{constraint.name}_{event.lower()}" BEFORE {event} '
            f"ON \"{constraint.table}\" BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for event in ("UPDATE", "DELETE")
        ]
    return [
        f'CREATE FUNCTION "{constraint.name}"() RETURNS trigger LANGUAGE plpgsql AS '
        f"$$ BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation'; END $$",
        f'CREATE TRIGGER "{constraint.name}" BEFORE UPDATE OR DELETE OR TRUNCATE '
        f'ON "{constraint.table}" FOR EACH STATEMENT EXECUTE FUNCTION "{constraint.name}"()',
    ]


_COUNTED_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _counted(constraint: Counted, engine_type: str) -> list[str]:
    if engine_type == "sqlite":
        return [
            f'CREATE TRIGGER "{constraint.name}_{event.lower()}" AFTER {event} '
            f'ON "{constraint.table}" FOR EACH ROW BEGIN {constraint.bump}; END'
            for event in _COUNTED_EVENTS
        ]
    return [
        f'CREATE FUNCTION "{constraint.name}"() RETURNS trigger LANGUAGE plpgsql AS '
        f"$$ BEGIN {constraint.bump}; RETURN NULL; END $$",
        f'CREATE TRIGGER "{constraint.name}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
        f'ON "{constraint.table}" FOR EACH STATEMENT EXECUTE FUNCTION "{constraint.name}"()',
    ]


def drop_statements(constraint: Constraint, engine_type: str) -> list[str]:
    """The DDL that removes ``constraint`` again."""
    if isinstance(constraint, RowSecurity):
        if engine_type == "sqlite":
            return []
        return [
            f'DROP POLICY IF EXISTS "{constraint.name}" ON "{constraint.table}"',
            f'ALTER TABLE "{constraint.table}" NO FORCE ROW LEVEL SECURITY',
            f'ALTER TABLE "{constraint.table}" DISABLE ROW LEVEL SECURITY',
        ]
    if isinstance(constraint, Counted) and engine_type == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{constraint.name}_{event.lower()}"'
            for event in _COUNTED_EVENTS
        ]
    if isinstance(constraint, AppendOnly | Counted):
        if engine_type == "sqlite":
            return [
                f'DROP TRIGGER IF EXISTS "{constraint.name}_{event}"'
                for event in ("update", "delete")
            ]
        return [
            f'DROP TRIGGER IF EXISTS "{constraint.name}" ON "{constraint.table}"',
            f'DROP FUNCTION IF EXISTS "{constraint.name}"()',
        ]
    if isinstance(constraint, Unique):
        return [f'DROP INDEX IF EXISTS "{constraint.name}"']
    if engine_type == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{constraint.name}_{event}"' for event in ("insert", "update")
        ]
    return [f'ALTER TABLE "{constraint.table}" DROP CONSTRAINT IF EXISTS "{constraint.name}"']


async def apply_constraints(engine: Any, constraints: Iterable[Constraint]) -> None:
    """Create ``constraints`` through ``engine`` (inside the migration's transaction)."""
    for constraint in constraints:
        for sql in statements(constraint, engine.engine_type):
            await engine.run_ddl(sql)


async def revert_constraints(engine: Any, constraints: Sequence[Constraint]) -> None:
    """Drop ``constraints`` in reverse order."""
    for constraint in reversed(constraints):
        for sql in drop_statements(constraint, engine.engine_type):
            await engine.run_ddl(sql)


def constraint_migration(
    migration_id: str, app_name: str, description: str, constraints: Sequence[Constraint]
) -> Any:
    """A Piccolo migration that applies ``constraints`` forwards and drops them backwards."""
    from piccolo.apps.migrations.auto.migration_manager import MigrationManager
    from piccolo.engine import engine_finder

    manager = MigrationManager(
        migration_id=migration_id, app_name=app_name, description=description
    )

    async def apply() -> None:
        await apply_constraints(engine_finder(), constraints)

    async def revert() -> None:
        await revert_constraints(engine_finder(), constraints)

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager

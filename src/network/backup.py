"""Backups of the database to one file, and restoring one into an empty database.

- SQLite: a consistent online copy through SQLite's backup API (the file is itself
  a SQLite database: the demo can be copied to another machine and restored there).
- PostgreSQL: ``pg_dump --format=custom`` (schema, data, row-level security
  policies), restored with ``pg_restore --exit-on-error`` into an empty database.

Restoring never overwrites: the target must have no tables, so a wrong command
cannot replace a live database.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from network.settings import Settings

__all__ = ("BackupError", "backup", "restore")


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


def _is_sqlite(settings: Settings) -> bool:
    return settings.database_url.startswith("sqlite")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str]) -> None:
    # An argument list, no shell; the tool is found on PATH by _tool().
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def backup(settings: Settings, target: Path) -> None:
    """Write the whole configured database to ``target`` (which must not exist)."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file")
    if _is_sqlite(settings):
        if not settings.sqlite_path.exists():
            raise BackupError(f"{settings.sqlite_path} does not exist")
        with sqlite3.connect(settings.sqlite_path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    try:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                settings.database_url,
            ]
        )
    except BackupError as error:
        target.unlink(missing_ok=True)  # no half-written backup left behind
        if "row-level security" not in str(error):
            raise
        raise BackupError(
            "pg_dump must read every row: back up as a role that bypasses row-level "
            "security (NETWORK_DATABASE_OWNER_URL of a superuser or a BYPASSRLS role)"
        ) from error


def _sqlite_tables(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return int(row[0])


def _postgres_tables(url: str) -> int:
    result = subprocess.run(  # noqa: S603 (an argument list, no shell)
        [
            _tool("psql"),
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command=SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"psql failed: {result.stderr.strip()}")
    return int(result.stdout.strip())


def restore(settings: Settings, source: Path) -> None:
    """Restore ``source`` (made by :func:`backup`) into the configured, empty database."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if _is_sqlite(settings):
        target = settings.sqlite_path
        if _sqlite_tables(target):
            raise BackupError(f"{target} is not empty; restore into a new database")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with sqlite3.connect(source) as copy:
                copy.execute("PRAGMA schema_version").fetchone()  # refuses a non-database
                with sqlite3.connect(target) as restored:
                    copy.backup(restored)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not a SQLite backup: {error}") from None
        return
    if _postgres_tables(settings.database_url):
        raise BackupError("the database is not empty; restore into a new database")
    _run(
        [
            _tool("pg_restore"),
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={settings.database_url}",
            str(source),
        ]
    )

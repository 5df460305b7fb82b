"""Backups on the suite's kind of database (a SQLite file, or PostgreSQL with pg_dump):
a seeded database is backed up and restored into an empty one, which then holds the
same rows, is at the same migration and works; restoring over a database that has
tables, or from a file that is not a backup, is refused and changes nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.integration.test_migrations import DOMAIN_TABLES, _query
from tests.support import spawn
from tests.support.database import database_env, fresh_database_url, run_cli

TABLES = sorted(DOMAIN_TABLES | {"migration"})


def _network(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return spawn.run(args, {**os.environ, **database_env(url)}, timeout=300)


def _counts(url: str) -> dict[str, int]:
    return {t: int(_query(url, f'SELECT count(*) FROM "{t}"')[0][0]) for t in TABLES}


@pytest.fixture(scope="module")
def seeded() -> str:
    url = fresh_database_url("backup-source")
    run_cli(url, "seed", "--specialists", "40", "--requests", "15")
    return url


def test_a_backup_restores_into_an_empty_database(seeded: str, tmp_path: Path) -> None:
    file = tmp_path / "network.backup"
    made = _network(seeded, "backup", str(file))
    assert made.returncode == 0, made.stderr
    assert file.stat().st_size > 10_000
    before = _counts(seeded)
    assert before["specialist_profile"] == 40
    assert before["consultation_request"] == 15
    assert before["municipality"] == 290

    target = fresh_database_url("backup-target")
    restored = _network(target, "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert _counts(target) == before
    emails = "SELECT email FROM app_user ORDER BY email"
    assert _query(target, emails) == _query(seeded, emails)
    summaries = "SELECT id, summary FROM consultation_request ORDER BY id"
    assert _query(target, summaries) == _query(seeded, summaries)
    # The restored database is at the latest migration and serves the CLI.
    run_cli(target, "migrate")
    assert _counts(target)["migration"] == before["migration"]
    run_cli(target, "snapshot")
    assert _counts(target)["coverage_snapshot"] > 0

    # A backup never overwrites a file.
    again = _network(seeded, "backup", str(file))
    assert again.returncode == 2
    assert "exists already" in again.stderr


def test_restoring_over_data_or_from_a_wrong_file_is_refused(seeded: str, tmp_path: Path) -> None:
    file = tmp_path / "network.backup"
    assert _network(seeded, "backup", str(file)).returncode == 0
    before = _counts(seeded)
    over = _network(seeded, "restore", str(file))
    assert over.returncode == 2
    assert "not empty" in over.stderr
    assert _counts(seeded) == before

    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a backup\n" * 100)
    empty = fresh_database_url("backup-junk")
    wrong = _network(empty, "restore", str(junk))
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("error: ")
    missing = _network(empty, "restore", str(tmp_path / "nothing.backup"))
    assert missing.returncode == 2
    assert "is not a file" in missing.stderr

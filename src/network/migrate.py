"""Apply or roll back the Piccolo migrations of every app, programmatically."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.backwards import run_backwards
from piccolo.apps.migrations.commands.forwards import run_forwards

__all__ = ("MigrationFailed", "migrate_backwards", "migrate_forwards")


class MigrationFailed(RuntimeError):
    """A migration did not apply; the message carries Piccolo's report."""


async def migrate_forwards() -> None:
    """Apply every pending migration of every app, in dependency order."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = await run_forwards(app_name="all", migration_id="all")
    if not result.success:
        raise MigrationFailed(f"{result.message or ''}\n{out.getvalue()}".strip())


async def migrate_backwards() -> None:
    """Roll back every migration of every app (drops all tables)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = await run_backwards(app_name="all", migration_id="all", auto_agree=True)
    if not result.success:
        raise MigrationFailed(f"{result.message or ''}\n{out.getvalue()}".strip())

"""Apply or roll back the Piccolo migrations of every app, programmatically, as the
owner of the schema; and give the serving role what serving needs."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import replace

from piccolo.apps.migrations.commands.backwards import run_backwards
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.table import Table

from network import piccolo_conf
from network.db import make_engine
from network.lib.pgroles import ServingRole, prepare_serving_role
from network.settings import Settings

__all__ = (
    "MigrationFailed",
    "as_owner",
    "grant_serving_role",
    "migrate_backwards",
    "migrate_forwards",
)


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


@contextlib.contextmanager
def as_owner(settings: Settings) -> Iterator[None]:
    """Inside the block every table, and Piccolo's migrations, connect with the
    owner's URL (``settings.owner_url``); nothing changes when it is the serving URL.

    For the commands that change the schema or load in bulk (``network migrate``,
    ``load-reference``, ``seed``, the set-up of ``demo``); the process serves, if at
    all, with the serving URL again after the block.
    """
    if settings.owner_url == settings.database_url:
        yield
        return
    engine = make_engine(replace(settings, database_url=settings.owner_url))
    tables: list[type[Table]] = [
        *(t for app in piccolo_conf.APP_REGISTRY.app_configs.values() for t in app.table_classes),
        Migration,
    ]
    saved = [(table, table._meta._db) for table in tables]
    # Not made yet (``network migrate``): made as it would be after the block.
    serving = vars(piccolo_conf).get("DB")
    piccolo_conf.DB = engine  # what Piccolo's engine_finder() returns (migrations)
    for table in tables:
        table._meta.db = engine
    try:
        yield
    finally:
        if serving is None:
            del piccolo_conf.DB
        else:
            piccolo_conf.DB = serving
        for table, db in saved:
            table._meta._db = db


async def grant_serving_role(settings: Settings) -> ServingRole | None:
    """On PostgreSQL with an owner URL of another role: create the serving role if it
    is missing and grant it what serving needs (:func:`prepare_serving_role`)."""
    if settings.database_kind != "postgres" or settings.owner_url == settings.database_url:
        return None
    return await prepare_serving_role(settings.owner_url, settings.database_url)

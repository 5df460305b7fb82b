"""The composition root: everything the app shares is made here, once, from the
settings, and handed to the app (``app.state.runtime`` and the ``ctx`` dependency).

:func:`build_runtime` makes the database engine, Redis, the stores, the channels,
the cache, the locks and the outbox; :func:`running` is the app's lifespan: it
binds every table to the runtime's engine (so ``create_app(settings)`` alone
decides which database is used), opens the pool, checks row-level security, and
runs the periodic jobs. Nothing here is kept in a module: two apps in one process
(a test making an app of another database) each have their own, and the tables
are bound back to what they were when an app stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.stores.registry import StoreRegistry
from piccolo.table import Table

from network import piccolo_conf
from network.conferences.absences import periodic_absences
from network.conferences.reminders import periodic_reminders
from network.consultations.followup import periodic_follow_up
from network.coverage.history import snapshot_if_due
from network.db import check_row_security, close_pool, make_engine, open_pool
from network.engagements.handover import periodic_handover
from network.kernel.cache import Cache, store_name
from network.kernel.context import Runtime
from network.kernel.heap import settling
from network.kernel.locks import Locks
from network.kernel.outbox import Outbox
from network.notifications.email import Mailer
from network.server.periodic import periodic
from network.server.redis import make_redis
from network.server.stores import make_channels, make_store_registry
from network.settings import Settings, get_settings
from network.standing.occurrences import refresh as refresh_standing

__all__ = ("Parts", "bind_tables", "build_runtime", "running", "standalone")


@dataclass(frozen=True, slots=True, eq=False)
class Parts:
    """The runtime and the Litestar pieces made with it (one Redis under all)."""

    runtime: Runtime
    stores: StoreRegistry
    channels: ChannelsPlugin


def build_runtime(settings: Settings) -> Parts:
    """Make the app's services from ``settings`` (nothing connects yet)."""
    engine = _engine_for(settings)
    redis = make_redis(settings)
    stores = make_store_registry(redis)
    channels = make_channels(redis)
    mailer = (
        Mailer(settings.smtp_url, settings.smtp_from, settings.public_url)
        if settings.smtp_url
        else None
    )
    runtime = Runtime(
        settings=settings,
        engine=engine,
        redis=redis,
        # One cache per database: two instances sharing a Redis never mix their data.
        cache=Cache(stores.get(store_name(settings.database_url))),
        locks=Locks(redis, settings.lock_seconds),
        outbox=Outbox(channels, mailer),
    )
    return Parts(runtime, stores, channels)


def _engine_for(settings: Settings) -> Any:
    """The engine for ``settings``: Piccolo's own (``piccolo_conf.DB``, which its
    migration commands use) when the database is the environment's, else a new one."""
    if settings.database_url == get_settings().database_url:
        return piccolo_conf.DB
    return make_engine(settings)


def _tables() -> list[type[Table]]:
    return [t for app in piccolo_conf.APP_REGISTRY.app_configs.values() for t in app.table_classes]


@contextmanager
def bind_tables(engine: Any) -> Iterator[None]:
    """Every table on ``engine`` inside the block, then as they were."""
    tables = _tables()
    saved = [(table, table._meta._db) for table in tables]
    for table in tables:
        table._meta.db = engine
    try:
        yield
    finally:
        for table, db in saved:
            table._meta._db = db


@asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[None]:
    """The app's lifespan over ``runtime``."""
    settings = runtime.settings
    with bind_tables(runtime.engine):
        await open_pool(runtime.engine, settings)
        try:
            await check_row_security(runtime.engine, settings)  # refuses a bypassing role in prod
            async with (
                # what the process keeps, out of the garbage collector's full passes
                settling(runtime.kept),
                periodic_follow_up(runtime, retention_days=settings.retention_days),
                periodic_handover(runtime),
                # conference sessions: to the stand-in, or cancelled, when the hub is away
                periodic_absences(runtime),
                # before each conference session, once: attendees, presenters, the hub
                periodic_reminders(runtime),
                # the same cadence: a pass costs one query unless today's snapshot is due
                periodic(
                    "coverage-history", settings.followup_interval, runtime.locks, snapshot_if_due
                ),
                # standing series: plan to the horizon, skip dates a new absence covers
                periodic(
                    "standing-horizon",
                    settings.followup_interval,
                    runtime.locks,
                    lambda: refresh_standing(runtime),
                ),
            ):
                yield
        finally:
            await runtime.outbox.drain()
            await close_pool(runtime.engine)
            if runtime.redis is not None:
                await runtime.redis.aclose()


@asynccontextmanager
async def standalone(settings: Settings) -> AsyncIterator[Runtime]:
    """A runtime for one command outside the app (``network followup``): tables bound,
    the pool open; no periodic jobs, nothing pushed (no app listens)."""
    runtime = build_runtime(settings).runtime
    with bind_tables(runtime.engine):
        await open_pool(runtime.engine, settings)
        try:
            yield runtime
        finally:
            await close_pool(runtime.engine)
            if runtime.redis is not None:
                await runtime.redis.aclose()

"""Piccolo project configuration: the engine and the app registry.

Piccolo finds this module through ``PICCOLO_CONF=network.piccolo_conf`` and
caches the engine, so the environment must be final before the first query.

``DB`` is made at first use (a PostgreSQL engine connects as it is made): the
commands that run as the owner of the schema (``network.migrate.as_owner``) put
theirs in its place first, so they never connect as a serving role that may not
exist yet.
"""

from __future__ import annotations

from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

from network.db import make_engine
from network.settings import get_settings

__all__ = ("APP_REGISTRY", "DB")

DB: Engine  # type: ignore[type-arg]  # made by __getattr__ at first use


def __getattr__(name: str) -> Any:
    if name == "DB":
        engine = make_engine(get_settings())
        globals()["DB"] = engine
        return engine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


APP_REGISTRY = AppRegistry(
    apps=[
        "network.directory.piccolo_app",
        "network.accounts.piccolo_app",
        "network.audit.piccolo_app",
        "network.specialists.piccolo_app",
        "network.consultations.piccolo_app",
        "network.mentoring.piccolo_app",
        "network.notifications.piccolo_app",
        "network.coverage.piccolo_app",
        "network.conferences.piccolo_app",
        "network.standing.piccolo_app",
        "network.engagements.piccolo_app",
        "network.peers.piccolo_app",
    ]
)

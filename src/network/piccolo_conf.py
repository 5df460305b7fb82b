"""Piccolo project configuration: the engine and the app registry.

Piccolo finds this module through ``PICCOLO_CONF=network.piccolo_conf`` and
caches the engine, so the environment must be final before the first query.
"""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry

from network.db import make_engine
from network.settings import get_settings

__all__ = ("APP_REGISTRY", "DB")

DB = make_engine(get_settings())

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
    ]
)

"""Piccolo app: the peer groups' threads."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations" / "peers"

APP_CONFIG = AppConfig(
    app_name="peers",
    migrations_folder_path=str(MIGRATIONS),
    table_classes=table_finder(modules=["network.peers.tables"], exclude_imported=True),
    migration_dependencies=[
        "network.accounts.piccolo_app",
        "network.directory.piccolo_app",
        "network.specialists.piccolo_app",
    ],
    commands=[],
)

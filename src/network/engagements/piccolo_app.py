"""Piccolo app: co-handling engagements."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations" / "engagements"

APP_CONFIG = AppConfig(
    app_name="engagements",
    migrations_folder_path=str(MIGRATIONS),
    table_classes=table_finder(modules=["network.engagements.tables"], exclude_imported=True),
    migration_dependencies=[
        "network.consultations.piccolo_app",
        "network.specialists.piccolo_app",
    ],
    commands=[],
)

"""Piccolo app: group case conferences."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations" / "conferences"

APP_CONFIG = AppConfig(
    app_name="conferences",
    migrations_folder_path=str(MIGRATIONS),
    table_classes=table_finder(modules=["network.conferences.tables"], exclude_imported=True),
    migration_dependencies=[
        "network.consultations.piccolo_app",
        "network.specialists.piccolo_app",
        "network.mentoring.piccolo_app",
    ],
    commands=[],
)

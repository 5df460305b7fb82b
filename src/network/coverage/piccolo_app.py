"""Piccolo app: coverage history."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations" / "coverage"

APP_CONFIG = AppConfig(
    app_name="coverage",
    migrations_folder_path=str(MIGRATIONS),
    table_classes=table_finder(modules=["network.coverage.tables"], exclude_imported=True),
    migration_dependencies=["network.directory.piccolo_app"],
    commands=[],
)

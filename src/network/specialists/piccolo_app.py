"""Piccolo app: specialists."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations" / "specialists"

APP_CONFIG = AppConfig(
    app_name="specialists",
    migrations_folder_path=str(MIGRATIONS),
    table_classes=table_finder(modules=["network.specialists.tables"], exclude_imported=True),
    migration_dependencies=["network.directory.piccolo_app", "network.accounts.piccolo_app"],
    commands=[],
)

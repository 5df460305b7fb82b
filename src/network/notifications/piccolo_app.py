"""Piccolo app: notifications."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations" / "notifications"

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=str(MIGRATIONS),
    table_classes=table_finder(modules=["network.notifications.tables"], exclude_imported=True),
    migration_dependencies=["network.accounts.piccolo_app"],
    commands=[],
)

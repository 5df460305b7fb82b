from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T16:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "A mentoring programme's group part: theme meetings or group supervision"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="conferences", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ConferenceSeries",
        tablename="conference_series",
        column_name="part_format",
        db_column_name="part_format",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 24,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "GroupPartFormat",
                {
                    "THEME_MEETING": "theme_meeting",
                    "GROUP_SUPERVISION": "group_supervision",
                },
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class SpecialistProfile(Table, tablename="specialist_profile", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-04T16:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "conference sessions: cancelled (when, why) and led by a stand-in"

NULLABLE = {
    "null": True,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="conferences", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ConferenceSession",
        tablename="conference_session",
        column_name="cancelled_at",
        db_column_name="cancelled_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={"default": None, **NULLABLE},
        schema=None,
    )
    manager.add_column(
        table_class_name="ConferenceSession",
        tablename="conference_session",
        column_name="cancel_reason",
        db_column_name="cancel_reason",
        column_class_name="Varchar",
        column_class=Varchar,
        params={"length": 24, "default": None, **NULLABLE},
        schema=None,
    )
    manager.add_column(
        table_class_name="ConferenceSession",
        tablename="conference_session",
        column_name="stand_in",
        db_column_name="stand_in",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": SpecialistProfile,
            "on_delete": OnDelete.set_null,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            **NULLABLE,
        },
        schema=None,
    )
    return manager

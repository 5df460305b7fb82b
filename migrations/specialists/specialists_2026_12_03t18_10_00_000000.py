"""The specialist's default meeting details: a video-meeting link, a phone number for
meetings and a place for meetings on site (all nullable)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T18:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "specialists keep default meeting details"

COLUMNS = (("meeting_video_url", 300), ("meeting_phone", 40), ("meeting_place", 200))


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="specialists", description=DESCRIPTION)
    for name, length in COLUMNS:
        manager.add_column(
            table_class_name="SpecialistProfile",
            tablename="specialist_profile",
            column_name=name,
            db_column_name=name,
            column_class_name="Varchar",
            column_class=Varchar,
            params={
                "length": length,
                "default": None,
                "null": True,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )
    return manager

"""A booking keeps how to meet for its mode (nullable): a video link, a phone number
or a place, copied from the specialist's profile at booking."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T18:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "bookings keep their meeting details"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="consultations", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Booking",
        tablename="booking",
        column_name="meeting_details",
        db_column_name="meeting_details",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 300,
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

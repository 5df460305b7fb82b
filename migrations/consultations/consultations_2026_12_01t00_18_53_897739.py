from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Bytea
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T00:18:53:897739"
VERSION = "1.38.0"
DESCRIPTION = "rounds keep their pairs packed"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="consultations", description=DESCRIPTION)

    manager.add_column(
        table_class_name="AssignmentRound",
        tablename="assignment_round",
        column_name="pairs",
        db_column_name="pairs",
        column_class_name="Bytea",
        column_class=Bytea,
        params={
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

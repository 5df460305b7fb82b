from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T21:21:23:152593"
VERSION = "1.38.0"
DESCRIPTION = "data version counters"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="directory", description=DESCRIPTION)

    manager.add_table(
        class_name="DataVersion",
        tablename="data_version",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="DataVersion",
        tablename="data_version",
        column_name="topic",
        db_column_name="topic",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 32,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DataVersion",
        tablename="data_version",
        column_name="version",
        db_column_name="version",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": 0,
            "null": False,
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

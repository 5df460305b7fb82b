"""Case points: a specialist's weekly budget in points, and the table of the points
each kind of work weighs (its constraints and default rows: the next migration)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, SmallInt, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-03T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "case points: points capacity and the work points table"


class User(Table, tablename="app_user", schema=None):
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


def _column(name: str, column_class: type, **params: object) -> dict[str, object]:
    return {
        "table_class_name": "WorkPoints",
        "tablename": "work_points",
        "column_name": name,
        "db_column_name": name,
        "column_class_name": column_class.__name__,
        "column_class": column_class,
        "params": {
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
            **params,
        },
        "schema": None,
    }


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="specialists", description=DESCRIPTION)

    manager.add_column(
        table_class_name="SpecialistProfile",
        tablename="specialist_profile",
        column_name="points_capacity",
        db_column_name="points_capacity",
        column_class_name="SmallInt",
        column_class=SmallInt,
        params={
            "default": 32,
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
    manager.add_table(class_name="WorkPoints", tablename="work_points", schema=None, columns=None)
    manager.add_column(**_column("scope", Varchar, length=32, default="national", index=True))
    manager.add_column(**_column("kind", Varchar, length=16, default=""))
    manager.add_column(**_column("urgency", Varchar, length=16, default="planned"))
    manager.add_column(**_column("area", Varchar, length=64, default=""))
    manager.add_column(**_column("points", SmallInt, default=1))
    manager.add_column(**_column("updated_at", Timestamptz, default=TimestamptzNow()))
    manager.add_column(
        **_column(
            "updated_by",
            ForeignKey,
            references=User,
            on_delete=OnDelete.set_null,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
        )
    )

    return manager

"""A round keeps what its solver proved: the bound, the gap and how it was solved
(``network.graph.gap``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Real, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T18:00:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "rounds keep their bound, gap and solver"


def _params(**params: object) -> dict[str, object]:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **params,
    }


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="consultations", description=DESCRIPTION)
    for name, column_class, params in (
        ("bound", BigInt, _params(default=0)),
        ("gap", Real, _params(default=0.0)),
        ("solver", Varchar, _params(length=16, default="flow")),
    ):
        manager.add_column(
            table_class_name="AssignmentRound",
            tablename="assignment_round",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager

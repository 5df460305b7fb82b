"""``db.insert_columns`` writes rows given as columns, on either engine: every value
arrives in its column with its type (JSON as JSON, times with their offset), any
number of rows at once, and columns of different lengths are refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.table import Table

from network.db import insert_columns, make_engine
from network.directory.tables import DataVersion
from network.settings import Settings
from tests.support.database import OWNER_URL


class InsertProbe(Table):
    label = Varchar(length=16)
    amount = Integer(default=0)
    detail = JSON(default="{}")
    at = Timestamptz()
    until = Timestamptz(null=True, default=None)


def run(coroutine_fn: Any) -> Any:
    async def inside() -> Any:
        # The owner makes and drops the table (the app's role may not change the schema);
        # the rows go in through the configured engine, as the app's do.
        owner = make_engine(Settings.from_env({"NETWORK_DATABASE_URL": OWNER_URL}))
        InsertProbe._meta.db = owner
        await InsertProbe.create_table(if_not_exists=True)
        InsertProbe._meta.db = DataVersion._meta.db  # the configured engine
        try:
            return await coroutine_fn()
        finally:
            InsertProbe._meta.db = owner
            await InsertProbe.alter().drop_table()

    return asyncio.run(inside())


def test_rows_arrive_whole_and_typed(migrated: None) -> None:
    now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    count = 8_000  # 40,000 values: more than one statement's bind parameters allow

    async def check() -> tuple[int, list[dict[str, Any]]]:
        await insert_columns(
            InsertProbe,
            {
                InsertProbe.label: [f"r{i}" for i in range(count)],
                InsertProbe.amount: list(range(count)),
                InsertProbe.detail: [{"i": i, "parts": [i, "x"]} for i in range(count)],
                InsertProbe.at: [now + timedelta(minutes=i) for i in range(count)],
                InsertProbe.until: [None if i % 2 else now for i in range(count)],
            },
        )
        await insert_columns(InsertProbe, {InsertProbe.label: []})  # nothing to do
        rows = (
            await InsertProbe.select()
            .where(InsertProbe.amount.is_in([0, 1, count - 1]))
            .order_by(InsertProbe.amount)
            .output(load_json=True)
        )
        return await InsertProbe.count(), rows

    total, rows = run(check)
    assert total == count
    assert [(r["label"], r["amount"], r["detail"]) for r in rows] == [
        ("r0", 0, {"i": 0, "parts": [0, "x"]}),
        ("r1", 1, {"i": 1, "parts": [1, "x"]}),
        (f"r{count - 1}", count - 1, {"i": count - 1, "parts": [count - 1, "x"]}),
    ]
    assert rows[1]["at"] == now + timedelta(minutes=1)
    assert [r["until"] for r in rows] == [now, None, None]


def test_columns_of_different_lengths_are_refused(migrated: None) -> None:
    async def attempt() -> int:
        with pytest.raises(ValueError, match="as many values"):
            await insert_columns(InsertProbe, {InsertProbe.label: ["a"], InsertProbe.amount: []})
        return await InsertProbe.count()

    assert run(attempt) == 0

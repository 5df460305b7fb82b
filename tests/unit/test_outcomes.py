"""Outcome tables from close-out surveys: the figures, and small numbers suppressed so
that no hidden cell comes back as the total minus the cells shown."""

from __future__ import annotations

import itertools

from network.graph.outcomes import MEASURES, Closeout, OutcomeTable, outcome_table
from network.privacy.small_numbers import protect


def test_protect_hides_small_cells_and_a_second_one_against_differencing() -> None:
    found = protect({"a": 3, "b": 20, "c": 9, "d": 0})
    # 3 alone could be read as total 32 − 20 − 9 − 0: the smallest other cell goes too
    assert found.hidden == {"a", "c"}
    assert not found.total_hidden


def test_protect_keeps_hiding_until_the_hidden_cells_are_not_small_together() -> None:
    found = protect({"a": 1, "b": 2, "c": 6, "d": 40})
    # 1 + 2 = 3 is still a small number about two groups: the next smallest goes too
    assert found.hidden == {"a", "b", "c"}


def test_protect_hides_the_total_when_nothing_is_left_to_hide() -> None:
    found = protect({"a": 2, "b": 0})
    assert found.total_hidden
    found = protect({"a": 7}, forced=["a"])
    assert found.hidden == {"a"}
    assert found.total_hidden


def test_protect_leaves_tables_without_small_numbers_alone() -> None:
    found = protect({"a": 0, "b": 5, "c": 12})
    assert found.hidden == frozenset()
    assert not found.total_hidden


def _facts(group: str, n: int, due: int = 0, **says: int) -> list[Closeout]:
    made = []
    for index in range(n):
        made.append(
            Closeout(
                municipality=group,
                county="06",
                area="honour_violence",
                month="2026-03",
                responded=True,
                helpful_score=5 if index < says.get("helpful", 0) else 2,
                risk_changed=index < says.get("risk_changed", 0),
                placement_avoided=index < says.get("placement_avoided", 0),
            )
        )
    made += [
        Closeout(
            municipality=group,
            county="06",
            area="honour_violence",
            month="2026-03",
            responded=False,
        )
        for _ in range(due)
    ]
    return made


def _never_derivable(table: OutcomeTable, truth: dict[str, dict[str, int]]) -> None:
    """For every column: every hidden non-zero cell is hidden together with another
    non-zero one, the hidden cells add up to 5 or more, or the total is hidden."""
    columns = ["due", "responses", *MEASURES]
    for column in columns:

        def value(row: object, name: str = column) -> int | None:
            if name in ("due", "responses"):
                return getattr(row, name)  # type: ignore[no-any-return]
            return row.counts[name]  # type: ignore[attr-defined,no-any-return]

        hidden = [r.key for r in table.rows if value(r) is None and truth[r.key][column] > 0]
        for row in table.rows:
            found = value(row)
            if found is not None:
                assert not 0 < found < 5, (column, row.key, found)
        if value(table.total) is None or not hidden:
            continue
        assert len(hidden) >= 2, (column, hidden)
        assert sum(truth[k][column] for k in hidden) >= 5, (column, hidden)


def _truth(facts: list[Closeout], keys: list[str]) -> dict[str, dict[str, int]]:
    found = {}
    for key in keys:
        mine = [f for f in facts if f.municipality == key]
        found[key] = {
            "due": len(mine),
            "responses": sum(f.responded for f in mine),
            **{m: sum(f.says(m) for f in mine) for m in MEASURES},
        }
    return found


def test_figures_rates_and_shares() -> None:
    facts = _facts("0680", 10, due=2, helpful=8, risk_changed=5) + _facts(
        "0682", 6, helpful=6, risk_changed=0
    )
    table = outcome_table(facts, "municipality", ["0680", "0682"])
    first, second = table.rows
    assert (first.due, first.responses, first.response_rate) == (12, 10, 0.833)
    assert first.counts["risk_changed"] == 5
    assert first.shares["risk_changed"] == 0.5
    assert first.helpful_mean == round((8 * 5 + 2 * 2) / 10, 2)
    assert second.counts["helpful"] == 6
    assert second.counts["risk_changed"] == 0
    assert table.total.responses == 16
    assert table.total.counts["risk_changed"] == 5


def test_a_small_group_is_hidden_with_a_second_one_and_shows_no_outcome() -> None:
    facts = (
        _facts("0604", 2, helpful=2)
        + _facts("0680", 30, helpful=20, risk_changed=12)
        + _facts("0682", 9, helpful=5, risk_changed=5)
    )
    keys = ["0604", "0680", "0682", "0617"]
    table = outcome_table(facts, "municipality", keys)
    rows = {r.key: r for r in table.rows}
    assert rows["0604"].responses is None
    assert rows["0604"].helpful_mean is None
    assert all(v is None for v in rows["0604"].counts.values())
    # 0604's two could be read off as 41 − 30 − 9 − 0: 0682 is hidden as well
    assert rows["0682"].responses is None
    assert rows["0680"].responses == 30
    assert rows["0617"].responses == 0
    assert table.total.responses == 41
    _never_derivable(table, _truth(facts, keys))


def test_an_outcome_whose_complement_is_small_is_hidden() -> None:
    facts = _facts("0680", 8, risk_changed=7) + _facts("0682", 20, risk_changed=10)
    table = outcome_table(facts, "municipality", ["0680", "0682"])
    rows = {r.key: r for r in table.rows}
    # "7 of 8" tells of the one whose assessment did not change
    assert rows["0680"].counts["risk_changed"] is None
    assert rows["0680"].shares["risk_changed"] is None
    assert rows["0682"].counts["risk_changed"] is None  # else 17 − 10 gives the 7
    assert table.total.counts["risk_changed"] == 17


def test_no_hidden_cell_is_derivable_on_many_tables() -> None:
    sizes = [0, 1, 2, 4, 5, 6, 9, 30]
    keys = ["a", "b", "c"]
    for counts in itertools.product(sizes, repeat=3):
        for share in (0, 1, 3):
            facts = [
                f
                for key, n in zip(keys, counts, strict=True)
                for f in _facts(key, n, due=share, risk_changed=min(n, share), helpful=n // 2)
            ]
            table = outcome_table(facts, "municipality", keys)
            _never_derivable(table, _truth(facts, keys))

"""The demo's synthetic workforce figures and surveys: deterministic, marked as
synthetic, within the ranges the database accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from network.demo.extras import synthetic_surveys, synthetic_workforce


@dataclass(frozen=True)
class _Place:
    code: str
    name: str
    county_code: str
    population: int
    latitude: float = 58.0
    longitude: float = 15.0


PLACES = [_Place("0512", "Ydre", "05", 3_600), _Place("0580", "Linköping", "05", 165_000)]
TODAY = date(2026, 10, 1)


def test_workforce_is_synthetic_deterministic_and_plausible() -> None:
    rows = synthetic_workforce(PLACES, TODAY, 7)
    assert rows == synthetic_workforce(PLACES, TODAY, 7)
    assert rows != synthetic_workforce(PLACES, TODAY, 8)
    assert {(r["municipality"], r["year"]) for r in rows} == {
        (p.code, y) for p in PLACES for y in (2024, 2025)
    }
    for row in rows:
        assert row["synthetic"] is True
        assert row["source"] == "synthetic"
        for share in ("new_share", "turnover", "sick_leave"):
            assert 0 <= row[share] <= 100
        assert row["vacancies"] <= row["social_workers"]
    big = next(r for r in rows if r["municipality"] == "0580")
    assert 100 < big["social_workers"] < 250


def test_surveys_fall_in_this_year_and_the_focus_county() -> None:
    surveys = synthetic_surveys(PLACES, TODAY, 7)
    assert surveys == synthetic_surveys(PLACES, TODAY, 7)
    assert len(surveys) > 20
    assert all(s["closed_at"].date() < TODAY for s in surveys)
    assert all(s["closed_at"].year == TODAY.year for s in surveys)
    assert all(1 <= s["helpful"] <= 5 for s in surveys)


def test_history_months_are_the_window_before_this_month() -> None:
    from network.demo.extras import HISTORY_MONTHS, past_months

    months = past_months(TODAY)
    assert len(months) == HISTORY_MONTHS
    assert months[0] == date(2025, 4, 1)
    assert months[-1] == date(2026, 9, 1)


def test_past_demand_fills_the_months_before_this_year_and_gets_better() -> None:
    from network.demo.extras import synthetic_demand

    rows = synthetic_demand(PLACES, TODAY, 7)
    assert rows == synthetic_demand(PLACES, TODAY, 7)
    months = {r["opened_at"].strftime("%Y-%m") for r in rows}
    assert months == {f"2025-{m:02}" for m in range(4, 13)}  # every month, none this year
    unplaced = [r for r in rows if r["meeting_at"] is None]
    assert 0 < len(unplaced) < len(rows) / 2

    def mean_wait(month: str) -> float:
        waits = [
            (r["meeting_at"] - r["opened_at"]).days
            for r in rows
            if r["meeting_at"] and r["opened_at"].strftime("%Y-%m") == month
        ]
        return sum(waits) / len(waits)

    assert mean_wait("2025-12") < mean_wait("2025-04")


def test_past_snapshots_cover_every_month_and_only_grow() -> None:
    from network.demo.extras import past_months, synthetic_snapshots
    from network.graph.coverage import Status
    from network.graph.history import SnapshotFact

    now = [
        SnapshotFact("2026-10", code, "05", area, status, 1000, local, 8.0 * local, 8.0 * local)
        for code in ("0512", "0580", "0581", "0582")
        for area, status, local in (
            ("a", Status.LOCAL, 1),
            ("b", Status.SHARED, 0),
            ("c", Status.NONE, 0),
        )
    ]
    past = synthetic_snapshots(now, TODAY, 7)
    assert past == synthetic_snapshots(now, TODAY, 7)
    assert len(past) == len(now) * len(past_months(TODAY))
    # a cell never covered stays uncovered; a covered one is covered from some month on
    for fact in now:
        statuses = [
            p.status
            for p in sorted(past, key=lambda p: p.month)
            if (p.municipality, p.area) == (fact.municipality, fact.area)
        ]
        if fact.status is Status.NONE:
            assert set(statuses) == {Status.NONE}
        else:
            first = next((i for i, s in enumerate(statuses) if s is not Status.NONE), None)
            assert first is not None
            assert all(s is fact.status for s in statuses[first:])
    assert any(p.status is Status.NONE and p.area != "c" for p in past)  # it grew

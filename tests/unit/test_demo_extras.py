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

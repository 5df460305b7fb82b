"""Loading the reference data: counts, contents, idempotence, updates and validation.

Each test that writes gets its own freshly migrated database (SQLite file or new
PostgreSQL database, like the suite's), and points every Piccolo table at it for
the duration of the test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from network.directory.reference import (
    DATA_DIR,
    ReferenceDataError,
    load_reference_data,
    read_counties,
    read_reference_data,
)
from network.directory.tables import CompetenceArea, County, Municipality

# The shared reference data sits beside the checkout (../shared/data) on our machines.
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


async def _dump() -> dict[str, list[dict[str, Any]]]:
    dump = {}
    for table in (County, Municipality, CompetenceArea):
        rows = await table.select().order_by(table._meta.primary_key)
        for row in rows:
            if "boundary" in row and isinstance(row["boundary"], str):
                row["boundary"] = json.loads(row["boundary"])
        dump[table._meta.tablename] = rows
    return dump


def _rewrite_csv(path: Path, change: Any) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = [change(row) for row in reader]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(r for r in rows if r is not None)


# --------------------------------------------------------------------------- the copy


def test_package_data_matches_its_recorded_checksums() -> None:
    """The copied files are byte for byte the ones recorded in SHA256SUMS (taken from
    ../shared/data); where that folder is present, it still holds the same bytes."""
    recorded = {}
    for line in (DATA_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        recorded[name] = digest
    assert set(recorded) == {
        "counties.csv",
        "municipalities.csv",
        "competence_areas.csv",
        "municipalities.geojson",
    }
    for name, digest in recorded.items():
        assert hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest() == digest, name
        shared = SHARED / name
        if shared.is_file():
            assert hashlib.sha256(shared.read_bytes()).hexdigest() == digest, name
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "SCB" in readme
    assert "okfse/sweden-geojson" in readme


# --------------------------------------------------------------------------- parsing


def test_codes_keep_their_leading_zeros() -> None:
    data = read_reference_data()
    assert [c.code for c in data.counties][:3] == ["01", "03", "04"]
    assert data.municipalities[0].code == "0114"
    assert data.municipalities[0].county_code == "01"
    assert all(m.code.startswith(m.county_code) for m in data.municipalities)
    assert all(m.boundary["type"] in ("Polygon", "MultiPolygon") for m in data.municipalities)
    assert sum(m.population for m in data.municipalities) == 10_587_710


def test_missing_municipality_is_refused(data_copy: Path) -> None:
    _rewrite_csv(data_copy / "municipalities.csv", lambda r: None if r["code"] == "2584" else r)
    with pytest.raises(ReferenceDataError, match="2584"):
        read_reference_data(data_copy)
    geojson = data_copy / "municipalities.geojson"
    document = json.loads(geojson.read_text(encoding="utf-8"))
    document["features"] = [
        f for f in document["features"] if f["properties"]["kommunkod"] != "2584"
    ]
    geojson.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="expected 290 rows, found 289"):
        read_reference_data(data_copy)


def test_unknown_county_is_refused(data_copy: Path) -> None:
    _rewrite_csv(data_copy / "counties.csv", lambda r: None if r["code"] == "25" else r)
    # 20 counties: refused for the count; with a made-up 21st, for the missing county.
    with pytest.raises(ReferenceDataError, match=r"counties\.csv: expected 21 rows"):
        read_reference_data(data_copy)
    with (data_copy / "counties.csv").open("a", encoding="utf-8") as handle:
        handle.write("26,Påhittat län\n")
    with pytest.raises(ReferenceDataError, match="'25'"):
        read_reference_data(data_copy)


def test_malformed_files_are_refused(data_copy: Path) -> None:
    (data_copy / "extra").mkdir()
    bad = data_copy / "extra" / "counties.csv"
    bad.write_text("code,name\n1,Ett län\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="two digits"):
        read_counties(bad)
    bad.write_text("kod,namn\n01,Stockholms län\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="missing column"):
        read_counties(bad)
    (data_copy / "competence_areas.csv").rename(data_copy / "areas.csv")
    with pytest.raises(ReferenceDataError, match="not found"):
        read_reference_data(data_copy)
    (data_copy / "areas.csv").rename(data_copy / "competence_areas.csv")
    (data_copy / "municipalities.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match="no boundary"):
        read_reference_data(data_copy)


# --------------------------------------------------------------------------- loading


async def test_first_load_inserts_everything(fresh_db: str) -> None:
    counts = await load_reference_data()
    assert (counts.counties.inserted, counts.municipalities.inserted, counts.areas.inserted) == (
        21,
        290,
        19,
    )
    assert counts.updated == 0
    assert await County.count() == 21
    assert await Municipality.count() == 290
    assert await CompetenceArea.count() == 19

    data = read_reference_data()
    rows = await Municipality.select(
        Municipality.code,
        Municipality.name,
        Municipality.county.code.as_alias("county_code"),
        Municipality.population,
        Municipality.latitude,
        Municipality.longitude,
        Municipality.boundary,
    ).order_by(Municipality.code)
    assert [r["code"] for r in rows] == [m.code for m in data.municipalities]
    for row, expected in zip(rows, data.municipalities, strict=True):
        assert row["name"] == expected.name
        assert row["county_code"] == expected.county_code
        assert row["population"] == expected.population
        assert row["latitude"] == expected.latitude
        assert row["longitude"] == expected.longitude
        boundary = row["boundary"]
        assert (json.loads(boundary) if isinstance(boundary, str) else boundary) == (
            expected.boundary
        )
    kiruna = next(r for r in rows if r["code"] == "2584")
    assert kiruna["name"] == "Kiruna"
    areas = {r["code"]: r for r in await CompetenceArea.select()}
    assert areas["honour_based_violence"]["name_sv"] == "Hedersrelaterat våld och förtryck"


async def test_second_load_changes_nothing(fresh_db: str) -> None:
    await load_reference_data()
    before = await _dump()
    again = await load_reference_data()
    assert again.inserted == 0
    assert again.updated == 0
    assert (again.counties.unchanged, again.municipalities.unchanged, again.areas.unchanged) == (
        21,
        290,
        19,
    )
    assert await _dump() == before


async def test_changed_rows_are_updated_in_place(fresh_db: str, data_copy: Path) -> None:
    await load_reference_data()
    before = {r["code"]: r for r in await Municipality.select()}

    def grow(row: dict[str, str]) -> dict[str, str]:
        if row["code"] == "0512":
            row["population"] = str(int(row["population"]) + 100)
        return row

    _rewrite_csv(data_copy / "municipalities.csv", grow)
    counts = await load_reference_data(data_copy)
    assert counts.municipalities.updated == 1
    assert counts.municipalities.unchanged == 289
    assert counts.inserted == 0
    after = {r["code"]: r for r in await Municipality.select()}
    assert after["0512"]["population"] == before["0512"]["population"] + 100
    assert after["0512"]["id"] == before["0512"]["id"]
    assert {k: v for k, v in after.items() if k != "0512"} == {
        k: v for k, v in before.items() if k != "0512"
    }

    back = await load_reference_data()
    assert back.municipalities.updated == 1
    restored = await Municipality.select().where(Municipality.code == "0512").first()
    assert restored is not None
    assert restored["population"] == before["0512"]["population"]


async def test_invalid_files_write_nothing(fresh_db: str, data_copy: Path) -> None:
    _rewrite_csv(data_copy / "competence_areas.csv", lambda r: None if r["code"] == "fgm" else r)
    with pytest.raises(ReferenceDataError, match="19"):
        await load_reference_data(data_copy)
    assert await County.count() == 0
    assert await Municipality.count() == 0

"""The reference-data API: counties, municipalities, areas, and its 4xx errors."""

from __future__ import annotations

import csv
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

DATA = Path(__file__).resolve().parents[2] / "src" / "network" / "data"


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_counties_match_the_reference_files(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/counties")
    assert response.status_code == 200
    counties = response.json()
    assert [c["code"] for c in counties] == sorted(r["code"] for r in _csv("counties.csv"))
    municipalities = _csv("municipalities.csv")
    assert sum(c["municipalities"] for c in counties) == len(municipalities) == 290
    stockholm = next(c for c in counties if c["code"] == "01")
    assert stockholm["population"] == sum(
        int(m["population"]) for m in municipalities if m["county_code"] == "01"
    )


def test_municipalities_filtered_by_county(client: TestClient[Litestar]) -> None:
    everything = client.get("/api/v1/municipalities").json()
    assert len(everything) == 290
    assert len({m["code"] for m in everything}) == 290
    norrbotten = client.get("/api/v1/municipalities", params={"county": "25"}).json()
    assert norrbotten
    assert {m["county_code"] for m in norrbotten} == {"25"}
    kiruna = next(m for m in norrbotten if m["code"] == "2584")
    assert kiruna["name"] == "Kiruna"
    assert 67 < kiruna["latitude"] < 69


def test_bad_county_filter_names_the_field(client: TestClient[Litestar]) -> None:
    malformed = client.get("/api/v1/municipalities", params={"county": "1"})
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["field"] == "county"
    unknown = client.get("/api/v1/municipalities", params={"county": "99"})
    assert unknown.status_code == 400
    assert "county" in unknown.json()["detail"]
    assert "99" in unknown.json()["detail"]


def test_areas(client: TestClient[Litestar]) -> None:
    areas = client.get("/api/v1/areas").json()
    expected = {r["code"] for r in _csv("competence_areas.csv")}
    assert {a["code"] for a in areas} == expected
    assert any(a["code"] == "honour_based_violence" for a in areas)


def test_openapi_document(client: TestClient[Litestar]) -> None:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/health",
        "/ready",
        "/api/v1/counties",
        "/api/v1/municipalities",
        "/api/v1/areas",
    ):
        assert path in paths

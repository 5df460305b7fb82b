"""Coverage through the API, on Jämtland (county 23, which no other test touches):
statuses and providers, supply, demand with small numbers suppressed, the
co-handling rule, exports parsed back, scope, audit, the cache dropped on a change,
where to act and weak points."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook

from network.audit.tables import AuditEvent
from network.consultations.tables import ConsultationRequest
from network.coverage.history import snapshot_if_due, take_snapshot
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    Municipality,
    SharingAgreement,
)
from network.lib.clock import today
from network.lib.vocab import AgreementScope, ConsultationStatus, LegalForm, Role
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import (
    add_competence,
    add_weekly_hours,
    area_id,
    create_accepted_request,
    create_county_agreement,
    seeing_all,
)
from tests.support.database import TEST_URL, run_cli
from tests.support.people import create_specialist_profile, create_user

ANALYST = "cov.analyst@demo.invalid"  # county 23
LOCAL_COORDINATOR = "cov.coordinator@demo.invalid"  # Östersund only
WORKER = "cov.worker@demo.invalid"
SPECIALIST = "cov.specialist@demo.invalid"  # Östersund, domestic violence
DV, LVU, CSA = "domestic_violence", "lvu_investigation", "child_sexual_abuse"
OSTERSUND, ARE, KROKOM, RAGUNDA = "2380", "2321", "2309", "2303"
IDS: dict[str, int] = {}


async def _pair_agreement(a: str, b: str, area: str, scope: AgreementScope) -> int:
    deal = SharingAgreement(
        name=f"{a}+{b}: {area}",
        legal_form=LegalForm.JOINT_COMMITTEE,
        scope=scope,
        valid_from=date(2026, 1, 1),
        created_at=datetime.now(UTC),
    )
    await deal.save()
    await AgreementArea(agreement=deal.id, area=await area_id(area)).save()
    for code in (a, b):
        town = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
        assert town is not None
        await AgreementMunicipality(agreement=deal.id, municipality=town["id"]).save()
    return int(deal.id)


@pytest.fixture(scope="module")
def world(migrated: None) -> None:
    async def create() -> None:
        await create_user(ANALYST, Role.ANALYST, county="23")
        await create_user(LOCAL_COORDINATOR, Role.COORDINATOR, municipality=OSTERSUND)
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality=OSTERSUND)
        user = await create_user(SPECIALIST, Role.SPECIALIST, municipality=OSTERSUND)
        specialist = await create_specialist_profile(user, OSTERSUND)
        await add_competence(specialist, DV, 2)
        await add_weekly_hours(specialist, range(5), time(8), time(12))  # 20 h
        other = await create_specialist_profile(
            await create_user("cov.other@demo.invalid", Role.SPECIALIST, municipality=ARE), ARE
        )
        await add_competence(other, LVU, 3)
        await add_weekly_hours(other, (0, 1), time(9), time(15))  # 12 h
        IDS["specialist"], IDS["other"] = specialist, other
        IDS["county_deal"] = await create_county_agreement("23", DV)
        IDS["pair_deal"] = await _pair_agreement(ARE, KROKOM, LVU, AgreementScope.CO_HANDLING)
        opened = datetime.now(UTC) - timedelta(days=20)
        # Six requests from Östersund (five met after 2–6 days, one still waiting) and
        # two from Ragunda: too few to show.
        plan = [(OSTERSUND, d, ConsultationStatus.COMPLETED) for d in (2, 3, 4, 5, 6)]
        plan += [(OSTERSUND, None, ConsultationStatus.OPEN)]
        plan += [(RAGUNDA, 1, ConsultationStatus.COMPLETED)] * 2
        for where, days, status in plan:
            request = await create_accepted_request(
                requester=worker, municipality=where, specialist=specialist, area=DV, status=status
            )
            await ConsultationRequest.update(
                {
                    ConsultationRequest.opened_at: opened,
                    ConsultationRequest.meeting_at: (
                        opened + timedelta(days=days) if days is not None else None
                    ),
                }
            ).where(ConsultationRequest.id == request)

    asyncio.run(seeing_all(create))


@pytest.fixture
def client(world: None, shared_app: SharedApp) -> TestClient[Litestar]:
    # The world was written straight to the tables, past the services: the
    # database's triggers raised the data versions, so the shared cache (Redis in
    # the second CI run, the app's memory when it lives on between tests) computes
    # afresh with no one telling it.
    return shared_app.client()


def _rows(client: TestClient[Litestar], **params: str) -> dict[str, dict[str, object]]:
    response = client.get("/api/v1/coverage", params=params)
    assert response.status_code == 200, response.text
    return {row["municipality"]: row for row in response.json()}


def test_statuses_providers_supply_and_demand(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    rows = _rows(client, county="23", area=DV)
    assert len(rows) == 8  # every municipality of Jämtland
    assert rows[OSTERSUND]["status"] == "local"
    assert rows[OSTERSUND]["local_specialists"] == 1
    assert rows[RAGUNDA]["status"] == "shared"
    (provider,) = rows[RAGUNDA]["providers"]  # type: ignore[misc]
    assert provider["municipality"] == OSTERSUND
    assert provider["name"] == "Östersund"
    assert provider["agreements"] == [IDS["county_deal"]]
    assert rows[RAGUNDA]["supply_hours"] == 20.0
    # demand: two requests from Ragunda are not shown, nor anything from them; and
    # Östersund's six are hidden with them, since the county's 8 (the monthly trends
    # add up to it) less 6 would give Ragunda's 2 (differencing)
    assert rows[RAGUNDA]["suppressed"] is True
    assert rows[RAGUNDA]["requests"] is None
    assert rows[RAGUNDA]["median_days_to_meeting"] is None
    assert rows[OSTERSUND]["requests"] is None
    assert rows[OSTERSUND]["unplaced"] is None
    assert rows[OSTERSUND]["median_days_to_meeting"] is None
    assert rows[OSTERSUND]["requests_per_10k"] is None
    assert rows[ARE]["requests"] == 0
    trend = client.get(
        "/api/v1/coverage/trends", params={"county": "23", "area": DV, "months": "12"}
    ).json()
    shown = sum(r["requests"] or 0 for r in rows.values())  # type: ignore[misc]
    total = sum(p["requests"] or 0 for p in trend)
    assert total == 8
    assert total - shown >= 5  # what the trends' total less the shown counts leaves


def test_co_handling_counts_only_agreements_that_allow_it(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    consultation = _rows(client, county="23", area=DV)
    co_handling = _rows(client, county="23", area=DV, service="co_handling")
    assert consultation[RAGUNDA]["status"] == "shared"
    assert co_handling[RAGUNDA]["status"] == "none"  # the county deal is consultation only
    assert co_handling[OSTERSUND]["status"] == "local"
    lvu = _rows(client, county="23", area=LVU, service="co_handling")
    assert lvu[KROKOM]["status"] == "shared"
    assert lvu[KROKOM]["agreements"] == [IDS["pair_deal"]]
    assert lvu[OSTERSUND]["status"] == "none"


def test_csv_and_geojson_exports_parse_back(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    response = client.get(
        "/api/v1/coverage", params={"county": "23", "area": DV}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = {r["municipality"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert set(rows) == {OSTERSUND, ARE, KROKOM, RAGUNDA, "2305", "2313", "2326", "2361"}
    assert rows[OSTERSUND]["status"] == "local"
    assert rows[OSTERSUND]["requests"] == ""  # hidden with Ragunda's (differencing)
    assert rows[RAGUNDA]["requests"] == ""  # suppressed
    assert all(r["municipality_name"] for r in rows.values())
    assert rows[RAGUNDA]["suppressed"] == "true"
    assert rows[RAGUNDA]["providers"] == OSTERSUND

    response = client.get(
        "/api/v1/coverage",
        params={"county": "23", "area": DV},
        headers={"Accept": "application/geo+json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    features = {f["properties"]["municipality"]: f for f in document["features"]}
    assert len(features) == 8
    assert features[OSTERSUND]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert features[OSTERSUND]["properties"]["status"] == "local"
    assert features[RAGUNDA]["properties"]["requests"] is None
    assert all(f["properties"]["municipality_name"] for f in features.values())
    assert client.get("/api/v1/coverage", params={"county": "23", "format": "csv"}).text.count(
        "\r\n"
    ) == 1 + 8 * len(client.get("/api/v1/areas").json())

    # Swedish CSV: semicolons, decimal commas, the same rows and suppression
    swedish = client.get(
        "/api/v1/coverage", params={"county": "23", "area": DV, "format": "csv", "dialect": "sv"}
    )
    assert swedish.status_code == 200
    text = swedish.text.removeprefix("\ufeff")
    found = {r["municipality"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert found.keys() == rows.keys()
    assert found[RAGUNDA]["supply_hours"] == "20,0"
    assert found[OSTERSUND]["requests"] == found[RAGUNDA]["requests"] == ""
    assert found[RAGUNDA]["municipality_name"] == "Ragunda"

    # XLSX: the same rows, suppressed figures as empty cells, a sheet of column notes
    book = client.get("/api/v1/coverage", params={"county": "23", "area": DV, "format": "xlsx"})
    assert book.status_code == 200
    assert book.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheets = load_workbook(io.BytesIO(book.content), read_only=True)
    header, *lines = [list(r) for r in sheets["Täckning"].iter_rows(values_only=True)]
    table = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert table.keys() == rows.keys()
    assert table[RAGUNDA]["municipality_name"] == "Ragunda"
    assert table[RAGUNDA]["supply_hours"] == 20.0
    assert table[RAGUNDA]["requests"] is None
    assert table[OSTERSUND]["requests"] is None
    notes = [r[0] for r in sheets["Kolumner"].iter_rows(values_only=True)]
    assert "municipality" in notes


def test_scope_and_refusals(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    response = client.get("/api/v1/coverage", params={"county": "05"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "county"
    response = client.get("/api/v1/coverage", params={"area": "no_such_area"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "area"
    response = client.get("/api/v1/coverage", params={"months": "0"})
    assert response.status_code == 400
    sign_in(client, LOCAL_COORDINATOR)
    assert set(_rows(client, area=DV)) == {OSTERSUND}
    sign_in(client, WORKER)
    assert client.get("/api/v1/coverage").status_code == 403


def test_every_read_is_audited(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    before = in_app(client, lambda: AuditEvent.count().where(AuditEvent.action == "coverage.read"))
    client.get("/api/v1/coverage", params={"county": "23", "area": DV})
    after = in_app(client, lambda: AuditEvent.count().where(AuditEvent.action == "coverage.read"))
    assert after == before + 1


def test_a_change_to_the_hours_drops_the_cached_coverage(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    assert _rows(client, county="23", area=DV)[OSTERSUND]["supply_hours"] == 20.0
    sign_in(client, SPECIALIST)
    response = client.put(
        f"/api/v1/specialists/{IDS['specialist']}/hours",
        json={"hours": [{"weekday": 0, "start": "08:00:00", "end": "18:00:00"}]},
    )
    assert response.status_code in (200, 204), response.text
    sign_in(client, ANALYST)
    assert _rows(client, county="23", area=DV)[OSTERSUND]["supply_hours"] == 10.0
    # put the hours back for the other tests
    sign_in(client, SPECIALIST)
    client.put(
        f"/api/v1/specialists/{IDS['specialist']}/hours",
        json={"hours": [{"weekday": d, "start": "08:00:00", "end": "12:00:00"} for d in range(5)]},
    )


def test_where_to_act(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    rows = _rows(client, county="23", area=CSA)
    population = {code: int(row["population"]) for code, row in rows.items()}  # type: ignore[call-overload]
    response = client.get(
        "/api/v1/coverage/recommendations",
        params={"county": "23", "area": CSA, "kind": "specialists", "k": "1"},
    )
    assert response.status_code == 200, response.text
    found = response.json()
    # nobody in Jämtland covers this area and no agreement shares it: one new
    # specialist covers their own municipality, so the most populous one wins
    (pick,) = found["picks"]
    assert pick["municipality"] == max(population, key=population.__getitem__)
    assert pick["gain"] == max(population.values())
    assert found["exact_optimum"] == pick["gain"]
    assert found["uncovered_population"] == sum(population.values())

    response = client.get(
        "/api/v1/coverage/recommendations",
        params={"county": "23", "area": LVU, "kind": "agreements", "k": "1"},
    )
    (pick,) = response.json()["picks"]
    lvu = _rows(client, county="23", area=LVU)
    uncovered = [code for code, row in lvu.items() if row["status"] == "none"]
    assert pick["action"] == "county_agreement"
    assert pick["county"] == "23"
    assert pick["gain"] == sum(int(lvu[c]["population"]) for c in uncovered)  # type: ignore[call-overload]
    assert (
        client.get("/api/v1/coverage/recommendations", params={"kind": "wishes"}).status_code == 400
    )


def test_recommendations_count_people_once_and_name_each_place_once(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    rows = client.get("/api/v1/coverage", params={"county": "23"}).json()
    population = {r["municipality"]: r["population"] for r in rows}
    lacking = {r["municipality"] for r in rows if r["status"] == "none"}
    response = client.get(
        "/api/v1/coverage/recommendations",
        params={"county": "23", "kind": "specialists", "k": "5", "demand_weight": "2"},
    )
    assert response.status_code == 200, response.text
    found = response.json()
    # each municipality once, however many areas it lacks (not summed over areas)
    assert found["uncovered_population"] == sum(population[m] for m in lacking)
    assert found["uncovered_population"] <= sum(population.values())
    by_area = {a["area"]: a["population"] for a in found["uncovered_by_area"]}
    assert sum(by_area.values()) > found["uncovered_population"]  # the old, summed figure
    places = [p["municipality"] for p in found["picks"]]
    assert len(places) == 5 == len(set(places))  # no municipality recommended twice
    assert found["demand_weight"] == 2
    assert found["fragility_weight"] == 1
    first = found["picks"][0]
    assert len(first["areas"]) > 1
    assert first["population"] == sum(population[m] for m in first["municipalities"])
    assert first["reasons"][0]["kind"] == "reach"
    assert "invånare" in first["reasons"][0]["text"]
    assert found["covered_by_picks"] == sum(
        population[m] for m in {m for p in found["picks"] for m in p["municipalities"]}
    )
    refused = client.get("/api/v1/coverage/recommendations", params={"fragility_weight": "4"})
    assert refused.status_code == 400
    assert "fragility_weight" in refused.text


def test_weak_points(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    response = client.get("/api/v1/coverage/weak-points", params={"county": "23", "area": DV})
    assert response.status_code == 200, response.text
    found = response.json()
    (person,) = found["specialists"]
    assert person["id"] == IDS["specialist"]
    assert len(person["municipalities"]) == 8
    (deal,) = found["agreements"]
    assert deal["id"] == IDS["county_deal"]
    assert OSTERSUND not in deal["municipalities"]
    assert len(deal["municipalities"]) == 7


def test_trends_and_county_summaries(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    points = client.get(
        "/api/v1/coverage/trends", params={"county": "23", "area": DV, "months": "3"}
    ).json()
    assert sum(p["requests"] or 0 for p in points) == 8
    exported = client.get(
        "/api/v1/coverage/trends",
        params={"county": "23", "area": DV, "months": "3", "format": "csv", "dialect": "sv"},
    )
    assert exported.status_code == 200, exported.text
    lines = list(csv.DictReader(io.StringIO(exported.text.removeprefix("\ufeff")), delimiter=";"))
    assert [r["month"] for r in lines] == [p["month"] for p in points]
    assert {(r["county"], r["county_name"], r["area"]) for r in lines} == {
        ("23", "Jämtlands län", DV)
    }
    for line, point in zip(lines, points, strict=True):
        assert line["requests"] == ("" if point["requests"] is None else str(point["requests"]))
        assert not line["requests"] or not 0 < int(line["requests"]) < 5
    book = client.get(
        "/api/v1/coverage/trends", params={"county": "23", "area": DV, "format": "xlsx"}
    )
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content))["Utveckling"]
    assert [c.value for c in sheet[1]][:4] == ["county", "county_name", "area", "month"]
    summary = client.get("/api/v1/coverage/counties", params={"county": "23", "area": DV}).json()
    assert summary == [
        {
            "county": "23",
            "area": DV,
            "municipalities": 8,
            "local": 1,
            "shared": 7,
            "covered_share": 1.0,
            "population": summary[0]["population"],
            "covered_population": summary[0]["population"],
            "population_share": 1.0,
            "conference_only": 0,
        }
    ]


def test_supply_over_time_from_the_monthly_snapshots(client: TestClient[Litestar]) -> None:
    """A snapshot taken before the agreements began (December 2025: Östersund alone
    covered in domestic violence) and one today (all of Jämtland, through the county
    deal); months without a snapshot have no supply."""
    day = today()
    in_app(client, lambda: take_snapshot(date(2025, 12, 15)))
    run_cli(TEST_URL, "snapshot")  # today's, from the command line
    assert in_app(client, lambda: snapshot_if_due()) == 0  # already taken today
    sign_in(client, ANALYST)
    points = {
        p["month"]: p
        for p in client.get(
            "/api/v1/coverage/trends", params={"county": "23", "area": DV, "months": "36"}
        ).json()
    }
    population = in_app(
        client,
        lambda: (
            Municipality.select(Municipality.code, Municipality.population)
            .where(Municipality.county._.code == "23")
            .run()
        ),
    )
    inhabitants = {row["code"]: row["population"] for row in population}
    before, now = points["2025-12"], points[day.strftime("%Y-%m")]
    assert before["covered_share"] == round(inhabitants[OSTERSUND] / sum(inhabitants.values()), 4)
    assert before["local_specialists"] == 1
    assert before["local_hours"] == 20.0
    assert now["covered_share"] == 1.0
    assert now["local_hours"] == 20.0
    assert points["2025-11"]["covered_share"] is None  # no snapshot that month
    assert points["2025-11"]["local_hours"] is None
    # every area at once: the share averaged over the areas, hours summed over them
    every = {
        p["month"]: p
        for p in client.get(
            "/api/v1/coverage/trends", params={"county": "23", "months": "36"}
        ).json()
    }
    assert every["2025-12"]["local_hours"] == 20.0 + 12.0  # Östersund DV, Åre LVU
    assert 0 < every[day.strftime("%Y-%m")]["covered_share"] < 1

    # the overview page draws the supply charts from the same points
    page = client.get("/coverage", params={"county": "23", "area": DV})
    assert page.status_code == 200
    assert 'data-testid="chart-covered"' in page.text
    assert 'data-testid="chart-hours"' in page.text

"""Case conferences in coverage and attendance, through the API and the pages, on
Kronoberg (county 07) in an area no other test uses: an active series reaches the
municipalities it serves (a level of its own, never a status or supply), the cache
follows a series, its sessions and its municipalities through the data version
triggers, where to act weighs a reached gap at half, and attendance per municipality
is suppressed so that no hidden count comes back from the totals."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.conferences.tables import (
    ConferenceSeries,
    ConferenceSession,
    ConferenceSignup,
    SeriesMunicipality,
)
from network.directory.tables import Municipality
from network.lib.vocab import ConferenceKind, Role
from network.privacy.small_numbers import MIN_GROUP
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import add_competence, add_weekly_hours, area_id
from tests.support.people import create_specialist_profile, create_user

ANALYST = "confcov.analyst@demo.invalid"  # county 07
LESSEBO_COORDINATOR = "confcov.coordinator@demo.invalid"  # Lessebo only
AREA = "neglect_parenting_capacity"
VAXJO, LESSEBO, TINGSRYD, ALMHULT, LJUNGBY, ALVESTA = (
    "0780",
    "0761",
    "0763",
    "0765",
    "0781",
    "0764",
)
SERVED = (LESSEBO, TINGSRYD, ALMHULT, LJUNGBY)
# seats taken (attended) per municipality over the sessions held
PLAN = {LESSEBO: (6, 5), TINGSRYD: (2, 2), LJUNGBY: (7, 4), ALMHULT: (0, 0)}
IDS: dict[str, Any] = {}


async def _town(code: str) -> int:
    row = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
    assert row is not None
    return int(row["id"])


async def _session(series: int, starts_at: datetime) -> int:
    now = datetime.now(UTC)
    session = ConferenceSession(
        series=series,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        topic="Föräldraförmåga och omsorgssvikt",
        created_at=now,
    )
    await session.save()
    return int(session.id)


@pytest.fixture(scope="module")
def world(migrated: None) -> None:
    async def create() -> None:
        now = datetime.now(UTC)
        await create_user(ANALYST, Role.ANALYST, county="07")
        await create_user(LESSEBO_COORDINATOR, Role.COORDINATOR, municipality=LESSEBO)
        hub_user = await create_user(
            "confcov.hub@demo.invalid", Role.SPECIALIST, municipality=VAXJO
        )
        hub = await create_specialist_profile(hub_user, VAXJO)
        await add_competence(hub, AREA, 3)
        await add_weekly_hours(hub, range(5), time(8), time(12))
        series = ConferenceSeries(
            title="Omsorgssvikt i Kronoberg",
            kind=ConferenceKind.CASE_CONFERENCE,
            area=await area_id(AREA),
            hub=hub,
            home_municipality=await _town(VAXJO),
            created_at=now,
        )
        await series.save()
        for code in SERVED:
            await SeriesMunicipality(series=series.id, municipality=await _town(code)).save()
        # two sessions held (three and six weeks ago): the seats are spread over them
        held = [await _session(series.id, now - timedelta(weeks=w)) for w in (6, 3)]
        number = 0
        for code, (taken, came) in PLAN.items():
            for i in range(taken):
                number += 1
                user = await create_user(
                    f"confcov.worker{number}@demo.invalid", Role.SOCIAL_WORKER, municipality=code
                )
                await ConferenceSignup(
                    session=held[i % 2],
                    user=user,
                    municipality=await _town(code),
                    attended=i < came,
                    created_at=now,
                ).save()
        IDS.update(series=int(series.id), hub=hub, held=held)

    asyncio.run(create())


@pytest.fixture
def client(world: None, shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _cells(client: TestClient[Litestar]) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/coverage", params={"county": "07", "area": AREA})
    assert response.status_code == 200, response.text
    return {row["municipality"]: row for row in response.json()}


def _move_sessions(client: TestClient[Litestar], weeks_ago: int) -> None:
    async def move() -> None:
        for index, session in enumerate(IDS["held"]):
            start = datetime.now(UTC) - timedelta(weeks=weeks_ago + 3 * index)
            await ConferenceSession.update(
                {
                    ConferenceSession.starts_at: start,
                    ConferenceSession.ends_at: start + timedelta(minutes=90),
                }
            ).where(ConferenceSession.id == session)

    in_app(client, move)


def test_an_active_series_reaches_its_municipalities_as_a_weaker_level(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    cells = _cells(client)
    for code in SERVED:
        assert cells[code]["status"] == "none"  # a conference covers nothing
        assert cells[code]["reach"] == "conference"
        assert cells[code]["conference_series"] == [IDS["series"]]
        assert cells[code]["reachable_specialists"] == 0  # the hub is not counted
        assert cells[code]["supply_hours"] == 0.0
    assert cells[VAXJO]["reach"] == "local"
    assert cells[VAXJO]["conference_series"] == []
    assert cells[ALVESTA]["reach"] == "none"
    summary = client.get("/api/v1/coverage/counties", params={"county": "07", "area": AREA})
    (row,) = summary.json()
    assert row["conference_only"] == len(SERVED)
    assert row["local"] == 1
    assert row["shared"] == 0

    # the exports say the same
    text = client.get(
        "/api/v1/coverage", params={"county": "07", "area": AREA, "format": "csv"}
    ).text
    rows = {r["municipality"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[LESSEBO]["reach"] == "conference"
    assert rows[LESSEBO]["conference_series"] == str(IDS["series"])
    assert rows[LESSEBO]["status"] == "none"
    sv = client.get(
        "/api/v1/coverage",
        params={"county": "07", "area": AREA, "format": "csv", "dialect": "sv"},
    ).text
    rows = {
        r["municipality"]: r
        for r in csv.DictReader(io.StringIO(sv.lstrip("\ufeff")), delimiter=";")
    }
    assert rows[TINGSRYD]["reach"] == "conference"

    # the pages: the map's level, the gaps' column, the link to attendance
    page = client.get(
        "/coverage", params={"county": "07", "area": AREA, "m": LESSEBO, "lang": "sv"}
    )
    assert page.status_code == 200, page.text[:500]
    assert f'data-municipality="{LESSEBO}" data-status="conference"' in page.text
    assert "Omsorgssvikt i Kronoberg" in page.text  # the series in the details
    assert 'data-testid="link-attendance"' in page.text
    gaps = client.get("/coverage/gaps", params={"county": "07", "area": AREA, "lang": "sv"})
    assert gaps.status_code == 200
    assert gaps.text.count('data-testid="gap-conference">Ja<') == len(SERVED)
    report = client.get("/coverage/report", params={"county": "07", "area": AREA, "lang": "sv"})
    assert report.status_code == 200, report.text[:500]
    assert report.text.count("Nås genom en gruppkonsultation:") == len(SERVED)


def test_the_cache_follows_the_series_its_sessions_and_its_municipalities(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    assert _cells(client)[LESSEBO]["reach"] == "conference"
    _move_sessions(client, weeks_ago=10)  # the last session ten weeks ago: no longer active
    try:
        assert _cells(client)[LESSEBO]["reach"] == "none"
    finally:
        _move_sessions(client, weeks_ago=3)
    assert _cells(client)[LESSEBO]["reach"] == "conference"

    async def drop_tingsryd() -> None:
        await SeriesMunicipality.delete().where(
            (SeriesMunicipality.series == IDS["series"])
            & (SeriesMunicipality.municipality == await _town(TINGSRYD))
        )

    in_app(client, drop_tingsryd)
    try:
        cells = _cells(client)
        assert cells[TINGSRYD]["reach"] == "none"
        assert cells[LESSEBO]["reach"] == "conference"
    finally:

        async def restore() -> None:
            await SeriesMunicipality(
                series=IDS["series"], municipality=await _town(TINGSRYD)
            ).save()

        in_app(client, restore)
    assert _cells(client)[TINGSRYD]["reach"] == "conference"


def test_where_to_act_weighs_a_gap_the_conference_reaches_at_half(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    response = client.get(
        "/api/v1/coverage/recommendations",
        params={
            "county": "07",
            "area": AREA,
            "kind": "specialists",
            "k": "1",
            "demand_weight": "0",
            "fragility_weight": "0",
        },
    )
    assert response.status_code == 200, response.text
    (pick,) = response.json()["picks"]
    people = {code: row["population"] for code, row in _cells(client).items()}
    # Ljungby is the most populous gap, but the conference reaches it: Alvesta first
    assert people[LJUNGBY] > people[ALVESTA]
    assert people[LJUNGBY] / 2 < people[ALVESTA]
    assert pick["municipality"] == ALVESTA


def _attendance(client: TestClient[Litestar], **params: str) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/coverage/attendance", params={"area": AREA, **params})
    assert response.status_code == 200, response.text
    return {
        row["municipality"]: row
        for row in response.json()["rows"]
        if row["series"] == IDS["series"]
    }


def test_attendance_per_municipality_with_small_counts_suppressed(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    rows = _attendance(client, county="07")
    assert set(rows) == {*SERVED, "total"}
    assert all(row["sessions"] == 2 for row in rows.values())
    assert rows[ALMHULT]["seats"] == 0  # zero is shown
    assert rows[TINGSRYD]["seats"] is None  # 2: small
    assert rows[TINGSRYD]["suppressed"] is True
    # Tingsryd's 2 would be the total less the others: Lessebo's 6 is hidden too
    assert rows[LESSEBO]["seats"] is None
    assert rows[LJUNGBY]["seats"] == 7
    assert rows["total"]["seats"] == 15
    # try to work a hidden count out of the totals: what is left is two or more
    # hidden counts adding up to at least five, never one of them alone
    for field in ("seats", "attended"):
        total = rows["total"][field]
        if total is None:
            continue
        shown = sum(r[field] or 0 for code, r in rows.items() if code != "total")
        hidden = [code for code, r in rows.items() if code != "total" and r[field] is None]
        left = total - shown
        assert left >= MIN_GROUP, field
        assert len([c for c in hidden if PLAN[c][0 if field == "seats" else 1]]) >= 2, field
    assert rows[LJUNGBY]["attended"] is None  # 4: small
    # a county filter shows a subset of the same protected figures, never new totals
    assert _attendance(client) == rows


def test_attendance_exports_scope_and_audit(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    before = in_app(
        client, lambda: AuditEvent.count().where(AuditEvent.action == "coverage.attendance")
    )
    response = client.get(
        "/api/v1/coverage/attendance", params={"county": "07", "area": AREA, "format": "csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    mine = [
        r for r in csv.DictReader(io.StringIO(response.text)) if r["series"] == str(IDS["series"])
    ]
    by_code = {r["municipality"]: r for r in mine}
    assert by_code[TINGSRYD]["seats"] == ""  # suppressed: an empty field
    assert by_code[LJUNGBY]["seats"] == "7"
    assert by_code[LJUNGBY]["municipality_name"] == "Ljungby"
    assert by_code["total"]["seats"] == "15"
    sv = client.get(
        "/api/v1/coverage/attendance",
        params={"county": "07", "area": AREA, "format": "csv", "dialect": "sv"},
    )
    assert sv.text.startswith("\ufeff")
    lines = list(csv.DictReader(io.StringIO(sv.text.lstrip("\ufeff")), delimiter=";"))
    assert {r["municipality"] for r in lines if r["series"] == str(IDS["series"])} == set(by_code)
    xlsx = client.get(
        "/api/v1/coverage/attendance", params={"county": "07", "area": AREA, "format": "xlsx"}
    )
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    after = in_app(
        client, lambda: AuditEvent.count().where(AuditEvent.action == "coverage.attendance")
    )
    assert after == before + 3

    refused = client.get("/api/v1/coverage/attendance", params={"county": "25"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "county"
    refused = client.get("/api/v1/coverage/attendance", params={"months": "40"})
    assert refused.status_code == 400
    refused = client.get("/api/v1/coverage/attendance", params={"area": "no_such_area"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "area"

    # a coordinator of Lessebo sees Lessebo's row, the total over their scope only
    sign_in(client, LESSEBO_COORDINATOR)
    rows = _attendance(client)
    assert set(rows) == {LESSEBO, "total"}
    assert rows[LESSEBO]["seats"] == 6
    sign_in(client, "confcov.worker1@demo.invalid")
    assert client.get("/api/v1/coverage/attendance").status_code == 403


def test_the_attendance_page(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    page = client.get("/coverage/attendance", params={"county": "07", "area": AREA, "lang": "sv"})
    assert page.status_code == 200, page.text[:500]
    assert "Omsorgssvikt i Kronoberg" in page.text
    assert f'data-series="{IDS["series"]}"' in page.text
    assert "2 träffar hållna" in page.text
    assert "&lt;5" in page.text  # hidden counts
    assert 'data-testid="attendance-csv-sv"' in page.text
    refused = client.get("/coverage/attendance", params={"months": "99", "lang": "en"})
    assert refused.status_code == 400
    assert "#f-months" in refused.text  # the error names the period and links to it
    assert ">Period<" in refused.text

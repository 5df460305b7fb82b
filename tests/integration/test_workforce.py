"""Workforce indicators on Uppsala county (03, which no other test touches): entered
through the API and the page form, imported as CSV (the page's file upload and the
API's body) with every problem named by row and column, read by analysts beside
coverage, exported; who may write them."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import date

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook

from network.coverage.tables import WorkforceIndicator
from network.lib.vocab import Role
from network.server.security import CSRF_COOKIE
from tests.support import SharedApp, csrf_ready, in_app, sign_in
from tests.support.people import create_user

COORDINATOR = "work.coordinator@demo.invalid"  # county 03
LOCAL_COORDINATOR = "work.local@demo.invalid"  # Uppsala (0380) only
ANALYST = "work.analyst@demo.invalid"  # county 03
UPPSALA, ENKOPING, HEBY, TIERP = "0380", "0381", "0331", "0360"
YEAR = date.today().year - 1


@pytest.fixture(scope="module")
def world(migrated: None) -> None:
    async def create() -> None:
        await create_user(COORDINATOR, Role.COORDINATOR, county="03")
        await create_user(LOCAL_COORDINATOR, Role.COORDINATOR, municipality=UPPSALA)
        await create_user(ANALYST, Role.ANALYST, county="03")

    asyncio.run(create())


@pytest.fixture
def client(world: None, shared_app: SharedApp) -> TestClient[Litestar]:
    return csrf_ready(shared_app.client())


def _rows(client: TestClient[Litestar], **params: object) -> dict[str, dict[str, object]]:
    response = client.get("/api/v1/workforce", params={"county": "03", "year": YEAR, **params})
    assert response.status_code == 200, response.text
    return {r["municipality"]: r for r in response.json()}


def test_a_coordinator_enters_and_an_analyst_reads(client: TestClient[Litestar]) -> None:
    sign_in(client, COORDINATOR)
    body = {
        "municipality": HEBY,
        "year": YEAR,
        "social_workers": 14,
        "new_share": 28.5,
        "turnover": 42.0,
        "vacancies": 3,
        "agency_consultants": 2,
        "sick_leave": 7.5,
        "case_points": 61.0,
    }
    saved = client.put("/api/v1/workforce", json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["municipality_name"] == "Heby"
    assert saved.json()["source"] == "form"
    corrected = client.put("/api/v1/workforce", json={**body, "turnover": 40.0, "vacancies": None})
    assert corrected.status_code == 200, corrected.text
    sign_in(client, ANALYST)
    rows = _rows(client)
    assert rows[HEBY]["turnover"] == 40.0
    assert rows[HEBY]["vacancies"] is None
    assert rows[HEBY]["synthetic"] is False
    count = in_app(
        client,
        lambda: WorkforceIndicator.count().where(
            (WorkforceIndicator.municipality == HEBY) & (WorkforceIndicator.year == YEAR)
        ),
    )
    assert count == 1


def test_who_may_write(client: TestClient[Litestar]) -> None:
    body = {"municipality": ENKOPING, "year": YEAR, "social_workers": 30}
    sign_in(client, ANALYST)
    assert client.put("/api/v1/workforce", json=body).status_code == 403
    sign_in(client, LOCAL_COORDINATOR)
    refused = client.put("/api/v1/workforce", json=body)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "municipality"
    assert (
        client.put("/api/v1/workforce", json={**body, "municipality": UPPSALA}).status_code == 200
    )
    bad = client.put("/api/v1/workforce", json={**body, "municipality": UPPSALA, "turnover": 140})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "turnover"


def test_a_csv_import_is_all_or_nothing_and_names_row_and_column(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, COORDINATOR)
    broken = (
        "municipality;municipality_name;year;social_workers;new_share;turnover;vacancies;"
        "agency_consultants;sick_leave;case_points\r\n"
        f"{TIERP};Tierp;{YEAR};22;18,5;21;1;0;6,2;55\r\n"
        f"{ENKOPING};Enköping;{YEAR};3x;18;121;1;0;6;55\r\n"
        f"9999;Nowhere;{YEAR};1;1;1;1;1;1;1\r\n"
    )
    refused = client.post(
        "/api/v1/workforce/import", content=broken.encode(), headers={"content-type": "text/csv"}
    )
    assert refused.status_code == 400, refused.text
    problems = [(e["row"], e["column"]) for e in refused.json()["errors"]]
    assert problems == [(3, "social_workers"), (3, "turnover"), (4, "municipality")]
    assert TIERP not in _rows(client)
    fixed = broken.replace("3x", "31").replace(";121;", ";12,5;").rsplit("\r\n", 2)[0] + "\r\n"
    saved = client.post(
        "/api/v1/workforce/import", content=fixed.encode(), headers={"content-type": "text/csv"}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"saved": 2, "years": [YEAR]}
    rows = _rows(client)
    assert rows[TIERP]["new_share"] == 18.5
    assert rows[ENKOPING]["turnover"] == 12.5
    assert rows[ENKOPING]["source"] == "import"
    exported = client.get(
        "/api/v1/workforce", params={"county": "03", "year": YEAR, "format": "csv", "dialect": "sv"}
    )
    found = {
        r["municipality"]: r
        for r in csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";")
    }
    assert found[TIERP]["municipality_name"] == "Tierp"
    assert found[TIERP]["new_share"] == "18,5"
    book = client.get("/api/v1/workforce", params={"county": "03", "year": YEAR, "format": "xlsx"})
    assert book.status_code == 200, book.text
    header, *lines = [
        list(r)
        for r in load_workbook(io.BytesIO(book.content))["Personal"].iter_rows(values_only=True)
    ]
    sheet = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert sheet.keys() == found.keys()
    assert sheet[TIERP]["municipality_name"] == "Tierp"
    assert sheet[TIERP]["new_share"] == 18.5


def test_the_page_shows_figures_beside_coverage_and_takes_form_and_file(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    page = client.get("/coverage/workforce", params={"county": "03", "year": YEAR})
    assert page.status_code == 200, page.text
    assert 'data-testid="workforce"' in page.text
    assert 'data-municipality="0331"' in page.text
    assert 'data-testid="workforce-form"' not in page.text  # analysts read only

    sign_in(client, COORDINATOR)
    page = client.get("/coverage/workforce", params={"county": "03", "year": YEAR})
    assert 'data-testid="workforce-form"' in page.text
    token = client.cookies.get(CSRF_COOKIE) or ""
    form = {
        "_csrf_token": token,
        "county": "03",
        "municipality": "0319",
        "year": str(YEAR),
        "social_workers": "9",
        "new_share": "33,3",
        "turnover": "",
    }
    saved = client.post("/coverage/workforce", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _rows(client)["0319"]["new_share"] == 33.3
    refused = client.post(
        "/coverage/workforce", data={**form, "sick_leave": "230"}, follow_redirects=False
    )
    assert refused.status_code == 400
    assert 'data-testid="workforce-error"' in refused.text
    shown = re.search(r'data-testid="workforce-error">(.*?)</div>', refused.text, re.S)
    assert shown is not None
    text = re.sub(r"<[^>]+>", "", shown.group(1))  # what the reader sees
    assert re.search(r"(Sick leave|Sjukfrånvaro) \(%\)", text)  # the field's label
    assert "sick_leave" not in text  # never its internal name
    assert re.search(r"(The number is too large|Talet är för stort)", text)  # not "a number"
    assert 'value="230"' in refused.text  # the form comes back as typed

    upload = f"municipality,year,social_workers,turnover\n0382,{YEAR},17,25.5\n0330,{YEAR},8,150\n"
    bad = client.post(
        "/coverage/workforce/import",
        data={"_csrf_token": token, "county": "03"},
        files={"file": ("figures.csv", upload.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert bad.status_code == 400, bad.text
    assert re.search(r"(Row|Rad) 3, (column|kolumn) turnover:", bad.text)
    good = client.post(
        "/coverage/workforce/import",
        data={"_csrf_token": token, "county": "03"},
        files={"file": ("figures.csv", upload.replace(",150", ",15").encode(), "text/csv")},
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    assert _rows(client)["0382"]["turnover"] == 25.5

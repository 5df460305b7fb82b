"""Outcome reports from the close-out surveys through the API, the page and the CSV
exports, on Jönköping county (06, which no other test touches): the figures, scope,
audit, and small numbers suppressed on everything that leaves, differencing included.

The county's surveys this year (all other municipalities have none):

- Jönköping (0680): 12 on honour-related violence, 6 changed the risk assessment,
  10 found it helpful; 2 more meetings held but not closed out;
- Nässjö (0682): 7 on honour-related violence, 5 changed the risk assessment;
- Aneby (0604): 2 on LVU investigations, 1 changed the risk assessment.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from network.audit.tables import AuditEvent
from network.consultations.tables import ConsultationRequest, Feedback
from network.coverage.outcomes import Dimension, outcomes
from network.directory.tables import Municipality
from network.kernel.policy import Binding, Principal
from network.lib.vocab import ConsultationStatus, Referral, Role
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import create_accepted_request, seeing_all
from tests.support.context import context_of
from tests.support.people import create_specialist_profile, create_user

ANALYST = "outcome.analyst@demo.invalid"  # county 06
FAR_ANALYST = "outcome.far@demo.invalid"  # county 01
WORKER = "outcome.worker@demo.invalid"
HBV, LVU = "honour_based_violence", "lvu_investigation"
JONKOPING, NASSJO, ANEBY, EKSJO = "0680", "0682", "0604", "0686"


@pytest.fixture(scope="module")
def world(migrated: None) -> None:
    async def create() -> None:
        await create_user(ANALYST, Role.ANALYST, county="06")
        await create_user(FAR_ANALYST, Role.ANALYST, county="01")
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality=JONKOPING)
        user = await create_user("outcome.specialist@demo.invalid", Role.SPECIALIST, county="06")
        specialist = await create_specialist_profile(user, JONKOPING)
        now = datetime.now(UTC)
        ids = {
            r["code"]: r["id"]
            for r in await Municipality.select(Municipality.code, Municipality.id).where(
                Municipality.code.is_in([JONKOPING, NASSJO, ANEBY])
            )
        }

        async def survey(origin: str, area: str, *, changed: bool, helpful: int) -> None:
            request = await create_accepted_request(
                requester=worker,
                municipality=origin,
                specialist=specialist,
                area=area,
                status=ConsultationStatus.COMPLETED,
            )
            await Feedback(
                request=request,
                origin_municipality=ids[origin],
                author=worker,
                helpful=helpful,
                changed_risk_assessment=changed,
                placement_avoided=changed,
                referral_made=Referral.BARNAHUS if changed else Referral.NONE,
                created_at=now - timedelta(minutes=5),
            ).save()

        for index in range(12):
            await survey(JONKOPING, HBV, changed=index < 6, helpful=5 if index < 10 else 3)
        for index in range(7):
            await survey(NASSJO, HBV, changed=index < 5, helpful=4)
        for index in range(2):
            await survey(ANEBY, LVU, changed=index < 1, helpful=2)
        for _ in range(2):  # held, not closed out yet
            request = await create_accepted_request(
                requester=worker,
                municipality=JONKOPING,
                specialist=specialist,
                area=HBV,
                status=ConsultationStatus.BOOKED,
            )
            await ConsultationRequest.update(
                {ConsultationRequest.meeting_at: now - timedelta(hours=1)}
            ).where(ConsultationRequest.id == request)

    asyncio.run(seeing_all(create))


@pytest.fixture
def client(world: None, shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _by(client: TestClient[Litestar], by: str, **params: str) -> dict[str, dict[str, object]]:
    response = client.get("/api/v1/coverage/outcomes", params={"county": "06", "by": by, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    return {row["key"]: row for row in [*body["rows"], body["total"]]}


def _not_derivable(rows: dict[str, dict[str, object]], column: str) -> None:
    """No shown figure is 1–4; the hidden ones are never one alone behind a shown total."""
    groups = [row for key, row in rows.items() if key != "total"]
    for row in rows.values():
        value = row[column]
        assert value is None or not 0 < value < 5, (column, row)  # type: ignore[operator]
    hidden = [row for row in groups if row[column] is None]
    if rows["total"][column] is not None and hidden:
        assert len(hidden) >= 2, (column, hidden)
        rest = rows["total"][column] - sum(r[column] for r in groups if r[column] is not None)  # type: ignore[operator]
        assert rest == 0 or rest >= 5, (column, rest)


def test_figures_per_municipality_with_suppression(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    rows = _by(client, "municipality")
    assert rows[JONKOPING]["due"] == 14
    assert rows[JONKOPING]["responses"] == 12
    assert rows[JONKOPING]["response_rate"] == 0.857
    assert rows[JONKOPING]["risk_changed"] == 6
    assert rows[JONKOPING]["risk_changed_share"] == 0.5
    assert rows[JONKOPING]["helpful"] is None  # 10 of 12: it would tell of the 2 who did not
    assert rows[JONKOPING]["helpful_mean"] == round((10 * 5 + 2 * 3) / 12, 2)
    assert rows[JONKOPING]["name"] == "Jönköping"
    # Aneby's 2 are hidden, and so is Nässjö: else 21 − 12 − 0 … would give them
    assert rows[ANEBY]["responses"] is None
    assert rows[ANEBY]["risk_changed"] is None
    assert rows[NASSJO]["responses"] is None
    assert rows[NASSJO]["suppressed"] is True
    assert rows[EKSJO]["responses"] == 0
    assert rows["total"]["responses"] == 21
    assert rows["total"]["risk_changed"] == 12
    for column in ("due", "responses", "risk_changed", "helpful", "placement_avoided"):
        _not_derivable(rows, column)


def test_figures_per_area_and_month_are_protected_alike(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    rows = _by(client, "area")
    # LVU's 2 alone would be 21 − 19: honour-related violence is hidden with it
    assert rows[LVU]["responses"] is None
    assert rows[HBV]["responses"] is None
    assert rows["total"]["responses"] == 21
    for column in ("due", "responses", "risk_changed", "referral_made"):
        _not_derivable(rows, column)
    only_hbv = _by(client, "municipality", area=HBV)
    assert only_hbv[JONKOPING]["responses"] == 12
    assert only_hbv[NASSJO]["responses"] == 7
    # Nässjö: 5 of 7 changed; "2 did not" is a small number, so its 5 is hidden, and
    # Jönköping's 6 with it (else 11 − 6 gives Nässjö's 5)
    assert only_hbv[NASSJO]["risk_changed"] is None
    assert only_hbv[JONKOPING]["risk_changed"] is None
    assert only_hbv["total"]["risk_changed"] == 11
    month = datetime.now(UTC).strftime("%Y-%m")
    months = _by(client, "month")
    assert months[month]["responses"] == 21
    for column in ("responses", "risk_changed"):
        _not_derivable(months, column)
    counties = _by(client, "county")
    assert set(counties) == {"06", "total"}
    assert counties["06"]["responses"] == 21


def test_the_csv_exports_keep_the_suppression_and_name_every_municipality(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    plain = client.get("/api/v1/coverage/outcomes/export.csv", params={"county": "06"})
    assert plain.status_code == 200, plain.text
    assert plain.headers["content-type"].startswith("text/csv")
    rows = {r["municipality"]: r for r in csv.DictReader(io.StringIO(plain.text))}
    assert len(rows) == 13  # every municipality of the county
    assert all(r["municipality_name"] and r["county"] == "06" for r in rows.values())
    assert rows[JONKOPING]["municipality_name"] == "Jönköping"
    assert rows[JONKOPING]["county_name"] == "Jönköpings län"
    assert rows[JONKOPING]["responses"] == "12"
    assert rows[JONKOPING]["response_rate"] == "0.857"
    assert rows[ANEBY]["responses"] == ""
    assert rows[NASSJO]["responses"] == ""
    assert rows[ANEBY]["suppressed"] == "true"
    for row in rows.values():
        for column in ("due", "responses", "risk_changed", "helpful", "referral_made"):
            assert not re.fullmatch(r"[1-4]", row[column]), (row["municipality"], column)

    swedish = client.get(
        "/api/v1/coverage/outcomes/export.csv", params={"county": "06", "dialect": "sv"}
    )
    text = swedish.text.removeprefix("\ufeff")
    found = {r["municipality"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert found[JONKOPING]["response_rate"] == "0,857"
    assert found[JONKOPING]["helpful_mean"] == "4,67"
    assert found[ANEBY]["responses"] == ""
    assert found.keys() == rows.keys()
    hbv = client.get("/api/v1/coverage/outcomes/export.csv", params={"county": "06", "area": HBV})
    by_hbv = {r["municipality"]: r for r in csv.DictReader(io.StringIO(hbv.text))}
    assert by_hbv[NASSJO]["risk_changed"] == ""
    assert by_hbv[JONKOPING]["risk_changed"] == ""
    assert by_hbv[JONKOPING]["area"] == HBV


def test_the_xlsx_export_keeps_the_suppression_differencing_included(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    response = client.get("/api/v1/coverage/outcomes/export.xlsx", params={"county": "06"})
    assert response.status_code == 200, response.text
    assert "outcomes-06-all-" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    header, *lines = [list(r) for r in book["Utfall"].iter_rows(values_only=True)]
    rows = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert len(rows) == 13  # every municipality, code and name in every row
    assert all(r["municipality_name"] and r["county_name"] for r in rows.values())
    assert rows[JONKOPING]["responses"] == 12
    assert rows[JONKOPING]["response_rate"] == 0.857
    assert rows[JONKOPING]["helpful"] is None  # 10 of 12 would tell of 2
    assert rows[ANEBY]["responses"] is None  # 2
    assert rows[NASSJO]["responses"] is None  # else 21 − 12 gives Aneby's 2
    assert rows[ANEBY]["suppressed"] == "true"
    api = _by(client, "municipality")
    for code, row in rows.items():
        for column in ("due", "responses", "risk_changed", "helpful", "placement_avoided"):
            assert row[column] == api[code][column], (code, column)
            assert row[column] is None or not 0 < row[column] < 5, (code, column)
    notes = {r[0]: r[1] for r in book["Kolumner"].iter_rows(values_only=True) if r[0]}
    assert "kommunkod" in notes["municipality"]
    assert any(str(k).startswith("Källa: avslutsenkäterna") for k in notes)


def test_the_page_shows_the_same_suppressed_figures(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    page = client.get("/coverage/outcomes", params={"county": "06", "by": "municipality"})
    assert page.status_code == 200, page.text
    html = page.text

    def cells(key: str) -> list[str]:
        row = re.search(rf'<tr data-key="{key}"[^>]*>(.*?)</tr>', html, re.S)
        assert row is not None, key
        return [
            re.sub(r"<[^>]+>|\s+", " ", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
        ]

    assert cells(JONKOPING)[:3] == ["14", "12", "86 %"]
    assert cells(ANEBY)[1] == "–"
    assert cells(NASSJO)[1] == "–"
    assert cells("total")[1] == "21"
    for key in (ANEBY, NASSJO, "total", EKSJO):
        for cell in cells(key):
            assert not re.fullmatch(r"[1-4]( \(.*\))?", cell), (key, cell)
    assert "export.csv?county=06" in html
    assert "dialect=sv" in html


def _report_rows(html: str, table: str) -> dict[str, list[str]]:
    """The county report's table ``table``: data-key → its cells' text."""
    body = re.search(rf'data-testid="report-outcomes-{table}">(.*?)</table>', html, re.S)
    assert body is not None, table
    return {
        key: [
            re.sub(r"<[^>]+>|\s+", " ", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for key, row in re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', body.group(1), re.S)
    }


def test_the_county_report_shows_the_apis_suppressed_figures_with_sources(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    page = client.get("/coverage/report", params={"county": "06"})
    assert page.status_code == 200, page.text
    html = page.text
    assert "Länsrapport: Jönköpings län" in html
    for section in ("report-summary", "report-map", "report-gaps", "report-steps"):
        assert f'data-testid="{section}"' in html, section
    assert html.count('class="source"') >= 6  # every section names its source and date
    rows = _report_rows(html, "municipality")
    api = _by(client, "municipality")
    assert set(rows) == set(api)  # every municipality and the total
    for key, cells in rows.items():
        due, responses = cells[0], cells[1]
        assert due == ("–" if api[key]["due"] is None else str(api[key]["due"]))
        assert responses == ("–" if api[key]["responses"] is None else str(api[key]["responses"]))
        for cell in cells:
            assert not re.fullmatch(r"[1-4]( \(.*\))?", cell), (key, cell)
    assert rows[ANEBY][1] == rows[NASSJO][1] == "–"  # differencing: 21 − 12 hides both
    areas = _report_rows(html, "area")
    assert areas[LVU][1] == areas[HBV][1] == "–"
    assert areas["total"][1] == "21"
    # The trend charts are SVG with a title and a description, the table beside.
    assert html.count('role="img" aria-labelledby="c-') == 4
    assert '<title id="c-risk-title">' in html

    pdf = client.get("/coverage/report.pdf", params={"county": "06"})
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["content-type"] == "application/pdf"
    assert "lansrapport-06-" in pdf.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2
    assert "Länsrapport: Jönköpings län" in text
    assert "Källa: avslutsenkäterna" in text
    for heading in ("Utveckling", "Personal", "Var insatser gör mest nytta"):
        assert heading in text, heading
    outcome = text[text.index("Utfall av konsultationer") : text.index("Källa: avslutsenkäterna")]
    aneby = re.search(r"Aneby\s*\(0604\)\s*([^\n]*)", outcome)
    assert aneby is not None, outcome
    assert not re.search(r"\b[1-4]\b", aneby.group(1)), aneby.group(1)
    jonkoping = re.search(r"Jönköping\s*\(0680\)\s*([^\n]*)", outcome)
    assert jonkoping is not None
    assert jonkoping.group(1).startswith("14 12 86 %"), jonkoping.group(1)
    assert client.get("/coverage/report.pdf", params={"county": "01"}).status_code == 403
    events = in_app(
        client, lambda: AuditEvent.count().where(AuditEvent.action == "coverage.county_report")
    )
    assert events >= 2


def test_scope_audit_and_bad_input(client: TestClient[Litestar]) -> None:
    sign_in(client, FAR_ANALYST)
    refused = client.get("/api/v1/coverage/outcomes", params={"county": "06"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "county"
    mine = _by_far(client)
    assert JONKOPING not in mine
    sign_in(client, ANALYST)
    before = in_app(
        client, lambda: AuditEvent.count().where(AuditEvent.action == "coverage.outcomes")
    )
    _by(client, "area")
    after = in_app(
        client, lambda: AuditEvent.count().where(AuditEvent.action == "coverage.outcomes")
    )
    assert after == before + 1
    bad = client.get("/api/v1/coverage/outcomes", params={"county": "06", "year": "2019"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "year"
    sign_in(client, WORKER)
    assert client.get("/api/v1/coverage/outcomes").status_code == 403


def _by_far(client: TestClient[Litestar]) -> dict[str, object]:
    body = client.get("/api/v1/coverage/outcomes", params={"by": "municipality"}).json()
    return {row["key"]: row for row in body["rows"]}


def test_the_use_case_answers_the_same_without_http(world: None) -> None:
    principal = Principal(user_id=1, email=ANALYST, bindings=(Binding(Role.ANALYST, "06"),))

    async def read() -> tuple[int | None, int | None]:
        found = await outcomes(context_of(principal), by=Dimension.MUNICIPALITY, county="06")
        rows = {r.key: r for r in found.rows}
        return rows[JONKOPING].responses, rows[ANEBY].responses

    assert asyncio.run(read()) == (12, None)

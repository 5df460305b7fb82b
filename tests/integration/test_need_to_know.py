"""What every signed-in user could read, limited to those who use it, on Södermanland
(county 04) with Halland (county 13) as the far side; no other test touches either.

- A specialist's free slots (``GET /api/v1/specialists/{id}/slots``): the specialist,
  and social workers and coordinators of a municipality they serve (their home, or
  one that a valid sharing agreement in one of their areas binds to it).
- Mentors' unit and years: the programme's participants and coordinators; a mentor's
  ranking of the applicants: the mentor and the coordinators; an applicant's wishes
  (their ranking of the mentors): the applicant and the coordinators.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.tables import User
from network.audit.tables import AuditEvent
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    County,
    Municipality,
    SharingAgreement,
)
from network.lib.vocab import Role
from tests.support import app_client, in_app, sign_in
from tests.support.cases import add_competence, area_id
from tests.support.people import create_specialist_profile, create_user

NYKOPING, ESKILSTUNA, STRANGNAS, HALMSTAD = "0480", "0484", "0486", "1380"
LVU, HBV = "lvu_investigation", "honour_based_violence"
SPECIALIST = "ntk.specialist@demo.invalid"  # Nyköping, LVU
HOME_WORKER = "ntk.home@demo.invalid"  # Nyköping
HOME_COORDINATOR = "ntk.coordinator@demo.invalid"  # county 04
TOWN_COORDINATOR = "ntk.town@demo.invalid"  # Nyköping only
PARTNER_WORKER = "ntk.partner@demo.invalid"  # Eskilstuna
PARTNER_COORDINATOR = "ntk.partner.coordinator@demo.invalid"  # Eskilstuna only
NEIGHBOUR_WORKER = "ntk.neighbour@demo.invalid"  # Strängnäs
FAR_WORKER = "ntk.far@demo.invalid"  # Halmstad
FAR_COORDINATOR = "ntk.far.coordinator@demo.invalid"  # county 13
FAR_SPECIALIST = "ntk.far.specialist@demo.invalid"  # Halmstad
ANALYST = "ntk.analyst@demo.invalid"  # county 04
ADMIN = "ntk.admin@demo.invalid"  # county 04
WINDOW = {"from": "2027-03-01T00:00:00+01:00", "to": "2027-03-06T00:00:00+01:00"}


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        ids = {
            email: await create_user(email, role, **where)
            for email, role, where in (
                (HOME_WORKER, Role.SOCIAL_WORKER, {"municipality": NYKOPING}),
                (HOME_COORDINATOR, Role.COORDINATOR, {"county": "04"}),
                (TOWN_COORDINATOR, Role.COORDINATOR, {"municipality": NYKOPING}),
                (PARTNER_WORKER, Role.SOCIAL_WORKER, {"municipality": ESKILSTUNA}),
                (PARTNER_COORDINATOR, Role.COORDINATOR, {"municipality": ESKILSTUNA}),
                (NEIGHBOUR_WORKER, Role.SOCIAL_WORKER, {"municipality": STRANGNAS}),
                (FAR_WORKER, Role.SOCIAL_WORKER, {"municipality": HALMSTAD}),
                (FAR_COORDINATOR, Role.COORDINATOR, {"county": "13"}),
                (ANALYST, Role.ANALYST, {"county": "04"}),
                (ADMIN, Role.ADMIN, {"county": "04"}),
                (SPECIALIST, Role.SPECIALIST, {"municipality": NYKOPING}),
                (FAR_SPECIALIST, Role.SPECIALIST, {"municipality": HALMSTAD}),
            )
        }
        ids["specialist"] = await create_specialist_profile(ids[SPECIALIST], NYKOPING)
        await add_competence(ids["specialist"], LVU, 3)
        ids["far_specialist"] = await create_specialist_profile(ids[FAR_SPECIALIST], HALMSTAD)
        return ids

    return asyncio.run(create())


@pytest.fixture(scope="module")
def client(people: dict[str, int]) -> Iterator[TestClient[Litestar]]:
    with app_client() as test_client:
        yield test_client


async def _agreement(
    area: str,
    *,
    members: tuple[str, ...] = (),
    county: str | None = None,
    valid_to: date | None = None,
) -> None:
    place = None
    if county is not None:
        place = (await County.select(County.id).where(County.code == county).first() or {})["id"]
    deal = SharingAgreement(
        name=f"Test {area} {members or county}",
        county=place,
        valid_from=date(2026, 1, 1),
        valid_to=valid_to,
        created_at=datetime.now(UTC),
    )
    await deal.save()
    await AgreementArea(agreement=deal.id, area=await area_id(area)).save()
    for code in members:
        town = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
        assert town is not None
        await AgreementMunicipality(agreement=deal.id, municipality=town["id"]).save()


def _slots(client: TestClient[Litestar], email: str, specialist: int) -> Any:
    sign_in(client, email)
    return client.get(f"/api/v1/specialists/{specialist}/slots", params=WINDOW)


def _who_sees(client: TestClient[Litestar], specialist: int, emails: list[str]) -> set[str]:
    seen = set()
    for email in emails:
        response = _slots(client, email, specialist)
        assert response.status_code in (200, 403), (email, response.text)
        if response.status_code == 200:
            seen.add(email)
    return seen


EVERYONE = [
    SPECIALIST,
    HOME_WORKER,
    HOME_COORDINATOR,
    TOWN_COORDINATOR,
    PARTNER_WORKER,
    PARTNER_COORDINATOR,
    NEIGHBOUR_WORKER,
    FAR_WORKER,
    FAR_COORDINATOR,
    FAR_SPECIALIST,
    ANALYST,
    ADMIN,
]
HOME = {SPECIALIST, HOME_WORKER, HOME_COORDINATOR, TOWN_COORDINATOR}


def test_free_slots_are_for_those_who_could_book_the_specialist(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    specialist = people["specialist"]
    assert _who_sees(client, specialist, EVERYONE) == HOME

    refused = _slots(client, PARTNER_WORKER, specialist)
    assert refused.json()["errors"][0]["field"] == "specialist_id"
    denied = in_app(
        client,
        lambda: (
            AuditEvent.select()
            .where(
                (AuditEvent.actor_id == people[PARTNER_WORKER])
                & (AuditEvent.action == "access.denied")
                & (AuditEvent.object_type == "specialist_slots")
            )
            .output(load_json=True)
        ),
    )
    assert denied
    assert denied[-1]["object_id"] == str(specialist)
    assert denied[-1]["detail"]["action"] == "slots.read"

    # An agreement in an area the specialist lacks, or one that has ended, changes nothing.
    in_app(client, lambda: _agreement(HBV, members=(NYKOPING, ESKILSTUNA)))
    in_app(
        client,
        lambda: _agreement(LVU, members=(NYKOPING, ESKILSTUNA), valid_to=date(2026, 6, 30)),
    )
    assert _who_sees(client, specialist, EVERYONE) == HOME

    # Eskilstuna shares with Nyköping in LVU: its people could book the specialist now.
    in_app(client, lambda: _agreement(LVU, members=(NYKOPING, ESKILSTUNA)))
    assert _who_sees(client, specialist, EVERYONE) == HOME | {PARTNER_WORKER, PARTNER_COORDINATOR}

    # A county-wide agreement: all of Södermanland; still nobody in Halland.
    in_app(client, lambda: _agreement(LVU, county="04"))
    assert _who_sees(client, specialist, EVERYONE) == HOME | {
        PARTNER_WORKER,
        PARTNER_COORDINATOR,
        NEIGHBOUR_WORKER,
    }

    # A specialist who does not exist is a 404 (who may book is not the question then).
    assert _slots(client, HOME_WORKER, 999_999).status_code == 404


MENTOR = HOME_WORKER  # ten years in the profession, in Nyköping's "Barn och familj"
MENTEE = PARTNER_WORKER
PROGRAMME = {
    "name": "Introduktion Södermanland",
    "county": "04",
    "start_date": "2026-08-01",
    "end_date": "2027-06-30",
}


@pytest.fixture(scope="module")
def programme(client: TestClient[Litestar], people: dict[str, int]) -> dict[str, int]:
    """A county programme with one mentor who has ranked the one applicant, who in
    turn wished for that mentor."""
    in_app(
        client,
        lambda: User.update({User.unit: "Barn och familj", User.years_in_profession: 10}).where(
            User.id == people[MENTOR]
        ),
    )
    sign_in(client, HOME_COORDINATOR)
    made = client.post("/api/v1/mentoring/programmes", json=PROGRAMME)
    assert made.status_code == 201, made.text
    programme_id = made.json()["id"]
    sign_in(client, MENTOR)
    offer = client.put(f"/api/v1/mentoring/programmes/{programme_id}/mentor", json={"areas": [LVU]})
    assert offer.status_code == 200, offer.text
    sign_in(client, MENTEE)
    asked = client.post(
        "/api/v1/mentoring/requests",
        json={"programme": programme_id, "areas": [LVU], "wishes": [offer.json()["id"]]},
    )
    assert asked.status_code == 201, asked.text
    sign_in(client, MENTOR)
    ranked = client.put(
        f"/api/v1/mentoring/mentors/{offer.json()['id']}/ranking",
        json={"ranking": [asked.json()["id"]]},
    )
    assert ranked.status_code == 200, ranked.text
    return {"id": programme_id, "offer": offer.json()["id"], "request": asked.json()["id"]}


def _mentor_as(client: TestClient[Litestar], email: str, programme: dict[str, int]) -> Any:
    sign_in(client, email)
    response = client.get(f"/api/v1/mentoring/programmes/{programme['id']}/mentors")
    assert response.status_code == 200, response.text
    (offer,) = response.json()
    assert offer["id"] == programme["offer"]
    return offer


def test_mentors_unit_years_and_ranking_are_for_the_programmes_people(
    client: TestClient[Litestar], programme: dict[str, int]
) -> None:
    full = ("Barn och familj", 10, [programme["request"]])
    for email in (MENTOR, HOME_COORDINATOR):  # the mentor, the programme's coordinator
        offer = _mentor_as(client, email, programme)
        assert (offer["unit"], offer["years"], offer["ranking"]) == full, email
    for email in (MENTEE, TOWN_COORDINATOR, NEIGHBOUR_WORKER):  # participants
        offer = _mentor_as(client, email, programme)
        assert (offer["unit"], offer["years"], offer["ranking"]) == (*full[:2], []), email
    for email in (FAR_WORKER, FAR_COORDINATOR, FAR_SPECIALIST):  # another county
        offer = _mentor_as(client, email, programme)
        assert (offer["unit"], offer["years"], offer["ranking"]) == (None, None, []), email
        assert offer["name"]  # who mentors stays public: that is how one finds a mentor

    sign_in(client, FAR_WORKER)
    page = client.get(f"/mentoring/programmes/{programme['id']}")
    assert page.status_code == 200
    assert '<td class="num">10</td>' not in page.text
    sign_in(client, MENTEE)
    assert '<td class="num">10</td>' in client.get(f"/mentoring/programmes/{programme['id']}").text


def test_an_applicants_wishes_are_for_the_applicant_and_the_coordinators(
    client: TestClient[Litestar], programme: dict[str, int]
) -> None:
    path = f"/api/v1/mentoring/programmes/{programme['id']}/applicants"
    sign_in(client, MENTOR)
    (seen_by_mentor,) = client.get(path).json()
    assert seen_by_mentor["id"] == programme["request"]
    assert seen_by_mentor["wishes"] == []
    sign_in(client, HOME_COORDINATOR)
    (seen_by_coordinator,) = client.get(path).json()
    assert seen_by_coordinator["wishes"] == [programme["offer"]]
    sign_in(client, MENTEE)
    (own,) = client.get("/api/v1/mentoring/requests").json()
    assert own["wishes"] == [programme["offer"]]

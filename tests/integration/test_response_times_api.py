"""Response times through the API: the analyst's county, small groups suppressed,
nobody outside the scope, social workers refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.tables import ConsultationRequest
from network.lib.vocab import ConsultationKind, ConsultationStatus, Role
from tests.support import SharedApp, sign_in
from tests.support.cases import create_accepted_request, seeing_all
from tests.support.people import create_specialist_profile, create_user

ANALYST = "rt.analyst@demo.invalid"  # county 05
FAR_ANALYST = "rt.far@demo.invalid"  # county 25
WORKER = "rt.worker@demo.invalid"
OPENED = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(scope="module")
def world(migrated: None) -> None:
    """Six written requests from Motala (0583) answered after 2–12 hours, and two from
    Boxholm (0560): too few to show."""

    async def create() -> None:
        await create_user(ANALYST, Role.ANALYST, county="05")
        await create_user(FAR_ANALYST, Role.ANALYST, county="25")
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0583")
        user = await create_user("rt.specialist@demo.invalid", Role.SPECIALIST, county="05")
        specialist = await create_specialist_profile(user, "0580")
        for municipality, hours in [("0583", h) for h in (2, 4, 6, 8, 10, 12)] + [
            ("0560", 1),
            ("0560", 1),
        ]:
            request = await create_accepted_request(
                requester=worker,
                municipality=municipality,
                specialist=specialist,
                area="domestic_violence",
                kind=ConsultationKind.WRITTEN,
                mode="written",
                status=ConsultationStatus.COMPLETED,
            )
            await ConsultationRequest.update(
                {
                    ConsultationRequest.opened_at: OPENED,
                    ConsultationRequest.first_answer_at: OPENED + timedelta(hours=hours),
                    ConsultationRequest.accepted_at: OPENED + timedelta(hours=1),
                }
            ).where(ConsultationRequest.id == request)

    asyncio.run(seeing_all(create))


@pytest.fixture
def client(world: None, shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


PERIOD = {"from": "2026-05-01T00:00:00+02:00", "to": "2026-07-01T00:00:00+02:00"}


def test_analyst_sees_their_county_with_small_groups_suppressed(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, ANALYST)
    response = client.get("/api/v1/response-times", params={**PERIOD, "area": "domestic_violence"})
    assert response.status_code == 200, response.text
    rows = {row["municipality"]: row for row in response.json()}
    assert rows["0583"]["requests"] == 6
    assert rows["0583"]["median_hours_to_first_answer"] == 7.0
    assert rows["0583"]["answered_within_target"] == 1.0
    assert rows["0560"] == {
        "area": "domestic_violence",
        "municipality": "0560",
        "requests": None,
        "median_hours_to_first_answer": None,
        "median_hours_to_accepted": None,
        "median_hours_to_meeting": None,
        "answered_within_target": None,
    }


def test_outside_the_scope_nothing_and_workers_refused(client: TestClient[Litestar]) -> None:
    sign_in(client, FAR_ANALYST)
    assert client.get("/api/v1/response-times", params=PERIOD).json() == []
    sign_in(client, WORKER)
    assert client.get("/api/v1/response-times", params=PERIOD).status_code == 403
    sign_in(client, ANALYST)
    backwards = client.get(
        "/api/v1/response-times", params={"from": PERIOD["to"], "to": PERIOD["from"]}
    )
    assert backwards.status_code == 400
    assert backwards.json()["errors"][0]["field"] == "to"


def test_a_specialist_sees_their_own_figures(migrated: None) -> None:
    from network.consultations.response_times import specialist_response_times

    async def scenario() -> None:
        worker = await create_user("rt.own.worker@demo.invalid", Role.SOCIAL_WORKER, county="05")
        user = await create_user("rt.own@demo.invalid", Role.SPECIALIST, county="05")
        specialist = await create_specialist_profile(user, "0580")
        opened = datetime.now(UTC) - timedelta(days=10)
        for hours in (1, 2, 3, 30, 100):
            request = await create_accepted_request(
                requester=worker,
                municipality="0583",
                specialist=specialist,
                kind=ConsultationKind.WRITTEN,
                mode="written",
            )
            await seeing_all(
                lambda request=request, hours=hours: ConsultationRequest.update(
                    {
                        ConsultationRequest.opened_at: opened,
                        ConsultationRequest.urgency: "acute",
                        ConsultationRequest.first_answer_at: opened + timedelta(hours=hours),
                    }
                ).where(ConsultationRequest.id == request)
            )
        own = await specialist_response_times(specialist, now=datetime.now(UTC))
        assert own.requests == 5
        assert own.median_hours_to_first_answer == 3.0
        assert own.answered_within_target is not None
        assert 0.6 <= own.answered_within_target <= 0.8  # 100 h is late; 30 h may be

    asyncio.run(scenario())

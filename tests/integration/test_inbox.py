"""The inbox page with every kind of notification: a booking's meeting time (stored
as ISO text) is shown as a time, not a crash (it once answered 500 for everyone with
a booking notification, while the API for the same rows answered 200)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from network.lib.vocab import AssignmentStatus, ConsultationStatus, NotificationKind, Role
from network.notifications import services
from tests.support import app_client, in_app, sign_in
from tests.support.cases import create_accepted_request
from tests.support.people import create_specialist_profile, create_user

USER = "inbox.worker@demo.invalid"
START = datetime(2026, 12, 14, 9, 30, tzinfo=UTC)  # 10:30 in Stockholm


def test_a_booking_notification_is_shown_with_its_time(migrated: None) -> None:
    user = asyncio.run(create_user(USER, Role.SOCIAL_WORKER, municipality="0512"))
    with app_client() as client:
        sign_in(client, USER)

        async def tell() -> list[services.InboxItem]:
            for kind in (
                NotificationKind.BOOKING_CREATED,
                NotificationKind.BOOKING_MOVED,
                NotificationKind.BOOKING_CANCELLED,
            ):
                await services.notify(
                    [user],
                    kind,
                    object_type="booking",
                    object_id=1,
                    link="/consultations/1",
                    params={"area": "fgm", "start": START.isoformat()},
                )
            return await services.inbox(user)

        items = in_app(client, tell)
        # The use case reads the stored time back as an aware datetime.
        assert [item.start for item in items] == [START, START, START]
        assert all(item.area == "fgm" for item in items)

        api = client.get("/api/v1/notifications")
        assert api.status_code == 200, api.text
        page = client.get("/inbox", params={"lang": "sv"})
        assert page.status_code == 200, page.text[:500]
        assert page.text.count("10:30") == 3  # Europe/Stockholm, in every line
        assert "Könsstympning" in page.text  # the area by name


OFFERED_TO = "inbox.specialist@demo.invalid"
ASKER = "inbox.asker@demo.invalid"


def test_an_answered_offer_shows_its_answer_not_its_deadline(migrated: None) -> None:
    """An offer's notice told its deadline even after the offer was accepted, declined
    or had expired; once answered it says how instead (page and API)."""

    async def world() -> tuple[int, dict[str, int]]:
        asker = await create_user(ASKER, Role.SOCIAL_WORKER, municipality="0513")
        user = await create_user(OFFERED_TO, Role.SPECIALIST, municipality="0512")
        profile = await create_specialist_profile(user, "0512")
        requests = {}
        for status in (
            AssignmentStatus.OFFERED,
            AssignmentStatus.ACCEPTED,
            AssignmentStatus.DECLINED,
            AssignmentStatus.EXPIRED,
        ):
            requests[status.value] = await create_accepted_request(
                requester=asker,
                municipality="0513",
                specialist=profile,
                area="fgm",
                status=ConsultationStatus.OFFERED,
                assignment=status,
            )
        return user, requests

    user, requests = asyncio.run(world())
    deadline = datetime.now(UTC) + timedelta(days=2)
    with app_client() as client:
        sign_in(client, OFFERED_TO)

        async def tell() -> list[services.InboxItem]:
            for request in requests.values():
                await services.notify(
                    [user],
                    NotificationKind.OFFER_NEW,
                    object_type="consultation",
                    object_id=request,
                    link=f"/consultations/{request}",
                    params={"area": "fgm", "urgency": "normal", "deadline": deadline.isoformat()},
                )
            return await services.inbox(user)

        items = {item.link: item for item in in_app(client, tell)}
        answers = {
            status: items[f"/consultations/{request}"].answer
            for status, request in requests.items()
        }
        assert answers == {
            "offered": None,
            "accepted": "accepted",
            "declined": "declined",
            "expired": "expired",
        }
        api = client.get("/api/v1/notifications")
        assert api.status_code == 200, api.text
        by_object = {row["object_id"]: row["answer"] for row in api.json()}
        assert by_object[requests["accepted"]] == "accepted"
        assert by_object[requests["offered"]] is None

        page = client.get("/inbox", params={"lang": "sv"})
        assert page.status_code == 200, page.text[:500]
        assert page.text.count('data-testid="notice-deadline"') == 1  # the open offer only
        assert page.text.count('data-testid="notice-answered"') == 3
        assert "Du tackade ja till erbjudandet" in page.text
        assert "Du tackade nej till erbjudandet" in page.text
        assert "Erbjudandet gick ut utan svar" in page.text

"""The inbox page with every kind of notification: a booking's meeting time (stored
as ISO text) is shown as a time, not a crash (it once answered 500 for everyone with
a booking notification, while the API for the same rows answered 200)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from network.lib.vocab import NotificationKind, Role
from network.notifications import services
from tests.support import app_client, in_app, sign_in
from tests.support.people import create_user

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

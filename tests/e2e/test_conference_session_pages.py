"""Before a conference session, in a real browser on the demo network: the hub says how
to meet on the session page (a refused link comes back as typed, marked, then saved),
the signed-up social worker reads it and makes their own calendar address, and the
coordinator makes parallel groups from their page (an empty submit names every empty
field and keeps what was typed) and goes on to placing their applicants. Each page is
checked with axe and photographed at 1280 and 390 px (``NETWORK_SCREENSHOT_DIR``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.test_working_day_pages import _check
from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser

LINK = "https://meet.example.se/heder-ostergotland"


def test_how_to_meet_my_calendar_and_parallel_groups(browser: Any, server_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    problems: list[str] = []
    try:
        # The hub: the demo's upcoming session, how to meet refused, then saved.
        sign_in(page, server_url, "specialist")
        page.locator("[data-testid=nav-conferences]").click()
        page.locator("[data-testid=conference-series] td a").first.click()
        page.wait_for_load_state()
        session_url = page.url
        field = page.locator("#f-meeting_details")
        field.fill("http://meet.example.se/heder")
        page.locator("[data-testid=save-meeting-details]").click()
        page.wait_for_load_state()
        assert field.input_value() == "http://meet.example.se/heder"
        assert field.get_attribute("aria-invalid") == "true"
        assert "https://" in page.locator("[data-testid=error]").inner_text()
        problems += _check(page, "specialist-session-meeting-refused")
        field.fill(LINK)
        page.locator("[data-testid=save-meeting-details]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=meeting-link]").inner_text() == LINK

        # The signed-up social worker reads it and makes their own calendar address.
        sign_in(page, server_url, "social_worker")
        page.goto(session_url)
        assert page.locator("[data-testid=meeting-link]").inner_text() == LINK
        assert page.locator("[data-testid=meeting-details-form]").count() == 0
        problems += _check(page, "social_worker-session")
        page.goto(f"{server_url}/conferences")
        page.locator("[data-testid=my-calendar-link]").click()
        page.locator("[data-testid=feed-create]").click()
        page.wait_for_load_state()
        address = page.locator("[data-testid=feed-address]").input_value()
        assert "/calendar/snu_" in address
        problems += _check(page, "social_worker-my-calendar")

        # The coordinator: parallel groups, refused empty, then made.
        sign_in(page, server_url, "coordinator")
        page.goto(f"{server_url}/conferences")
        page.locator("[data-testid=groups-link]").click()
        page.wait_for_load_state()
        page.locator("#f-title").fill("Fördjupningsgrupp")
        page.evaluate(
            "() => { const f = document.querySelector('[data-testid=groups-form]');"
            " f.noValidate = true; f.requestSubmit(); }"
        )
        page.wait_for_load_state()
        summary = page.locator("[data-testid=error]").inner_text()
        for label in ("Kompetensområde", "Tid", "Nav", "Kommuner"):
            assert label in summary, summary
        assert page.locator("#f-title").input_value() == "Fördjupningsgrupp"
        assert page.locator("#f-hubs").get_attribute("aria-invalid") == "true"
        problems += _check(page, "coordinator-groups-refused")

        # The first hub offered, in its first area, serving its own municipality.
        offered = page.locator("label.check:has([data-testid^=hub-])").first
        hub = offered.locator("input")
        label = offered.inner_text()
        _, home, areas = (part.strip() for part in label.split("·", 2))
        page.locator("#f-area").select_option(label=areas.split(",")[0].strip())
        monday = date.today() + timedelta(days=7 - date.today().weekday() + 35)
        page.locator("#f-start").fill(f"{monday.isoformat()}T10:00")
        page.locator("#f-topic").fill("Vårdnadsöverflytt")
        hub.check()
        page.locator("label.check", has_text=home).locator("input[name=municipalities]").check()
        page.locator("[data-testid=create-groups]").click()
        page.wait_for_load_state()
        assert "/conferences/placements/new?series=" in page.url
        assert page.locator("[data-testid=success]").count() == 1
        assert page.locator("input[name=series]:checked").count() == 1
        problems += _check(page, "coordinator-groups-made")
    finally:
        context.close()
    assert problems == []

"""A programme's group parts in a real browser on the demo network: the coordinator
sees the demo's two parts on the programme page, a refused "add a group part" comes
back exactly as typed, a valid one leads to the part's page, where a session is
scheduled (booked in the host's calendar) and the programme's mentees are enrolled;
the cohort's progress shows the group parts attended beside the ladder."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser


def test_a_coordinator_adds_a_group_part(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, server_url, "coordinator")
        page.goto(f"{server_url}/mentoring")
        page.locator("[data-testid=programmes] a").first.click()
        page.wait_for_load_state()
        parts = page.locator("[data-testid=group-part]")
        assert parts.count() == 2
        assert "Temamöten" in parts.first.inner_text()
        programme_url = page.url.split("#")[0]

        # Refused (no host), the browser's own checks off: the form comes back as typed.
        form = page.locator("[data-testid=group-part-form]")
        form.locator("#f-title").fill("Temadag: samtal med barn")
        form.locator("#f-part_format").select_option("group_supervision")
        form.locator("#f-capacity").fill("25")
        form.evaluate("f => { f.noValidate = true; f.requestSubmit(); }")
        page.wait_for_load_state()
        assert "Värd" in page.locator("[data-testid=error]").inner_text()
        form = page.locator("[data-testid=group-part-form]")
        assert form.locator("#f-title").input_value() == "Temadag: samtal med barn"
        assert form.locator("#f-part_format").input_value() == "group_supervision"
        assert form.locator("#f-capacity").input_value() == "25"

        # Valid: the demo specialist hosts it (competent in the focus area).
        host = next(
            option.get_attribute("value")
            for option in form.locator("#f-host option").all()
            if "Sara Specialist" in option.inner_text()
        )
        form.locator("#f-host").select_option(host)
        form.locator("#f-area").select_option("honour_based_violence")
        form.locator("[data-testid=add-group-part]").click()
        page.wait_for_load_state()
        assert "/conferences/" in page.url
        assert page.locator("[data-testid=programme]").count() == 1

        start = date.today() + timedelta(days=39 - date.today().weekday())  # a Friday
        schedule = page.locator("[data-testid=schedule-form]")
        schedule.locator("#f-start").fill(f"{start.isoformat()}T15:35")
        schedule.locator("#f-topic").fill("Egna ärenden")
        schedule.locator("[data-testid=schedule]").click()
        page.wait_for_load_state()
        page.goto(programme_url)
        supervision = page.locator("[data-testid=group-part]").last
        assert "Egna ärenden" in supervision.inner_text()
        assert "Temadag: samtal med barn" in supervision.inner_text()

        page.locator("[data-testid=cohorts] a").first.click()
        page.wait_for_load_state()
        attended = page.locator("[data-testid=group-attended]")
        assert attended.count() >= 1
        assert attended.first.inner_text() == "1/1"
    finally:
        context.close()

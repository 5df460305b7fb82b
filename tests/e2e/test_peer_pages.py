"""The specialists' network in a real browser on the demo network: the demo
specialist's peer groups, one group with its members, network meeting (signed up for
from the page) and thread; a post refused by the de-identification guard comes back as
typed with the findings marked, then a de-identified one is shared; the coordinator
sees the group's members and meetings but not its thread. Each page is checked with
axe and photographed at 1280 and 390 px (``NETWORK_SCREENSHOT_DIR``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_working_day_pages import _check
from tests.support.pages import sign_in_page

pytestmark = pytest.mark.browser

REFUSED = "Barnet har personnummer 19121212-1212, ring mamman på 070-123 45 67."


def test_a_peer_group_through_its_pages(browser: Any, server_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    problems: list[str] = []
    try:
        sign_in_page(page, server_url, "specialist")
        page.locator("[data-testid=nav-peers]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Specialisternas nätverk"
        page.locator("[data-testid=peer-groups] tr", has_text="Medlem").locator("a").first.click()
        page.wait_for_load_state()
        group_url = page.url.split("?")[0].split("#")[0]
        assert page.locator("[data-testid=members] tbody tr").count() >= 1

        # Sign up for the upcoming network meeting from the group's page.
        page.locator("[data-testid^=peer-sign-up-]").first.click()
        page.wait_for_load_state()
        assert "Du är anmäld till nätverksträffen." in page.locator("main").inner_text()
        problems += _check(page, "peers-specialist")

        # A refused post keeps every word, the findings marked in place.
        form = page.locator("[data-testid=post-form]")
        form.locator("input[name=subject]").fill("Hur gör ni med hembesök?")
        form.locator("textarea[name=body]").fill(REFUSED)
        form.evaluate("f => { f.noValidate = true; f.requestSubmit(); }")
        page.wait_for_selector("[data-testid=error]")
        assert page.locator("[data-testid=post-form] textarea[name=body]").input_value() == REFUSED
        marks = page.locator("[data-testid=finding] mark").all_inner_texts()
        assert "19121212-1212" in marks
        problems += _check(page, "peers-refused")

        form = page.locator("[data-testid=post-form]")
        form.locator("textarea[name=body]").fill("Hur förbereder ni ett första hembesök?")
        form.locator("[data-testid=post]").click()
        page.wait_for_load_state()
        assert "Ditt inlägg är delat med kollegagruppen." in page.locator("main").inner_text()

        # The coordinator: members and meetings, not the thread.
        sign_in_page(page, server_url, "coordinator")
        page.goto(group_url)
        assert page.locator("[data-testid=thread-closed]").is_visible()
        assert page.locator("[data-testid=post-form]").count() == 0
        assert page.locator("[data-testid=members] tbody tr").count() >= 1
        problems += _check(page, "peers-coordinator")
    finally:
        context.close()
    assert not problems, problems

"""A coordinator keeps a sharing agreement in a real browser: a refused form keeps what
was ticked, the agreement is created, listed, read and ended; a social worker reads it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser

YDRE, KINDA = "0512", "0513"


def test_coordinator_creates_and_ends_an_agreement(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "coordinator")
        page.locator("[data-testid=nav-agreements]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Samverkansavtal"
        page.locator("[data-testid=new-agreement]").click()
        page.wait_for_load_state()

        form = page.locator("[data-testid=agreement-form]")
        form.locator("input[name=name]").fill("Ydre och Kinda: NPF")
        form.locator("select[name=legal_form]").select_option("kommunalforbund")
        form.locator("input[name=valid_from]").fill("2026-01-01")
        form.locator(f"input[name=municipalities][value='{YDRE}']").check()  # Östergötland is open
        form.locator("input[name=areas][value=npf]").check()
        form.locator("[data-testid=save-agreement]").click()
        page.wait_for_load_state()
        # One party only: refused, the field named by its label (never the internal
        # name), the ticks kept.
        refusal = page.locator("[data-testid=error]").inner_text()
        assert "Kommuner" in refusal
        assert "municipalities" not in refusal
        assert form.locator(f"input[name=municipalities][value='{YDRE}']").is_checked()
        assert form.locator("input[name=areas][value=npf]").is_checked()
        assert form.locator("input[name=name]").input_value() == "Ydre och Kinda: NPF"

        form.locator(f"input[name=municipalities][value='{KINDA}']").check()
        form.locator("[data-testid=save-agreement]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Ydre och Kinda: NPF"
        assert page.locator("[data-testid=agreement-status]").inner_text() == "Gäller"
        agreement_url = page.url

        page.locator("[data-testid=end-form] input[name=end_on]").fill("2026-06-30")
        page.locator("[data-testid=end-agreement]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=agreement-status]").inner_text() == "Upphört"
        assert "2026-06-30" in page.locator("[data-testid=agreement-validity]").inner_text()
        assert page.locator("[data-testid=end-form]").count() == 0

        page.goto(f"{server_url}/agreements?county=05&status=ended")
        rows = page.locator("[data-testid=agreement-row]")
        assert any("Ydre och Kinda: NPF" in text for text in rows.all_inner_texts())

        sign_in(page, server_url, "social_worker")
        page.goto(agreement_url)
        assert page.locator("h1").inner_text() == "Ydre och Kinda: NPF"
        assert page.locator("[data-testid=agreement-form]").count() == 0
        assert "Neuropsykiatriska" in page.locator("[data-testid=agreement-areas]").inner_text()
    finally:
        context.close()

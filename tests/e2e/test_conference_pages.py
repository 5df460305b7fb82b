"""Setting up a case conference series and its sessions in a real browser on the demo
network: the demo specialist's refused submit comes back with the field named and the
values as typed, the series is set up, sessions are planned by cadence, and one is
cancelled only once the confirmation is ticked; the coordinator chooses a hub first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser


def _refused_submit(page: Any, testid: str) -> None:
    """Submit the form past the browser's own checks, as a stale or scripted page would."""
    page.evaluate(
        "(id) => { const f = document.querySelector(`[data-testid=${id}]`);"
        " f.noValidate = true; f.requestSubmit(); }",
        testid,
    )
    page.wait_for_load_state()


def _second_tuesday(months_ahead: int) -> date:
    today = date.today()
    months = today.month - 1 + months_ahead
    first = date(today.year + months // 12, months % 12 + 1, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def test_a_hub_sets_up_plans_and_cancels(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "specialist")
        page.goto(f"{server_url}/conferences")
        page.locator("[data-testid=new-series]").click()
        page.wait_for_load_state()
        form = page.locator("[data-testid=series-form]")
        assert form.locator("input[name=municipalities]:checked").count() >= 3
        form.locator("#f-title").fill("Heder i länet, vår")
        form.locator("#f-capacity").fill("1")
        _refused_submit(page, "series-form")
        summary = page.locator("[data-testid=error]")
        assert "Platser per träff" in summary.inner_text()
        assert page.locator("#f-title").input_value() == "Heder i länet, vår"
        assert page.locator("#f-capacity").input_value() == "1"
        assert page.locator("#f-capacity").get_attribute("aria-invalid") == "true"

        page.locator("#f-capacity").fill("10")
        page.locator("[data-testid=create-series]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=success]").count() == 1
        first = _second_tuesday(15)
        page.locator("#f-first").fill(f"{first.isoformat()}T07:15")
        page.locator("#f-count").fill("3")
        page.locator("#f-topics").fill("Riskbedömning\nSkyddsplanering")
        page.locator("[data-testid=plan]").click()
        page.wait_for_load_state()
        assert "3 träffar bokade." in page.locator("[data-testid=planned]").inner_text()
        rows = page.locator("[data-testid=sessions] tbody tr")
        assert rows.count() == 3
        assert "Riskbedömning" in rows.first.inner_text()

        rows.nth(1).locator("a").click()
        page.wait_for_load_state()
        _refused_submit(page, "cancel-form")
        assert "Bekräftelse" in page.locator("[data-testid=error]").inner_text()
        page.locator("[data-testid=confirm-cancel]").check()
        page.locator("[data-testid=cancel-session]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=success]").count() == 1
        assert "Avbokat" in page.locator("[data-testid=sessions] tbody tr").nth(1).inner_text()
    finally:
        context.close()


def test_a_coordinator_chooses_the_hub_first(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "coordinator")
        page.goto(f"{server_url}/conferences/new")
        assert page.locator("[data-testid=series-form]").count() == 0
        hubs = page.locator("#f-hub option")
        assert hubs.count() > 2
        page.locator("#f-hub").select_option(index=1)
        page.locator("[data-testid=choose-hub]").click()
        page.wait_for_load_state()
        form = page.locator("[data-testid=series-form]")
        assert form.count() == 1
        assert form.locator("#f-area option").count() >= 1
        assert form.locator("input[name=municipalities]").count() >= 1
    finally:
        context.close()

"""The coordinator's and the administrator's working day in a real browser (issue 21,
item 5): a round's rows by area, municipality and urgency, with what would help the
unplaced ones; a user's own page with one "add role" form; disabling only after the
confirmation box, which works without script and is refused unticked; the audit log
with filters. Each page is checked with axe (WCAG 2.1 AA) and photographed at 1280 and
390 px, a refused submit included (``NETWORK_SCREENSHOT_DIR``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_crawl import SCREENSHOTS, WIDTHS
from tests.support.axe import serious_violations
from tests.support.pages import sign_in_page

pytestmark = pytest.mark.browser


def _check(page: Any, name: str) -> list[str]:
    """axe on the page as it is, then photographs at both widths."""
    problems = [f"{name} axe: {v}" for v in serious_violations(page)]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return problems


def test_the_administrators_pages(browser: Any, server_url: str) -> None:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="sv-SE")
    page = context.new_page()
    problems: list[str] = []
    try:
        sign_in_page(page, server_url, "admin")
        page.goto(f"{server_url}/admin/users")
        assert page.locator("form[action$='/roles']").count() == 0  # no form per row
        problems += _check(page, "admin-users")
        # One's own page: no disable button, no role forms.
        page.locator("[data-testid=user-link]", has_text="admin@demo.invalid").click()
        assert page.locator("[data-testid=own-account]").is_visible()
        assert page.locator("[data-testid=disable]").count() == 0
        # Another user's page: one "add role" form; a role added shows a banner.
        page.goto(f"{server_url}/admin/users?q=analyst@demo.invalid")
        page.locator("[data-testid=user-link]").first.click()
        user_page = page.url
        form = page.locator("[data-testid=add-role]")
        assert form.count() == 1
        form.locator("#f-role").select_option("coordinator")
        form.locator("#f-place").select_option(label="Linköping")
        form.get_by_role("button", name="Lägg till roll").click()
        page.wait_for_url(re.compile(r".*\?notice=granted$"))
        assert page.locator("[data-testid=success]").inner_text() == "Rollen är tillagd."
        problems += _check(page, "admin-user")
        # Disabling: a secondary button leads to a confirmation; unticked, it is refused.
        disable = page.locator("[data-testid=disable]")
        assert disable.get_attribute("data-variant") == "secondary"
        disable.click()
        page.locator("[data-testid=confirm-disable]").evaluate("f => f.noValidate = true")
        page.locator("[data-testid=confirm]").click()
        page.wait_for_load_state()
        summary = page.locator("[data-testid=error]")
        assert "Kryssa i rutan för att bekräfta." in summary.inner_text()
        assert summary.locator("a[href='#f-confirm']").count() == 1
        problems += _check(page, "admin-disable-refused")
        page.get_by_label("Ja, inaktivera det här kontot").check()
        page.locator("[data-testid=confirm]").click()
        page.wait_for_url(re.compile(r".*\?notice=disabled$"))
        assert "Kontot är inaktiverat" in page.locator("[data-testid=success]").inner_text()
        page.locator("[data-testid=enable]").click()  # and back, for the other tests
        page.wait_for_url(re.compile(r".*\?notice=enabled$"))
        assert page.url.split("?")[0] == user_page.split("?")[0]

        # The audit log: filtered by action, then a refused period.
        page.locator("nav.site-nav [data-testid=nav-audit]").click()
        page.locator("#f-action").select_option("role.grant")
        page.get_by_role("button", name="Filtrera").click()
        page.wait_for_load_state()
        rows = page.locator("[data-testid=audit-entries] tbody tr[data-action]")
        assert rows.count() >= 1
        assert {rows.nth(i).get_attribute("data-action") for i in range(rows.count())} == {
            "role.grant"
        }
        assert "Roll tillagd" in rows.first.inner_text()
        problems += _check(page, "admin-audit")
        page.locator("#f-since").fill("2026-05-02")
        page.locator("#f-until").fill("2026-05-01")
        page.get_by_role("button", name="Filtrera").click()
        page.wait_for_load_state()
        refusal = page.locator("[data-testid=error]").inner_text()
        assert "Slutet måste ligga efter början." in refusal
        assert page.locator("#f-since").input_value() == "2026-05-02"  # kept as typed
        problems += _check(page, "admin-audit-refused")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_coordinators_round_pages(browser: Any, server_url: str) -> None:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="sv-SE")
    page = context.new_page()
    problems: list[str] = []
    try:
        sign_in_page(page, server_url, "coordinator")
        page.goto(f"{server_url}/rounds")
        page.locator("[data-testid=preview]").click()
        page.wait_for_url(re.compile(r".*/rounds/\d+\?notice=previewed$"))
        placed = page.locator("[data-testid=assignments] tbody tr[data-request]")
        if placed.count():
            row = placed.first
            assert row.locator("[data-testid=area]").inner_text().strip()
            assert row.locator("[data-testid=municipality]").inner_text().strip()
            assert row.locator("[data-testid=urgency] .ds-tag").count() == 1
            assert "#" not in row.locator("th").inner_text()
        for why in page.locator("[data-testid=unplaced-list] [data-testid=why]").all():
            assert "skulle hjälpa" in why.inner_text()  # what would help, in words
        problems += _check(page, "coordinator-round")
        page.goto(f"{server_url}/rounds")
        assert page.locator("[data-testid=round-history] tbody tr[data-round]").count() >= 1
        problems += _check(page, "coordinator-rounds")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

"""Demo sign-in in a real browser: pick a demo user, see who is signed in, sign out."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_demo_user_signs_in_and_out(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/")
        page.locator("[data-testid=sign-in]").click()
        page.wait_for_url(f"{server_url}/auth/dev-login")
        assert page.locator("h1").inner_text() == "Demoinloggning"
        assert page.locator("button[type=submit][data-testid^=sign-in-]").count() == 5
        page.locator("[data-testid=sign-in-specialist]").click()
        page.wait_for_url(f"{server_url}/")
        assert page.locator("[data-testid=signed-in-as]").inner_text() == (
            "specialist@demo.invalid"
        )
        # The start page counts the seeded specialists.
        assert int(page.locator("[data-testid=total-specialists]").inner_text()) >= 60

        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(f"{server_url}/")
        assert page.locator("[data-testid=signed-in-as]").count() == 0
        assert page.locator("[data-testid=sign-in]").count() == 1
    finally:
        context.close()

"""The start page in a real browser: counties, totals, and the language switch."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "src" / "network" / "data"

pytestmark = pytest.mark.browser


def test_start_page_shows_the_reference_data_and_switches_language(
    browser: Any, server_url: str
) -> None:
    with (DATA / "counties.csv").open(encoding="utf-8") as handle:
        counties = list(csv.DictReader(handle))
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/")
        assert page.locator("html").get_attribute("lang") == "sv"
        assert page.locator("h1").inner_text() == "Specialister som delas över kommungränserna"
        rows = page.locator("[data-testid=counties] tbody tr")
        assert rows.count() == len(counties) == 21
        names = rows.locator("th").all_inner_texts()
        assert names == [c["name"] for c in counties]
        assert page.locator("[data-testid=total-municipalities]").inner_text() == "290"
        assert page.locator("[data-testid=total-counties]").inner_text() == "21"

        page.locator("[data-testid=lang-switch]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Specialists shared across municipal borders"
        assert (
            page.locator("[data-testid=counties] caption")
            .inner_text()
            .startswith("Municipalities, inhabitants")
        )
        # The choice is remembered.
        page.goto(f"{server_url}/")
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()


def test_page_has_no_inline_scripts_and_a_strict_policy(browser: Any, server_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        response = page.goto(f"{server_url}/")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.locator("script:not([src])").count() == 0
        # The design system's theme and components, then the app's own sheet: all served here.
        sheets = page.locator("link[rel=stylesheet]")
        hrefs = [sheets.nth(i).get_attribute("href") or "" for i in range(sheets.count())]
        assert hrefs[-1] == "/static/css/app.css"
        assert all(h.startswith("/static/") for h in hrefs), hrefs
        assert any("designsystemet" in h for h in hrefs), hrefs
        # The language is negotiated from these headers.
        vary = {v.strip().lower() for v in response.headers["vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary
    finally:
        context.close()


def test_language_switch_keeps_the_other_query_parameters(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/?view=table")
        assert page.locator("html").get_attribute("lang") == "en"
        switch = page.locator("[data-testid=lang-switch]")
        assert switch.get_attribute("href") == "/?view=table&lang=sv"
        switch.click()
        page.wait_for_url(f"{server_url}/?view=table&lang=sv")
        assert page.locator("html").get_attribute("lang") == "sv"
        assert page.locator("[data-testid=lang-switch]").get_attribute("href") == (
            "/?view=table&lang=en"
        )
    finally:
        context.close()

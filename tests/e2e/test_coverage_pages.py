"""The analyst's coverage pages in a real browser: the county overview, the map (by
mouse and by keyboard), exports, gaps, where to act and weak points."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.support.axe import serious_violations
from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser

HBV = "honour_based_violence"


def test_analyst_reads_the_map_and_the_recommendations(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "analyst")
        page.locator("[data-testid=nav-coverage]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().startswith("Täckning")
        summary = page.locator("[data-testid=county-summary] tbody tr")
        assert summary.count() == page.locator("[data-testid=area-select] option").count() - 1

        # The map of honour-based violence: Ydre reaches the demo specialist through
        # the county-wide agreement (the demo's design).
        page.goto(f"{server_url}/coverage?county=05&area={HBV}")
        shapes = page.locator("[data-testid=coverage-map] a[data-municipality]")
        assert shapes.count() == 13  # Östergötland's municipalities
        ydre = page.locator("[data-testid=coverage-map] a[data-municipality='0512']")
        assert ydre.get_attribute("data-status") == "shared"
        assert page.locator("[data-testid=map-legend] li").count() == 4  # with the conference level
        ydre.click()
        page.wait_for_load_state()
        details = page.locator("[data-testid=municipality-details]")
        assert "Ydre" in details.locator("h3").inner_text()
        assert "Linköping" in details.locator("[data-testid=detail-providers]").inner_text()

        # By keyboard: focus another municipality and press Enter.
        page.locator("[data-testid=coverage-map] a[data-municipality='0580']").focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert "Linköping" in page.locator("[data-testid=municipality-details] h3").inner_text()
        assert page.locator("[data-testid=chart-requests] rect").count() >= 12

        # The CSV export behind the link parses and holds the county's rows.
        href = page.locator("[data-testid=export-csv]").get_attribute("href")
        response = page.request.get(f"{server_url}{href}")
        assert response.status == 200
        rows = list(csv.DictReader(io.StringIO(response.text())))
        assert {r["county"] for r in rows} == {"05"}
        assert {r["status"] for r in rows} <= {"local", "shared", "none"}

        # Gaps, where to act, weak points.
        page.locator("[data-testid=tab-gaps]").click()
        page.wait_for_load_state()
        assert "area=honour_based_violence" in page.url  # the tabs keep the filters
        assert page.locator("[data-testid=no-gaps]").is_visible()
        page.locator("[data-testid=area-select]").select_option("")
        page.locator("[data-testid=coverage-filters] button").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=gaps] tbody tr").count() == sum(
            1 for r in rows if r["status"] == "none"
        )
        page.locator("[data-testid=tab-act]").click()
        page.wait_for_load_state()
        page.locator("[data-testid=act-kind]").select_option("agreements")
        page.locator("[data-testid=act-k]").fill("2")
        page.locator("[data-testid=act-form] button").click()
        page.wait_for_load_state()
        assert "kind=agreements" in page.url
        picks = page.locator("[data-testid=step]")
        assert 1 <= picks.count() <= 2
        assert page.locator("[data-testid=act-covered]").inner_text().strip() != "0"
        # New specialists, demand weighed heavily: each municipality at most once, each
        # step with its reasons in Swedish and its areas.
        page.locator("[data-testid=act-kind]").select_option("specialists")
        page.locator("[data-testid=act-k]").fill("4")
        page.locator("[data-testid=act-demand-weight]").select_option("3")
        page.locator("[data-testid=act-form] button").click()
        page.wait_for_load_state()
        assert "demand_weight=3" in page.url
        places = page.locator("[data-testid=step-place]").all_inner_texts()
        assert len(places) == 4 == len(set(places))
        reasons = page.locator("[data-testid=step-reasons]").first.inner_text()
        assert "invånare" in reasons
        assert serious_violations(page) == []
        uncovered = int(
            "".join(
                c for c in page.locator("[data-testid=act-uncovered]").inner_text() if c.isdigit()
            )
        )
        assert uncovered <= 472_446  # all of Östergötland, each municipality once
        page.locator("[data-testid=tab-weak]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().startswith("Svaga punkter")
    finally:
        context.close()


def test_a_social_worker_is_refused(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "social_worker")
        assert page.locator("[data-testid=nav-coverage]").count() == 0
        response = page.goto(f"{server_url}/coverage")
        assert response is not None
        assert response.status == 403
    finally:
        context.close()


def test_the_county_report_renders_in_chromium_and_prints(
    browser: Any, server_url: str, tmp_path: Any
) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "analyst")
        page.goto(f"{server_url}/coverage?county=05")
        page.locator("[data-testid=tab-report]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Länsrapport: Östergötlands län"
        report = page.locator("[data-testid=county-report]")
        assert report.locator("[data-testid=report-summary] tbody tr").count() >= 10
        assert report.locator("[data-testid=report-map] path").count() == 13
        for key in ("requests", "wait", "covered", "risk"):
            chart = report.locator(f"[data-testid=report-chart-{key}]")
            assert chart.locator("svg > title").first.text_content()
            assert chart.locator("svg desc").count() == 1
            assert chart.locator("table tbody tr").count() >= 1  # the figures beside it
        assert report.locator(".source").count() >= 6
        assert serious_violations(page) == []  # axe: WCAG 2.1 AA
        assert report.locator("[data-testid=report-steps] > li").count() >= 1
        # The styles came through the CSP (no inline styles on the page).
        border = report.locator("[data-testid=report-summary] td").first.evaluate(
            "e => getComputedStyle(e).borderTopStyle"
        )
        assert border == "solid"
        # Printed: no menus, tabs or filters; the report itself stays.
        page.emulate_media(media="print")
        assert not page.locator(".site-nav").is_visible()
        assert not page.locator("[data-testid=report-filters]").is_visible()
        assert report.is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        page.emulate_media(media="screen")
        href = page.locator("[data-testid=report-pdf]").get_attribute("href")
        response = page.request.get(f"{server_url}{href}")
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
    finally:
        context.close()

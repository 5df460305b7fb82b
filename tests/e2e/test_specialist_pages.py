"""The specialists' pages in a real browser: the demo specialist edits their profile,
hours and absences, sees their week and makes a calendar address; the demo
coordinator sees them in the county's list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser


def test_specialist_keeps_profile_hours_absences_and_calendar(
    browser: Any, server_url: str
) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "specialist")
        page.locator("[data-testid=nav-my-week]").click()
        page.wait_for_load_state()
        assert page.locator("h2#week-heading").inner_text().startswith("Min vecka")
        assert page.locator("[data-testid=capacity]").is_visible()

        # Profile: a new title and a lower level for the first competence.
        form = page.locator("[data-testid=profile-form]")
        form.get_by_label("Titel").fill("Specialistsocionom, nationellt team")
        form.get_by_label("Nivå 1").select_option("2")
        form.get_by_role("button", name="Spara profil").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=profile-error]").count() == 0
        form = page.locator("[data-testid=profile-form]")
        assert form.get_by_label("Titel").input_value() == "Specialistsocionom, nationellt team"
        assert form.get_by_label("Nivå 1").input_value() == "2"

        # Hours: a bad interval is named and kept; a good one is saved.
        hours = page.locator("[data-testid=hours-form]")
        hours.get_by_label("Fredag").fill("13-16")
        hours.get_by_role("button", name="Spara tider").click()
        page.wait_for_load_state()
        refusal = page.locator("[data-testid=hours-error]").inner_text()
        assert refusal.startswith("Fredag")  # the day by its label, never "hours_4"
        assert "hours_4" not in refusal
        hours = page.locator("[data-testid=hours-form]")
        assert hours.get_by_label("Fredag").input_value() == "13-16"
        hours.get_by_label("Fredag").fill("13:00-16:00")
        hours.get_by_role("button", name="Spara tider").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=hours-form]").get_by_label("Fredag").input_value() == (
            "13:00-16:00"
        )

        # Absences: add one, see it listed, remove it.
        start = date.today() + timedelta(days=60)
        absences = page.locator("[data-testid=absence-form]")
        before = page.locator("[data-testid=absences] tbody tr[data-absence]").count()
        absences.get_by_label("Från", exact=True).fill(f"{start}T08:00")
        absences.get_by_label("Till", exact=True).fill(f"{start + timedelta(days=2)}T17:00")
        absences.get_by_label("Orsak").select_option("training")
        absences.get_by_role("button", name="Lägg till frånvaro").click()
        page.wait_for_load_state()
        rows = page.locator("[data-testid=absences] tbody tr[data-absence]")
        assert rows.count() == before + 1
        assert "Utbildning" in page.locator("[data-testid=absences]").inner_text()
        added = rows.filter(has_text="Utbildning").last
        added.get_by_role("button", name="Ta bort").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=absences] tbody tr[data-absence]").count() == before

        # Next week and back.
        page.locator("[data-testid=next-week]").click()
        page.wait_for_load_state()
        assert "week=" in page.url

        # Calendar address: shown once, and a calendar client can read it.
        page.locator("[data-testid=feed-create]").click()
        page.wait_for_load_state()
        address = page.locator("[data-testid=feed-address]").input_value()
        assert "/calendar/snc_" in address
        path = address.split("://", 1)[1].split("/", 1)[1]
        feed = httpx.get(f"{server_url}/{path}", timeout=10)
        assert feed.status_code == 200
        assert feed.text.startswith("BEGIN:VCALENDAR")
    finally:
        context.close()


def test_meeting_details_refused_in_place_then_saved(browser: Any, server_url: str) -> None:
    """The "how to meet" form: a refusal names both fields and keeps what was typed;
    a good save shows the success banner and the stored values."""
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "specialist")
        page.locator("[data-testid=nav-my-week]").click()
        page.wait_for_load_state()
        form = page.locator("[data-testid=meeting-form]")
        form.get_by_label("Länk till videomöte").fill("http://video.example.se/rum")
        form.get_by_label("Telefonnummer för möten").fill("ring mig")
        form.get_by_role("button", name="Spara hur ni möts").click()
        page.wait_for_load_state()
        items = page.locator("[data-testid=meeting-error] [data-testid=error-item]")
        assert items.count() == 2
        assert items.nth(0).inner_text().startswith("Länk till videomöte: Måste börja med https://")
        assert (
            items.nth(1).inner_text().startswith("Telefonnummer för möten: Ange ett telefonnummer")
        )
        form = page.locator("[data-testid=meeting-form]")
        assert (
            form.get_by_label("Länk till videomöte").input_value() == "http://video.example.se/rum"
        )
        assert form.get_by_label("Telefonnummer för möten").input_value() == "ring mig"
        assert form.get_by_label("Länk till videomöte").get_attribute("aria-invalid") == "true"

        form.get_by_label("Länk till videomöte").fill("https://video.example.se/rum/7")
        form.get_by_label("Telefonnummer för möten").fill("010-123 45 67")
        form.get_by_role("button", name="Spara hur ni möts").click()
        page.wait_for_load_state()
        assert (
            page.locator("#meeting [data-testid=success]").inner_text()
            == "Mötesuppgifterna är sparade."
        )
        form = page.locator("[data-testid=meeting-form]")
        assert form.get_by_label("Länk till videomöte").input_value() == (
            "https://video.example.se/rum/7"
        )
        assert page.locator("[data-testid=offers], [data-testid=no-offers]").count() == 1
    finally:
        context.close()


def test_coordinator_sees_the_countys_specialists_and_their_load(
    browser: Any, server_url: str
) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, server_url, "coordinator")
        page.locator("[data-testid=nav-specialists]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Specialists"
        table = page.locator("[data-testid=specialists]")
        assert table.locator("tbody tr").count() >= 1
        assert "Linköping" in table.inner_text()
        first = table.locator("tbody tr").first
        used = int(first.locator("[data-testid=used]").inner_text())
        assert used >= 0
        first.locator("th a").click()
        page.wait_for_load_state()
        assert page.locator("h2#week-heading").inner_text().startswith("My week")
        # A coordinator does not manage the specialist's private calendar address.
        assert page.locator("[data-testid=feed-create]").count() == 0
    finally:
        context.close()

"""The whole consultation flow in a real browser, on the seeded demo network:
the social worker in Ydre asks (the guard's finding is shown in place and the text
kept), sees explained suggestions and offers the request to the demo specialist in
Linköping, who accepts and books a slot; after the meeting the social worker
completes it with the survey."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.database import using_database
from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser

LEAKY = "Flickan, 20121212-1212, berättar om en planerad resa. Hur bedömer vi risken?"
CLEAN = "Flickan berättar om en planerad resa till släkten. Hur bedömer vi risken?"


def move_meeting_into_the_past(database_url: str, request_id: int) -> None:
    """Stand-in for time passing: the booked meeting took place two hours ago."""
    from network.consultations.tables import Booking, ConsultationRequest

    async def move() -> None:
        start = datetime.now(UTC) - timedelta(hours=2)
        await Booking.update(
            {Booking.starts_at: start, Booking.ends_at: start + timedelta(minutes=45)}
        ).where((Booking.request == request_id) & (Booking.status == "booked"))
        await ConsultationRequest.update({ConsultationRequest.meeting_at: start}).where(
            ConsultationRequest.id == request_id
        )

    def run() -> None:
        with using_database(database_url):
            asyncio.run(move())

    # On a thread of its own: Playwright holds this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(run).result()


def test_request_offer_accept_book_complete(
    browser: Any, server_url: str, demo_database: str
) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        sign_in(page, server_url, "social_worker")
        page.locator("[data-testid=nav-consultations]").click()
        page.locator("[data-testid=new-consultation]").click()
        form = page.locator("[data-testid=new-form]")
        form.get_by_label("Kompetensområde").select_option("honour_based_violence")
        form.get_by_label("Brådska").select_option("soon")
        form.get_by_label("Språk för konsultationen").select_option(label="Arabiska")
        form.get_by_label("Frågan, avidentifierad").fill(LEAKY)
        form.locator("[data-testid=submit]").click()
        page.wait_for_load_state()
        # Refused: the finding is named and marked in place, and nothing typed is lost.
        explained = page.locator("[data-testid=finding-message]").inner_text()
        assert explained.startswith("Texten innehåller ett personnummer")
        assert page.locator("[data-testid=finding] mark").inner_text() == "20121212-1212"
        assert page.locator("[data-testid=summary]").input_value() == LEAKY
        page.locator("[data-testid=summary]").fill(CLEAN)
        page.locator("[data-testid=submit]").click()
        page.wait_for_url(re.compile(r".*/consultations/\d+\?notice=submitted$"))
        assert page.locator("[data-testid=success]").inner_text() == "Förfrågan är skickad."
        request_id = int(page.url.split("?")[0].rsplit("/", 1)[1])
        assert page.locator("[data-testid=status]").inner_text() == "Väntar på specialist"

        # Explained suggestions; offer to the demo specialist.
        table = page.locator("[data-testid=suggestions]")
        row = table.locator("tbody tr", has_text="Sara Specialist")
        assert row.count() == 1
        assert "expert i området" in row.inner_text()
        assert "din kommun har ingen egen specialist i området" in row.inner_text()  # Ydre
        row.get_by_text("Visa poängen").click()  # the points, on demand
        assert "Kompetensnivå: 300" in row.inner_text()
        assert "Ingen egen specialist: 150" in row.inner_text()
        row.get_by_role("button", name="Erbjud").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=status]").inner_text() == "Erbjuden"

        # The specialist was notified: the header shows it, and updates live.
        context.clear_cookies()
        sign_in(page, server_url, "specialist")
        badge = page.locator("[data-testid=unread-badge]")
        assert int(badge.inner_text()) >= 1
        before = int(badge.inner_text())
        page.wait_for_timeout(500)  # the page's script opens the stream
        token = next(c["value"] for c in context.cookies() if c["name"] == "__Host-csrftoken")
        sent = page.request.post(
            f"{server_url}/api/v1/notifications/test", headers={"x-csrftoken": token}
        )
        assert sent.status == 201
        page.wait_for_selector("[data-testid=unread-badge][data-live='1']", timeout=10_000)
        assert int(badge.inner_text()) == before + 1
        page.locator("[data-testid=nav-inbox]").click()
        assert "Ny förfrågan om konsultation" in page.locator("[data-testid=notices]").inner_text()

        # The specialist accepts and books the first free time.
        page.goto(f"{server_url}/consultations/{request_id}")
        assert CLEAN in page.locator("[data-testid=summary]").inner_text()
        page.locator("[data-testid=accept]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=status]").inner_text() == "Accepterad"
        page.locator("[data-testid=slot-1]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=status]").inner_text() == "Möte bokat"
        booked_at = page.locator("[data-testid=booked]").inner_text()
        # Moved to another free time, with a reason.
        page.locator("summary", has_text="Flytta mötet").click()
        move = page.locator("[data-testid=move-form]")
        move.get_by_label("Ny tid").select_option(index=1)
        move.get_by_label("Orsak").fill("Krockar med en utredning")
        move.get_by_role("button", name="Flytta").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=status]").inner_text() == "Möte bokat"
        assert page.locator("[data-testid=booked]").inner_text() != booked_at
        time_form = page.locator("[data-testid=time-form]")
        time_form.get_by_label("Nedlagda minuter totalt").fill("50")
        time_form.get_by_role("button", name="Spara tid").click()
        page.wait_for_load_state()

        # After the meeting, the social worker completes it with the survey.
        move_meeting_into_the_past(demo_database, request_id)
        context.clear_cookies()
        sign_in(page, server_url, "social_worker")
        page.goto(f"{server_url}/consultations/{request_id}")
        survey = page.locator("[data-testid=survey]")
        survey.locator("input[name=helpful][value='5']").check()
        survey.locator("input[name=changed_risk_assessment][value=yes]").check()
        survey.locator("input[name=placement_avoided][value=yes]").check()
        survey.get_by_label("Gjord remiss").select_option("national_team_hbv")
        survey.locator("[data-testid=complete]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=status]").inner_text() == "Avslutad"
        assert "50 minuter" in page.inner_text("main")
    finally:
        context.close()

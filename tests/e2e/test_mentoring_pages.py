"""Mentoring in a real browser on the demo network (Östergötland's introduction
programme and its first cohort): a new social worker asks for the demo specialist,
the coordinator matches them, the mentor records a meeting and signs off the first
step, the mentee sees it; then the coordinator previews a round for the rest of the
cohort, sees both answers side by side and commits the stable one."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from tests.support.pages import sign_in_page as sign_in

pytestmark = pytest.mark.browser

HBV = "honour_based_violence"


def test_a_mentee_is_matched_met_and_signed_off(browser: Any, server_url: str) -> None:
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        # The demo social worker asks, wishing for the demo specialist first.
        sign_in(page, server_url, "social_worker")
        page.locator("[data-testid=nav-mentoring]").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Mentorskap"
        page.locator("[data-testid=programmes] a").first.click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=ladder] li").first.inner_text() == "Medhandläggare"
        form = page.locator("[data-testid=ask-form]")
        form.locator(f"input[name=areas][value={HBV}]").check()
        mentors = page.locator("[data-testid=wish-1] option")
        specialist = next(
            mentors.nth(i).get_attribute("value")
            for i in range(mentors.count())
            if "Linköping" in mentors.nth(i).inner_text()
        )
        form.locator("[data-testid=wish-1]").select_option(specialist)
        form.locator("[data-testid=ask]").click()
        page.wait_for_load_state()
        assert "Väntar på mentor" in page.locator("[data-testid=my-request]").inner_text()
        programme_url = page.url.split("#")[0]

        action = page.locator("form[action$='/withdraw']").get_attribute("action") or ""
        request_id = re.search(r"/mentoring/requests/(\d+)/withdraw", action)
        assert request_id is not None

        # The coordinator matches this late joiner at once.
        sign_in(page, server_url, "coordinator")
        page.goto(programme_url)
        page.locator("[data-testid=cohorts] a").first.click()
        page.wait_for_load_state()
        cohort_url = page.url.split("#")[0].split("?")[0]
        page.locator(f"[data-testid=match-{request_id[1]}]").click()
        page.wait_for_load_state()
        pairs = page.locator("[data-testid=pair-row]")
        assert pairs.count() >= 1

        # The mentor (the demo specialist) records a meeting and signs off step 1.
        sign_in(page, server_url, "specialist")
        page.locator("[data-testid=nav-mentoring]").click()
        page.wait_for_load_state()
        page.locator("[data-testid=my-mentees] a").first.click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=ladder-progress]").inner_text().startswith("0 av 4")
        meeting = page.locator("[data-testid=meeting-form]")
        meeting.locator("input[name=minutes]").fill("75")
        meeting.locator("input[name=themes][value=documentation]").check()
        meeting.locator("input[name=themes][value=talking_with_children]").check()
        meeting.locator("[data-testid=record-meeting]").click()
        page.wait_for_load_state()
        assert "Samtal med barn" in page.locator("[data-testid=meetings]").inner_text()
        page.locator("[data-testid=sign-1]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=ladder-progress]").inner_text().startswith("1 av 4")
        assert page.locator("[data-testid=sign-2]").count() == 1
        pair_url = page.url.split("#")[0]

        # The mentee sees the same ladder, without the mentor's forms.
        sign_in(page, server_url, "social_worker")
        page.goto(f"{server_url}/mentoring")
        page.locator("[data-testid=my-pair]").click()
        page.wait_for_load_state()
        assert page.url.split("#")[0] == pair_url
        assert page.locator("[data-testid=ladder-progress]").inner_text().startswith("1 av 4")
        assert page.locator("[data-testid=meeting-form]").count() == 0
        assert page.locator("[data-testid=sign-2]").count() == 0

        # The coordinator runs a round for the rest of the cohort: both answers side by
        # side, the stable one committed; the progress exports as CSV.
        sign_in(page, server_url, "coordinator")
        page.goto(cohort_url)
        page.locator("[data-testid=preview-round]").click()
        page.wait_for_load_state()
        assert page.locator("[data-testid=answer-welfare]").is_visible()
        assert page.locator("[data-testid=answer-stable]").is_visible()
        assert page.locator("[data-testid=stable-blocking]").inner_text() == "0"
        welfare = int(re.sub(r"\D", "", page.locator("[data-testid=welfare-total]").inner_text()))
        stable = int(re.sub(r"\D", "", page.locator("[data-testid=stable-total]").inner_text()))
        assert welfare >= stable
        page.locator("[data-testid=commit-stable]").click()
        page.wait_for_load_state()
        assert "fastställd: stabilt" in page.locator("[data-testid=round-status]").inner_text()
        assert page.locator("[data-testid=commit-stable]").count() == 0
        href = page.locator("[data-testid=progress-csv]").get_attribute("href")
        export = page.request.get(f"{server_url}{href}")
        assert export.status == 200
        rows = list(csv.DictReader(io.StringIO(export.text())))
        assert any(r["minutes"] == "75" and r["steps_signed"] == "1" for r in rows)
    finally:
        context.close()

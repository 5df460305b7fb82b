"""In Chromium, as each demo role: follow every same-origin link and search or filter
form reachable from "/" (a few pages of each kind, bounded), and fail on any 5xx, any
navigation that answers raw JSON, and any English or internal text on the Swedish
pages. On the way, the role's main page is checked with axe-core (WCAG 2.1 AA: no
serious or critical violation) and photographed at 1280 and 390 px (issue 21, item 9).

Before the crawl, one of each kind of object is made through the pages, as people
make them (booking, offer, decline, message, absence, round), so that the crawl
reaches the pages that show them; those pages are checked with axe too."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, deque
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.axe import serious_violations
from tests.support.crawl import INTERNAL_TEXTS, english_phrases, link_key, should_follow
from tests.support.pages import sign_in_page

# Each role's main page: where its working day starts in the menu (photographed).
MAIN_PAGES = {
    "social_worker": "/consultations",
    "specialist": "/specialists/",
    "coordinator": "/rounds",
    "analyst": "/coverage",
    "admin": "/admin/users",
}
ROLES = tuple(MAIN_PAGES)
MAX_PAGES = 150  # per role
PER_KIND = 2  # pages of one kind (ids left out) per role
WIDTHS = (1280, 390)
SCREENSHOTS = Path(
    os.environ.get("NETWORK_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="network-screenshots-")
)

# Also the links of the coverage map (SVG: its ``a.href`` is no string).
_LINKS = (
    "() => Array.from(document.querySelectorAll('a[href]'),"
    " a => new URL(a.getAttribute('href'), document.baseURI).href)"
)

# Each search and filter form (method GET) as submitted with what it shows: safe to
# follow like a link. Forms that change things (POST) are made in ``made`` instead.
_GET_FORMS = (
    "() => Array.from(document.querySelectorAll('form[method=get i]'), f => {"
    " const u = new URL(f.getAttribute('action') || document.location.href, document.baseURI);"
    " u.search = new URLSearchParams(new FormData(f)).toString(); return u.href; })"
)


_MENU = (
    "() => Array.from(document.querySelectorAll('header nav a[href]'),"
    " a => new URL(a.getAttribute('href'), document.baseURI).href)"
)


def _ask(page: Any, server_url: str, kind: str) -> int:
    """As the signed-in social worker: a new request through the form, sent; its id."""
    page.goto(f"{server_url}/consultations/new")
    form = page.locator("[data-testid=new-form]")
    form.get_by_label("Kompetensområde").select_option("honour_based_violence")
    form.locator("#f-kind").select_option(kind)
    form.get_by_label("Frågan, avidentifierad").fill(
        "Hur bedömer vi risken när en ungdom berättar om en planerad resa?"
    )
    form.locator("[data-testid=submit]").click()
    page.wait_for_url(re.compile(r".*/consultations/\d+\?notice=submitted$"))
    return int(page.url.split("?")[0].rsplit("/", 1)[1])


def _offer_to_the_demo_specialist(page: Any) -> None:
    row = page.locator("[data-testid=suggestions] tbody tr", has_text="Sara Specialist")
    row.get_by_role("button", name="Erbjud").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text() == "Erbjuden"


@pytest.fixture(scope="module")
def made(browser: Any, server_url: str) -> dict[str, list[str]]:
    """One of each kind of object, made through the pages: an offer and a booking, a
    decline, a message of a written consultation, an absence and a round. The pages
    that show them, by role (checked with axe in the crawl)."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="sv-SE")
    page = context.new_page()
    try:
        sign_in_page(page, server_url, "social_worker")
        booked = _ask(page, server_url, "meeting")
        _offer_to_the_demo_specialist(page)  # an offer
        declined = _ask(page, server_url, "meeting")
        _offer_to_the_demo_specialist(page)
        written = _ask(page, server_url, "written")
        _offer_to_the_demo_specialist(page)

        context.clear_cookies()
        sign_in_page(page, server_url, "specialist")
        page.goto(f"{server_url}/consultations/{booked}")
        page.locator("[data-testid=accept]").click()
        page.wait_for_load_state()
        page.locator("[data-testid=slot-1]").click()  # a booking
        page.wait_for_url(re.compile(r".*\?notice=booked$"))
        assert page.locator("[data-testid=status]").inner_text() == "Möte bokat"
        page.goto(f"{server_url}/consultations/{declined}")
        page.get_by_label("Skäl till att avböja").fill("Jag är fullbokad den veckan.")
        page.locator("[data-testid=decline]").click()  # a decline
        page.wait_for_load_state()
        page.goto(f"{server_url}/consultations/{written}")
        page.locator("[data-testid=accept]").click()
        page.wait_for_load_state()
        message = page.locator("[data-testid=message-form]")
        message.get_by_label("Meddelande (avidentifierat)").fill(
            "Tack, jag svarar utförligt i morgon."
        )
        message.get_by_role("button", name="Skicka").click()  # a message
        page.wait_for_url(re.compile(r".*\?notice=message$"))
        assert "Tack, jag svarar" in page.locator("[data-testid=thread]").inner_text()
        page.goto(f"{server_url}/specialists/")
        specialist_page = page.url.split(f"{server_url}", 1)[1].split("?")[0].split("#")[0]
        far = date.today() + timedelta(days=300)  # clear of every other test's weeks
        absence = page.locator("[data-testid=absence-form]")
        absence.locator("#f-starts_at").fill(f"{far}T08:00")
        absence.locator("#f-ends_at").fill(f"{far + timedelta(days=2)}T17:00")
        absence.get_by_role("button", name="Lägg till frånvaro").click()  # an absence
        page.wait_for_url(re.compile(r".*notice=absence-added.*"))
        assert page.locator("[data-testid=success]").count() == 1

        context.clear_cookies()
        sign_in_page(page, server_url, "coordinator")
        page.goto(f"{server_url}/rounds")
        page.locator("[data-testid=preview]").click()  # a round (a preview offers nothing)
        page.wait_for_url(re.compile(r".*/rounds/\d+\?notice=previewed$"))
        round_page = page.url.split(f"{server_url}", 1)[1].split("?")[0]
    finally:
        context.close()
    return {
        "social_worker": [f"/consultations/{booked}", f"/consultations/{written}"],
        "specialist": [f"/consultations/{declined}", specialist_page],
        "coordinator": [round_page],
        "analyst": [],
        "admin": ["/admin/audit"],
    }


@pytest.fixture(scope="module")
def phrases() -> tuple[str, ...]:
    found = english_phrases()
    assert len(found) > 50, "the catalogue's English phrases were not found"
    return found


def _problems_of(page: Any, path: str, phrases: tuple[str, ...]) -> list[str]:
    problems = []
    if page.evaluate("document.documentElement.lang") != "sv":
        problems.append(f"{path}: <html lang> is not sv")
    text = page.locator("body").inner_text()
    for phrase in (*INTERNAL_TEXTS, *phrases):
        if phrase in text:
            problems.append(f"{path}: English or internal text on a Swedish page: {phrase!r}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches(
    browser: Any, server_url: str, role: str, phrases: tuple[str, ...], made: dict[str, list[str]]
) -> None:
    origin = urlsplit(server_url).netloc
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    problems: list[str] = []
    try:
        sign_in_page(page, server_url, role)
        page.goto(f"{server_url}/?lang=sv")  # Swedish, remembered in the cookie
        menu = [should_follow(h, origin) for h in page.evaluate(_MENU)]
        main = next(p for p in menu if p and p.startswith(MAIN_PAGES[role]))
        page.goto(f"{server_url}{main}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"{role}-{width}.png"))
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(f"{server_url}/")
        # axe on the main page, each page of the role's menu (their forms included) and
        # the pages of the objects just made; those are crawled first.
        checked = {"/", *menu, *made[role]} - {None}

        seen = {"/", *made[role]}
        kinds: Counter[str] = Counter({"/": 1})
        queue = deque(["/", *made[role]])
        visited = 0
        while queue and visited < MAX_PAGES:
            path = queue.popleft()
            response = page.goto(f"{server_url}{path}")
            visited += 1
            assert response is not None, path
            if response.status >= 500:
                problems.append(f"{path}: {response.status}")
                continue
            content_type = response.headers.get("content-type", "")
            if "html" not in content_type:
                problems.append(f"{path}: a navigation answered {content_type or 'no type'}")
                continue
            problems += _problems_of(page, path, phrases)
            if path in checked:
                problems += [f"{path} axe: {v}" for v in serious_violations(page)]
            for href in [*page.evaluate(_LINKS), *page.evaluate(_GET_FORMS)]:
                target = should_follow(href, origin)
                if target is None or target in seen or kinds[link_key(target)] >= PER_KIND:
                    continue
                seen.add(target)
                kinds[link_key(target)] += 1
                queue.append(target)
        assert visited > 3, f"{role}: only {visited} pages reached"
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_accessibility_check_finds_what_it_must(browser: Any) -> None:
    """axe, as the crawler runs it, reports an unlabelled field and grey-on-grey text."""
    page = browser.new_page()
    try:
        page.set_content(
            '<html lang="sv"><body><main><h1>Test</h1>'
            '<p style="color:#bbb;background:#ccc">Svag text</p>'
            '<input type="text"></main></body></html>'
        )
        found = " ".join(serious_violations(page))
    finally:
        page.close()
    assert "color-contrast" in found
    assert "label" in found

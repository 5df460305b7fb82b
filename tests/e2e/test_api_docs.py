"""In Chromium: the API documentation at /schema renders the API's operations from
the app's own files, offline (every request elsewhere is refused), with no
Content-Security-Policy violation or script error (issue 21, item 8)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def test_the_api_documentation_renders_offline(browser: Any, server_url: str) -> None:
    origin = urlsplit(server_url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    elsewhere: list[str] = []

    def only_this_server(route: Any) -> None:
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{server_url}/schema")
        # An operation's summary, from its handler's docstring (docs/api.md).
        page.get_by_role("heading", name="Specialistnätet API").wait_for(timeout=30_000)
        text = page.locator("body").inner_text()
        # The API's tags in the sidebar, the first tag's operations by their summaries.
        for name in ("reference data", "consultations", "rounds", "Health", "Ready", "/health"):
            assert name in text, name
        page.wait_for_timeout(500)  # late script errors and CSP reports
    finally:
        context.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert not problems, problems
    assert not elsewhere, elsewhere

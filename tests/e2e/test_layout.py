"""The layout holds on a phone: at 390 and 360 px no page of a role's main menu is
wider than the screen, and the header keeps the brand and its tools on one line,
side by side without overlapping."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.pages import sign_in_page

ROLES = ("social_worker", "specialist", "coordinator", "analyst", "admin")


def _menu(page: Any) -> list[str]:
    links = page.locator("header nav a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


# The elements reaching past the screen's right edge outside any scrolling box: what a
# failure names, to find the culprit without a screenshot.
_TOO_WIDE = """(width) => [...document.querySelectorAll("body *")].filter((e) => {
  if (e.getBoundingClientRect().right <= width + 0.5) return false;
  for (let a = e.parentElement; a; a = a.parentElement) {
    if (["auto", "scroll", "hidden"].includes(getComputedStyle(a).overflowX)) return false;
  }
  return true;
}).slice(0, 6).map((e) => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 50)}`)"""


def _too_wide(page: Any, width: int) -> list[str]:
    return list(page.evaluate(_TOO_WIDE, width))


@pytest.mark.parametrize("width", [390, 360])
def test_no_page_of_the_menu_is_wider_than_a_phone(
    browser: Any, server_url: str, width: int
) -> None:
    for role in ROLES:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        try:
            sign_in_page(page, server_url, role)
            for href in _menu(page):
                if href == "/schema":
                    continue  # the API documentation has a layout of its own
                page.goto(f"{server_url}{href}")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                assert scroll_width <= width, (
                    f"{role} {href}: {scroll_width} px at {width} px: {_too_wide(page, width)}"
                )
                brand = page.locator(".brand").bounding_box()
                tools = page.locator(".header-tools").bounding_box()
                assert brand is not None
                assert tools is not None
                # One line: the tools sit beside the brand, not wrapped below it.
                assert tools["y"] < brand["y"] + brand["height"], f"{role} {href}"
                assert tools["height"] < 2.2 * brand["height"], f"{role} {href}: header wraps"
                # ... and beside it, not over it (the tools once spilled over the brand).
                inbox = page.locator(".header-tools > *").first.bounding_box()
                assert inbox is not None
                assert brand["x"] + brand["width"] <= inbox["x"], f"{role} {href}: overlap"
        finally:
            context.close()

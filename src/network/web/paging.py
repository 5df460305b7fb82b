"""Paging a page's list: ``?page=N`` read and checked, and the links of the pager
(``ui.pager`` in ``_components.html.j2``), the page's other query parameters kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request

from network.lib.errors import InvalidInput

__all__ = ("MAX_PAGE", "Paging", "page_number")

MAX_PAGE = 100_000


def page_number(request: Request[Any, Any, Any], param: str = "page") -> int:
    """The ``page`` query parameter (or ``param``; 1 when absent); anything but a whole
    number from 1 to 100,000 is refused, naming the field."""
    raw = request.query_params.get(param, "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise InvalidInput(
            f"must be a whole number from 1 to {MAX_PAGE}", field=param, source="query"
        )
    return int(raw)


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a page of ``per_page`` rows lies in ``total`` rows, and its links."""

    number: int
    per_page: int
    total: int
    path: str
    query: tuple[tuple[str, str], ...] = ()
    param: str = "page"
    fragment: str = ""

    @classmethod
    def of(
        cls,
        request: Request[Any, Any, Any],
        *,
        per_page: int,
        total: int,
        param: str = "page",
        fragment: str = "",
        path: str | None = None,
    ) -> Paging:
        """The paging of ``request``'s list; ``param`` names its page parameter (two
        lists on one page page apart), ``fragment`` the anchor its links go to, ``path``
        the list's address when it differs from the request's (a refused form's POST)."""
        kept = tuple(
            (k, v) for k, v in request.query_params.multi_items() if k not in (param, "lang")
        )
        number = page_number(request, param)
        return cls(number, per_page, total, path or request.url.path, kept, param, fragment)

    @staticmethod
    def offset_of(request: Request[Any, Any, Any], per_page: int, param: str = "page") -> int:
        return (page_number(request, param) - 1) * per_page

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_row(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.offset + self.per_page, self.total)

    def url(self, number: int) -> str:
        """This list's address at page ``number``."""
        query = [*self.query, *([(self.param, str(number))] if number > 1 else [])]
        anchor = f"#{self.fragment}" if self.fragment else ""
        return (f"{self.path}?{urlencode(query)}" if query else self.path) + anchor

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.pages else None

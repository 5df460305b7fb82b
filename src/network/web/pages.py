"""Server-rendered pages: the start page, and rendering with the request's language."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from network.accounts.guards import ACTION_KEY
from network.directory.services import county_overview
from network.kernel.policy import Action
from network.web.render import render

__all__ = ("StartPage",)


class StartPage(Controller):
    include_in_schema = False
    opt = {ACTION_KEY: Action.PUBLIC}

    @get("/", name="start")
    async def start(self, request: Request[Any, Any, Any]) -> Template:
        """Start page: counties with their municipalities, population and specialists."""
        counties = await county_overview()
        totals = {
            "counties": len(counties),
            "municipalities": sum(c.municipalities for c in counties),
            "population": sum(c.population for c in counties),
            "specialists": sum(c.specialists for c in counties),
        }
        return await render(request, "start.html.j2", counties=counties, totals=totals)

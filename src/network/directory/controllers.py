"""Reference data: counties, municipalities, competence areas."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from network.accounts.guards import ACTION_KEY
from network.directory import schemas, services
from network.kernel.policy import Action

__all__ = ("DirectoryController",)


class DirectoryController(Controller):
    path = "/api/v1"
    tags = ["reference data"]
    opt = {ACTION_KEY: Action.PUBLIC}

    @get("/counties", operation_id="listCounties")
    async def counties(self) -> list[schemas.County]:
        """The 21 counties with their number of municipalities and population."""
        return await services.list_counties()

    @get("/municipalities", operation_id="listMunicipalities")
    async def municipalities(
        self,
        county: Annotated[
            str | None,
            QueryParameter(pattern=r"^\d{2}$", description="two-digit county code"),
        ] = None,
    ) -> list[schemas.Municipality]:
        """The 290 municipalities (kommunkod, population, centroid), optionally of one county."""
        return await services.list_municipalities(county)

    @get("/areas", operation_id="listAreas")
    async def areas(self) -> list[schemas.Area]:
        """The competence-area taxonomy."""
        return await services.list_areas()

"""Specialists and their free slots."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from network.accounts.guards import ACTION_KEY
from network.accounts.policy import Action
from network.lib.timeparse import parse_instant
from network.specialists import schemas, services

__all__ = ("SpecialistController",)


class SpecialistController(Controller):
    path = "/api/v1/specialists"
    tags = ["specialists"]
    opt = {ACTION_KEY: Action.SPECIALIST_READ}

    @get("/", operation_id="listSpecialists")
    async def list_specialists(
        self,
        area: Annotated[str | None, QueryParameter(max_length=48)] = None,
        municipality: Annotated[str | None, QueryParameter(pattern=r"^\d{4}$")] = None,
        county: Annotated[str | None, QueryParameter(pattern=r"^\d{2}$")] = None,
    ) -> list[schemas.Specialist]:
        """Specialists with their competences, by area and home municipality or county."""
        return await services.list_specialists(area=area, municipality=municipality, county=county)

    @get("/{specialist_id:int}/slots", operation_id="specialistSlots")
    async def slots(
        self,
        specialist_id: FromPath[int],
        from_: Annotated[
            str, QueryParameter(name="from", max_length=64, description="ISO 8601 with offset")
        ],
        to: Annotated[str, QueryParameter(max_length=64, description="ISO 8601 with offset")],
    ) -> list[schemas.Slot]:
        """Bookable slots in [from, to), in Europe/Stockholm time with offsets."""
        return await services.specialist_slots(
            specialist_id, parse_instant(from_, "from"), parse_instant(to, "to")
        )

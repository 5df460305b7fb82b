"""Specialists and their free slots."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, actor_of, signed_in_principal
from network.accounts.policy import Action
from network.lib.timeparse import parse_instant
from network.specialists import editing, schemas, services

__all__ = ("SpecialistController", "SpecialistEditController")


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


class SpecialistEditController(Controller):
    """What the specialist (or a coordinator of theirs) edits."""

    path = "/api/v1/specialists/{specialist_id:int}"
    tags = ["specialists"]
    opt = {ACTION_KEY: Action.SPECIALIST_EDIT}

    @get("/profile", operation_id="getSpecialistProfile")
    async def profile(
        self, request: Request[Any, Any, Any], specialist_id: FromPath[int]
    ) -> schemas.ProfileOut:
        """The editable profile with weekly hours and absences."""
        principal = await signed_in_principal(request)
        await editing.authorize(principal, specialist_id)
        return await services.profile_for_editing(specialist_id)

    @put("/profile", operation_id="updateSpecialistProfile")
    async def update_profile(
        self,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        data: JSONBody[schemas.ProfileIn],
    ) -> schemas.ProfileOut:
        """Replace the profile and competences (send the version you read)."""
        principal = await signed_in_principal(request)
        await editing.update_profile(principal, actor_of(request, principal), specialist_id, data)
        return await services.profile_for_editing(specialist_id)

    @put("/hours", operation_id="replaceSpecialistHours")
    async def replace_hours(
        self,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        data: JSONBody[schemas.HoursIn],
    ) -> schemas.ProfileOut:
        """Replace the weekly hours (Europe/Stockholm wall-clock times)."""
        principal = await signed_in_principal(request)
        await editing.replace_hours(
            principal, actor_of(request, principal), specialist_id, data.hours
        )
        return await services.profile_for_editing(specialist_id)

    @post("/absences", operation_id="addSpecialistAbsence")
    async def add_absence(
        self,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        data: JSONBody[schemas.AbsenceCreate],
    ) -> schemas.ProfileOut:
        """Record an absence, optionally naming a stand-in for new offers."""
        principal = await signed_in_principal(request)
        await editing.add_absence(principal, actor_of(request, principal), specialist_id, data)
        return await services.profile_for_editing(specialist_id)

    @delete("/absences/{absence_id:int}", operation_id="deleteSpecialistAbsence")
    async def delete_absence(
        self,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        absence_id: FromPath[int],
    ) -> None:
        """Remove an absence."""
        principal = await signed_in_principal(request)
        await editing.delete_absence(
            principal, actor_of(request, principal), specialist_id, absence_id
        )

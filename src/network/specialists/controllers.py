"""Specialists and their free slots."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.kernel.policy import Action
from network.lib import clock
from network.lib.errors import NotFound
from network.lib.timeparse import parse_instant
from network.server.links import public_link
from network.specialists import calendar, editing, points, schemas, services

__all__ = (
    "CalendarFeedController",
    "CalendarFeedPublic",
    "MyCalendarFeedController",
    "SpecialistController",
    "SpecialistEditController",
    "WorkPointsController",
)


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

    @get(
        "/{specialist_id:int}/slots",
        operation_id="specialistSlots",
        opt={ACTION_KEY: Action.SLOTS_READ},
    )
    async def slots(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        from_: Annotated[
            str, QueryParameter(name="from", max_length=64, description="ISO 8601 with offset")
        ],
        to: Annotated[str, QueryParameter(max_length=64, description="ISO 8601 with offset")],
    ) -> list[schemas.Slot]:
        """Bookable slots in [from, to), in Europe/Stockholm time with offsets: for those
        who could book the specialist (the specialist, and social workers and coordinators
        of their home municipality or of one a valid sharing agreement lets them serve)."""
        return await services.readable_slots(
            ctx,
            specialist_id,
            parse_instant(from_, "from"),
            parse_instant(to, "to"),
        )


class SpecialistEditController(Controller):
    """What the specialist (or a coordinator of theirs) edits."""

    path = "/api/v1/specialists/{specialist_id:int}"
    tags = ["specialists"]
    opt = {ACTION_KEY: Action.SPECIALIST_EDIT}

    @get("/profile", operation_id="getSpecialistProfile")
    async def profile(
        self, ctx: Ctx, request: Request[Any, Any, Any], specialist_id: FromPath[int]
    ) -> schemas.ProfileOut:
        """The editable profile with weekly hours and absences."""
        await editing.authorize(ctx.principal, specialist_id)
        return await services.profile_for_editing(specialist_id)

    @put("/profile", operation_id="updateSpecialistProfile")
    async def update_profile(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        data: JSONBody[schemas.ProfileIn],
    ) -> schemas.ProfileOut:
        """Replace the profile and competences (send the version you read)."""
        await editing.update_profile(ctx, specialist_id, data)
        return await services.profile_for_editing(specialist_id)

    @put("/meeting-details", operation_id="setSpecialistMeetingDetails")
    async def meeting_details(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        data: JSONBody[schemas.MeetingDetailsIn],
    ) -> schemas.MeetingDetails:
        """The default meeting details copied to new bookings: an https video-meeting
        link, a work phone number for meetings, a place for meetings on site (an empty
        text clears one)."""
        return await editing.set_meeting_details(ctx, specialist_id, data)

    @put("/hours", operation_id="replaceSpecialistHours")
    async def replace_hours(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        data: JSONBody[schemas.HoursIn],
    ) -> schemas.ProfileOut:
        """Replace the weekly hours (Europe/Stockholm wall-clock times)."""
        await editing.replace_hours(ctx, specialist_id, data.hours)
        return await services.profile_for_editing(specialist_id)

    @post("/absences", operation_id="addSpecialistAbsence")
    async def add_absence(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        data: JSONBody[schemas.AbsenceCreate],
    ) -> schemas.ProfileOut:
        """Record an absence, optionally naming a stand-in for new offers."""
        await editing.add_absence(ctx, specialist_id, data)
        return await services.profile_for_editing(specialist_id)

    @delete("/absences/{absence_id:int}", operation_id="deleteSpecialistAbsence")
    async def delete_absence(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        specialist_id: FromPath[int],
        absence_id: FromPath[int],
    ) -> None:
        """Remove an absence."""
        await editing.delete_absence(ctx, specialist_id, absence_id)


class CalendarFeedController(Controller):
    """The specialist's own private calendar feed: status, new address, revoke."""

    path = "/api/v1/specialists/{specialist_id:int}/calendar-feed"
    tags = ["specialists"]
    opt = {ACTION_KEY: Action.SPECIALIST_EDIT}

    @get("/", operation_id="getCalendarFeed")
    async def status(
        self, ctx: Ctx, request: Request[Any, Any, Any], specialist_id: FromPath[int]
    ) -> schemas.CalendarFeedOut:
        """Whether a feed is live, since when, and when a calendar last read it."""
        found = await calendar.feed_status(ctx.principal, specialist_id)
        return schemas.CalendarFeedOut(
            active=found.active, created_at=found.created_at, last_read_at=found.last_read_at
        )

    @post("/", operation_id="createCalendarFeed")
    async def create(
        self, ctx: Ctx, request: Request[Any, Any, Any], specialist_id: FromPath[int]
    ) -> schemas.CalendarFeedCreated:
        """A new secret feed address (shown once); any earlier address stops working."""
        token = await calendar.create_feed(ctx, specialist_id)
        return schemas.CalendarFeedCreated(
            url=public_link(request, calendar.feed_path(token)), created_at=clock.now()
        )

    @delete("/", operation_id="revokeCalendarFeed")
    async def revoke(
        self, ctx: Ctx, request: Request[Any, Any, Any], specialist_id: FromPath[int]
    ) -> None:
        """Stop the feed address from working."""
        await calendar.revoke_feed(ctx, specialist_id)


class MyCalendarFeedController(Controller):
    """Every signed-in person's own private calendar feed: their meetings as requester,
    standing support times and conference sessions."""

    path = "/api/v1/me/calendar-feed"
    tags = ["calendar"]
    opt = {ACTION_KEY: Action.SIGNED_IN}

    @get("/", operation_id="getMyCalendarFeed")
    async def status(self, ctx: Ctx, request: Request[Any, Any, Any]) -> schemas.CalendarFeedOut:
        """Whether your feed is live, since when, and when a calendar last read it."""
        found = await calendar.user_feed_status(ctx.principal)
        return schemas.CalendarFeedOut(
            active=found.active, created_at=found.created_at, last_read_at=found.last_read_at
        )

    @post("/", operation_id="createMyCalendarFeed")
    async def create(
        self, ctx: Ctx, request: Request[Any, Any, Any]
    ) -> schemas.CalendarFeedCreated:
        """A new secret feed address (shown once); any earlier address stops working."""
        token = await calendar.create_user_feed(ctx)
        return schemas.CalendarFeedCreated(
            url=public_link(request, calendar.feed_path(token)), created_at=clock.now()
        )

    @delete("/", operation_id="revokeMyCalendarFeed")
    async def revoke(self, ctx: Ctx, request: Request[Any, Any, Any]) -> None:
        """Stop your feed address from working."""
        await calendar.revoke_user_feed(ctx)


class CalendarFeedPublic(Controller):
    """The feed itself: the secret in the address is the only credential."""

    path = "/calendar"
    include_in_schema = False
    opt = {ACTION_KEY: Action.PUBLIC}

    @get("/{token:str}/feed.ics", name="calendar-feed")
    async def feed(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[bytes]:
        """A specialist's or a person's own feed as iCalendar (RFC 5545)."""
        body = await calendar.feed_for_token(
            token,
            base_url=public_link(request),
            client_addr=request.client.host if request.client else None,
        )
        if body is None:
            raise NotFound("no such calendar feed (revoked or never made)", field="token")
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )


class WorkPointsController(Controller):
    """The case points each kind of work weighs (docs/workload.md)."""

    path = "/api/v1/work-points"
    tags = ["specialists"]

    @get("/", operation_id="getWorkPoints", opt={ACTION_KEY: Action.SIGNED_IN})
    async def get_points(
        self,
        ctx: Ctx,
        where: Annotated[str, QueryParameter(name="scope", max_length=32)] = "national",
    ) -> schemas.WorkPointsOut:
        """The points that apply in ``scope`` (``national``, a county code, or
        ``programme:<id>``), row by row, with the national default beside each."""
        return await points.points_table(ctx.principal, where)

    @put(
        "/{place:str}",
        operation_id="setWorkPoints",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def set_points(
        self, ctx: Ctx, place: FromPath[str], data: JSONBody[schemas.WorkPointsIn]
    ) -> schemas.WorkPointsOut:
        """Replace a county's (``14``; its coordinators) or a programme's
        (``programme:<id>``; its managers) own rows; the national rows fill in the rest."""
        return await points.set_points(ctx, place, data)

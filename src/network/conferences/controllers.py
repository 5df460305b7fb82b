"""The group case conference API: series, sessions, sign-ups, cases,
recommendations, attendance, the settlement shared by attendance, applications,
parallel groups and group placement (preview, commit, discard)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.conferences import (
    cases,
    meeting,
    participation,
    placement,
    schemas,
    series,
    sessions,
    settlement,
)
from network.kernel.policy import Action
from network.lib.deidentified import CASE_TEXTS

__all__ = ("ConferenceController",)

AnyRequest = Request[Any, Any, Any]
SIGNED_IN = {ACTION_KEY: Action.SIGNED_IN}
MANAGE = {ACTION_KEY: Action.CONFERENCE_MANAGE}
JOIN = {ACTION_KEY: Action.CONFERENCE_JOIN}
Month = Annotated[str, QueryParameter(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
Rate = Annotated[int | None, QueryParameter(ge=0, le=100_000)]


class ConferenceController(Controller):
    path = "/api/v1/conferences"
    tags = ["conferences"]

    @get("/", operation_id="listConferenceSeries", opt=SIGNED_IN)
    async def list_series(self, ctx: Ctx, request: AnyRequest) -> list[schemas.SeriesOut]:
        """The series you may see: your own as hub, and those of the places you work in."""
        return await series.list_series(ctx)

    @post("/", operation_id="createConferenceSeries", opt=MANAGE)
    async def create_series(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.SeriesIn]
    ) -> schemas.SeriesOut:
        """A new series; the served municipalities must be under agreement with the hub's."""
        return await series.create_series(ctx, data)

    @get("/{series_id:int}", operation_id="getConferenceSeries", opt=SIGNED_IN)
    async def get_series(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> schemas.SeriesOut:
        """One series with its sessions and the seats left in each."""
        return await series.get_series(ctx, series_id)

    @post("/{series_id:int}/sessions", operation_id="scheduleConferenceSession", opt=MANAGE)
    async def schedule(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: FromPath[int],
        data: JSONBody[schemas.SessionIn],
    ) -> schemas.SessionOut:
        """A dated session with its teaching topic, booked in the hub's calendar."""
        return await series.schedule_session(ctx, series_id, data)

    @post("/{series_id:int}/sessions/plan", operation_id="planConferenceSessions", opt=MANAGE)
    async def plan(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: FromPath[int],
        data: JSONBody[schemas.PlanIn],
    ) -> schemas.PlanOut:
        """The next 1-12 sessions by the series' cadence from a first date and time, each
        booked in the hub's calendar; dates that cannot be booked are skipped, with why."""
        return await series.plan_sessions(ctx, series_id, data)

    @post("/sessions/{session_id:int}/cancel", operation_id="cancelConferenceSession", opt=MANAGE)
    async def cancel(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> schemas.SessionOut:
        """Cancel a session ahead: the hub's time is freed, attendees and presenters are
        told; later sign-ups and cases are refused (409)."""
        return await sessions.cancel_session(ctx, session_id)

    @put("/sessions/{session_id:int}/topic", operation_id="setConferenceSessionTopic", opt=MANAGE)
    async def set_topic(
        self,
        ctx: Ctx,
        request: AnyRequest,
        session_id: FromPath[int],
        data: JSONBody[schemas.TopicIn],
    ) -> schemas.SessionOut:
        """Set or change a session's teaching topic."""
        return await sessions.set_topic(ctx, session_id, data)

    @get("/sessions/{session_id:int}", operation_id="getConferenceSession", opt=SIGNED_IN)
    async def get_session(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> schemas.SessionDetail:
        """A session: the roster and every case for the hub, your own seat and cases
        otherwise (reading case texts is audited)."""
        return await cases.session_detail(ctx, session_id)

    @post("/sessions/{session_id:int}/signup", operation_id="signUpForConference", opt=JOIN)
    async def sign_up(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> schemas.SessionOut:
        """Take a seat (social workers of a served municipality; 409 when full)."""
        return await participation.sign_up(ctx, session_id)

    @post(
        "/sessions/{session_id:int}/cases",
        operation_id="presentConferenceCase",
        opt={**JOIN, CASE_TEXTS: frozenset({"question", "presentation"})},
    )
    async def present(
        self,
        ctx: Ctx,
        request: AnyRequest,
        session_id: FromPath[int],
        data: JSONBody[schemas.CaseIn],
    ) -> schemas.CaseOut:
        """A de-identified case for the session (at most two a session)."""
        return await cases.submit_case(ctx, session_id, data)

    @put(
        "/sessions/{session_id:int}/attendance",
        operation_id="recordConferenceAttendance",
        opt=MANAGE,
    )
    async def attendance(
        self,
        ctx: Ctx,
        request: AnyRequest,
        session_id: FromPath[int],
        data: JSONBody[schemas.AttendanceIn],
    ) -> list[schemas.SignupOut]:
        """Who attended, once the session has started."""
        return await participation.record_attendance(ctx, session_id, data)

    @put(
        "/sessions/{session_id:int}/meeting-details",
        operation_id="setConferenceSessionMeetingDetails",
        opt=MANAGE,
    )
    async def meeting_details(
        self,
        ctx: Ctx,
        request: AnyRequest,
        session_id: FromPath[int],
        data: JSONBody[schemas.MeetingDetailsIn],
    ) -> schemas.SessionMeetingOut:
        """How to meet at the session, for its series' mode: an https video link, a phone
        number or a place (empty clears it); the people signed up are told."""
        return await meeting.set_meeting_details(ctx, session_id, data.details)

    @put(
        "/cases/{case_id:int}/recommendation",
        operation_id="recommendOnConferenceCase",
        opt={**MANAGE, CASE_TEXTS: frozenset({"recommendation"})},
    )
    async def recommend(
        self,
        ctx: Ctx,
        request: AnyRequest,
        case_id: FromPath[int],
        data: JSONBody[schemas.RecommendationIn],
    ) -> schemas.CaseOut:
        """The hub's recommendation on a presented case; the presenter is told."""
        return await cases.recommend(ctx, case_id, data)

    @get(
        "/settlement",
        operation_id="getConferenceSettlement",
        opt={ACTION_KEY: Action.SETTLEMENT_READ},
    )
    async def get_settlement(
        self, ctx: Ctx, request: AnyRequest, month: Month, rate: Rate = None
    ) -> list[schemas.SettlementLineOut]:
        """The month's conference time shared by attendance between municipalities."""
        hourly = rate if rate is not None else request.app.state.settings.settlement_hourly_rate
        return await settlement.conference_settlement(ctx, month=month, hourly_rate=hourly)

    @post("/{series_id:int}/applications", operation_id="applyToConference", opt=JOIN)
    async def apply(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: FromPath[int],
        data: JSONBody[schemas.ApplicationIn],
    ) -> schemas.ApplicationOut:
        """Apply for a seat (a series opened by application, or one whose next session
        is full; 409 otherwise); group placement answers it."""
        return await placement.apply(ctx, series_id, data)

    @post(
        "/{series_id:int}/applications/withdraw",
        operation_id="withdrawConferenceApplication",
        opt=JOIN,
    )
    async def withdraw(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> schemas.ApplicationOut:
        """Withdraw your waiting application."""
        return await placement.withdraw(ctx, series_id)

    @get("/{series_id:int}/applications", operation_id="listConferenceApplications", opt=SIGNED_IN)
    async def applications(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> list[schemas.ApplicationOut]:
        """The series' applications for its hub and coordinators; your own otherwise."""
        return await placement.list_applications(ctx, series_id)

    @get("/{series_id:int}/placements", operation_id="listGroupPlacements", opt=MANAGE)
    async def placements(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> list[schemas.PlacementOut]:
        """The group placements that include the series, newest first (without lines)."""
        return await placement.list_placements(ctx, series_id)

    @post("/groups", operation_id="createParallelConferenceGroups", opt=MANAGE)
    async def create_groups(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.GroupsIn]
    ) -> list[schemas.SeriesOut]:
        """Parallel groups of one area: a series per hub, opened by application, each
        with its first session (all or nothing)."""
        return await placement.create_groups(ctx, data)

    @post("/placements", operation_id="previewGroupPlacement", opt=MANAGE)
    async def preview_placement(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.PlacementIn]
    ) -> schemas.PlacementOut:
        """Place the waiting applicants of the series into them, exactly, as a preview:
        each person's group and reasons, the total, the solver's status and gap."""
        return await placement.preview(ctx, data)

    @get("/placements/{placement_id:int}", operation_id="getGroupPlacement", opt=MANAGE)
    async def get_placement(
        self, ctx: Ctx, request: AnyRequest, placement_id: FromPath[int]
    ) -> schemas.PlacementOut:
        """A group placement with every person's line."""
        return await placement.get_placement(ctx, placement_id)

    @post("/placements/{placement_id:int}/commit", operation_id="commitGroupPlacement", opt=MANAGE)
    async def commit_placement(
        self, ctx: Ctx, request: AnyRequest, placement_id: FromPath[int]
    ) -> schemas.PlacementOut:
        """Seats in every upcoming session of each placed person's group; all or nothing
        (409 when seats have changed since the preview)."""
        return await placement.commit(ctx, placement_id)

    @post(
        "/placements/{placement_id:int}/discard",
        operation_id="discardGroupPlacement",
        opt=MANAGE,
    )
    async def discard_placement(
        self, ctx: Ctx, request: AnyRequest, placement_id: FromPath[int]
    ) -> schemas.PlacementOut:
        """Drop a preview."""
        return await placement.discard(ctx, placement_id)

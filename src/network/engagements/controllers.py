"""The co-handling engagement API: open (accept the offer), read, list, move to the
next phase, expected end, meetings from free slots, the thread, time, handover,
close-out and the settlement of co-handling time."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.consultations import schemas as consultation_schemas
from network.engagements import handover, opening, schemas, services, settlement
from network.kernel.policy import Action
from network.lib.deidentified import BODY, CASE_TEXTS
from network.specialists.schemas import Slot

__all__ = ("EngagementController",)

AnyRequest = Request[Any, Any, Any]
Path = FromPath[int]
READ = {ACTION_KEY: Action.CONSULTATION_READ}  # either side; the use case decides
Month = Annotated[str, QueryParameter(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
Rate = Annotated[int | None, QueryParameter(ge=0, le=100_000)]
OpenOnly = Annotated[bool, QueryParameter(description="only engagements not yet closed")]


class EngagementController(Controller):
    path = "/api/v1/engagements"
    tags = ["engagements"]

    @get("/", operation_id="listEngagements", opt=READ)
    async def list_engagements(
        self, ctx: Ctx, request: AnyRequest, open_only: OpenOnly = False
    ) -> list[schemas.EngagementItem]:
        """The co-handling engagements you may see: yours as requester or specialist,
        and your municipality's."""
        return await services.list_engagements(ctx, open_only=open_only)

    @post("/", operation_id="openEngagement", opt={ACTION_KEY: Action.CONSULTATION_RESPOND})
    async def open_engagement(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.EngagementOpen]
    ) -> schemas.EngagementDetail:
        """Accept the co-handling request offered to you: the engagement opens in its
        first phase (investigation opened)."""
        engagement_id = await opening.accept(ctx, data.request)
        return await services.get(ctx, engagement_id)

    @get("/{engagement_id:int}", operation_id="getEngagement", opt=READ)
    async def get_engagement(
        self, ctx: Ctx, request: AnyRequest, engagement_id: Path
    ) -> schemas.EngagementDetail:
        """One engagement with its phases, meetings, thread, time and close-out."""
        return await services.get(ctx, engagement_id)

    @put("/{engagement_id:int}/phase", operation_id="advanceEngagement", opt=READ)
    async def advance(
        self, ctx: Ctx, request: AnyRequest, engagement_id: Path, data: JSONBody[schemas.PhaseIn]
    ) -> schemas.EngagementDetail:
        """Move on to the next phase (409 naming ``phase`` for any other move)."""
        await services.advance(ctx, engagement_id, data.phase)
        return await services.get(ctx, engagement_id)

    @put("/{engagement_id:int}/expected-end", operation_id="setEngagementEnd", opt=READ)
    async def expected_end(
        self,
        ctx: Ctx,
        request: AnyRequest,
        engagement_id: Path,
        data: JSONBody[schemas.ExpectedEndIn],
    ) -> schemas.EngagementDetail:
        """When the engagement is expected to end."""
        await services.set_expected_end(ctx, engagement_id, data.expected_end)
        return await services.get(ctx, engagement_id)

    @get(
        "/{engagement_id:int}/slots",
        operation_id="listEngagementSlots",
        opt={ACTION_KEY: Action.BOOKING_WRITE},
    )
    async def slots(self, ctx: Ctx, request: AnyRequest, engagement_id: Path) -> list[Slot]:
        """The co-handling specialist's free slots of the next three weeks."""
        return await services.free_slots(ctx, engagement_id)

    @post(
        "/{engagement_id:int}/meetings",
        operation_id="bookEngagementMeeting",
        opt={ACTION_KEY: Action.BOOKING_WRITE},
    )
    async def book(
        self,
        ctx: Ctx,
        request: AnyRequest,
        engagement_id: Path,
        data: JSONBody[schemas.EngagementMeetingIn],
    ) -> consultation_schemas.BookingOut:
        """Book one of the engagement's meetings at a free slot (409 naming ``start``
        when it is not free)."""
        return await services.book_meeting(ctx, engagement_id, start=data.start, mode=data.mode)

    @post(
        "/{engagement_id:int}/messages",
        operation_id="postEngagementMessage",
        opt={**READ, CASE_TEXTS: BODY},
    )
    async def post_message(
        self,
        ctx: Ctx,
        request: AnyRequest,
        engagement_id: Path,
        data: JSONBody[schemas.EngagementMessageIn],
    ) -> consultation_schemas.Message:
        """Write in the engagement's thread (de-identified)."""
        return await services.post_message(ctx, engagement_id, data.body)

    @post(
        "/{engagement_id:int}/time",
        operation_id="logEngagementTime",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, CASE_TEXTS: frozenset({"note"})},
    )
    async def log_time(
        self, ctx: Ctx, request: AnyRequest, engagement_id: Path, data: JSONBody[schemas.TimeIn]
    ) -> schemas.TimeEntry:
        """The co-handling specialist logs minutes worked on one day (de-identified note)."""
        return await services.log_time(ctx, engagement_id, data)

    @post("/{engagement_id:int}/handover", operation_id="handOverEngagement", opt=READ)
    async def hand_over(
        self, ctx: Ctx, request: AnyRequest, engagement_id: Path
    ) -> schemas.EngagementDetail:
        """Hand the engagement to the absent specialist's stand-in (409 naming why not)."""
        await handover.hand_over(ctx, engagement_id)
        return await services.get(ctx, engagement_id)

    @post(
        "/{engagement_id:int}/close",
        operation_id="closeEngagement",
        status_code=200,
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def close(
        self,
        ctx: Ctx,
        request: AnyRequest,
        engagement_id: Path,
        data: JSONBody[consultation_schemas.Survey],
    ) -> schemas.EngagementDetail:
        """Close the engagement after its decision, with the close-out survey."""
        await services.close(ctx, engagement_id, data)
        return await services.get(ctx, engagement_id)

    @get(
        "/settlement",
        operation_id="getEngagementSettlement",
        opt={ACTION_KEY: Action.SETTLEMENT_READ},
    )
    async def get_settlement(
        self, ctx: Ctx, request: AnyRequest, month: Month, rate: Rate = None
    ) -> list[schemas.EngagementSettlementLine]:
        """The month's co-handling time given and received between municipalities."""
        hourly = rate if rate is not None else request.app.state.settings.settlement_hourly_rate
        return await settlement.engagement_settlement(ctx, month=month, hourly_rate=hourly)

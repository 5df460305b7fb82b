"""The standing support API: propose a series, answer it, list and read series,
move one occurrence, end a series."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from network.accounts.guards import ACTION_KEY, Ctx
from network.kernel.policy import Action
from network.standing import schemas, series

__all__ = ("StandingController",)

AnyRequest = Request[Any, Any, Any]
SIGNED_IN = {ACTION_KEY: Action.SIGNED_IN}
# Proposing, answering, moving and ending hold or free a specialist's time: the
# booking policy's roles (the use cases then check that one is a party).
WRITE = {ACTION_KEY: Action.BOOKING_WRITE}


class StandingController(Controller):
    path = "/api/v1/standing"
    tags = ["standing support"]

    @get("/", operation_id="listStandingSeries", opt=SIGNED_IN)
    async def list_series(self, ctx: Ctx, request: AnyRequest) -> list[schemas.SeriesOut]:
        """The standing series you are a party of (coordinators: of their municipality),
        each with its next occurrences."""
        return await series.list_series(ctx)

    @post("/", operation_id="proposeStandingSeries", opt=WRITE)
    async def propose(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.SeriesIn]
    ) -> schemas.SeriesOut:
        """Propose a weekly or fortnightly standing time; the other party answers it."""
        return await series.propose(ctx, data)

    @get("/{series_id:int}", operation_id="getStandingSeries", opt=SIGNED_IN)
    async def get_series(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> schemas.SeriesOut:
        """One series with its occurrences from last week on."""
        return await series.get_series(ctx, series_id)

    @post("/{series_id:int}/answer", operation_id="answerStandingSeries", opt=WRITE)
    async def answer(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: FromPath[int],
        data: JSONBody[schemas.AnswerIn],
    ) -> schemas.SeriesOut:
        """Agree (the coming weeks' meetings are booked; 409 naming a full week) or
        decline a proposed series."""
        return await series.answer(ctx, series_id, data)

    @post("/{series_id:int}/end", operation_id="endStandingSeries", opt=WRITE)
    async def end(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> schemas.SeriesOut:
        """End a series (its future meetings are cancelled) or withdraw a proposal."""
        return await series.end_series(ctx, series_id)

    @post(
        "/occurrences/{occurrence_id:int}/move",
        operation_id="moveStandingOccurrence",
        opt=WRITE,
    )
    async def move(
        self,
        ctx: Ctx,
        request: AnyRequest,
        occurrence_id: FromPath[int],
        data: JSONBody[schemas.MoveIn],
    ) -> schemas.SeriesOut:
        """Move one meeting to another time; the series keeps its own."""
        return await series.move_occurrence(ctx, occurrence_id, data)

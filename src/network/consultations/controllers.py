"""Consultation requests: write, open, read, answer, complete."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any, Literal

from litestar import Controller, MediaType, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream

from network.accounts.guards import ACTION_KEY, Ctx
from network.consultations import (
    bookings,
    completion,
    messages,
    offers,
    opening,
    requests,
    response_times,
    responses,
    rounds,
    schemas,
    settlement,
)
from network.kernel.policy import Action
from network.lib import clock
from network.lib.deidentified import BODY, CASE_TEXTS, REASON, SUMMARY
from network.lib.timeparse import parse_instant
from network.lib.vocab import ConsultationStatus, MeetingMode
from network.server.compression import OWN_COMPRESSION, accepts_gzip, gzip_pieces

__all__ = (
    "BookingController",
    "ConsultationController",
    "ResponseTimeController",
    "RoundController",
    "SettlementController",
)

Path = FromPath[int]
AnyRequest = Request[Any, Any, Any]


class ConsultationController(Controller):
    path = "/api/v1/consultations"
    tags = ["consultations"]

    @post(
        "/",
        operation_id="createConsultation",
        opt={CASE_TEXTS: SUMMARY, ACTION_KEY: Action.CONSULTATION_CREATE},
    )
    async def create(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.ConsultationCreate]
    ) -> schemas.Consultation:
        """Write a de-identified request (a draft, or open at once with ``submit``).

        Personal identity or coordination numbers, phone numbers and e-mail addresses
        in the summary are refused with a 400 naming the field, the kind and the
        position; nothing is stored then."""
        request_id = await opening.create_request(ctx, data)
        return await requests.get(ctx, request_id)

    @get("/", operation_id="listConsultations", opt={ACTION_KEY: Action.CONSULTATION_READ})
    async def list_consultations(
        self,
        ctx: Ctx,
        request: AnyRequest,
        status: Annotated[ConsultationStatus | None, QueryParameter()] = None,
        mine: Annotated[bool, QueryParameter(description="only your own requests")] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> list[schemas.ConsultationItem]:
        """Requests you may see: yours, your municipality's or county's, offered to you."""
        return await requests.list_requests(ctx, status=status, mine=mine, limit=limit)

    @get(
        "/{request_id:int}",
        operation_id="getConsultation",
        opt={ACTION_KEY: Action.CONSULTATION_READ},
    )
    async def get_one(
        self, ctx: Ctx, request: AnyRequest, request_id: Path
    ) -> schemas.Consultation:
        """One request (the read is audited)."""
        return await requests.get(ctx, request_id)

    @put(
        "/{request_id:int}",
        operation_id="updateConsultation",
        opt={CASE_TEXTS: SUMMARY, ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def update(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: Path,
        data: JSONBody[schemas.ConsultationUpdate],
    ) -> schemas.Consultation:
        """Edit a draft or an open request (send the version you read)."""
        await requests.update(ctx, request_id, data, data.version)
        return await requests.get(ctx, request_id)

    @post(
        "/{request_id:int}/submit",
        operation_id="submitConsultation",
        status_code=200,
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def submit(self, ctx: Ctx, request: AnyRequest, request_id: Path) -> schemas.Consultation:
        """Open a draft: it now waits for a specialist."""
        await opening.open_request(ctx, request_id)
        return await requests.get(ctx, request_id)

    @get(
        "/{request_id:int}/suggestions",
        operation_id="consultationSuggestions",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def suggestions(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: Path,
        k: Annotated[int, QueryParameter(ge=1, le=20)] = 5,
    ) -> list[schemas.SuggestionOut]:
        """The best eligible specialists for a waiting request, best first, each with
        the parts of its score: competence level, distance, timeliness of the next free
        slot against the urgency, language, load, and no local specialist."""
        return await offers.suggestions(ctx, request_id, k=k)

    @post(
        "/{request_id:int}/offer",
        operation_id="offerConsultation",
        status_code=200,
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def offer(
        self, ctx: Ctx, request: AnyRequest, request_id: Path, data: JSONBody[schemas.OfferIn]
    ) -> schemas.Consultation:
        """Offer the request to one specialist (their stand-in while they are away), or
        with no specialist named to the best eligible one."""
        await offers.offer(ctx, request_id, data.specialist)
        return await requests.get(ctx, request_id)

    @post(
        "/{request_id:int}/cancel",
        operation_id="cancelConsultation",
        status_code=200,
        opt={CASE_TEXTS: REASON, ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def cancel(
        self, ctx: Ctx, request: AnyRequest, request_id: Path, data: JSONBody[schemas.ReasonIn]
    ) -> None:
        """Withdraw the request with a reason; its offer and booking end with it."""
        await requests.cancel(ctx, request_id, data.reason)

    @post(
        "/{request_id:int}/accept",
        operation_id="acceptConsultation",
        status_code=200,
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND},
    )
    async def accept(self, ctx: Ctx, request: AnyRequest, request_id: Path) -> schemas.Consultation:
        """The specialist takes on the request offered to them."""
        await responses.accept(ctx, request_id)
        return await requests.get(ctx, request_id)

    @post(
        "/{request_id:int}/decline",
        operation_id="declineConsultation",
        status_code=200,
        opt={CASE_TEXTS: REASON, ACTION_KEY: Action.CONSULTATION_RESPOND},
    )
    async def decline(
        self, ctx: Ctx, request: AnyRequest, request_id: Path, data: JSONBody[schemas.ReasonIn]
    ) -> None:
        """The specialist turns the offer down, with a reason."""
        await responses.decline(ctx, request_id, data.reason)

    @post(
        "/{request_id:int}/time",
        operation_id="logConsultationTime",
        status_code=200,
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND},
    )
    async def log_time(
        self, ctx: Ctx, request: AnyRequest, request_id: Path, data: JSONBody[schemas.TimeLog]
    ) -> None:
        """The specialist records the minutes spent on the consultation in all."""
        await responses.log_time(ctx, request_id, data.minutes)

    @get(
        "/{request_id:int}/messages",
        operation_id="listConsultationMessages",
        opt={ACTION_KEY: Action.CONSULTATION_READ},
    )
    async def list_messages(
        self, ctx: Ctx, request: AnyRequest, request_id: Path
    ) -> list[schemas.Message]:
        """The thread of a written consultation."""
        return await messages.list_messages(ctx, request_id)

    @post(
        "/{request_id:int}/messages",
        operation_id="postConsultationMessage",
        opt={
            CASE_TEXTS: BODY,
            ACTION_KEY: Action.CONSULTATION_READ,
        },  # either side; the service decides which
    )
    async def post_message(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: Path,
        data: JSONBody[schemas.MessageCreate],
    ) -> schemas.Message:
        """Write in the thread of an accepted written consultation (de-identified)."""
        return await messages.post_message(ctx, request_id, data.body)

    @post(
        "/{request_id:int}/complete",
        operation_id="completeConsultation",
        status_code=200,
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def complete(
        self, ctx: Ctx, request: AnyRequest, request_id: Path, data: JSONBody[schemas.Survey]
    ) -> schemas.Consultation:
        """Close the consultation with the short, mandatory close-out survey."""
        await completion.complete(ctx, request_id, data)
        return await requests.get(ctx, request_id)


Month = Annotated[str, QueryParameter(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
Rate = Annotated[
    int | None, QueryParameter(ge=0, le=100_000, description="SEK an hour (default: configured)")
]


class SettlementController(Controller):
    path = "/api/v1/settlements"
    tags = ["settlements"]
    opt = {ACTION_KEY: Action.SETTLEMENT_READ}

    async def _lines(
        self, ctx: Ctx, request: AnyRequest, month: str, rate: int | None
    ) -> tuple[int, list[settlement.SettlementLine]]:
        hourly = rate if rate is not None else request.app.state.settings.settlement_hourly_rate
        lines = await settlement.settlement_for(ctx, month=month, hourly_rate=hourly)
        return hourly, lines

    @get("/", operation_id="getSettlement")
    async def get_settlement(
        self, ctx: Ctx, request: AnyRequest, month: Month, rate: Rate = None
    ) -> schemas.Settlement:
        """The month's hours given and received between municipalities in your scope."""
        hourly, lines = await self._lines(ctx, request, month, rate)
        return schemas.Settlement(
            month=month,
            hourly_rate=hourly,
            lines=[
                schemas.SettlementLineOut(
                    giver=line.giver,
                    receiver=line.receiver,
                    area=line.area,
                    consultations=line.consultations,
                    minutes=line.minutes,
                    hours=line.hours,
                    amount=line.amount,
                    suppressed=line.suppressed,
                )
                for line in lines
            ],
        )

    @get("/export.csv", operation_id="exportSettlement", media_type="text/csv")
    async def export(
        self, ctx: Ctx, request: AnyRequest, month: Month, rate: Rate = None
    ) -> Response[str]:
        """The same as CSV, for the municipalities' invoicing."""
        hourly, lines = await self._lines(ctx, request, month, rate)
        return Response(
            settlement.to_csv(lines, month=month, hourly_rate=hourly),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="settlement-{month}.csv"'},
        )


class ResponseTimeController(Controller):
    path = "/api/v1/response-times"
    tags = ["consultations"]
    opt = {ACTION_KEY: Action.COVERAGE_READ}

    @get("/", operation_id="getResponseTimes")
    async def get_response_times(
        self,
        ctx: Ctx,
        request: AnyRequest,
        from_: Annotated[str | None, QueryParameter(name="from", max_length=64)] = None,
        to: Annotated[str | None, QueryParameter(max_length=64)] = None,
        county: Annotated[str | None, QueryParameter(pattern=r"^\d{2}$")] = None,
        area: Annotated[str | None, QueryParameter(max_length=48)] = None,
    ) -> list[schemas.ResponseTimesOut]:
        """Median hours from opening to first answer, acceptance and meeting, and the
        share of written requests answered within target (1 working day when acute,
        else 3), per area and municipality in your scope; default the last 90 days."""
        end = parse_instant(to, "to") if to else clock.now()
        start = parse_instant(from_, "from") if from_ else end - timedelta(days=90)
        rows = await response_times.response_times_for(
            ctx, start=start, end=end, county=county, area=area
        )
        return [schemas.ResponseTimesOut(**asdict(row)) for row in rows]


class RoundController(Controller):
    """Batch rounds: preview, commit, and the problem instance for re-solving."""

    path = "/api/v1/rounds"
    tags = ["rounds"]
    opt = {ACTION_KEY: Action.ROUND_RUN}

    @post("/", operation_id="runRound")
    async def run(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.RoundIn]
    ) -> schemas.RoundOut:
        """Assign the waiting requests of a county or municipality to specialists with
        capacity: an exact maximum-weight assignment. Kept as a preview (who gets what,
        with each pair's score parts, and the requests left unplaced with why) unless
        ``commit`` is set; only one round runs at a time."""
        result = await rounds.preview(ctx, county=data.county, municipality=data.municipality)
        if data.commit:
            result = await rounds.commit(ctx, result.id)
        return result

    @get("/", operation_id="listRounds")
    async def list_all(
        self,
        ctx: Ctx,
        request: AnyRequest,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 20,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> list[schemas.RoundSummary]:
        """The rounds of the places you run rounds for, newest first: when, by whom,
        status, and how many requests were placed and left unplaced."""
        found, _total = await rounds.list_rounds(ctx, offset=offset, limit=limit)
        return found

    @get("/{round_id:int}", operation_id="getRound")
    async def get_one(
        self, ctx: Ctx, request: AnyRequest, round_id: FromPath[int]
    ) -> schemas.RoundOut:
        """One round with its assignments and unplaced requests."""
        return await rounds.get_round(ctx, round_id)

    @post("/{round_id:int}/commit", operation_id="commitRound", status_code=200)
    async def commit(
        self, ctx: Ctx, request: AnyRequest, round_id: FromPath[int]
    ) -> schemas.RoundOut:
        """Offer a preview's proposals to their specialists."""
        return await rounds.commit(ctx, round_id)

    @get(
        "/{round_id:int}/problem",
        operation_id="getRoundProblem",
        opt={OWN_COMPRESSION: True},  # tens of megabytes: gzip at level 1, here
    )
    async def problem(
        self,
        ctx: Ctx,
        request: AnyRequest,
        round_id: FromPath[int],
        layout: Annotated[
            Literal["edges", "columns"],
            QueryParameter(description="edges (the default): a list of objects; columns: arrays"),
        ] = "edges",
    ) -> Stream:
        """The round's problem instance: ``requests``, ``specialists`` (with
        ``capacity``) and ``edges`` (``request``, ``specialist``, integer ``score``).
        Maximising the sum of the chosen edges' scores, each request at most once and
        each specialist at most ``capacity`` times, gives the round's ``total_score``.
        With ``layout=columns``, ``edges`` is three arrays (``request``, ``specialist``,
        ``score``) of a third of the size. Streamed (gzip, at its fastest level, when
        accepted)."""
        pieces = await rounds.problem_json(ctx, round_id, layout)
        if not accepts_gzip(request):
            return Stream(pieces, media_type=MediaType.JSON, headers={"vary": "Accept-Encoding"})
        return Stream(
            gzip_pieces(pieces),
            media_type=MediaType.JSON,
            headers={"content-encoding": "gzip", "vary": "Accept-Encoding"},
        )


Instant = Annotated[str, QueryParameter(max_length=64, description="ISO 8601 with offset")]


class BookingController(Controller):
    path = "/api/v1/bookings"
    tags = ["bookings"]
    opt = {ACTION_KEY: Action.BOOKING_WRITE}

    @get("/", operation_id="listBookings", opt={ACTION_KEY: Action.CONSULTATION_READ})
    async def list_bookings(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        from_: Annotated[str, QueryParameter(name="from", max_length=64)],
        to: Instant,
        specialist: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
    ) -> list[schemas.BookingOut]:
        """Live bookings in [from, to) that you may see (yours as the specialist, and
        those of your municipality's or county's requests)."""
        return await bookings.list_bookings(
            ctx,
            specialist_id=specialist,
            start=parse_instant(from_, "from"),
            end=parse_instant(to, "to"),
        )

    @post("/", operation_id="createBooking")
    async def create(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[schemas.BookingCreate]
    ) -> schemas.BookingOut:
        """Book the meeting of an accepted consultation at one of the specialist's free
        slots (see ``/api/v1/specialists/{id}/slots``)."""
        return await bookings.book(
            ctx,
            request_id=data.request,
            start=data.start,
            mode=MeetingMode(data.mode) if data.mode else None,
        )

    @post(
        "/{booking_id:int}/cancel",
        operation_id="cancelBooking",
        status_code=200,
        opt={CASE_TEXTS: REASON},
    )
    async def cancel(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        booking_id: FromPath[int],
        data: JSONBody[schemas.BookingCancel],
    ) -> None:
        """Cancel a booking with a reason; the consultation can be booked again."""
        await bookings.cancel(ctx, booking_id, data.reason)

    @put("/{booking_id:int}/meeting-details", operation_id="setBookingMeetingDetails")
    async def meeting_details(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        booking_id: FromPath[int],
        data: JSONBody[schemas.BookingMeetingDetails],
    ) -> schemas.BookingOut:
        """The booking's specialist says how to meet, for the booking's mode: an https
        video link, a phone number or a place (empty clears it); the requester is told."""
        return await bookings.set_meeting_details(ctx, booking_id, data.details)

    @post(
        "/{booking_id:int}/reschedule", operation_id="rescheduleBooking", opt={CASE_TEXTS: REASON}
    )
    async def reschedule(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        booking_id: FromPath[int],
        data: JSONBody[schemas.BookingReschedule],
    ) -> schemas.BookingOut:
        """Move a booking to another free slot of the same specialist, with a reason."""
        return await bookings.reschedule(
            ctx,
            booking_id,
            start=data.start,
            reason=data.reason,
        )

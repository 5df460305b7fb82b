"""Bookings of consultation meetings: list, book, cancel, reschedule."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, actor_of, signed_in_principal
from network.accounts.policy import Action
from network.consultations import bookings, schemas
from network.lib.deidentified import CASE_TEXTS, REASON
from network.lib.timeparse import parse_instant
from network.lib.vocab import MeetingMode

__all__ = ("BookingController",)

Instant = Annotated[str, QueryParameter(max_length=64, description="ISO 8601 with offset")]


class BookingController(Controller):
    path = "/api/v1/bookings"
    tags = ["bookings"]
    opt = {ACTION_KEY: Action.BOOKING_WRITE}

    @get("/", operation_id="listBookings", opt={ACTION_KEY: Action.CONSULTATION_READ})
    async def list_bookings(
        self,
        request: Request[Any, Any, Any],
        from_: Annotated[str, QueryParameter(name="from", max_length=64)],
        to: Instant,
        specialist: Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)] = None,
    ) -> list[schemas.BookingOut]:
        """Live bookings in [from, to) that you may see (yours as the specialist, and
        those of your municipality's or county's requests)."""
        principal = await signed_in_principal(request)
        return await bookings.list_bookings(
            principal,
            actor_of(request, principal),
            specialist_id=specialist,
            start=parse_instant(from_, "from"),
            end=parse_instant(to, "to"),
        )

    @post("/", operation_id="createBooking")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[schemas.BookingCreate]
    ) -> schemas.BookingOut:
        """Book the meeting of an accepted consultation at one of the specialist's free
        slots (see ``/api/v1/specialists/{id}/slots``)."""
        principal = await signed_in_principal(request)
        return await bookings.book(
            principal,
            actor_of(request, principal),
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
        request: Request[Any, Any, Any],
        booking_id: FromPath[int],
        data: JSONBody[schemas.BookingCancel],
    ) -> None:
        """Cancel a booking with a reason; the consultation can be booked again."""
        principal = await signed_in_principal(request)
        await bookings.cancel(principal, actor_of(request, principal), booking_id, data.reason)

    @post(
        "/{booking_id:int}/reschedule", operation_id="rescheduleBooking", opt={CASE_TEXTS: REASON}
    )
    async def reschedule(
        self,
        request: Request[Any, Any, Any],
        booking_id: FromPath[int],
        data: JSONBody[schemas.BookingReschedule],
    ) -> schemas.BookingOut:
        """Move a booking to another free slot of the same specialist, with a reason."""
        principal = await signed_in_principal(request)
        return await bookings.reschedule(
            principal,
            actor_of(request, principal),
            booking_id,
            start=data.start,
            reason=data.reason,
        )

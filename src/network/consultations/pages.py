"""The consultation pages: my requests, a new request (the guard's finding shown in
place, the draft kept), one request with what each side can do next, and the
coordinator's batch rounds (preview, then commit).

Plain HTML forms; every action goes through the same services as the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from network.accounts.case_scope import case_transaction
from network.accounts.guards import ACTION_KEY, actor_of, signed_in_principal
from network.accounts.policy import Action, Principal, decide
from network.consultations import (
    bookings,
    completion,
    messages,
    offers,
    opening,
    requests,
    responses,
    rounds,
    schemas,
)
from network.consultations.access import load_request
from network.consultations.lifecycle import PLACEABLE
from network.consultations.tables import ConsultationRequest
from network.directory.services import list_areas
from network.lib import clock
from network.lib.deidentified import FORM_CHECKED
from network.lib.errors import DomainError, Forbidden, InvalidInput, NotFound
from network.lib.vocab import ConsultationStatus, Role
from network.specialists.services import specialist_names, specialist_slots
from network.web.forms import form_fields, refused, to_struct
from network.web.render import render

__all__ = ("ConsultationPages", "RoundPages")

AnyRequest = Request[Any, Any, Any]
Act = Callable[[Principal, dict[str, str]], Awaitable[Any]]
SLOTS_SHOWN = 12


def _draft(form: dict[str, str]) -> dict[str, Any]:
    named = form.get("named_specialist", "").strip()
    return {
        "area": form.get("area", ""),
        "summary": form.get("summary", ""),
        "kind": form.get("kind", "meeting"),
        "urgency": form.get("urgency", "planned"),
        "mode": form.get("mode", "video"),
        "language": form.get("language", "sv").strip().lower() or "sv",
        "latest_date": form.get("latest_date") or None,
        "municipality": form.get("municipality") or None,
        "named_specialist": int(named) if named.isdigit() else None,
        "submit": "submit" in form,
    }


class ConsultationPages(Controller):
    path = "/consultations"
    include_in_schema = False

    @get("/", name="consultations", opt={ACTION_KEY: Action.SIGNED_IN})
    async def index(self, request: AnyRequest) -> Template:
        """The requests you may see, grouped: waiting for you, yours, your place's."""
        principal = await signed_in_principal(request)
        if not decide(principal, Action.CONSULTATION_READ):
            return await refused(request, Forbidden("consultations are for case work roles"))
        items = await requests.list_requests(principal, actor_of(request, principal))
        areas = {a.code: a for a in await list_areas()}
        return await render(
            request,
            "consultations/index.html.j2",
            items=items,
            areas=areas,
            may_create=principal.has(Role.SOCIAL_WORKER),
            may_run_rounds=principal.has(Role.COORDINATOR),
            declined=request.query_params.get("declined") == "1",
        )

    async def _new_page(
        self,
        request: AnyRequest,
        *,
        form: dict[str, Any] | None = None,
        error: DomainError | None = None,
    ) -> Template:
        template = await render(
            request,
            "consultations/new.html.j2",
            areas=await list_areas(),
            form=form or {},
            error=error,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/new", name="consultation-new", opt={ACTION_KEY: Action.CONSULTATION_CREATE})
    async def new(self, request: AnyRequest) -> Template:
        """The form for a new, de-identified request."""
        return await self._new_page(request)

    @post(
        "/new",
        name="consultation-create",
        opt={ACTION_KEY: Action.CONSULTATION_CREATE, FORM_CHECKED: True},
    )
    async def create(self, request: AnyRequest) -> Template | Redirect:
        """Save the draft, or save and open it; a refusal keeps every word typed."""
        principal = await signed_in_principal(request)
        form = await form_fields(request)
        try:
            data = to_struct(
                _draft(form), schemas.ConsultationCreate, case_texts=frozenset({"summary"})
            )
            actor = actor_of(request, principal)
            request_id = await opening.create_request(principal, actor, data)
        except DomainError as error:
            return await self._new_page(request, form=form, error=error)
        return Redirect(f"/consultations/{request_id}", status_code=303)

    async def _detail(
        self,
        request: AnyRequest,
        request_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        principal = await signed_in_principal(request)
        actor = actor_of(request, principal)
        item = await requests.get(principal, actor, request_id)
        target = await _target(principal, request_id)
        requester_side = decide(principal, Action.CONSULTATION_UPDATE, target)
        is_specialist_offered = principal.specialist_id is not None and (
            principal.specialist_id == item.offered_to
        )
        is_specialist_accepted = principal.specialist_id is not None and (
            principal.specialist_id == item.accepted_by
        )
        found: list[schemas.SuggestionOut] = []
        if requester_side and item.status in PLACEABLE:
            found = await offers.suggestions(principal, actor, request_id, k=5)
        slots: list[Any] = []
        if (
            item.kind == "meeting"
            and item.status in (ConsultationStatus.ACCEPTED, ConsultationStatus.BOOKED)
            and item.accepted_by is not None
            and (requester_side or is_specialist_accepted)
        ):
            now = clock.now()
            slots = (await specialist_slots(item.accepted_by, now, now + timedelta(days=21)))[
                :SLOTS_SHOWN
            ]
        thread: list[schemas.Message] = []
        if item.kind == "written" and item.status in ("accepted", "completed"):
            thread = await messages.list_messages(principal, actor, request_id)
        meeting = None
        if item.status == ConsultationStatus.BOOKED and item.meeting_at is not None:
            window = await bookings.list_bookings(
                principal,
                actor,
                specialist_id=item.accepted_by,
                start=item.meeting_at - timedelta(minutes=1),
                end=item.meeting_at + timedelta(hours=4),
            )
            meeting = next((b for b in window if b.request == request_id), None)
        template = await render(
            request,
            "consultations/detail.html.j2",
            item=item,
            suggestions=found,
            slots=slots,
            thread=thread,
            meeting=meeting,
            requester_side=requester_side,
            offered_to_me=is_specialist_offered,
            accepted_by_me=is_specialist_accepted,
            error=error,
            form=form or {},
            name_warnings=item.summary_warnings if requester_side and not error else [],
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/{request_id:int}", name="consultation", opt={ACTION_KEY: Action.CONSULTATION_READ})
    async def detail(self, request: AnyRequest, request_id: FromPath[int]) -> Template:
        """One request and what you can do with it now."""
        try:
            return await self._detail(request, request_id)
        except DomainError as error:
            return await refused(request, error)

    async def _act(
        self, request: AnyRequest, request_id: int, act: Act, *, then: str | None = None
    ) -> Template | Redirect:
        """Run ``act`` with the submitted form; a refusal shows the request again with the
        form as typed; success goes to ``then`` (default: the request's page)."""
        principal = await signed_in_principal(request)
        form = await form_fields(request)
        try:
            await act(principal, form)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):  # not allowed, or not there to see
                return await refused(request, error)
            try:
                return await self._detail(request, request_id, error=error, form=form)
            except DomainError as unreadable:  # e.g. no longer visible after the action
                return await refused(request, unreadable)
        return Redirect(then or f"/consultations/{request_id}", status_code=303)

    @post(
        "/{request_id:int}/submit",
        name="consultation-submit",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def submit(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            await opening.open_request(principal, actor_of(request, principal), request_id)

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/offer",
        name="consultation-offer",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def offer(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            chosen = form.get("specialist", "")
            await offers.offer(
                principal,
                actor_of(request, principal),
                request_id,
                int(chosen) if chosen.isdigit() else None,
            )

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/accept",
        name="consultation-accept",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, FORM_CHECKED: True},
    )
    async def accept(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            await responses.accept(principal, actor_of(request, principal), request_id)

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/decline",
        name="consultation-decline",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, FORM_CHECKED: True},
    )
    async def decline(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            await responses.decline(
                principal, actor_of(request, principal), request_id, form.get("reason", "")
            )

        # Declined, the request is no longer the specialist's to see: back to the list.
        return await self._act(request, request_id, act, then="/consultations?declined=1")

    @post(
        "/{request_id:int}/book",
        name="consultation-book",
        opt={ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True},
    )
    async def book(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            try:
                start = datetime.fromisoformat(form.get("start", ""))
            except ValueError:
                raise InvalidInput("choose one of the free times", field="start") from None
            await bookings.book(
                principal, actor_of(request, principal), request_id=request_id, start=start
            )

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/unbook",
        name="consultation-unbook",
        opt={ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True},
    )
    async def unbook(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        """Cancel the booked meeting, with a reason; the request can be booked again."""

        async def act(principal: Principal, form: dict[str, str]) -> None:
            booking = _booking_id(form)
            await bookings.cancel(
                principal, actor_of(request, principal), booking, form.get("reason", "")
            )

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/move",
        name="consultation-move",
        opt={ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True},
    )
    async def move(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        """Move the booked meeting to another free time, with a reason."""

        async def act(principal: Principal, form: dict[str, str]) -> None:
            try:
                start = datetime.fromisoformat(form.get("start", ""))
            except ValueError:
                raise InvalidInput("choose one of the free times", field="start") from None
            await bookings.reschedule(
                principal,
                actor_of(request, principal),
                _booking_id(form),
                start=start,
                reason=form.get("reason", ""),
            )

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/message",
        name="consultation-message",
        opt={ACTION_KEY: Action.CONSULTATION_READ, FORM_CHECKED: True},
    )
    async def message(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            body = to_struct(
                {"body": form.get("body", "")},
                schemas.MessageCreate,
                case_texts=frozenset({"body"}),
            ).body
            await messages.post_message(principal, actor_of(request, principal), request_id, body)

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/time",
        name="consultation-time",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, FORM_CHECKED: True},
    )
    async def log_time(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            minutes = to_struct({"minutes": form.get("minutes", "")}, schemas.TimeLog).minutes
            await responses.log_time(principal, actor_of(request, principal), request_id, minutes)

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/complete",
        name="consultation-complete",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def complete(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            def yes_no(name: str) -> bool | None:
                value = form.get(name, "")
                return None if value == "" else value == "yes"

            survey = to_struct(
                {
                    "helpful": form.get("helpful", ""),
                    "changed_risk_assessment": yes_no("changed_risk_assessment"),
                    "escalation_avoided": yes_no("escalation_avoided"),
                    "placement_avoided": yes_no("placement_avoided"),
                    "referral_avoided": yes_no("referral_avoided"),
                    "referral_made": form.get("referral_made", "none") or "none",
                },
                schemas.Survey,
            )
            await completion.complete(principal, actor_of(request, principal), request_id, survey)

        return await self._act(request, request_id, act)

    @post(
        "/{request_id:int}/cancel",
        name="consultation-cancel",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def cancel(self, request: AnyRequest, request_id: FromPath[int]) -> Template | Redirect:
        async def act(principal: Principal, form: dict[str, str]) -> None:
            await requests.cancel(
                principal, actor_of(request, principal), request_id, form.get("reason", "")
            )

        return await self._act(request, request_id, act)


def _booking_id(form: dict[str, str]) -> int:
    value = form.get("booking", "")
    if not value.isdigit():
        raise InvalidInput("names no booking", field="booking")
    return int(value)


async def _target(principal: Principal, request_id: int) -> Any:

    async with case_transaction(ConsultationRequest._meta.db, principal):
        return (await load_request(request_id)).target()


class RoundPages(Controller):
    """The coordinator's batch rounds: preview the best assignment, then commit it."""

    path = "/rounds"
    include_in_schema = False
    opt = {ACTION_KEY: Action.ROUND_RUN}

    @get("/", name="rounds")
    async def index(self, request: AnyRequest) -> Template:
        """Start a round for your county or municipality."""
        return await render(request, "rounds/index.html.j2", round=None, error=None)

    @post("/preview", name="round-preview")
    async def preview(self, request: AnyRequest) -> Template | Redirect:
        principal = await signed_in_principal(request)
        try:
            result = await rounds.preview(
                principal, actor_of(request, principal), request.app.state.redis
            )
        except DomainError as error:
            template = await render(request, "rounds/index.html.j2", round=None, error=error)
            template.status_code = error.status_code
            return template
        return Redirect(f"/rounds/{result.id}", status_code=303)

    @get("/{round_id:int}", name="round")
    async def show(self, request: AnyRequest, round_id: FromPath[int]) -> Template:
        """A round: who gets what and why, and the requests left unplaced."""
        principal = await signed_in_principal(request)
        try:
            result = await rounds.get_round(principal, actor_of(request, principal), round_id)
        except DomainError as error:
            return await refused(request, error)
        names = await specialist_names([a.specialist for a in result.assignments])
        return await render(request, "rounds/index.html.j2", round=result, names=names, error=None)

    @post("/{round_id:int}/commit", name="round-commit")
    async def commit(self, request: AnyRequest, round_id: FromPath[int]) -> Template | Redirect:
        principal = await signed_in_principal(request)
        try:
            await rounds.commit(
                principal, actor_of(request, principal), request.app.state.redis, round_id
            )
        except DomainError as error:
            return await refused(request, error)
        return Redirect(f"/rounds/{round_id}", status_code=303)

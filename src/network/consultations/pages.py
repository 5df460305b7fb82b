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

from network.accounts.guards import ACTION_KEY, Ctx
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
from network.directory.services import list_areas
from network.kernel.context import Context
from network.kernel.policy import Action, decide
from network.lib import clock
from network.lib.deidentified import FORM_CHECKED
from network.lib.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from network.lib.vocab import N_, ConsultationKind, ConsultationStatus, Role
from network.specialists.services import specialist_names, specialist_slots
from network.web.forms import form_fields, refused, to_struct
from network.web.paging import Paging
from network.web.parties import place_names
from network.web.render import render

__all__ = ("ConsultationPages", "RoundPages")

AnyRequest = Request[Any, Any, Any]
Act = Callable[[Context, dict[str, str]], Awaitable[Any]]
SLOTS_SHOWN = 12
KINDS = frozenset(k.value for k in ConsultationKind)
# The success banner after a save: ``?notice=<key>`` on the page it leads to.
NOTICES = {
    "saved": N_("The draft is saved."),
    "submitted": N_("The request is sent."),
    "offered": N_("The request is offered to the specialist."),
    "accepted": N_("You accepted the request."),
    "booked": N_("The meeting is booked."),
    "moved": N_("The meeting is moved."),
    "details": N_("How to meet is saved."),
    "unbooked": N_("The meeting is cancelled."),
    "message": N_("The message is sent."),
    "time": N_("The time is saved."),
    "completed": N_("The consultation is completed. Thank you for answering the survey."),
    "cancelled": N_("The request is withdrawn."),
}


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
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The requests you may see, grouped: waiting for you, yours, your place's."""
        if not decide(ctx.principal, Action.CONSULTATION_READ):
            return await refused(request, Forbidden("consultations are for case work roles"))
        items = await requests.list_requests(ctx)
        areas = {a.code: a for a in await list_areas()}
        return await render(
            request,
            "consultations/index.html.j2",
            items=items,
            areas=areas,
            place_names=await place_names(),
            may_create=bool(decide(ctx.principal, Action.CONSULTATION_CREATE)),
            # A specialist (no social worker) asks a colleague: the same form.
            asks_colleague=ctx.principal.specialist_id is not None
            and not ctx.principal.has(Role.SOCIAL_WORKER),
            may_run_rounds=ctx.principal.has(Role.COORDINATOR),
            declined=request.query_params.get("declined") == "1",
        )

    async def _new_page(
        self,
        request: AnyRequest,
        *,
        form: dict[str, Any] | None = None,
        error: DomainError | None = None,
        editing: int | None = None,
    ) -> Template:
        template = await render(
            request,
            "consultations/new.html.j2",
            areas=await list_areas(),
            form=form or {},
            error=error,
            editing=editing,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/new", name="consultation-new", opt={ACTION_KEY: Action.CONSULTATION_CREATE})
    async def new(self, request: AnyRequest) -> Template:
        """The form for a new, de-identified request (``?kind=`` chooses its kind)."""
        kind = request.query_params.get("kind")
        return await self._new_page(request, form={"kind": kind} if kind in KINDS else None)

    @post(
        "/new",
        name="consultation-create",
        opt={ACTION_KEY: Action.CONSULTATION_CREATE, FORM_CHECKED: True},
    )
    async def create(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Save the draft, or save and open it; a refusal keeps every word typed."""
        form = await form_fields(request)
        try:
            data = to_struct(
                _draft(form), schemas.ConsultationCreate, case_texts=frozenset({"summary"})
            )
            request_id = await opening.create_request(ctx, data)
        except DomainError as error:
            return await self._new_page(request, form=form, error=error)
        notice = "submitted" if "submit" in form else "saved"
        return Redirect(f"/consultations/{request_id}?notice={notice}", status_code=303)

    @get(
        "/{request_id:int}/edit",
        name="consultation-edit",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE},
    )
    async def edit(self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]) -> Template:
        """The draft in the new-request form, to change it and save or send it."""
        try:
            item = await requests.get(ctx, request_id)
            if item.status != ConsultationStatus.DRAFT:
                raise Conflict(f"a {item.status} request is not a draft", field="status")
        except DomainError as error:
            return await refused(request, error)
        form = {
            "area": item.area,
            "kind": item.kind,
            "urgency": item.urgency,
            "mode": item.mode,
            "language": item.language,
            "latest_date": item.latest_date.isoformat() if item.latest_date else "",
            "summary": item.summary,
            "version": str(item.version),
            "named_specialist": str(item.named_specialist or ""),
        }
        return await self._new_page(request, form=form, editing=request_id)

    @post(
        "/{request_id:int}/edit",
        name="consultation-edit-save",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def save_edit(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        """Save the changed draft, or save and send it; a refusal keeps every word."""
        form = await form_fields(request)
        try:
            fields = _draft(form)
            fields.pop("submit")
            data = to_struct(fields, schemas.ConsultationDraft, case_texts=frozenset({"summary"}))
            version = form.get("version", "")
            if not version.isdigit():
                raise InvalidInput(
                    "reload the page: the draft's version is missing", field="version"
                )
            await requests.update(ctx, request_id, data, int(version))
            if "submit" in form:
                await opening.open_request(ctx, request_id)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            return await self._new_page(request, form=form, error=error, editing=request_id)
        notice = "submitted" if "submit" in form else "saved"
        return Redirect(f"/consultations/{request_id}?notice={notice}", status_code=303)

    async def _detail(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        item = await requests.get(ctx, request_id)
        target = await _target(ctx, request_id)
        requester_side = decide(ctx.principal, Action.CONSULTATION_UPDATE, target)
        is_specialist_offered = ctx.principal.specialist_id is not None and (
            ctx.principal.specialist_id == item.offered_to
        )
        is_specialist_accepted = ctx.principal.specialist_id is not None and (
            ctx.principal.specialist_id == item.accepted_by
        )
        found: list[schemas.SuggestionOut] = []
        if requester_side and item.status in PLACEABLE:
            found = await offers.suggestions(ctx, request_id, k=5)
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
            thread = await messages.list_messages(ctx, request_id)
        meeting = None
        if item.status == ConsultationStatus.BOOKED and item.meeting_at is not None:
            window = await bookings.list_bookings(
                ctx,
                specialist_id=item.accepted_by,
                start=item.meeting_at - timedelta(minutes=1),
                end=item.meeting_at + timedelta(hours=4),
            )
            meeting = next((b for b in window if b.request == request_id), None)
        parties = await specialist_names(
            [s for s in (item.offered_to, item.accepted_by) if s is not None]
        )
        now = clock.now()
        notice = request.query_params.get("notice") if error is None else None
        template = await render(
            request,
            "consultations/detail.html.j2",
            item=item,
            suggestions=found,
            slots=slots,
            thread=thread,
            meeting=meeting,
            parties=parties,
            meeting_over=item.meeting_at is not None and item.meeting_at <= now,
            notice=NOTICES.get(notice or ""),
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
    async def detail(self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]) -> Template:
        """One request and what you can do with it now."""
        try:
            return await self._detail(ctx, request, request_id)
        except DomainError as error:
            return await refused(request, error)

    async def _act(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: int,
        act: Act,
        *,
        then: str | None = None,
        notice: str | None = None,
    ) -> Template | Redirect:
        """Run ``act`` with the submitted form; a refusal shows the request again with the
        form as typed; success goes to ``then`` (default: the request's page)."""
        form = await form_fields(request)
        try:
            await act(ctx, form)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):  # not allowed, or not there to see
                return await refused(request, error)
            try:
                return await self._detail(ctx, request, request_id, error=error, form=form)
            except DomainError as unreadable:  # e.g. no longer visible after the action
                return await refused(request, unreadable)
        suffix = f"?notice={notice}" if notice in NOTICES else ""
        return Redirect(then or f"/consultations/{request_id}{suffix}", status_code=303)

    @post(
        "/{request_id:int}/submit",
        name="consultation-submit",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def submit(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            await opening.open_request(ctx, request_id)

        return await self._act(ctx, request, request_id, act, notice="submitted")

    @post(
        "/{request_id:int}/offer",
        name="consultation-offer",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def offer(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            chosen = form.get("specialist", "")
            await offers.offer(
                ctx,
                request_id,
                int(chosen) if chosen.isdigit() else None,
            )

        return await self._act(ctx, request, request_id, act, notice="offered")

    @post(
        "/{request_id:int}/accept",
        name="consultation-accept",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, FORM_CHECKED: True},
    )
    async def accept(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            await responses.accept(ctx, request_id)

        return await self._act(ctx, request, request_id, act, notice="accepted")

    @post(
        "/{request_id:int}/decline",
        name="consultation-decline",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, FORM_CHECKED: True},
    )
    async def decline(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            await responses.decline(ctx, request_id, form.get("reason", ""))

        # Declined, the request is no longer the specialist's to see: back to the list.
        return await self._act(ctx, request, request_id, act, then="/consultations?declined=1")

    @post(
        "/{request_id:int}/book",
        name="consultation-book",
        opt={ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True},
    )
    async def book(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            try:
                start = datetime.fromisoformat(form.get("start", ""))
            except ValueError:
                raise InvalidInput("choose one of the free times", field="start") from None
            await bookings.book(ctx, request_id=request_id, start=start)

        return await self._act(ctx, request, request_id, act, notice="booked")

    @post(
        "/{request_id:int}/unbook",
        name="consultation-unbook",
        opt={ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True},
    )
    async def unbook(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        """Cancel the booked meeting, with a reason; the request can be booked again."""

        async def act(ctx: Context, form: dict[str, str]) -> None:
            booking = _booking_id(form)
            await bookings.cancel(ctx, booking, form.get("reason", ""))

        return await self._act(ctx, request, request_id, act, notice="unbooked")

    @post(
        "/{request_id:int}/move",
        name="consultation-move",
        opt={ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True},
    )
    async def move(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        """Move the booked meeting to another free time, with a reason."""

        async def act(ctx: Context, form: dict[str, str]) -> None:
            try:
                start = datetime.fromisoformat(form.get("start", ""))
            except ValueError:
                raise InvalidInput("choose one of the free times", field="start") from None
            await bookings.reschedule(
                ctx,
                _booking_id(form),
                start=start,
                reason=form.get("reason", ""),
            )

        return await self._act(ctx, request, request_id, act, notice="moved")

    @post(
        "/{request_id:int}/meeting-details",
        name="consultation-meeting-details",
        opt={ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True},
    )
    async def meeting_details(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        """The booking's specialist says how to meet (a link, a phone number, a place)."""

        async def act(ctx: Context, form: dict[str, str]) -> None:
            details = to_struct(
                {"details": form.get("meeting_details", "")}, schemas.BookingMeetingDetails
            ).details
            await bookings.set_meeting_details(
                ctx, _booking_id(form), details, field="meeting_details"
            )

        return await self._act(ctx, request, request_id, act, notice="details")

    @post(
        "/{request_id:int}/message",
        name="consultation-message",
        opt={ACTION_KEY: Action.CONSULTATION_READ, FORM_CHECKED: True},
    )
    async def message(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            body = to_struct(
                {"body": form.get("body", "")},
                schemas.MessageCreate,
                case_texts=frozenset({"body"}),
            ).body
            await messages.post_message(ctx, request_id, body)

        return await self._act(ctx, request, request_id, act, notice="message")

    @post(
        "/{request_id:int}/time",
        name="consultation-time",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, FORM_CHECKED: True},
    )
    async def log_time(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            minutes = to_struct({"minutes": form.get("minutes", "")}, schemas.TimeLog).minutes
            await responses.log_time(ctx, request_id, minutes)

        return await self._act(ctx, request, request_id, act, notice="time")

    @post(
        "/{request_id:int}/complete",
        name="consultation-complete",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def complete(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
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
            await completion.complete(ctx, request_id, survey)

        return await self._act(ctx, request, request_id, act, notice="completed")

    @post(
        "/{request_id:int}/cancel",
        name="consultation-cancel",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, FORM_CHECKED: True},
    )
    async def cancel(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            await requests.cancel(ctx, request_id, form.get("reason", ""))

        return await self._act(ctx, request, request_id, act, notice="cancelled")


def _booking_id(form: dict[str, str]) -> int:
    value = form.get("booking", "")
    if not value.isdigit():
        raise InvalidInput("names no booking", field="booking")
    return int(value)


async def _target(ctx: Context, request_id: int) -> Any:

    async with ctx.work():
        return (await load_request(request_id)).target()


ROUNDS_PER_PAGE = 20
ROUND_ROWS_PER_PAGE = 50
# The success banner after a round is made or committed.
ROUND_NOTICES = {
    "previewed": N_("The round is ready to review. Nothing is offered until you commit it."),
    "committed": N_("The round is committed: the specialists are offered their requests."),
}
# Why a request was left unplaced and what would help (network.graph.unplaced.Cause),
# a variant with the partner or the date when the round names one.
UNPLACED_CAUSES = {
    "no_specialist_in_area": N_(
        "No specialist in the network works in %(area)s. A new specialist in the area would help."
    ),
    "no_agreement": N_(
        "No agreement gives %(municipality)s access to %(area)s. An agreement with a "
        "municipality that has such a specialist would help."
    ),
    "no_agreement+partner": N_(
        "No agreement gives %(municipality)s access to %(area)s. An agreement with "
        "%(partner)s, the nearest municipality with such a specialist, would help."
    ),
    "no_free_time": N_(
        "Everyone who may serve %(municipality)s in %(area)s is away, full or not taking "
        "new requests. More capacity or a stand-in would help."
    ),
    "no_free_time+deadline": N_(
        "Everyone who may serve %(municipality)s in %(area)s is away, full or not taking "
        "new requests. Free time before %(date)s would help."
    ),
    "mode_not_offered": N_(
        "No specialist who may serve it offers this kind of meeting. A video or phone "
        "meeting would help."
    ),
    "no_time_before_deadline+deadline": N_(
        "No specialist who could take it has free time before %(date)s. A later date or "
        "more hours would help."
    ),
    "declined_by_all": N_(
        "Everyone who could take it has declined it. Another specialist, through an "
        "agreement, would help."
    ),
    "all_candidates_full": N_(
        "The specialists who could take it were given other requests in this round. More "
        "capacity, or the next round, would help."
    ),
    "named_unavailable": N_(
        "The named specialist cannot take it now. Asking without naming a specialist would help."
    ),
}


def _cause_key(unplaced: schemas.Unplaced) -> str | None:
    """The :data:`UNPLACED_CAUSES` key of an unplaced request (None: a round made
    before causes were kept, or one past the explained limit)."""
    if unplaced.cause is None:
        return None
    for suffix, known in (("+partner", unplaced.partner), ("+deadline", unplaced.deadline)):
        if known is not None and f"{unplaced.cause}{suffix}" in UNPLACED_CAUSES:
            return f"{unplaced.cause}{suffix}"
    return unplaced.cause if unplaced.cause in UNPLACED_CAUSES else None


class RoundPages(Controller):
    """The coordinator's batch rounds: the history of rounds, previewing the best
    assignment, then committing it; each row with its area, place and urgency."""

    path = "/rounds"
    include_in_schema = False
    opt = {ACTION_KEY: Action.ROUND_RUN}

    async def _index(
        self, ctx: Ctx, request: AnyRequest, error: DomainError | None = None
    ) -> Template:
        offset = Paging.offset_of(request, ROUNDS_PER_PAGE)
        history, total = await rounds.list_rounds(ctx, offset=offset, limit=ROUNDS_PER_PAGE)
        template = await render(
            request,
            "rounds/index.html.j2",
            history=history,
            paging=Paging.of(request, per_page=ROUNDS_PER_PAGE, total=total, path=self.path),
            place_names=await place_names(),
            error=error,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/", name="rounds")
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """Start a round for your county or municipality; the rounds run before."""
        return await self._index(ctx, request)

    @post("/preview", name="round-preview")
    async def preview(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        try:
            result = await rounds.preview(ctx)
        except DomainError as error:
            return await self._index(ctx, request, error)
        return Redirect(f"/rounds/{result.id}?notice=previewed", status_code=303)

    @get("/{round_id:int}", name="round")
    async def show(self, ctx: Ctx, request: AnyRequest, round_id: FromPath[int]) -> Template:
        """A round: who gets what and why, and the requests left unplaced with what
        would help; each row with its area, municipality and urgency."""
        try:
            result = await rounds.get_round(ctx, round_id)
        except DomainError as error:
            return await refused(request, error)
        placed = Paging.of(
            request,
            per_page=ROUND_ROWS_PER_PAGE,
            total=len(result.assignments),
            fragment="round-heading",
        )
        left = Paging.of(
            request,
            per_page=ROUND_ROWS_PER_PAGE,
            total=len(result.unplaced),
            param="upage",
            fragment="unplaced-heading",
        )
        shown = result.assignments[placed.offset : placed.offset + placed.per_page]
        unplaced = result.unplaced[left.offset : left.offset + left.per_page]
        details = await rounds.request_details(
            ctx, [a.request for a in shown] + [u.request for u in unplaced]
        )
        return await render(
            request,
            "rounds/show.html.j2",
            round=result,
            assignments=shown,
            unplaced=[(u, _cause_key(u)) for u in unplaced],
            placed_paging=placed,
            unplaced_paging=left,
            details=details,
            names=await specialist_names([a.specialist for a in shown]),
            place_names=await place_names(),
            unplaced_causes=UNPLACED_CAUSES,
            notice=ROUND_NOTICES.get(request.query_params.get("notice", "")),
        )

    @post("/{round_id:int}/commit", name="round-commit")
    async def commit(
        self, ctx: Ctx, request: AnyRequest, round_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await rounds.commit(ctx, round_id)
        except DomainError as error:
            return await refused(request, error)
        return Redirect(f"/rounds/{round_id}?notice=committed", status_code=303)

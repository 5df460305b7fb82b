"""The co-handling pages: my engagements, and one engagement with its phases (a step
indicator and the next-phase action), its meetings (booked from the specialist's free
slots), the thread, the time log, handover to a stand-in and the close-out survey.

Plain HTML forms; every action goes through the same use cases as the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.consultations import schemas as consultation_schemas
from network.engagements import handover, opening, schemas, services
from network.engagements.lifecycle import ORDER
from network.kernel.context import Context
from network.kernel.policy import Action, decide
from network.lib.deidentified import FORM_CHECKED
from network.lib.errors import DomainError, Forbidden, InvalidInput, NotFound
from network.lib.vocab import N_
from network.specialists.services import specialist_names
from network.web.forms import form_fields, refused, to_struct
from network.web.render import render

__all__ = ("EngagementPages",)

AnyRequest = Request[Any, Any, Any]
Act = Callable[[Context, dict[str, str]], Awaitable[Any]]
CHECKED = {FORM_CHECKED: True}
SLOTS_SHOWN = 12
# The success banner after a save: ``?notice=<key>`` on the engagement's page.
NOTICES = {
    "opened": N_("You accepted the co-handling. The engagement is open."),
    "phase": N_("The engagement moved on to its next phase."),
    "end": N_("The expected end is saved."),
    "booked": N_("The meeting is booked."),
    "message": N_("The message is sent."),
    "time": N_("The time is saved."),
    "handover": N_("The engagement is handed over to the stand-in."),
    "closed": N_("The engagement is closed. Thank you for answering the survey."),
}


def _survey(form: dict[str, str]) -> consultation_schemas.Survey:
    def yes_no(name: str) -> bool | None:
        value = form.get(name, "")
        return None if value == "" else value == "yes"

    return to_struct(
        {
            "helpful": form.get("helpful", ""),
            "changed_risk_assessment": yes_no("changed_risk_assessment"),
            "escalation_avoided": yes_no("escalation_avoided"),
            "placement_avoided": yes_no("placement_avoided"),
            "referral_avoided": yes_no("referral_avoided"),
            "referral_made": form.get("referral_made", "none") or "none",
        },
        consultation_schemas.Survey,
    )


class EngagementPages(Controller):
    path = "/engagements"
    include_in_schema = False

    @get("/", name="engagements", opt={ACTION_KEY: Action.SIGNED_IN})
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The engagements you co-handle, asked for, or that your municipality has."""
        if not decide(ctx.principal, Action.CONSULTATION_READ):
            return await refused(request, Forbidden("co-handling is for case work roles"))
        items = await services.list_engagements(ctx)
        return await render(
            request,
            "engagements/index.html.j2",
            items=items,
            order=[p.value for p in ORDER],
        )

    async def _detail(
        self,
        ctx: Ctx,
        request: AnyRequest,
        engagement_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        item = await services.get(ctx, engagement_id)
        slots: list[Any] = []
        if item.phase != "closed" and (item.requester_side or item.specialist_side):
            slots = (await services.free_slots(ctx, engagement_id))[:SLOTS_SHOWN]
        people = {item.specialist}
        people |= {h.from_specialist for h in item.handovers}
        people |= {h.to_specialist for h in item.handovers}
        notice = request.query_params.get("notice") if error is None else None
        template = await render(
            request,
            "engagements/detail.html.j2",
            item=item,
            slots=slots,
            names=await specialist_names(sorted(people)),
            order=[p.value for p in ORDER],
            notice=NOTICES.get(notice or ""),
            error=error,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/{engagement_id:int}", name="engagement", opt={ACTION_KEY: Action.CONSULTATION_READ})
    async def detail(self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]) -> Template:
        """One engagement and what each side can do with it now."""
        try:
            return await self._detail(ctx, request, engagement_id)
        except DomainError as error:
            return await refused(request, error)

    @get(
        "/by-request/{request_id:int}",
        name="engagement-of-request",
        opt={ACTION_KEY: Action.CONSULTATION_READ},
    )
    async def of_request(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        """The engagement of a co-handling request (the link from the request's page)."""
        try:
            engagement_id = await services.engagement_of(ctx, request_id)
        except DomainError as error:
            return await refused(request, error)
        return Redirect(f"/engagements/{engagement_id}", status_code=303)

    async def _act(
        self, ctx: Ctx, request: AnyRequest, engagement_id: int, act: Act, notice: str
    ) -> Template | Redirect:
        """Run ``act`` with the submitted form; a refusal shows the page again with the
        form as typed and an error summary; success shows the page with a banner."""
        form = await form_fields(request)
        try:
            await act(ctx, form)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            try:
                return await self._detail(ctx, request, engagement_id, error=error, form=form)
            except DomainError as unreadable:
                return await refused(request, unreadable)
        return Redirect(f"/engagements/{engagement_id}?notice={notice}", status_code=303)

    @post(
        "/accept/{request_id:int}",
        name="engagement-accept",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, **CHECKED},
    )
    async def accept(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        """Accept a co-handling offer (from the request's page): the engagement opens."""
        try:
            engagement_id = await opening.accept(ctx, request_id)
        except DomainError as error:
            return await refused(request, error)
        return Redirect(f"/engagements/{engagement_id}?notice=opened", status_code=303)

    @post(
        "/{engagement_id:int}/phase",
        name="engagement-phase",
        opt={ACTION_KEY: Action.CONSULTATION_READ, **CHECKED},
    )
    async def phase(
        self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            await services.advance(ctx, engagement_id, form.get("phase", ""))

        return await self._act(ctx, request, engagement_id, act, "phase")

    @post(
        "/{engagement_id:int}/expected-end",
        name="engagement-expected-end",
        opt={ACTION_KEY: Action.CONSULTATION_READ, **CHECKED},
    )
    async def expected_end(
        self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            try:
                day = date.fromisoformat(form.get("expected_end", "").strip())
            except ValueError:
                raise InvalidInput("give a date", field="expected_end") from None
            await services.set_expected_end(ctx, engagement_id, day)

        return await self._act(ctx, request, engagement_id, act, "end")

    @post(
        "/{engagement_id:int}/meetings",
        name="engagement-book",
        opt={ACTION_KEY: Action.BOOKING_WRITE, **CHECKED},
    )
    async def book(
        self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            try:
                start = datetime.fromisoformat(form.get("start", ""))
            except ValueError:
                raise InvalidInput("choose one of the free times", field="start") from None
            await services.book_meeting(ctx, engagement_id, start=start)

        return await self._act(ctx, request, engagement_id, act, "booked")

    @post(
        "/{engagement_id:int}/messages",
        name="engagement-message",
        opt={ACTION_KEY: Action.CONSULTATION_READ, **CHECKED},
    )
    async def message(
        self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            body = to_struct(
                {"body": form.get("body", "")},
                schemas.EngagementMessageIn,
                case_texts=frozenset({"body"}),
            ).body
            await services.post_message(ctx, engagement_id, body)

        return await self._act(ctx, request, engagement_id, act, "message")

    @post(
        "/{engagement_id:int}/time",
        name="engagement-time",
        opt={ACTION_KEY: Action.CONSULTATION_RESPOND, **CHECKED},
    )
    async def log_time(
        self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            data = to_struct(
                {
                    "minutes": form.get("minutes", ""),
                    "worked_on": form.get("worked_on") or None,
                    "note": form.get("note", ""),
                },
                schemas.TimeIn,
                case_texts=frozenset({"note"}),
            )
            await services.log_time(ctx, engagement_id, data)

        return await self._act(ctx, request, engagement_id, act, "time")

    @post(
        "/{engagement_id:int}/handover",
        name="engagement-handover",
        opt={ACTION_KEY: Action.CONSULTATION_READ, **CHECKED},
    )
    async def hand_over(
        self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            await handover.hand_over(ctx, engagement_id)

        return await self._act(ctx, request, engagement_id, act, "handover")

    @post(
        "/{engagement_id:int}/close",
        name="engagement-close",
        opt={ACTION_KEY: Action.CONSULTATION_UPDATE, **CHECKED},
    )
    async def close(
        self, ctx: Ctx, request: AnyRequest, engagement_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, str]) -> None:
            await services.close(ctx, engagement_id, _survey(form))

        return await self._act(ctx, request, engagement_id, act, "closed")

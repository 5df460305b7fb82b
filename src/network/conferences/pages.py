"""The group case conference pages: the series you may see, one series with its
sessions (scheduling for the hub and coordinators, sign-up for social workers), and
one session (the roster and attendance, the cases and the hub's recommendations, a
social worker's own case and the answer to it).

Plain HTML forms; every action goes through the same use cases as the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.conferences import cases, participation, schemas, series
from network.kernel.context import Context
from network.kernel.policy import Action
from network.lib.deidentified import FORM_CHECKED
from network.lib.errors import DomainError, Forbidden, InvalidInput, NotFound
from network.scheduling import STOCKHOLM
from network.web.forms import form_fields, form_lists, refused, to_struct
from network.web.render import render

__all__ = ("ConferencePages",)

AnyRequest = Request[Any, Any, Any]
Act = Callable[[Context, dict[str, Any]], Awaitable[Any]]
CHECKED = {FORM_CHECKED: True}


def _local(value: str) -> datetime:
    """A form's date and time, read as Stockholm time unless it names an offset."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("give a date and a time", field="start") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


class ConferencePages(Controller):
    path = "/conferences"
    include_in_schema = False

    @get("/", name="conferences", opt={ACTION_KEY: Action.SIGNED_IN})
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The case conference series you may see."""
        return await render(
            request, "conferences/index.html.j2", items=await series.list_series(ctx)
        )

    async def _series(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        template = await render(
            request,
            "conferences/series.html.j2",
            item=await series.get_series(ctx, series_id),
            error=error,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/{series_id:int}", name="conference-series", opt={ACTION_KEY: Action.SIGNED_IN})
    async def series_page(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template:
        try:
            return await self._series(ctx, request, series_id)
        except DomainError as error:
            return await refused(request, error)

    @post(
        "/{series_id:int}/sessions",
        name="conference-schedule",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def schedule(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template | Redirect:
        """Schedule a session from the series page; a refusal keeps the form."""
        form = await form_fields(request)
        try:
            start = _local(form.get("start", ""))
            data = to_struct({"start": start, "topic": form.get("topic", "")}, schemas.SessionIn)
            await series.schedule_session(ctx, series_id, data)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            return await self._series(ctx, request, series_id, error=error, form=form)
        return Redirect(f"/conferences/{series_id}", status_code=303)

    async def _session(
        self,
        ctx: Ctx,
        request: AnyRequest,
        session_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        template = await render(
            request,
            "conferences/session.html.j2",
            item=await cases.session_detail(ctx, session_id),
            error=error,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get(
        "/sessions/{session_id:int}", name="conference-session", opt={ACTION_KEY: Action.SIGNED_IN}
    )
    async def session_page(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> Template:
        try:
            return await self._session(ctx, request, session_id)
        except DomainError as error:
            return await refused(request, error)

    async def _act(
        self, ctx: Ctx, request: AnyRequest, session_id: int, act: Act, form: dict[str, Any]
    ) -> Template | Redirect:
        try:
            await act(ctx, form)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            try:
                return await self._session(ctx, request, session_id, error=error, form=form)
            except DomainError as unreadable:
                return await refused(request, unreadable)
        return Redirect(f"/conferences/sessions/{session_id}", status_code=303)

    @post(
        "/sessions/{session_id:int}/signup",
        name="conference-signup",
        opt={ACTION_KEY: Action.CONFERENCE_JOIN, **CHECKED},
    )
    async def sign_up(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> None:
            await participation.sign_up(ctx, session_id)

        return await self._act(ctx, request, session_id, act, await form_fields(request))

    @post(
        "/sessions/{session_id:int}/cases",
        name="conference-case",
        opt={ACTION_KEY: Action.CONFERENCE_JOIN, **CHECKED},
    )
    async def present(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> None:
            data = to_struct(
                {
                    "question": form.get("question", ""),
                    "presentation": form.get("presentation", ""),
                },
                schemas.CaseIn,
                case_texts=frozenset({"question", "presentation"}),
            )
            await cases.submit_case(ctx, session_id, data)

        return await self._act(ctx, request, session_id, act, await form_fields(request))

    @post(
        "/sessions/{session_id:int}/attendance",
        name="conference-attendance",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def attendance(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> None:
            present = [int(v) for v in form["present"] if str(v).isdigit()]
            await participation.record_attendance(
                ctx, session_id, schemas.AttendanceIn(present=present)
            )

        form = await form_lists(request, "present")
        return await self._act(ctx, request, session_id, act, form)

    @post(
        "/sessions/{session_id:int}/cases/{case_id:int}/recommendation",
        name="conference-recommend",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def recommend(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int], case_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> None:
            data = to_struct(
                {"recommendation": form.get("recommendation", "")},
                schemas.RecommendationIn,
                case_texts=frozenset({"recommendation"}),
            )
            await cases.recommend(ctx, case_id, data)

        form: dict[str, Any] = {**await form_fields(request), "case": case_id}
        return await self._act(ctx, request, session_id, act, form)

"""The standing support pages: your series with their next meetings and the form to
propose one, and one series with its meetings (agree or decline, move one meeting,
end the series).

Plain HTML forms; every action goes through the same use cases as the API.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.kernel.context import Context
from network.kernel.policy import Action
from network.lib.deidentified import FORM_CHECKED
from network.lib.errors import DomainError, Forbidden, InvalidInput, NotFound
from network.lib.vocab import N_, StandingCadence
from network.scheduling import STOCKHOLM
from network.standing import schemas, series
from network.web.forms import form_fields, refused, to_struct
from network.web.render import render

__all__ = ("StandingPages",)

AnyRequest = Request[Any, Any, Any]
Act = Callable[[Context, dict[str, str]], Awaitable[Any]]
WRITE = {ACTION_KEY: Action.BOOKING_WRITE, FORM_CHECKED: True}
# The success banner after a save: ``?notice=<key>`` on the page it leads to.
NOTICES = {
    "proposed": N_("The standing time is proposed. The other party is told."),
    "agreed": N_("The standing time is agreed and the coming meetings are booked."),
    "declined": N_("The proposal is declined."),
    "ended": N_("The standing time has ended; its coming meetings are cancelled."),
    "moved": N_("The meeting is moved."),
}
# A Monday to Sunday, for the weekdays' names in the page's language.
WEEKDAYS = [date(2024, 1, 1) + timedelta(days=i) for i in range(7)]
PROPOSAL_FIELDS = (
    "specialist",
    "social_worker",
    "municipality",
    "unit",
    "weekday",
    "start_time",
    "duration_minutes",
    "cadence",
    "mode",
    "first_date",
    "end_date",
    "mentoring",
)


def _proposal(form: dict[str, str]) -> schemas.SeriesIn:
    """The propose form as the API's Struct (empty fields left out)."""
    data: dict[str, Any] = {
        key: form[key].strip() for key in PROPOSAL_FIELDS if form.get(key, "").strip()
    }
    if re.fullmatch(r"\d{2}:\d{2}", data.get("start_time", "")):  # a time input's value
        data["start_time"] += ":00"
    return to_struct(data, schemas.SeriesIn)


def _local(value: str) -> datetime:
    """A form's date and time, read as Stockholm time unless it names an offset."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("give a date and a time", field="start") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


class StandingPages(Controller):
    path = "/standing"
    include_in_schema = False

    async def _index(
        self,
        ctx: Ctx,
        request: AnyRequest,
        *,
        error: DomainError | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        notice = request.query_params.get("notice") if error is None else None
        template = await render(
            request,
            "standing/index.html.j2",
            items=await series.list_series(ctx),
            choices=await series.proposal_choices(ctx),
            cadences=[c.value for c in StandingCadence],
            weekdays=WEEKDAYS,
            notice=NOTICES.get(notice or ""),
            error=error,
            form=form or {"mentoring": request.query_params.get("mentoring", "")},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/", name="standing", opt={ACTION_KEY: Action.SIGNED_IN})
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """Your standing times with their next meetings, and the form to propose one."""
        return await self._index(ctx, request)

    @post("/", name="standing-propose", opt=WRITE)
    async def propose(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Propose a standing time; a refusal keeps the form as sent."""
        form = await form_fields(request)
        try:
            made = await series.propose(ctx, _proposal(form))
        except DomainError as error:
            return await self._index(ctx, request, error=error, form=form)
        return Redirect(f"/standing/{made.id}?notice=proposed", status_code=303)

    async def _series(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        notice = request.query_params.get("notice") if error is None else None
        template = await render(
            request,
            "standing/series.html.j2",
            item=await series.get_series(ctx, series_id),
            now=datetime.now(STOCKHOLM),
            weekdays=WEEKDAYS,
            notice=NOTICES.get(notice or ""),
            error=error,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/{series_id:int}", name="standing-series", opt={ACTION_KEY: Action.SIGNED_IN})
    async def series_page(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template:
        """One standing time with its meetings."""
        try:
            return await self._series(ctx, request, series_id)
        except DomainError as error:
            return await refused(request, error)

    async def _act(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: int,
        act: Act,
        form: dict[str, str],
        notice: str,
    ) -> Template | Redirect:
        try:
            await act(ctx, form)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            try:
                return await self._series(ctx, request, series_id, error=error, form=form)
            except DomainError as unreadable:
                return await refused(request, unreadable)
        return Redirect(f"/standing/{series_id}?notice={notice}", status_code=303)

    @post("/{series_id:int}/answer", name="standing-answer", opt=WRITE)
    async def answer(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template | Redirect:
        """Agree to or decline a proposed standing time."""
        form = await form_fields(request)
        agree = form.get("agree") == "1"

        async def act(ctx: Context, form: dict[str, str]) -> None:
            await series.answer(ctx, series_id, schemas.AnswerIn(agree=agree))

        return await self._act(
            ctx, request, series_id, act, form, "agreed" if agree else "declined"
        )

    @post("/{series_id:int}/end", name="standing-end", opt=WRITE)
    async def end(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template | Redirect:
        """End a standing time (or withdraw a proposal)."""

        async def act(ctx: Context, form: dict[str, str]) -> None:
            await series.end_series(ctx, series_id)

        return await self._act(ctx, request, series_id, act, await form_fields(request), "ended")

    @post(
        "/{series_id:int}/occurrences/{occurrence_id:int}/move",
        name="standing-move",
        opt=WRITE,
    )
    async def move(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: FromPath[int],
        occurrence_id: FromPath[int],
    ) -> Template | Redirect:
        """Move one meeting; a refusal keeps the time typed."""

        async def act(ctx: Context, form: dict[str, str]) -> None:
            data = to_struct({"start": _local(form.get("start", ""))}, schemas.MoveIn)
            await series.move_occurrence(ctx, occurrence_id, data)

        form: dict[str, str] = {**await form_fields(request), "occurrence": str(occurrence_id)}
        return await self._act(ctx, request, series_id, act, form, "moved")

"""The group case conference pages: the series you may see, one series with its
sessions (scheduling for the hub and coordinators, sign-up for social workers), and
one session (the roster and attendance, the cases and the hub's recommendations, a
social worker's own case and the answer to it), applying for a seat, and group
placement (a form over the series you manage, the preview with every person's group
and reason, commit or discard).

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
from network.conferences import (
    cases,
    meeting,
    parallel,
    participation,
    placement,
    schemas,
    series,
    sessions,
)
from network.graph import groups
from network.kernel.context import Context
from network.kernel.policy import Action, decide
from network.lib.deidentified import FORM_CHECKED
from network.lib.errors import DomainError, Forbidden, InvalidInput, NotFound
from network.lib.vocab import N_, Cadence
from network.scheduling import STOCKHOLM
from network.web.forms import form_fields, form_lists, refused, to_struct
from network.web.render import render

__all__ = ("ConferencePages",)

AnyRequest = Request[Any, Any, Any]
Act = Callable[[Context, dict[str, Any]], Awaitable[Any]]
CHECKED = {FORM_CHECKED: True}
# The success banner after a save: ``?notice=<key>`` on the page it leads to.
NOTICES = {
    "applied": N_("Your application is sent. You are told when you get a seat."),
    "withdrawn": N_("Your application is withdrawn."),
    "committed": N_("The placement is committed: the placed people have their seats and are told."),
    "discarded": N_("The placement is discarded; nothing was changed."),
    "created": N_("The series is set up. Plan its sessions below."),
    "cancelled": N_("The session is cancelled: the time is freed and the people in it are told."),
    "topic": N_("The teaching topic is saved."),
    "groups": N_(
        "The parallel groups are made, each with its first session. Their applicants can "
        "now apply; place them here when the applications are in."
    ),
}
# Why a person ended where they did (``network.graph.groups`` reasons).
PLACEMENT_REASONS = {
    groups.PLACED: N_("Placed"),
    groups.GROUPS_FULL: N_("Every group that fits them was full"),
    groups.MUNICIPALITY_LIMIT: N_("The groups with seats had their municipality's share taken"),
    groups.NO_GROUP_IN_AREA: N_("No group in their competence area"),
    groups.NO_GROUP_IN_LANGUAGE: N_("No group works in their language"),
    groups.NOT_SERVED: N_("No group serves their municipality"),
    groups.TOO_FAR: N_("The groups that fit meet on site too far away"),
    groups.DIVERSITY: N_("The groups with seats could not run with enough municipalities"),
    groups.TIME_LIMIT: N_("Not placed within the solver's time limit"),
}


def _int_or_none(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.lstrip("-").isdigit():
        raise InvalidInput("Expected `int`", field=field)
    return int(value)


def _local(value: str, *, field: str = "start") -> datetime:
    """A form's date and time, read as Stockholm time unless it names an offset."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("give a date and a time", field=field) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


class ConferencePages(Controller):
    path = "/conferences"
    include_in_schema = False

    @get("/", name="conferences", opt={ACTION_KEY: Action.SIGNED_IN})
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The case conference series you may see."""
        return await render(
            request,
            "conferences/index.html.j2",
            items=await series.list_series(ctx),
            may_create=bool(decide(ctx.principal, Action.CONFERENCE_MANAGE)),
        )

    async def _series(
        self,
        ctx: Ctx,
        request: AnyRequest,
        series_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, Any] | None = None,
        applying: bool = False,
        planning: bool = False,
        planned: schemas.PlanOut | None = None,
    ) -> Template:
        notice = request.query_params.get("notice") if error is None else None
        booked = request.query_params.get("booked", "") if error is None else ""
        item = await series.get_series(ctx, series_id)
        rounds = await placement.list_placements(ctx, series_id) if item.may_manage else []
        template = await render(
            request,
            "conferences/series.html.j2",
            item=item,
            placements=rounds,
            error=None if applying or planning else error,
            apply_error=error if applying else None,
            plan_error=error if planning else None,
            planned=planned,
            # After a plan with nothing skipped (redirected, so a reload plans nothing).
            booked=int(booked) if planned is None and booked.isdigit() else None,
            form=form or {},
            notice=NOTICES.get(notice or ""),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    async def _new(
        self,
        ctx: Ctx,
        request: AnyRequest,
        *,
        hub: int | None,
        form: dict[str, Any] | None = None,
        error: DomainError | None = None,
    ) -> Template:
        options = await series.series_options(ctx, hub)
        template = await render(
            request,
            "conferences/new.html.j2",
            options=options,
            form=form,
            error=error,
            cadences=[c.value for c in Cadence],
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/new", name="conference-new", opt={ACTION_KEY: Action.CONFERENCE_MANAGE})
    async def new(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The form that sets up a series: a hub specialist's own, or a coordinator's
        naming the hub (chosen first: the areas and places follow the hub)."""
        hub = request.query_params.get("hub", "")
        return await self._new(ctx, request, hub=int(hub) if hub.isdigit() else None)

    @post(
        "/new",
        name="conference-create",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def create(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Set up a series with the API's use case; a refused form comes back as sent."""
        form = await form_lists(request, "municipalities")
        hub = _int_or_none(form.get("hub", ""), "hub") if form.get("hub", "").isdigit() else None
        try:
            data = to_struct(
                {
                    "title": form.get("title", ""),
                    "area": form.get("area", ""),
                    "municipalities": form["municipalities"],
                    "cadence": form.get("cadence", ""),
                    "duration_minutes": form.get("duration_minutes", ""),
                    "mode": form.get("mode", ""),
                    "capacity": form.get("capacity", ""),
                    "hub": hub,
                    "language": form.get("language", ""),
                    "by_application": form.get("by_application") == "on",
                },
                schemas.SeriesIn,
            )
            made = await series.create_series(ctx, data)
        except DomainError as error:
            if isinstance(error, Forbidden) and error.field != "hub":
                return await refused(request, error)
            return await self._new(ctx, request, hub=hub, form=form, error=error)
        return Redirect(f"/conferences/{made.id}?notice=created", status_code=303)

    @post(
        "/{series_id:int}/plan",
        name="conference-plan",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def plan(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template | Redirect:
        """Plan the next sessions by cadence. All booked: back to the series page with
        the count (a redirect, so reloading plans nothing twice); some skipped: the page
        shows what was booked and what was skipped; refused: the form as sent."""
        form = await form_fields(request)
        try:
            first = _local(form.get("first", ""), field="first")
            count = form.get("count", "")
            topics = [t for t in form.get("topics", "").splitlines()]
            while topics and not topics[-1].strip():
                topics.pop()
            data = to_struct(
                {"first": first, "count": count, "topics": [t.strip() for t in topics]},
                schemas.PlanIn,
            )
            planned = await series.plan_sessions(ctx, series_id, data)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            return await self._series(
                ctx, request, series_id, error=error, form=form, planning=True
            )
        if not planned.skipped:
            return Redirect(
                f"/conferences/{series_id}?booked={len(planned.booked)}#plan-heading",
                status_code=303,
            )
        return await self._series(ctx, request, series_id, planned=planned)

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
        """Run ``act`` on the session page's form: then to the page ``act`` returns (the
        session's by default); a refusal shows the session page with the form as sent."""
        try:
            then = await act(ctx, form)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            try:
                return await self._session(ctx, request, session_id, error=error, form=form)
            except DomainError as unreadable:
                return await refused(request, unreadable)
        return Redirect(
            then if isinstance(then, str) else f"/conferences/sessions/{session_id}",
            status_code=303,
        )

    @post(
        "/sessions/{session_id:int}/cancel",
        name="conference-cancel",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def cancel(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> Template | Redirect:
        """Cancel a session once the confirmation is ticked; the people in it are told."""

        async def act(ctx: Context, form: dict[str, Any]) -> str:
            if form.get("confirm") != "on":
                raise InvalidInput("tick the box to confirm the cancellation", field="confirm")
            done = await sessions.cancel_session(ctx, session_id)
            return f"/conferences/{done.series}?notice=cancelled"

        return await self._act(ctx, request, session_id, act, await form_fields(request))

    @post(
        "/sessions/{session_id:int}/topic",
        name="conference-topic",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def topic(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> None:
            data = to_struct({"topic": form.get("topic", "")}, schemas.TopicIn)
            await sessions.set_topic(ctx, session_id, data)

        form: dict[str, Any] = {**await form_fields(request), "editing": "topic"}
        return await self._act(ctx, request, session_id, act, form)

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
        "/sessions/{session_id:int}/meeting-details",
        name="conference-meeting-details",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def meeting_details(
        self, ctx: Ctx, request: AnyRequest, session_id: FromPath[int]
    ) -> Template | Redirect:
        """The hub (or a coordinator) says how to meet; a refusal keeps the form."""

        async def act(ctx: Context, form: dict[str, Any]) -> None:
            details = to_struct(
                {"details": form.get("meeting_details", "")}, schemas.MeetingDetailsIn
            ).details
            await meeting.set_meeting_details(ctx, session_id, details, field="meeting_details")

        return await self._act(ctx, request, session_id, act, await form_fields(request))

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

    @post(
        "/{series_id:int}/applications",
        name="conference-apply",
        opt={ACTION_KEY: Action.CONFERENCE_JOIN, **CHECKED},
    )
    async def apply(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template | Redirect:
        """Apply for a seat from the series page; a refusal keeps the form."""
        form = await form_fields(request)
        try:
            languages = [form.get("language", "sv")]
            also = form.get("also", "").strip()
            if also:
                languages.append(also)
            rank = _int_or_none(form.get("rank", ""), "rank")
            data = to_struct(
                {"languages": languages, "rank": 1 if rank is None else rank},
                schemas.ApplicationIn,
            )
            await placement.apply(ctx, series_id, data)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            return await self._series(
                ctx, request, series_id, error=error, form=form, applying=True
            )
        return Redirect(f"/conferences/{series_id}?notice=applied", status_code=303)

    @post(
        "/{series_id:int}/applications/withdraw",
        name="conference-withdraw",
        opt={ACTION_KEY: Action.CONFERENCE_JOIN, **CHECKED},
    )
    async def withdraw(
        self, ctx: Ctx, request: AnyRequest, series_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await placement.withdraw(ctx, series_id)
        except DomainError as error:
            return await refused(request, error)
        return Redirect(f"/conferences/{series_id}?notice=withdrawn", status_code=303)

    async def _placement_form(
        self,
        ctx: Ctx,
        request: AnyRequest,
        *,
        chosen: list[int],
        form: dict[str, Any],
        error: DomainError | None = None,
    ) -> Template:
        managed = [s for s in await series.list_series(ctx) if s.may_manage]
        notice = request.query_params.get("notice") if error is None else None
        template = await render(
            request,
            "conferences/placement_new.html.j2",
            items=managed,
            chosen=set(chosen),
            form=form,
            error=error,
            notice=NOTICES.get(notice or ""),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    async def _groups_form(
        self,
        ctx: Ctx,
        request: AnyRequest,
        *,
        form: dict[str, Any],
        error: DomainError | None = None,
    ) -> Template:
        choices = await parallel.group_choices(ctx.principal)
        template = await render(
            request,
            "conferences/groups_new.html.j2",
            choices=choices,
            area_names={a.code: (a.name_sv, a.name_en) for a in choices.areas},
            form=form,
            error=error,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get(
        "/groups/new",
        name="conference-groups-new",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE},
    )
    async def groups_new(self, ctx: Ctx, request: AnyRequest) -> Template:
        """Several parallel groups of one area at once: a series per hub, each with its
        first session, opened by application."""
        return await self._groups_form(ctx, request, form={"municipalities": [], "hubs": []})

    @post(
        "/groups",
        name="conference-groups-create",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def groups_create(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Make the parallel groups (all or nothing), then go on to placing their
        applicants; a refused form comes back as it was sent."""
        form = await form_lists(request, "municipalities", "hubs")
        try:
            # Every empty field named at once (the Struct refuses them one by one).
            missing = [
                n for n in ("title", "area", "start", "topic") if not form.get(n, "").strip()
            ]
            missing += [n for n in ("hubs", "municipalities") if not form[n]]
            if missing:
                raise InvalidInput(
                    "is required",
                    field=missing[0],
                    errors=[{"field": n, "message": "is required"} for n in missing],
                )
            start = _local(form.get("start", ""))
            data = to_struct(
                {
                    "title": form.get("title", ""),
                    "area": form.get("area", ""),
                    "municipalities": form["municipalities"],
                    "hubs": [_int_or_none(v, "hubs") for v in form["hubs"]],
                    "start": start,
                    "topic": form.get("topic", ""),
                    "cadence": form.get("cadence", "monthly"),
                    "duration_minutes": _int_or_none(
                        form.get("duration_minutes", ""), "duration_minutes"
                    )
                    or 90,
                    "mode": form.get("mode", "video"),
                    "capacity": _int_or_none(form.get("capacity", ""), "capacity") or 12,
                    "language": form.get("language", "sv"),
                },
                schemas.GroupsIn,
            )
            made = await placement.create_groups(ctx, data)
        except DomainError as error:
            return await self._groups_form(ctx, request, form=form, error=error)
        query = "&".join(f"series={s.id}" for s in made)
        return Redirect(f"/conferences/placements/new?{query}&notice=groups", status_code=303)

    @get(
        "/placements/new",
        name="conference-placement-new",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE},
    )
    async def placement_new(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The series (groups) you manage to place applicants into, and the mixing rule."""
        chosen = [int(v) for v in request.query_params.getall("series", []) if v.isdigit()]
        return await self._placement_form(ctx, request, chosen=chosen, form={})

    @post(
        "/placements",
        name="conference-placement-preview",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def placement_preview(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Preview a group placement; a refused form comes back as it was sent."""
        form = await form_lists(request, "series")
        chosen = [int(v) for v in form["series"] if str(v).isdigit()]
        try:
            data = to_struct(
                {
                    "series": chosen,
                    "max_per_municipality": _int_or_none(
                        form.get("max_per_municipality", ""), "max_per_municipality"
                    ),
                    "min_municipalities": _int_or_none(
                        form.get("min_municipalities", ""), "min_municipalities"
                    )
                    or 1,
                },
                schemas.PlacementIn,
            )
            made = await placement.preview(ctx, data)
        except DomainError as error:
            if isinstance(error, Forbidden):
                return await refused(request, error)
            return await self._placement_form(ctx, request, chosen=chosen, form=form, error=error)
        return Redirect(f"/conferences/placements/{made.id}", status_code=303)

    async def _placement(
        self,
        ctx: Ctx,
        request: AnyRequest,
        placement_id: int,
        *,
        error: DomainError | None = None,
    ) -> Template:
        notice = request.query_params.get("notice") if error is None else None
        item = await placement.get_placement(ctx, placement_id)
        titles = {g.series: g.title for g in item.groups}
        template = await render(
            request,
            "conferences/placement.html.j2",
            item=item,
            titles=titles,
            reasons_of=PLACEMENT_REASONS,
            error=error,
            notice=NOTICES.get(notice or ""),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get(
        "/placements/{placement_id:int}",
        name="conference-placement",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE},
    )
    async def placement_page(
        self, ctx: Ctx, request: AnyRequest, placement_id: FromPath[int]
    ) -> Template:
        try:
            return await self._placement(ctx, request, placement_id)
        except DomainError as error:
            return await refused(request, error)

    async def _decide(
        self, ctx: Ctx, request: AnyRequest, placement_id: int, *, keep: bool
    ) -> Template | Redirect:
        try:
            if keep:
                await placement.commit(ctx, placement_id)
            else:
                await placement.discard(ctx, placement_id)
        except DomainError as error:
            if isinstance(error, Forbidden | NotFound):
                return await refused(request, error)
            try:
                return await self._placement(ctx, request, placement_id, error=error)
            except DomainError as unreadable:
                return await refused(request, unreadable)
        notice = "committed" if keep else "discarded"
        return Redirect(f"/conferences/placements/{placement_id}?notice={notice}", status_code=303)

    @post(
        "/placements/{placement_id:int}/commit",
        name="conference-placement-commit",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def placement_commit(
        self, ctx: Ctx, request: AnyRequest, placement_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._decide(ctx, request, placement_id, keep=True)

    @post(
        "/placements/{placement_id:int}/discard",
        name="conference-placement-discard",
        opt={ACTION_KEY: Action.CONFERENCE_MANAGE, **CHECKED},
    )
    async def placement_discard(
        self, ctx: Ctx, request: AnyRequest, placement_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._decide(ctx, request, placement_id, keep=False)

"""The specialists' web pages: the profile, weekly hours, absences, "my week" and the
calendar feed of one specialist; the coordinator's list of their specialists.

Plain HTML forms (no script needed). A refused form is shown again with the
user's input kept and the error next to it; a successful one redirects back.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.consultations.response_times import specialist_response_times
from network.directory.services import list_areas
from network.kernel.policy import Action, Principal, visible_scope
from network.lib import clock
from network.lib.errors import DomainError, Forbidden, InvalidInput
from network.lib.vocab import N_, AbsenceReason, Role, Urgency, WorkKind
from network.scheduling import STOCKHOLM
from network.server.links import public_link
from network.specialists import calendar, editing, points, schemas, services
from network.specialists.capacity import week_load
from network.specialists.week import my_week, time_left, urgency_tag
from network.specialists.workload import by_kind, points_load
from network.standing.occurrences import standing_bookings
from network.web.forms import form_lists, refused, to_struct
from network.web.render import render

__all__ = ("MyCalendarPage", "SpecialistPages", "parse_week")

AnyRequest = Request[Any, Any, Any]
WEEKDAYS = range(7)
BLANK_COMPETENCE_ROWS = 3
MAX_POINTS_ROWS = 500  # rows of one scope on the points page (the national model has 47)
# What uses a week's capacity, as "my week" names it (``capacity.WeekEntry.kind``).
WEEK_ENTRY_LABELS = {
    "meeting": N_("Consultation meeting"),
    "conference": N_("Group case conference"),
    "written": N_("Written consultation"),
}
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# The success banner after a save: ``?notice=<key>`` on the page, shown in the
# section the form belongs to (the redirect goes to its anchor).
NOTICES = {
    "profile": ("profile", N_("The profile is saved.")),
    "hours": ("hours", N_("The weekly hours are saved.")),
    "absence-added": ("absences", N_("The absence is saved.")),
    "absence-removed": ("absences", N_("The absence is removed.")),
    "feed-revoked": ("calendar", N_("The calendar address no longer works.")),
    "meeting": ("meeting", N_("The meeting details are saved.")),
}
_INTERVAL = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_week(value: str | None, today: date) -> date:
    """The Monday of ``YYYY-Www`` (ISO week), or of this week when ``value`` is empty."""
    if not value:
        return today - timedelta(days=today.weekday())
    match = _WEEK.match(value)
    if match is None:
        raise InvalidInput("must be a week such as 2026-W48", field="week", source="query")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InvalidInput("no such week", field="week", source="query") from None


def _week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _profile_from_form(form: dict[str, Any], keys: list[str]) -> schemas.ProfileIn:
    competences = []
    for index in range(int(form.get("competence_rows", "0") or 0)):
        area = str(form.get(f"area_{index}", "")).strip()
        if area:
            competences.append(
                {
                    "area": area,
                    "level": form.get(f"level_{index}", ""),
                    "note": str(form.get(f"note_{index}", "")).strip(),
                }
            )
    # Ticked boxes (one value each); a comma-separated text (older clients) still works.
    chosen = form.get("languages", [])
    values = chosen if isinstance(chosen, list) else [chosen]
    languages = list(
        dict.fromkeys(
            part.strip().lower()
            for value in values
            for part in str(value).split(",")
            if part.strip()
        )
    )
    return to_struct(
        {
            "version": form.get("version", ""),
            "title": str(form.get("title", "")).strip(),
            "languages": languages,
            "modes": [mode for mode in ("phone", "video", "on_site") if mode in keys],
            "max_travel_km": form.get("max_travel_km") or 0,
            "consultations_per_week": form.get("consultations_per_week", ""),
            "mentees_capacity": form.get("mentees_capacity") or 0,
            "points_capacity": form.get("points_capacity") or None,
            "slot_minutes": form.get("slot_minutes", ""),
            "buffer_minutes": form.get("buffer_minutes") or 0,
            "accepts_new": "accepts_new" in keys,
            "competences": competences,
        },
        schemas.ProfileIn,
    )


def _hours_from_form(form: dict[str, Any]) -> list[schemas.Interval]:
    hours = []
    for weekday in WEEKDAYS:
        text = str(form.get(f"hours_{weekday}", "")).strip()
        for part in filter(None, (p.strip() for p in text.split(","))):
            match = _INTERVAL.match(part)
            if match is None:
                raise InvalidInput(
                    f"{part!r} is not an interval such as 08:00-12:00", field=f"hours_{weekday}"
                )
            try:
                start = time(int(match[1]), int(match[2]))
                end = time(int(match[3]), int(match[4]))
            except ValueError:
                raise InvalidInput(
                    f"{part!r} is not a time of day", field=f"hours_{weekday}"
                ) from None
            hours.append(schemas.Interval(weekday=weekday, start=start, end=end))
    return hours


def _local_instant(value: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("must be a date and time", field=field) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment


def _absence_from_form(form: dict[str, Any]) -> schemas.AbsenceCreate:
    stand_in = str(form.get("stand_in", "")).strip()
    return to_struct(
        {
            "starts_at": _local_instant(str(form.get("starts_at", "")), "starts_at"),
            "ends_at": _local_instant(str(form.get("ends_at", "")), "ends_at"),
            "reason": form.get("reason", "other"),
            "stand_in": int(stand_in) if stand_in.isdigit() else None,
        },
        schemas.AbsenceCreate,
    )


def _hours_text(profile: schemas.ProfileOut) -> dict[int, str]:
    return {
        weekday: ", ".join(
            f"{h.start:%H:%M}-{h.end:%H:%M}" for h in profile.hours if h.weekday == weekday
        )
        for weekday in WEEKDAYS
    }


def _points_from_form(form: dict[str, Any]) -> tuple[schemas.WorkPointsIn, list[str]]:
    """The points page's form as the API's body, and the form field of each row (for
    a refusal naming ``rows[i]``). A blank points box: the national row applies."""
    rows: list[dict[str, Any]] = []
    fields: list[str] = []
    given = str(form.get("rows", "0") or "0").strip()
    if not (given.isascii() and given.isdigit() and int(given) <= MAX_POINTS_ROWS):
        raise InvalidInput(f"must be a whole number from 0 to {MAX_POINTS_ROWS}", field="rows")
    for index in [*map(str, range(int(given))), "new"]:
        text = str(form.get(f"points_{index}", "")).strip()
        if not text:
            continue
        if not text.isdigit() or int(text) > 100:
            raise InvalidInput("must be a whole number from 0 to 100", field=f"points_{index}")
        rows.append(
            {
                "kind": form.get(f"kind_{index}", ""),
                "urgency": form.get(f"urgency_{index}", "") or Urgency.PLANNED.value,
                "area": form.get(f"area_{index}", ""),
                "points": int(text),
            }
        )
        fields.append(f"points_{index}")
    return to_struct({"rows": rows}, schemas.WorkPointsIn), fields


class SpecialistPages(Controller):
    path = "/specialists"
    include_in_schema = False

    @get("/", name="specialists", opt={ACTION_KEY: Action.SIGNED_IN})
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Coordinators: the specialists of their municipalities or county and their load.
        A specialist is sent to their own page."""
        if not ctx.principal.has(Role.COORDINATOR):
            if ctx.principal.specialist_id is not None:
                return Redirect(f"/specialists/{ctx.principal.specialist_id}", status_code=303)
            return await refused(request, Forbidden("only coordinators list specialists"))
        scope = visible_scope(ctx.principal, Action.SPECIALIST_EDIT)
        found: dict[int, schemas.Specialist] = {}
        for county in sorted(scope.counties):
            for item in await services.list_specialists(
                area=None, municipality=None, county=county
            ):
                found[item.id] = item
        for municipality in sorted(scope.municipalities):
            for item in await services.list_specialists(
                area=None, municipality=municipality, county=None
            ):
                found[item.id] = item
        monday = parse_week(None, clock.today())
        loads = await week_load(found.keys(), monday)
        points = await points_load(found.keys(), monday)
        rows = sorted(found.values(), key=lambda s: (s.home_municipality_name, s.name))
        return await render(
            request,
            "specialists/index.html.j2",
            specialists=rows,
            loads=loads,
            points=points,
            over=sum(1 for p in points.values() if p.over),
            week=_week_label(monday),
            areas={a.code: a for a in await list_areas()},
        )

    async def _points_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        scope: str,
        *,
        error: DomainError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        table = await points.points_table(ctx.principal, scope)
        template = await render(
            request,
            "specialists/points.html.j2",
            table=table,
            scopes=points.coordinated_scopes(ctx.principal),
            areas={a.code: a for a in await list_areas()},
            kinds=[k.value for k in WorkKind],
            urgencies=[u.value for u in Urgency],
            saved=request.query_params.get("saved") == "1" and error is None,
            error=error,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/points", name="work-points", opt={ACTION_KEY: Action.SIGNED_IN})
    async def work_points(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The case points of each kind of work in a county (the coordinator's own by
        default) or nationally, editable by the county's coordinators."""
        mine = points.coordinated_scopes(ctx.principal)
        scope = request.query_params.get("scope") or (mine[0] if mine else "national")
        try:
            return await self._points_page(ctx, request, scope)
        except DomainError as error:
            return await refused(request, error)

    @post("/points", name="work-points-form", opt={ACTION_KEY: Action.SPECIALIST_EDIT})
    async def save_work_points(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """The points form: a scope's own rows, blank boxes falling back to the national."""
        form: dict[str, Any] = await form_lists(request)
        scope = str(form.get("scope", ""))
        fields: list[str] = []
        try:
            data, fields = _points_from_form(form)
            await points.set_points(ctx, scope, data)
        except DomainError as error:
            if isinstance(error, Forbidden):
                return await refused(request, error)
            row = re.match(r"^rows\[(\d+)\]", error.field or "")
            if isinstance(error, InvalidInput) and row and int(row[1]) < len(fields):
                error = InvalidInput(error.message, field=fields[int(row[1])])
            try:
                return await self._points_page(ctx, request, scope, error=error, form=form)
            except DomainError as unknown:
                return await refused(request, unknown)
        return Redirect(f"/specialists/points?scope={scope}&saved=1", status_code=303)

    async def _page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        specialist_id: int,
        *,
        error: DomainError | None = None,
        section: str | None = None,
        form: dict[str, Any] | None = None,
        feed_address: str | None = None,
    ) -> Template:
        await editing.authorize(ctx.principal, specialist_id)
        profile = await services.profile_for_editing(specialist_id)
        today = clock.today()
        try:
            monday = parse_week(request.query_params.get("week"), today)
        except InvalidInput as bad_week:
            monday, error, section = parse_week(None, today), bad_week, "week"
        week_view = await my_week(ctx, specialist_id, monday)
        now = clock.now()
        points = (await points_load([specialist_id], monday)).get(specialist_id)
        is_self = ctx.principal.specialist_id == specialist_id
        colleagues = await services.list_specialists(
            area=None, municipality=None, county=profile.specialist.county
        )
        answers = await specialist_response_times(specialist_id, now=clock.now())
        template = await render(
            request,
            "specialists/page.html.j2",
            answers=answers,
            profile=profile,
            areas=await list_areas(),
            competence_rows=len(profile.specialist.competences) + BLANK_COMPETENCE_ROWS,
            hours_text=_hours_text(profile),
            reasons=[r.value for r in AbsenceReason],
            colleagues=[c for c in colleagues if c.id != specialist_id],
            offers=[
                (
                    offer,
                    time_left(offer.deadline, now),
                    urgency_tag(offer.deadline, offer.urgency, now),
                )
                for offer in week_view.offers
            ],
            entries=[
                (entry, entry.at.astimezone(STOCKHOLM).date() == now.astimezone(STOCKHOLM).date())
                for entry in week_view.entries
            ],
            week_entry_labels=WEEK_ENTRY_LABELS,
            load=week_view.load,
            standing=await standing_bookings(
                e.booking for e in week_view.entries if e.booking is not None
            ),
            points=points,
            points_by_kind=by_kind(points) if points else [],
            week=_week_label(monday),
            week_days=[monday + timedelta(days=i) for i in range(7)],
            previous_week=_week_label(monday - timedelta(days=7)),
            next_week=_week_label(monday + timedelta(days=7)),
            is_self=is_self,
            feed=await calendar.feed_status(ctx.principal, specialist_id) if is_self else None,
            feed_address=feed_address,
            notice=None if error else NOTICES.get(request.query_params.get("notice", "")),
            error=error,
            section=section,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/{specialist_id:int}", name="specialist-page", opt={ACTION_KEY: Action.SPECIALIST_EDIT})
    async def page(self, ctx: Ctx, request: AnyRequest, specialist_id: FromPath[int]) -> Template:
        """One specialist's profile, hours, absences, week and calendar feed."""
        try:
            return await self._page(ctx, request, specialist_id)
        except DomainError as error:
            return await refused(request, error)

    async def _form(
        self,
        ctx: Ctx,
        request: AnyRequest,
        specialist_id: int,
        section: str,
        action: Callable[[Principal, dict[str, Any], list[str]], Awaitable[str | None]],
        *,
        notice: str | None = None,
    ) -> Template | Redirect:
        form: dict[str, Any] = await form_lists(request, "languages")
        try:
            feed_address = await action(ctx.principal, form, list(form))
        except DomainError as error:
            if isinstance(error, Forbidden):
                return await refused(request, error)
            return await self._page(
                ctx, request, specialist_id, error=error, section=section, form=form
            )
        if feed_address is not None:
            return await self._page(ctx, request, specialist_id, feed_address=feed_address)
        week = request.query_params.get("week")
        query = [f"week={week}"] if week and _WEEK.match(week) else []
        query += [f"notice={notice}"] if notice in NOTICES else []
        suffix = f"?{'&'.join(query)}" if query else ""
        return Redirect(f"/specialists/{specialist_id}{suffix}#{section}", status_code=303)

    @post(
        "/{specialist_id:int}/profile",
        name="specialist-profile-form",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def save_profile(
        self, ctx: Ctx, request: AnyRequest, specialist_id: FromPath[int]
    ) -> Template | Redirect:
        """The profile and competences form."""

        async def run(principal: Principal, form: dict[str, Any], keys: list[str]) -> None:
            data = _profile_from_form(form, keys)
            await editing.update_profile(ctx, specialist_id, data)

        return await self._form(ctx, request, specialist_id, "profile", run, notice="profile")

    @post(
        "/{specialist_id:int}/meeting-details",
        name="specialist-meeting-details-form",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def save_meeting_details(
        self, ctx: Ctx, request: AnyRequest, specialist_id: FromPath[int]
    ) -> Template | Redirect:
        """The default meeting details form: video link, phone for meetings, place."""

        async def run(principal: Principal, form: dict[str, Any], keys: list[str]) -> None:
            data = to_struct(
                {name: str(form.get(name, "")) for name in ("video_url", "phone", "place")},
                schemas.MeetingDetailsIn,
            )
            await editing.set_meeting_details(ctx, specialist_id, data)

        return await self._form(ctx, request, specialist_id, "meeting", run, notice="meeting")

    @post(
        "/{specialist_id:int}/hours",
        name="specialist-hours-form",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def save_hours(
        self, ctx: Ctx, request: AnyRequest, specialist_id: FromPath[int]
    ) -> Template | Redirect:
        """The weekly hours form: one line of intervals per weekday."""

        async def run(principal: Principal, form: dict[str, Any], keys: list[str]) -> None:
            hours = _hours_from_form(form)
            try:
                await editing.replace_hours(ctx, specialist_id, hours)
            except InvalidInput as error:
                index = re.search(r"hours\[(\d+)\]", error.field or "")
                if index is None:
                    raise
                weekday = hours[int(index[1])].weekday
                raise InvalidInput(error.message, field=f"hours_{weekday}") from None

        return await self._form(ctx, request, specialist_id, "hours", run, notice="hours")

    @post(
        "/{specialist_id:int}/absences",
        name="specialist-absence-form",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def add_absence(
        self, ctx: Ctx, request: AnyRequest, specialist_id: FromPath[int]
    ) -> Template | Redirect:
        """The "add absence" form."""

        async def run(principal: Principal, form: dict[str, Any], keys: list[str]) -> None:
            data = _absence_from_form(form)
            await editing.add_absence(ctx, specialist_id, data)

        return await self._form(
            ctx, request, specialist_id, "absences", run, notice="absence-added"
        )

    @post(
        "/{specialist_id:int}/absences/{absence_id:int}/remove",
        name="specialist-absence-remove",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def remove_absence(
        self,
        ctx: Ctx,
        request: AnyRequest,
        specialist_id: FromPath[int],
        absence_id: FromPath[int],
    ) -> Template | Redirect:
        """The "remove" button of one absence."""

        async def run(principal: Principal, form: dict[str, Any], keys: list[str]) -> None:
            await editing.delete_absence(ctx, specialist_id, absence_id)

        return await self._form(
            ctx, request, specialist_id, "absences", run, notice="absence-removed"
        )

    @post(
        "/{specialist_id:int}/calendar-feed",
        name="specialist-feed-create",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def create_feed(
        self, ctx: Ctx, request: AnyRequest, specialist_id: FromPath[int]
    ) -> Template | Redirect:
        """Make a new calendar address and show it once."""

        async def run(principal: Principal, form: dict[str, Any], keys: list[str]) -> str:
            token = await calendar.create_feed(ctx, specialist_id)
            return public_link(request, calendar.feed_path(token))

        return await self._form(ctx, request, specialist_id, "calendar", run)

    @post(
        "/{specialist_id:int}/calendar-feed/revoke",
        name="specialist-feed-revoke",
        opt={ACTION_KEY: Action.SPECIALIST_EDIT},
    )
    async def revoke_feed(
        self, ctx: Ctx, request: AnyRequest, specialist_id: FromPath[int]
    ) -> Template | Redirect:
        """Stop the calendar address from working."""

        async def run(principal: Principal, form: dict[str, Any], keys: list[str]) -> None:
            await calendar.revoke_feed(ctx, specialist_id)

        return await self._form(ctx, request, specialist_id, "calendar", run, notice="feed-revoked")


class MyCalendarPage(Controller):
    """Every signed-in person's own calendar address: their meetings as requester,
    standing support times and conference sessions (the specialists' page keeps the
    feed of their own calendar)."""

    path = "/my-calendar"
    include_in_schema = False
    opt = {ACTION_KEY: Action.SIGNED_IN}

    async def _page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        *,
        address: str | None = None,
        error: DomainError | None = None,
    ) -> Template:
        notice = request.query_params.get("notice") if error is None else None
        template = await render(
            request,
            "specialists/my_calendar.html.j2",
            feed=await calendar.user_feed_status(ctx.principal),
            feed_address=address,
            error=error,
            notice=N_("The calendar address no longer works.") if notice == "revoked" else None,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/", name="my-calendar")
    async def show(self, ctx: Ctx, request: AnyRequest) -> Template:
        """Your calendar address: make, renew or stop it."""
        return await self._page(ctx, request)

    @post("/", name="my-calendar-create")
    async def create(self, ctx: Ctx, request: AnyRequest) -> Template:
        """Make a new calendar address and show it once."""
        try:
            token = await calendar.create_user_feed(ctx)
        except DomainError as error:
            return await self._page(ctx, request, error=error)
        return await self._page(
            ctx, request, address=public_link(request, calendar.feed_path(token))
        )

    @post("/revoke", name="my-calendar-revoke")
    async def revoke(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Stop the calendar address from working."""
        try:
            await calendar.revoke_user_feed(ctx)
        except DomainError as error:
            return await self._page(ctx, request, error=error)
        return Redirect("/my-calendar?notice=revoked", status_code=303)

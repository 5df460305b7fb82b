"""Mentoring pages: the overview for mentees, mentors and coordinators; a programme
(offer to mentor, ask for a mentor, rank applicants, add a cohort); a cohort (both
answers of a round side by side, progress, late joiners, CSV); a pair (the ladder
and the meetings). Plain HTML forms, no script needed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.directory.services import list_areas
from network.kernel.context import Context
from network.kernel.policy import Action
from network.lib import clock
from network.lib.clock import today
from network.lib.errors import DomainError, Forbidden, InvalidInput
from network.lib.vocab import (
    GroupPartFormat,
    MeetingMode,
    MentoringConstraint,
    MentoringStatus,
    Role,
)
from network.mentoring import group_parts, ladder, mentors, programmes, requests, rounds, schemas
from network.mentoring.tables import MentoringRequest
from network.web.forms import form_lists, refused, to_struct
from network.web.parties import parties_from_form, party_choices
from network.web.render import render

__all__ = ("MentoringPages",)

AnyRequest = Request[Any, Any, Any]
SIGNED_IN = {ACTION_KEY: Action.SIGNED_IN}
MANAGE = {ACTION_KEY: Action.MENTORING_MANAGE}
TAKE_PART = {ACTION_KEY: Action.MENTORING_REQUEST}
WISHES = 3
Act = Callable[[Context, dict[str, Any]], Awaitable[str]]


def programme_from_form(form: dict[str, Any]) -> schemas.ProgrammeIn:
    steps = [line.strip() for line in form.get("steps", "").splitlines() if line.strip()]
    return to_struct(
        {
            "name": form.get("name", ""),
            "start_date": form.get("start_date", ""),
            "end_date": form.get("end_date", ""),
            **parties_from_form(form),
            "steps": steps,
            "stale_weeks": form.get("stale_weeks") or 6,
        },
        schemas.ProgrammeIn,
    )


def _ranking(form: dict[str, Any], prefix: str) -> list[int]:
    """Ids ranked by the numbers typed into ``<prefix><id>`` fields (blank: unranked)."""
    ranked = []
    for key, value in form.items():
        if key.startswith(prefix) and str(value).strip():
            try:
                ranked.append((int(value), int(key.removeprefix(prefix))))
            except ValueError:
                raise InvalidInput("a rank is a whole number", field=key) from None
    return [item for _, item in sorted(ranked)]


class MentoringPages(Controller):
    path = "/mentoring"
    include_in_schema = False

    # --- overview ----------------------------------------------------------------

    @get("/", name="mentoring", opt=SIGNED_IN)
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """Your requests and pairs, your mentoring, and the programmes you may join."""
        home = programmes.home_of(ctx.principal)
        shown = await programmes.list_programmes(
            ctx.principal,
            municipality=None if home is None or ctx.principal.has(Role.COORDINATOR) else home[0],
        )
        offers = await mentors.offers_of(ctx.principal.user_id)
        mentees = await requests.load_requests(
            where=MentoringRequest.offer.is_in([o.id for o in offers] or [0])
            & (MentoringRequest.status == MentoringStatus.MATCHED)
        )
        return await render(
            request,
            "mentoring/index.html.j2",
            programmes=shown,
            mine=await requests.my_requests(ctx.principal),
            offers=offers,
            mentees=mentees,
            may_create=ctx.principal.has(Role.COORDINATOR),
            group_sessions=await group_parts.my_sessions(ctx),
            now=clock.now(),
        )

    # --- programmes --------------------------------------------------------------

    async def _new_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        form: dict[str, Any],
        error: DomainError | None = None,
    ) -> Template:
        template = await render(
            request,
            "mentoring/new.html.j2",
            form=form,
            error=error,
            **await party_choices(ctx.principal, Action.MENTORING_MANAGE),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/programmes/new", name="mentoring-programme-new", opt=MANAGE)
    async def new_programme(self, ctx: Ctx, request: AnyRequest) -> Template:
        form = {"kind": "county", "steps": "\n".join(schemas.DEFAULT_LADDER), "stale_weeks": "6"}
        counties = sorted({b.county for b in ctx.principal.bindings if b.role is Role.COORDINATOR})
        if counties:
            form["county"] = counties[0]
        return await self._new_page(ctx, request, form)

    @post("/programmes/new", name="mentoring-programme-create", opt=MANAGE)
    async def create_programme(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        form = await form_lists(request, "municipalities")
        try:
            made = await programmes.create_programme(ctx, programme_from_form(form))
        except Forbidden as error:
            return await refused(request, error)
        except DomainError as error:
            return await self._new_page(ctx, request, form, error)
        return Redirect(f"/mentoring/programmes/{made.id}", status_code=303)

    async def _programme_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        programme_id: int,
        *,
        error: DomainError | None = None,
        section: str | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        programme = await programmes.get_programme(ctx.principal, programme_id)
        loaded = await programmes.load_programme(programme_id)
        offers = await mentors.list_offers(ctx.principal, programme_id, active_only=False)
        mine = next((o for o in offers if o.user == ctx.principal.user_id), None)
        home = programmes.home_of(ctx.principal)
        takes_part = home is not None and home[0] in loaded.participants
        own = [r for r in await requests.my_requests(ctx.principal) if r.programme == programme_id]
        applicants = (
            await requests.applicants(ctx.principal, programme_id)
            if mine is not None or programme.may_manage
            else []
        )
        parts = await group_parts.programme_parts(ctx, programme_id)
        template = await render(
            request,
            "mentoring/programme.html.j2",
            programme=programme,
            parts=parts,
            hosts=await group_parts.hosts(loaded) if programme.may_manage else [],
            part_formats=[f.value for f in GroupPartFormat],
            offers=[o for o in offers if o.active],
            mine=mine,
            takes_part=takes_part,
            own=own,
            live=[r for r in own if r.status is not MentoringStatus.WITHDRAWN],
            applicants=applicants,
            areas=await list_areas(),
            modes=[m.value for m in MeetingMode if m.value != "written"],
            constraints=[c.value for c in MentoringConstraint],
            wishes=range(1, WISHES + 1),
            error=error,
            section=section,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/programmes/{programme_id:int}", name="mentoring-programme", opt=SIGNED_IN)
    async def programme(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> Template:
        """A programme: its ladder, cohorts and mentors, and what you can do in it."""
        try:
            return await self._programme_page(ctx, request, programme_id)
        except DomainError as error:
            return await refused(request, error)

    async def _submit(
        self,
        ctx: Ctx,
        request: AnyRequest,
        act: Act,
        page: Callable[[DomainError, dict[str, Any]], Awaitable[Template]],
        lists: tuple[str, ...] = (),
    ) -> Template | Redirect:
        """Run a form's action: on success go to where it says, a refusal shows the error
        page, other errors show ``page`` again with the error and what was typed."""
        form = await form_lists(request, *lists)
        try:
            target = await act(ctx, form)
        except Forbidden as error:
            return await refused(request, error)
        except DomainError as error:
            try:
                return await page(error, form)
            except DomainError as missing:
                return await refused(request, missing)
        return Redirect(target, status_code=303)

    async def _programme_form(
        self, ctx: Ctx, request: AnyRequest, programme_id: int, section: str, act: Act
    ) -> Template | Redirect:
        async def page(error: DomainError, form: dict[str, Any]) -> Template:
            return await self._programme_page(
                ctx, request, programme_id, error=error, section=section, form=form
            )

        return await self._submit(ctx, request, act, page, ("areas", "languages", "modes"))

    @post("/programmes/{programme_id:int}/cohorts", name="mentoring-cohort-create", opt=MANAGE)
    async def create_cohort(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> str:
            data = to_struct(
                {k: form.get(k, "") for k in ("name", "start_date", "end_date")}, schemas.CohortIn
            )
            cohort = await programmes.create_cohort(ctx, programme_id, data)
            return f"/mentoring/cohorts/{cohort.id}"

        return await self._programme_form(ctx, request, programme_id, "cohorts", act)

    @post(
        "/programmes/{programme_id:int}/group-parts", name="mentoring-group-part-form", opt=MANAGE
    )
    async def create_group_part(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> Template | Redirect:
        """A group part from the programme page; a refusal keeps the form as typed."""

        async def act(ctx: Context, form: dict[str, Any]) -> str:
            if not str(form.get("host", "")).strip():
                raise InvalidInput("is required", field="host")
            fields = ("title", "part_format", "area", "host", "mode")
            data = to_struct(
                {
                    **{k: form.get(k, "") for k in fields},
                    "duration_minutes": form.get("duration_minutes") or 120,
                    "capacity": form.get("capacity") or 30,
                },
                schemas.GroupPartIn,
            )
            part = await group_parts.create_part(ctx, programme_id, data)
            return f"/conferences/{part.id}"

        return await self._programme_form(ctx, request, programme_id, "parts", act)

    @post("/programmes/{programme_id:int}/mentor", name="mentoring-offer-form", opt=TAKE_PART)
    async def save_offer(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> str:
            languages = [x.strip() for x in form.get("language_list", "sv").split(",") if x.strip()]
            data = to_struct(
                {
                    "areas": form.get("areas", []),
                    "capacity": form.get("capacity") or 2,
                    "languages": languages,
                    "modes": form.get("modes", []),
                    "years": form.get("years") or None,
                    "active": form.get("active") == "1",
                },
                schemas.OfferIn,
            )
            await mentors.save_offer(ctx, programme_id, data)
            return f"/mentoring/programmes/{programme_id}#mentor"

        return await self._programme_form(ctx, request, programme_id, "mentor", act)

    @post("/programmes/{programme_id:int}/request", name="mentoring-request-form", opt=TAKE_PART)
    async def ask(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> str:
            wishes = [int(form[f"wish_{i}"]) for i in range(1, WISHES + 1) if form.get(f"wish_{i}")]
            data = to_struct(
                {
                    "programme": programme_id,
                    "cohort": form.get("cohort") or None,
                    "areas": form.get("areas", []),
                    "language": form.get("language") or "sv",
                    "mode": form.get("mode") or "video",
                    "constraint": form.get("constraint") or "none",
                    "wishes": list(dict.fromkeys(wishes)),
                },
                schemas.RequestIn,
            )
            await requests.create_request(ctx, data)
            return f"/mentoring/programmes/{programme_id}#ask"

        return await self._programme_form(ctx, request, programme_id, "ask", act)

    @post("/programmes/{programme_id:int}/ranking", name="mentoring-ranking-form", opt=TAKE_PART)
    async def rank(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> str:
            offer = next(
                (
                    o
                    for o in await mentors.list_offers(
                        ctx.principal, programme_id, active_only=False
                    )
                    if o.user == ctx.principal.user_id
                ),
                None,
            )
            if offer is None:
                raise Forbidden("only the programme's mentors rank applicants")
            data = schemas.RankingIn(ranking=_ranking(form, "rank_"))
            await mentors.set_ranking(ctx, offer.id, data)
            return f"/mentoring/programmes/{programme_id}#applicants"

        return await self._programme_form(ctx, request, programme_id, "applicants", act)

    @post("/requests/{request_id:int}/withdraw", name="mentoring-withdraw-form", opt=SIGNED_IN)
    async def withdraw(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Redirect | Template:
        try:
            await requests.withdraw_request(ctx, request_id)
        except DomainError as error:
            return await refused(request, error)
        return Redirect("/mentoring", status_code=303)

    # --- cohorts and rounds ------------------------------------------------------

    async def _cohort_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        cohort_id: int,
        *,
        round_id: int | None = None,
        error: DomainError | None = None,
    ) -> Template:
        cohort, programme, pairs, waiting = await ladder.cohort_progress(ctx, cohort_id)
        found = await rounds.get_round(ctx.principal, round_id) if round_id else None
        if found is not None and found.cohort != cohort_id:
            found = None
        template = await render(
            request,
            "mentoring/cohort.html.j2",
            cohort=cohort,
            programme=programme,
            pairs=pairs,
            waiting=waiting,
            found=found,
            error=error,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/cohorts/{cohort_id:int}", name="mentoring-cohort", opt=MANAGE)
    async def cohort(self, ctx: Ctx, request: AnyRequest, cohort_id: FromPath[int]) -> Template:
        """A cohort for its coordinators: a round, the pairs' progress, late joiners."""
        value = request.query_params.get("round", "")
        try:
            return await self._cohort_page(
                ctx, request, cohort_id, round_id=int(value) if value.isdigit() else None
            )
        except DomainError as error:
            return await refused(request, error)

    async def _cohort_act(
        self, ctx: Ctx, request: AnyRequest, cohort_id: int, act: Act
    ) -> Template | Redirect:
        async def page(error: DomainError, form: dict[str, Any]) -> Template:
            return await self._cohort_page(ctx, request, cohort_id, error=error)

        return await self._submit(ctx, request, act, page)

    @post("/cohorts/{cohort_id:int}/preview", name="mentoring-round-preview-form", opt=MANAGE)
    async def preview(
        self, ctx: Ctx, request: AnyRequest, cohort_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> str:
            found = await rounds.preview_round(ctx, cohort_id)
            return f"/mentoring/cohorts/{cohort_id}?round={found.id}#round"

        return await self._cohort_act(ctx, request, cohort_id, act)

    @post("/rounds/{round_id:int}/commit", name="mentoring-round-commit-form", opt=MANAGE)
    async def commit(
        self, ctx: Ctx, request: AnyRequest, round_id: FromPath[int]
    ) -> Template | Redirect:
        form = await form_lists(request)
        try:
            data = to_struct({"mode": form.get("mode", "")}, schemas.CommitIn)
            found = await rounds.commit_round(ctx, round_id, data)
        except DomainError as error:
            return await refused(request, error)
        return Redirect(
            f"/mentoring/cohorts/{found.cohort}?round={found.id}#round", status_code=303
        )

    @post("/requests/{request_id:int}/match", name="mentoring-match-form", opt=MANAGE)
    async def match(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            cohort = (await requests.request_access(ctx.principal, request_id)).request.cohort
        except DomainError as error:
            return await refused(request, error)
        if cohort is None:
            return await refused(request, InvalidInput("the request has no cohort"))

        async def act(ctx: Context, form: dict[str, Any]) -> str:
            await rounds.match_late_joiner(ctx, request_id)
            return f"/mentoring/cohorts/{cohort}#pairs"

        return await self._cohort_act(ctx, request, cohort, act)

    # --- pairs -------------------------------------------------------------------

    async def _pair_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: int,
        *,
        error: DomainError | None = None,
        form: dict[str, Any] | None = None,
    ) -> Template:
        pair = await ladder.pair_view(ctx.principal, request_id)
        template = await render(
            request,
            "mentoring/pair.html.j2",
            pair=pair,
            themes=[t.value for t in schemas.Theme],
            today=today().isoformat(),
            error=error,
            form=form or {},
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/pairs/{request_id:int}", name="mentoring-pair", opt=SIGNED_IN)
    async def pair(self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]) -> Template:
        """A pair: the ladder and the meetings; the mentor records and signs off here."""
        try:
            return await self._pair_page(ctx, request, request_id)
        except DomainError as error:
            return await refused(request, error)

    async def _pair_form(
        self, ctx: Ctx, request: AnyRequest, request_id: int, act: Act
    ) -> Template | Redirect:
        async def page(error: DomainError, form: dict[str, Any]) -> Template:
            return await self._pair_page(ctx, request, request_id, error=error, form=form)

        return await self._submit(ctx, request, act, page, ("themes",))

    @post("/pairs/{request_id:int}/meetings", name="mentoring-meeting-form", opt=TAKE_PART)
    async def meeting(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> str:
            data = to_struct(
                {
                    "held_on": form.get("held_on", ""),
                    "minutes": form.get("minutes", ""),
                    "themes": form.get("themes", []),
                },
                schemas.MeetingIn,
            )
            await ladder.record_meeting(ctx, request_id, data)
            return f"/mentoring/pairs/{request_id}#meetings"

        return await self._pair_form(ctx, request, request_id, act)

    @post("/pairs/{request_id:int}/signoff", name="mentoring-signoff-form", opt=TAKE_PART)
    async def sign(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> Template | Redirect:
        async def act(ctx: Context, form: dict[str, Any]) -> str:
            data = to_struct({"step": form.get("step", "")}, schemas.SignoffIn)
            await ladder.sign_off(ctx, request_id, data)
            return f"/mentoring/pairs/{request_id}#ladder"

        return await self._pair_form(ctx, request, request_id, act)

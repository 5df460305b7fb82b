"""The mentoring API: programmes and cohorts, mentors, requests, rounds, pairs."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.conferences.schemas import SeriesOut
from network.kernel.policy import Action
from network.mentoring import group_parts, ladder, mentors, programmes, requests, rounds, schemas

__all__ = ("MentoringController",)

AnyRequest = Request[Any, Any, Any]
SIGNED_IN = {ACTION_KEY: Action.SIGNED_IN}
MANAGE = {ACTION_KEY: Action.MENTORING_MANAGE}
TAKE_PART = {ACTION_KEY: Action.MENTORING_REQUEST}


class MentoringController(Controller):
    path = "/api/v1/mentoring"
    tags = ["mentoring"]

    @get("/programmes", operation_id="listMentoringProgrammes", opt=SIGNED_IN)
    async def list_programmes(
        self,
        ctx: Ctx,
        request: AnyRequest,
        municipality: Annotated[str | None, QueryParameter(pattern=r"^\d{4}$")] = None,
    ) -> list[schemas.ProgrammeOut]:
        """Programmes with their cohorts, or those a municipality takes part in."""
        return await programmes.list_programmes(ctx.principal, municipality=municipality)

    @get("/programmes/{programme_id:int}", operation_id="getMentoringProgramme", opt=SIGNED_IN)
    async def get_programme(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> schemas.ProgrammeOut:
        return await programmes.get_programme(ctx.principal, programme_id)

    @post("/programmes", operation_id="createMentoringProgramme", opt=MANAGE)
    async def create_programme(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.ProgrammeIn]
    ) -> schemas.ProgrammeOut:
        """A programme run by a county or by a group of municipalities, with its ladder."""
        return await programmes.create_programme(ctx, data)

    @put("/programmes/{programme_id:int}", operation_id="updateMentoringProgramme", opt=MANAGE)
    async def update_programme(
        self,
        ctx: Ctx,
        request: AnyRequest,
        programme_id: FromPath[int],
        data: JSONBody[schemas.ProgrammeIn],
    ) -> schemas.ProgrammeOut:
        return await programmes.update_programme(ctx, programme_id, data)

    @post(
        "/programmes/{programme_id:int}/cohorts",
        operation_id="createMentoringCohort",
        opt=MANAGE,
    )
    async def create_cohort(
        self,
        ctx: Ctx,
        request: AnyRequest,
        programme_id: FromPath[int],
        data: JSONBody[schemas.CohortIn],
    ) -> schemas.CohortOut:
        return await programmes.create_cohort(ctx, programme_id, data)

    @get(
        "/programmes/{programme_id:int}/group-parts",
        operation_id="listProgrammeGroupParts",
        opt=SIGNED_IN,
    )
    async def list_group_parts(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> list[SeriesOut]:
        """The programme's group parts (theme meetings, group supervision) with their
        sessions: conference series of kind ``introduction``. Schedule sessions with
        ``POST /api/v1/conferences/{id}/sessions`` (the mentees are enrolled) and record
        attendance with ``PUT /api/v1/conferences/sessions/{id}/attendance``."""
        return await group_parts.programme_parts(ctx, programme_id)

    @post(
        "/programmes/{programme_id:int}/group-parts",
        operation_id="createProgrammeGroupPart",
        opt=MANAGE,
    )
    async def create_group_part(
        self,
        ctx: Ctx,
        request: AnyRequest,
        programme_id: FromPath[int],
        data: JSONBody[schemas.GroupPartIn],
    ) -> SeriesOut:
        """A group part for the programme's mentees, hosted by a specialist of a
        participating municipality (the programme's coordinators)."""
        return await group_parts.create_part(ctx, programme_id, data)

    @get("/group-sessions", operation_id="listMyGroupSessions", opt=SIGNED_IN)
    async def my_group_sessions(
        self, ctx: Ctx, request: AnyRequest
    ) -> list[schemas.GroupSessionOut]:
        """The sessions of your programmes' group parts, upcoming and held, with your
        attendance."""
        return await group_parts.my_sessions(ctx)

    @get(
        "/programmes/{programme_id:int}/mentors",
        operation_id="listMentoringMentors",
        opt=SIGNED_IN,
    )
    async def list_mentors(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> list[schemas.OfferOut]:
        """The programme's active mentors with the seats they have left (their unit and
        years for the programme's participants and coordinators, their ranking of the
        applicants for themselves and the coordinators)."""
        return await mentors.list_offers(ctx.principal, programme_id)

    @put(
        "/programmes/{programme_id:int}/mentor",
        operation_id="saveMentorOffer",
        opt=TAKE_PART,
    )
    async def save_offer(
        self,
        ctx: Ctx,
        request: AnyRequest,
        programme_id: FromPath[int],
        data: JSONBody[schemas.OfferIn],
    ) -> schemas.OfferOut:
        """Offer (or change your offer) to mentor in the programme."""
        return await mentors.save_offer(ctx, programme_id, data)

    @put("/mentors/{offer_id:int}/ranking", operation_id="rankApplicants", opt=TAKE_PART)
    async def rank(
        self,
        ctx: Ctx,
        request: AnyRequest,
        offer_id: FromPath[int],
        data: JSONBody[schemas.RankingIn],
    ) -> schemas.OfferOut:
        """A mentor's ranking of the programme's applicants, best first."""
        return await mentors.set_ranking(ctx, offer_id, data)

    @get(
        "/programmes/{programme_id:int}/applicants",
        operation_id="listMentoringApplicants",
        opt=SIGNED_IN,
    )
    async def applicants(
        self, ctx: Ctx, request: AnyRequest, programme_id: FromPath[int]
    ) -> list[schemas.RequestOut]:
        """The programme's open requests, for its mentors (to rank) and coordinators."""
        return await requests.applicants(ctx.principal, programme_id)

    @post("/requests", operation_id="createMentoringRequest", opt=TAKE_PART)
    async def create_request(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.RequestIn]
    ) -> schemas.RequestOut:
        """Ask for a mentor in a programme."""
        return await requests.create_request(ctx, data)

    @get("/requests", operation_id="listMyMentoringRequests", opt=SIGNED_IN)
    async def my_requests(self, ctx: Ctx, request: AnyRequest) -> list[schemas.RequestOut]:
        """Your own requests for a mentor."""
        return await requests.my_requests(ctx.principal)

    @put("/requests/{request_id:int}/wishes", operation_id="saveMentoringWishes", opt=TAKE_PART)
    async def wishes(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: FromPath[int],
        data: JSONBody[schemas.RankingIn],
    ) -> schemas.RequestOut:
        """Your ranked wishes among the programme's mentors (offer ids), while open."""
        return await requests.set_wishes(ctx, request_id, data.ranking)

    @post(
        "/requests/{request_id:int}/withdraw",
        operation_id="withdrawMentoringRequest",
        opt=SIGNED_IN,
        status_code=200,
    )
    async def withdraw(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> schemas.RequestOut:
        return await requests.withdraw_request(ctx, request_id)

    @post(
        "/requests/{request_id:int}/match",
        operation_id="matchLateJoiner",
        opt=MANAGE,
        status_code=200,
    )
    async def match(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> schemas.RequestOut:
        """Match one open request (a late joiner) to the best mentor with a seat left."""
        return await rounds.match_late_joiner(ctx, request_id)

    @post("/cohorts/{cohort_id:int}/rounds", operation_id="previewMentoringRound", opt=MANAGE)
    async def preview(
        self, ctx: Ctx, request: AnyRequest, cohort_id: FromPath[int]
    ) -> schemas.RoundOut:
        """Both answers for the cohort's open requests, side by side (nothing is written
        but the preview)."""
        return await rounds.preview_round(ctx, cohort_id)

    @get("/rounds/{round_id:int}", operation_id="getMentoringRound", opt=MANAGE)
    async def get_round(
        self, ctx: Ctx, request: AnyRequest, round_id: FromPath[int]
    ) -> schemas.RoundOut:
        return await rounds.get_round(ctx.principal, round_id)

    @post(
        "/rounds/{round_id:int}/commit",
        operation_id="commitMentoringRound",
        opt=MANAGE,
        status_code=200,
    )
    async def commit(
        self,
        ctx: Ctx,
        request: AnyRequest,
        round_id: FromPath[int],
        data: JSONBody[schemas.CommitIn],
    ) -> schemas.RoundOut:
        """Commit the welfare-optimal or the stable answer; the pairs are notified."""
        return await rounds.commit_round(ctx, round_id, data)

    @get("/cohorts/{cohort_id:int}/progress", operation_id="getCohortProgress", opt=MANAGE)
    async def progress(
        self,
        ctx: Ctx,
        request: AnyRequest,
        cohort_id: FromPath[int],
        format: Annotated[str | None, QueryParameter(pattern=r"^(json|csv)$")] = None,
    ) -> Response[Any]:
        """Every pair of the cohort: steps signed, meetings, last met, gone quiet;
        ``format=csv`` (or ``Accept: text/csv``) for the programme's report."""
        _, programme, pairs, _ = await ladder.cohort_progress(ctx, cohort_id)
        if format == "csv" or "text/csv" in request.headers.get("accept", ""):
            return Response(
                ladder.progress_csv(programme, pairs),
                media_type="text/csv; charset=utf-8",
                headers={"content-disposition": f'attachment; filename="cohort-{cohort_id}.csv"'},
            )
        return Response(pairs)

    @get("/pairs/{request_id:int}", operation_id="getMentoringPair", opt=SIGNED_IN)
    async def pair(
        self, ctx: Ctx, request: AnyRequest, request_id: FromPath[int]
    ) -> schemas.PairOut:
        """A pair's ladder and meetings: for the mentee, the mentor and coordinators."""
        return await ladder.pair_view(ctx.principal, request_id)

    @post("/pairs/{request_id:int}/meetings", operation_id="recordMentoringMeeting", opt=TAKE_PART)
    async def meeting(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: FromPath[int],
        data: JSONBody[schemas.MeetingIn],
    ) -> schemas.PairOut:
        """The mentor records a meeting: day, minutes and themes (no case text)."""
        return await ladder.record_meeting(ctx, request_id, data)

    @post("/pairs/{request_id:int}/signoffs", operation_id="signOffStep", opt=TAKE_PART)
    async def sign(
        self,
        ctx: Ctx,
        request: AnyRequest,
        request_id: FromPath[int],
        data: JSONBody[schemas.SignoffIn],
    ) -> schemas.PairOut:
        """The mentor signs off the next step of the ladder."""
        return await ladder.sign_off(ctx, request_id, data)

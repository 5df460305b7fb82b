"""Cases presented at a conference session and the hub's recommendations.

A social worker with a seat presents a de-identified case before the session starts
(at most :data:`CASES_PER_SESSION` per session, counted under the session's row lock);
both texts pass the full de-identification guard. The hub answers each case with a
recommendation, which reaches the presenter as a notification (a fixed sentence and
a link, no case text) and is read on the session's page. Case texts are read only by
their presenter and the hub, and every read is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from network.audit.services import record
from network.conferences import schemas
from network.conferences.access import (
    joining_place,
    leader,
    load_session,
    lock_session,
    may_manage,
    must_be_open,
)
from network.conferences.meeting import meetings_of
from network.conferences.participation import roster
from network.conferences.series import session_out
from network.conferences.tables import ConferenceCase, ConferenceSignup
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.lib import clock
from network.lib.deidentified import require_deidentified
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import NotificationKind
from network.notifications.services import notify

__all__ = ("CASES_PER_SESSION", "recommend", "session_detail", "submit_case")

CASES_PER_SESSION = 2


def _checked(data: schemas.CaseIn) -> tuple[str, str]:
    errors: list[InvalidInput] = []
    for field, text in (("question", data.question), ("presentation", data.presentation)):
        try:
            require_deidentified(field, text)
        except InvalidInput as error:
            errors.append(error)
    if errors:
        raise errors[0]
    question, presentation = data.question.strip(), data.presentation.strip()
    if not question:
        raise InvalidInput("say what you ask the hub", field="question")
    if not presentation:
        raise InvalidInput("present the case", field="presentation")
    return question, presentation


async def submit_case(
    ctx: Context, session_id: int, data: schemas.CaseIn, *, now: datetime | None = None
) -> schemas.CaseOut:
    """Present a de-identified case at a session you have a seat at, before it starts."""
    question, presentation = _checked(data)
    now = now or clock.now()
    async with ctx.work():
        row, series = await load_session(ctx.principal, session_id)
        place = joining_place(ctx.principal, series)
        seated = await ConferenceSignup.exists().where(
            (ConferenceSignup.session == session_id)
            & (ConferenceSignup.user == ctx.principal.user_id)
        )
        must_be_open(row)
        if place is None or not seated:
            raise Forbidden("sign up for the session first", field="session_id")
        if row["starts_at"] <= now:
            raise Conflict("has started already", field="session_id", source="path")
        await lock_session(session_id)
        async with system_scope(ConferenceCase._meta.db):  # every presenter's: a count only
            presented = await ConferenceCase.count().where(ConferenceCase.session == session_id)
        if presented >= CASES_PER_SESSION:
            raise Conflict(
                f"has its {CASES_PER_SESSION} cases already", field="session_id", source="path"
            )
        case = ConferenceCase(
            session=session_id,
            presenter=ctx.principal.user_id,
            origin_municipality=place[0],
            specialist=series.hub,
            question=question,
            presentation=presentation,
            created_at=now,
        )
        await case.save()
        await record(
            ctx.actor,
            "conference_case.create",
            "conference_case",
            case.id,
            municipality=place[1],
            detail={"session": session_id, "series": series.id},
        )
        return (await _cases(ConferenceCase.id == case.id))[0]


async def recommend(
    ctx: Context, case_id: int, data: schemas.RecommendationIn, *, now: datetime | None = None
) -> schemas.CaseOut:
    """The hub's recommendation on a presented case (again: replaced); the presenter
    is told."""
    text = require_deidentified("recommendation", data.recommendation).strip()
    if not text:
        raise InvalidInput("write the recommendation", field="recommendation")
    now = now or clock.now()
    async with ctx.work():
        case = await (
            ConferenceCase.select(
                ConferenceCase.id,
                ConferenceCase.session,
                ConferenceCase.presenter,
                ConferenceCase.origin_municipality._.code.as_alias("municipality"),
            )
            .where(ConferenceCase.id == case_id)
            .first()
        )
        if case is None:
            raise NotFound("no such case", field="case_id", source="path")
        session, series = await load_session(ctx.principal, case["session"], field="case_id")
        if ctx.principal.specialist_id != leader(session, series):
            raise Forbidden("only the hub (or its stand-in) answers the cases", field="case_id")
        await ConferenceCase.update(
            {ConferenceCase.recommendation: text, ConferenceCase.recommended_at: now}
        ).where(ConferenceCase.id == case_id)
        await record(
            ctx.actor,
            "conference_case.recommend",
            "conference_case",
            case_id,
            municipality=case["municipality"],
            detail={"session": case["session"]},
        )
        await notify(
            [case["presenter"]],
            NotificationKind.CONFERENCE_ANSWER,
            object_type="conference_case",
            object_id=case_id,
            link=f"/conferences/sessions/{case['session']}#case-{case_id}",
            params={"area": series.area},
        )
        return (await _cases(ConferenceCase.id == case_id))[0]


async def _cases(condition: Any) -> list[schemas.CaseOut]:
    rows = (
        await ConferenceCase.select(
            ConferenceCase.id,
            ConferenceCase.session,
            ConferenceCase.presenter,
            ConferenceCase.presenter._.display_name.as_alias("presenter_name"),
            ConferenceCase.origin_municipality._.code.as_alias("code"),
            ConferenceCase.origin_municipality._.name.as_alias("place"),
            ConferenceCase.question,
            ConferenceCase.presentation,
            ConferenceCase.recommendation,
            ConferenceCase.recommended_at,
            ConferenceCase.created_at,
        )
        .where(condition)
        .order_by(ConferenceCase.id)
    )
    return [
        schemas.CaseOut(
            id=r["id"],
            session=r["session"],
            presenter=r["presenter"],
            presenter_name=r["presenter_name"],
            municipality=schemas.Place(code=r["code"], name=r["place"]) if r["code"] else None,
            question=r["question"],
            presentation=r["presentation"],
            recommendation=r["recommendation"],
            recommended_at=r["recommended_at"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def session_detail(ctx: Context, session_id: int) -> schemas.SessionDetail:
    """A session as ``ctx.principal`` may see it (see :class:`schemas.SessionDetail`);
    reading case texts is audited."""
    async with ctx.work():
        row, series = await load_session(ctx.principal, session_id)
        manages = may_manage(ctx.principal, series)
        is_hub = ctx.principal.specialist_id == leader(row, series)
        everyone = await roster(session_id)
        signups = everyone if manages else [s for s in everyone if s.user == ctx.principal.user_id]
        mine: Any = ConferenceCase.presenter == ctx.principal.user_id
        if is_hub:
            mine = mine | (ConferenceCase.specialist == ctx.principal.specialist_id)
        cases = await _cases((ConferenceCase.session == session_id) & mine)
        if cases:
            await record(
                ctx.actor,
                "conference_case.read",
                "conference_session",
                session_id,
                municipality=series.home,
                county=series.home_county,
                detail={"cases": [c.id for c in cases]},
            )
        out = (await session_out(ctx, [row], {series.id: series.capacity}))[0]
        meeting = (await meetings_of([row["booking"]])).get(row["booking"])
        return schemas.SessionDetail(
            session=out,
            series=series.id,
            series_title=series.title,
            area=series.area,
            hub=series.hub,
            hub_name=series.hub_name,
            mode=series.mode,
            signups=signups,
            cases=cases,
            may_manage=manages,
            is_hub=is_hub,
            may_join=joining_place(ctx.principal, series) is not None,
            meeting_details=meeting.details if meeting is not None else None,
            cancelled=meeting is None or not meeting.live,
        )

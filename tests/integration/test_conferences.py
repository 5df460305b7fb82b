"""Group case conferences through their use cases: a hub's series and sessions,
sign-ups from served municipalities (capacity held under concurrency), de-identified
cases, recommendations, attendance and the settlement shared by attendance."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from typing import Any

import pytest

from network.accounts.principals import load_principal
from network.conferences import cases, participation, schemas, series, settlement
from network.kernel.context import Context
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import NotificationKind, Role
from network.notifications.tables import Notification
from network.scheduling import STOCKHOLM
from network.specialists.services import specialist_slots
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.context import context_of
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
HUB = "conf.hub@demo.invalid"  # Linköping (0580)
COORDINATOR = "conf.coordinator@demo.invalid"  # Östergötland (05)
FAR = "conf.far@demo.invalid"  # Kiruna (2584): not served
# Social workers of five Östergötland municipalities.
WORKERS = {
    "0512": "conf.ydre@demo.invalid",
    "0583": "conf.motala@demo.invalid",
    "0561": "conf.atvidaberg@demo.invalid",
    "0586": "conf.mjolby@demo.invalid",
    "0513": "conf.kinda@demo.invalid",
}
SERVED = ["0512", "0583", "0561", "0586", "0513"]


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        hub_user = await create_user(HUB, Role.SPECIALIST, municipality="0580")
        hub = await create_specialist_profile(hub_user, "0580")
        await add_competence(hub, AREA, 3)
        await add_weekly_hours(hub, range(5), time(8), time(17))
        found = {"hub_user": hub_user, "hub": hub}
        found["coordinator"] = await create_user(COORDINATOR, Role.COORDINATOR, county="05")
        found["analyst"] = await create_user("conf.analyst@demo.invalid", Role.ANALYST, county="05")
        found["far"] = await create_user(FAR, Role.SOCIAL_WORKER, municipality="2584")
        for code, email in WORKERS.items():
            found[code] = await create_user(email, Role.SOCIAL_WORKER, municipality=code)
        return found

    return asyncio.run(create())


async def ctx(user_id: int) -> Context:
    principal = await load_principal(user_id)
    assert principal is not None
    return context_of(principal)


def monday(weeks_ahead: int) -> datetime:
    """10:00 Stockholm on the Monday ``weeks_ahead`` weeks from now."""
    today = datetime.now(STOCKHOLM).date()
    day = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)
    return datetime.combine(day, time(10), tzinfo=STOCKHOLM)


def series_in(**changes: Any) -> schemas.SeriesIn:
    fields: dict[str, Any] = {
        "title": "Hedersrelaterat våld i Östergötland",
        "area": AREA,
        "municipalities": SERVED,
        "capacity": 4,
    }
    return schemas.SeriesIn(**{**fields, **changes})


async def test_a_monthly_conference_runs_end_to_end(ids: dict[str, int]) -> None:
    hub = await ctx(ids["hub_user"])
    made = await series.create_series(hub, series_in())
    assert made.may_manage
    assert made.hub == ids["hub"]
    assert sorted(p.code for p in made.municipalities) == sorted(SERVED)
    start = monday(5)
    session = await series.schedule_session(
        hub, made.id, schemas.SessionIn(start=start, topic="Riskbedömning med PATRIARK")
    )
    assert session.ends_at - session.starts_at == timedelta(minutes=90)

    for code in ("0512", "0583", "0561"):
        taken = await participation.sign_up(await ctx(ids[code]), session.id)
        assert taken.signed_up
    ydre = await ctx(ids["0512"])
    with pytest.raises(InvalidInput) as refused:
        await cases.submit_case(
            ydre,
            session.id,
            schemas.CaseIn(question="Hur går vi vidare?", presentation="Flicka 19121212-1212."),
        )
    assert refused.value.field == "presentation"
    case = await cases.submit_case(
        ydre,
        session.id,
        schemas.CaseIn(
            question="Hur bedömer vi risken?",
            presentation="Flicka, 15 år, berättar om planer på giftermål under sommarlovet.",
        ),
    )
    answer = "Gör en skyddsbedömning i dag och kontakta länsstyrelsens kompetensteam."
    await cases.recommend(hub, case.id, schemas.RecommendationIn(recommendation=answer))

    told = await Notification.select(Notification.kind, Notification.link).where(
        Notification.recipient == ids["0512"]
    )
    assert {
        "kind": NotificationKind.CONFERENCE_ANSWER.value,
        "link": f"/conferences/sessions/{session.id}#case-{case.id}",
    } in told
    read = await cases.session_detail(ydre, session.id)
    assert [c.recommendation for c in read.cases] == [answer]
    assert [s.user for s in read.signups] == [ids["0512"]]  # only their own seat
    other = await cases.session_detail(await ctx(ids["0583"]), session.id)
    assert other.cases == []  # another municipality's case stays with its presenter

    after = start + timedelta(hours=2)
    present = [ids["0512"], ids["0583"], ids["0561"]]
    roster = await participation.record_attendance(
        hub, session.id, schemas.AttendanceIn(present=present), now=after
    )
    assert {r.user for r in roster if r.attended} == set(present)

    coordinator = await ctx(ids["coordinator"])
    month = start.strftime("%Y-%m")
    lines = await settlement.conference_settlement(coordinator, month=month, hourly_rate=1000)
    mine = {line.receiver: line for line in lines if line.giver == "0580" and line.area == AREA}
    assert {code: mine[code].minutes for code in ("0512", "0583", "0561")} == {
        "0512": 30,
        "0583": 30,
        "0561": 30,
    }
    assert mine["0512"].amount == 500

    # An analyst invoices neither side: a line of one attendance is shown empty.
    analyst = await ctx(ids["analyst"])
    seen = await settlement.conference_settlement(analyst, month=month, hourly_rate=1000)
    theirs = {line.receiver: line for line in seen if line.giver == "0580" and line.area == AREA}
    assert set(theirs) >= {"0512", "0583", "0561"}
    for code in ("0512", "0583", "0561"):
        line = theirs[code]
        assert line.suppressed
        assert (line.attendances, line.minutes, line.hours, line.amount) == (None,) * 4


async def test_served_places_must_be_under_an_agreement_with_the_hub(
    ids: dict[str, int],
) -> None:
    hub = await ctx(ids["hub_user"])
    with pytest.raises(InvalidInput) as refused:
        await series.create_series(hub, series_in(municipalities=["0512", "2584"]))
    assert refused.value.field == "municipalities"
    with pytest.raises(Forbidden):
        await series.create_series(await ctx(ids["0512"]), series_in(hub=ids["hub"]))
    made = await series.create_series(await ctx(ids["coordinator"]), series_in(hub=ids["hub"]))
    assert made.hub == ids["hub"]
    with pytest.raises(NotFound):
        await series.get_series(await ctx(ids["far"]), made.id)


async def test_a_session_holds_the_hubs_time(ids: dict[str, int]) -> None:
    hub = await ctx(ids["hub_user"])
    made = await series.create_series(hub, series_in())
    start = monday(7)
    await series.schedule_session(hub, made.id, schemas.SessionIn(start=start, topic="A"))
    with pytest.raises(Conflict) as taken:
        await series.schedule_session(
            hub, made.id, schemas.SessionIn(start=start + timedelta(minutes=60), topic="B")
        )
    assert taken.value.field == "start"
    around = (start - timedelta(hours=2), start + timedelta(hours=4))
    slots = await specialist_slots(ids["hub"], *around)
    end = start + timedelta(minutes=90)
    assert slots, "the hub has other free slots that day"
    assert all(s.end <= start or s.start >= end for s in slots)


async def test_concurrent_sign_ups_never_overfill_a_session(ids: dict[str, int]) -> None:
    hub = await ctx(ids["hub_user"])
    made = await series.create_series(hub, series_in(capacity=2))
    session = await series.schedule_session(
        hub, made.id, schemas.SessionIn(start=monday(9), topic="Samtal med barn")
    )
    workers = [await ctx(ids[code]) for code in SERVED]
    outcomes = await asyncio.gather(
        *(participation.sign_up(worker, session.id) for worker in workers),
        return_exceptions=True,
    )
    won = [o for o in outcomes if isinstance(o, schemas.SessionOut)]
    lost = [o for o in outcomes if not isinstance(o, schemas.SessionOut)]
    assert len(won) == 2
    assert all(isinstance(o, Conflict) and "full" in str(o) for o in lost), lost
    again = await series.get_series(hub, made.id)
    assert again.sessions[0].seats_taken == 2


async def test_at_most_two_cases_and_only_from_a_seat(ids: dict[str, int]) -> None:
    hub = await ctx(ids["hub_user"])
    made = await series.create_series(hub, series_in())
    session = await series.schedule_session(
        hub, made.id, schemas.SessionIn(start=monday(11), topic="Dokumentation")
    )
    case = schemas.CaseIn(question="Fråga?", presentation="Pojke, 12 år, oro i skolan.")
    with pytest.raises(Forbidden):
        await cases.submit_case(await ctx(ids["0586"]), session.id, case)
    await participation.sign_up(await ctx(ids["0512"]), session.id)
    await participation.sign_up(await ctx(ids["0583"]), session.id)
    await cases.submit_case(await ctx(ids["0512"]), session.id, case)
    await cases.submit_case(await ctx(ids["0583"]), session.id, case)
    with pytest.raises(Conflict):
        await cases.submit_case(await ctx(ids["0512"]), session.id, case)
    with pytest.raises(Forbidden):  # only the hub answers
        await cases.recommend(
            await ctx(ids["coordinator"]),
            (await cases.session_detail(await ctx(ids["0512"]), session.id)).cases[0].id,
            schemas.RecommendationIn(recommendation="Nej."),
        )


def test_shares_sum_to_the_session() -> None:
    assert settlement.shares(90, 4) == [23, 23, 22, 22]
    assert sum(settlement.shares(91, 7)) == 91
    assert settlement.shares(90, 0) == []

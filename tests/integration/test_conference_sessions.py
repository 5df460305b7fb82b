"""Conference sessions planned by cadence, cancelled, and following the hub's absences
(through the use cases): dates that cannot be booked are skipped with why; a cancelled
session frees the hub's time, tells attendees and presenters and refuses sign-ups and
cases; a session the hub cannot lead goes to the stand-in named for the absence when
competent and free, else it is cancelled, both when the absence is recorded and in the
periodic pass (audited as the system)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from network.accounts.principals import load_principal
from network.audit.tables import AuditEvent
from network.conferences import absences, cases, participation, schemas, series, sessions
from network.conferences.tables import ConferenceSession
from network.consultations.tables import Booking
from network.kernel.context import Context
from network.lib.errors import Conflict, Forbidden
from network.lib.vocab import BookingStatus, NotificationKind, Role
from network.notifications.tables import Notification
from network.scheduling import STOCKHOLM, cadence_dates
from network.scheduling.recurrence import weekday_of_month
from network.specialists import editing
from network.specialists import schemas as specialist_schemas
from network.specialists.tables import Absence
from tests.support.cases import (
    add_competence,
    add_weekly_hours,
    create_county_agreement,
    seeing_all,
)
from tests.support.context import bare_runtime, context_of
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
OTHER_AREA = "lvu_investigation"
SERVED = ["0580", "0512", "0583", "0561"]


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        found: dict[str, int] = {}
        for name, areas in (
            ("hub", [AREA]),
            ("hub2", [AREA]),
            ("hub3", [AREA]),
            ("standin", [AREA]),
            ("busy", [AREA]),
            ("novice", [OTHER_AREA]),
        ):
            user = await create_user(
                f"confsess.{name}@demo.invalid", Role.SPECIALIST, municipality="0580"
            )
            profile = await create_specialist_profile(user, "0580")
            for area in areas:
                await add_competence(profile, area, 3)
            await add_weekly_hours(profile, range(5), time(8), time(17))
            found[f"{name}_user"], found[name] = user, profile
        found["coordinator"] = await create_user(
            "confsess.coordinator@demo.invalid", Role.COORDINATOR, county="05"
        )
        for code in ("0512", "0583", "0561"):
            found[code] = await create_user(
                f"confsess.{code}@demo.invalid", Role.SOCIAL_WORKER, municipality=code
            )
        return found

    return asyncio.run(create())


async def ctx(user_id: int) -> Context:
    principal = await load_principal(user_id)
    assert principal is not None
    return context_of(principal)


def second_tuesday(months_ahead: int) -> datetime:
    """13:00 Stockholm on the 2nd Tuesday of the month ``months_ahead`` from now."""
    today = datetime.now(STOCKHOLM).date()
    months = today.month - 1 + months_ahead
    first = date(today.year + months // 12, months % 12 + 1, 1)
    day = first + timedelta(days=(1 - first.weekday()) % 7 + 7)
    return datetime.combine(day, time(13), tzinfo=STOCKHOLM)


async def new_series(hub_user: int, hub: int | None = None, **changes: Any) -> schemas.SeriesOut:
    data = schemas.SeriesIn(
        title="Heder i Östergötland",
        area=AREA,
        municipalities=SERVED,
        capacity=6,
        hub=hub,
        **changes,
    )
    return await series.create_series(await ctx(hub_user), data)


async def told(user: int, kind: NotificationKind) -> list[str]:
    rows = await Notification.select(Notification.link).where(
        (Notification.recipient == user) & (Notification.kind == kind.value)
    )
    return [r["link"] for r in rows]


async def booking_of(session_id: int) -> dict[str, Any]:
    row = await ConferenceSession.select().where(ConferenceSession.id == session_id).first()
    assert row is not None
    booking = await seeing_all(lambda: Booking.select().where(Booking.id == row["booking"]).first())
    assert booking is not None
    return {"session": row, "booking": booking}


async def test_plans_by_cadence_and_skips_what_cannot_be_booked(ids: dict[str, int]) -> None:
    made = await new_series(ids["coordinator"], hub=ids["hub"])  # a coordinator names the hub
    first = second_tuesday(2)
    hub = await ctx(ids["hub_user"])
    # The hub is away on the third date (the absence is recorded before any session).
    planned_days = cadence_dates(first.date(), "monthly", 4)
    series_day = planned_days[2]
    blocked = datetime.combine(series_day, time(0), tzinfo=STOCKHOLM)
    await editing.add_absence(
        hub,
        ids["hub"],
        specialist_schemas.AbsenceCreate(starts_at=blocked, ends_at=blocked + timedelta(days=1)),
    )
    plan = await series.plan_sessions(
        hub,
        made.id,
        schemas.PlanIn(first=first, count=4, topics=["Riskbedömning", "", "Skydd"]),
    )
    assert [s.starts_at.astimezone(STOCKHOLM).date() for s in plan.booked] == [
        planned_days[0],
        planned_days[1],
        planned_days[3],
    ]
    assert all(weekday_of_month(d) == 2 and d.weekday() == 1 for d in planned_days)
    assert all(s.starts_at.astimezone(STOCKHOLM).time() == time(13) for s in plan.booked)
    assert [s.topic for s in plan.booked] == ["Riskbedömning", "", ""]
    assert [(k.start.astimezone(STOCKHOLM).date(), k.reason) for k in plan.skipped] == [
        (series_day, "falls in the hub's absence")
    ]
    for session in plan.booked:
        held = await booking_of(session.id)
        assert held["booking"]["specialist"] == ids["hub"]
        assert held["booking"]["status"] == BookingStatus.BOOKED
    # Planning again over the same dates: every one clashes with the sessions booked.
    again = await series.plan_sessions(hub, made.id, schemas.PlanIn(first=first, count=2))
    assert again.booked == []
    assert [k.reason for k in again.skipped] == ["is taken: the hub has another meeting then"] * 2
    topic = await sessions.set_topic(hub, plan.booked[1].id, schemas.TopicIn(topic="Oro"))
    assert topic.topic == "Oro"
    with pytest.raises(Forbidden):
        await series.plan_sessions(await ctx(ids["0512"]), made.id, schemas.PlanIn(first=first))


async def test_a_cancelled_session_frees_the_time_and_tells_the_people_in_it(
    ids: dict[str, int],
) -> None:
    made = await new_series(ids["hub2_user"])
    hub = await ctx(ids["hub2_user"])
    start = second_tuesday(3)
    session = await series.schedule_session(
        hub, made.id, schemas.SessionIn(start=start, topic="Hedersnormer")
    )
    for code in ("0512", "0583"):
        await participation.sign_up(await ctx(ids[code]), session.id)
    await cases.submit_case(
        await ctx(ids["0512"]),
        session.id,
        schemas.CaseIn(question="Hur går vi vidare?", presentation="Pojke, 16 år, kontrolleras."),
    )
    with pytest.raises(Forbidden):
        await sessions.cancel_session(await ctx(ids["0512"]), session.id)

    coordinator = await ctx(ids["coordinator"])  # manages the series of the county's hub
    done = await sessions.cancel_session(coordinator, session.id)
    assert done.cancelled
    assert done.cancel_reason == "cancelled"
    held = await booking_of(session.id)
    assert held["booking"]["status"] == BookingStatus.CANCELLED
    link = f"/conferences/sessions/{session.id}"
    assert await told(ids["0512"], NotificationKind.CONFERENCE_CANCELLED) == [link]
    assert await told(ids["0583"], NotificationKind.CONFERENCE_CANCELLED) == [link]
    audited = await AuditEvent.select(AuditEvent.actor_id).where(
        (AuditEvent.action == "conference_session.cancel")
        & (AuditEvent.object_id == str(session.id))
    )
    assert [a["actor_id"] for a in audited] == [ids["coordinator"]]

    with pytest.raises(Conflict) as refused:
        await participation.sign_up(await ctx(ids["0561"]), session.id)
    assert (refused.value.field, refused.value.message) == ("session_id", "is cancelled")
    with pytest.raises(Conflict) as refused:
        await cases.submit_case(
            await ctx(ids["0583"]),
            session.id,
            schemas.CaseIn(question="Fråga", presentation="Flicka, 14 år."),
        )
    assert refused.value.field == "session_id"
    with pytest.raises(Conflict):
        await sessions.cancel_session(hub, session.id)
    # The hub's time is free again: a new session at the same start is booked.
    again = await series.schedule_session(hub, made.id, schemas.SessionIn(start=start, topic="Ny"))
    assert not again.cancelled


async def test_the_session_follows_the_hubs_absence_to_a_free_stand_in(
    ids: dict[str, int],
) -> None:
    made = await new_series(ids["hub3_user"])
    hub = await ctx(ids["hub3_user"])
    start = second_tuesday(4)
    first = await series.schedule_session(hub, made.id, schemas.SessionIn(start=start, topic="A"))
    later = start + timedelta(days=7)
    second = await series.schedule_session(hub, made.id, schemas.SessionIn(start=later, topic="B"))
    await participation.sign_up(await ctx(ids["0512"]), first.id)
    await participation.sign_up(await ctx(ids["0583"]), second.id)
    # The stand-in for the second week is busy then: their own session at that time.
    busy_series = await new_series(ids["busy_user"])
    await series.schedule_session(
        await ctx(ids["busy_user"]), busy_series.id, schemas.SessionIn(start=later, topic="Egen")
    )

    week_one = specialist_schemas.AbsenceCreate(
        starts_at=start - timedelta(hours=1),
        ends_at=start + timedelta(days=1),
        stand_in=ids["standin"],
    )
    await editing.add_absence(hub, ids["hub3"], week_one)
    moved = await booking_of(first.id)
    assert moved["session"]["stand_in"] == ids["standin"]
    assert moved["booking"]["specialist"] == ids["standin"]
    assert moved["booking"]["status"] == BookingStatus.BOOKED
    hubs_old = await seeing_all(
        lambda: Booking.select(Booking.status).where(
            (Booking.specialist == ids["hub3"]) & (Booking.starts_at == start)
        )
    )
    assert [b["status"] for b in hubs_old] == [BookingStatus.CANCELLED]
    link = f"/conferences/sessions/{first.id}"
    assert await told(ids["0512"], NotificationKind.CONFERENCE_STAND_IN) == [link]
    assert await told(ids["standin_user"], NotificationKind.CONFERENCE_STAND_IN) == [link]
    # The stand-in sees the session and is its leader.
    detail = await cases.session_detail(await ctx(ids["standin_user"]), first.id)
    assert detail.is_hub
    assert detail.session.stand_in == ids["standin"]

    week_two = specialist_schemas.AbsenceCreate(
        starts_at=later - timedelta(hours=1),
        ends_at=later + timedelta(days=1),
        stand_in=ids["busy"],
    )
    await editing.add_absence(hub, ids["hub3"], week_two)
    cancelled = await booking_of(second.id)
    assert cancelled["session"]["cancelled_at"] is not None
    assert cancelled["session"]["cancel_reason"] == "hub_away"
    assert cancelled["booking"]["status"] == BookingStatus.CANCELLED
    assert f"/conferences/sessions/{second.id}" in await told(
        ids["0583"], NotificationKind.CONFERENCE_CANCELLED
    )


async def test_the_periodic_pass_cancels_when_the_stand_in_lacks_the_area(
    ids: dict[str, int],
) -> None:
    made = await new_series(ids["hub_user"])
    hub = await ctx(ids["hub_user"])
    start = second_tuesday(6) + timedelta(hours=2)
    session = await series.schedule_session(hub, made.id, schemas.SessionIn(start=start, topic="C"))
    await participation.sign_up(await ctx(ids["0561"]), session.id)
    # An absence written without the use case (as an import would): only the pass sees it.
    await Absence(
        specialist=ids["hub"],
        starts_at=start - timedelta(hours=1),
        ends_at=start + timedelta(hours=3),
        reason="other",
        stand_in=ids["novice"],  # not competent in the area
        created_at=datetime.now(STOCKHOLM),
    ).save()
    done = await absences.follow_all(bare_runtime())
    assert done.get("cancelled", 0) >= 1
    row = (await booking_of(session.id))["session"]
    assert row["cancel_reason"] == "hub_away"
    audited = await AuditEvent.select(AuditEvent.actor_email).where(
        (AuditEvent.action == "conference_session.cancel")
        & (AuditEvent.object_id == str(session.id))
    )
    assert [a["actor_email"] for a in audited] == ["system"]
    assert f"/conferences/sessions/{session.id}" in await told(
        ids["0561"], NotificationKind.CONFERENCE_CANCELLED
    )

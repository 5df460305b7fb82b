"""Before a conference session: the reminder (once, in its window, to the right
people, never for a cancelled session, once under two passes at once), the session's
meeting details (the hub's default, changed by the hub, read by attendees) and the
sessions in the calendar feeds (a person's own feed and the hub's)."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from network.accounts.principals import load_principal
from network.conferences import cases, meeting, participation, schemas, series
from network.conferences.reminders import remind_due
from network.conferences.tables import ConferenceSession
from network.consultations.tables import Booking
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.lib.errors import Forbidden, InvalidInput
from network.lib.vocab import BookingStatus, NotificationKind, Role
from network.notifications.tables import Notification
from network.scheduling import STOCKHOLM
from network.specialists import calendar, editing
from network.specialists import schemas as specialist_schemas
from network.specialists.tables import SpecialistProfile
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.context import bare_runtime, context_of
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
HUB = "remind.hub@demo.invalid"  # Linköping (0580)
PRESENTER = "remind.ydre@demo.invalid"  # Ydre (0512)
ATTENDEE = "remind.motala@demo.invalid"  # Motala (0583)
BYSTANDER = "remind.kinda@demo.invalid"  # Kinda (0513): served, not signed up
VIDEO = "https://meet.example.se/heder-ostergotland"


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        hub_user = await create_user(HUB, Role.SPECIALIST, municipality="0580")
        hub = await create_specialist_profile(hub_user, "0580")
        await add_competence(hub, AREA, 3)
        await add_weekly_hours(hub, range(7), time(7), time(20))
        await SpecialistProfile.update({SpecialistProfile.meeting_video_url: VIDEO}).where(
            SpecialistProfile.id == hub
        )
        return {
            "hub_user": hub_user,
            "hub": hub,
            "presenter": await create_user(PRESENTER, Role.SOCIAL_WORKER, municipality="0512"),
            "attendee": await create_user(ATTENDEE, Role.SOCIAL_WORKER, municipality="0583"),
            "bystander": await create_user(BYSTANDER, Role.SOCIAL_WORKER, municipality="0513"),
        }

    return asyncio.run(create())


async def ctx(user_id: int) -> Context:
    principal = await load_principal(user_id)
    assert principal is not None
    return context_of(principal)


def far_ahead(weeks: int, hour: int) -> datetime:
    """A Tuesday ``weeks`` weeks ahead at ``hour`` (far from other modules' sessions)."""
    today = datetime.now(STOCKHOLM).date()
    day = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks, days=1)
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


async def a_session(ids: dict[str, int], start: datetime, topic: str) -> schemas.SessionOut:
    hub = await ctx(ids["hub_user"])
    made = await series.create_series(
        hub,
        schemas.SeriesIn(
            title="Heder i Östergötland",
            area=AREA,
            municipalities=["0512", "0583", "0513"],
            capacity=6,
        ),
    )
    session = await series.schedule_session(
        hub, made.id, schemas.SessionIn(start=start, topic=topic)
    )
    await participation.sign_up(await ctx(ids["presenter"]), session.id)
    await participation.sign_up(await ctx(ids["attendee"]), session.id)
    return session


async def told(session_id: int) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await Notification.select(
            Notification.recipient, Notification.kind, Notification.link, Notification.params
        )
        .where(
            (Notification.object_type == "conference_session")
            & (Notification.object_id == session_id)
            & Notification.kind.like("conference.reminder%")
        )
        .output(load_json=True)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["recipient"], []).append(row)
    return found


async def test_a_reminder_goes_once_in_its_window_to_the_right_people(
    ids: dict[str, int],
) -> None:
    start = far_ahead(40, 9)
    session = await a_session(ids, start, "Riskbedömning med PATRIARK")
    case = await cases.submit_case(
        await ctx(ids["presenter"]),
        session.id,
        schemas.CaseIn(question="Hur bedömer vi risken?", presentation="Flicka, 15 år."),
    )
    runtime = bare_runtime(conference_reminder_hours=24)

    await remind_due(runtime, now=start - timedelta(hours=25))  # not yet in the window
    assert await told(session.id) == {}
    assert (
        await ConferenceSession.select(ConferenceSession.reminded_at)
        .where(ConferenceSession.id == session.id)
        .first()
    )["reminded_at"] is None

    await remind_due(runtime, now=start - timedelta(hours=23))
    await remind_due(runtime, now=start - timedelta(hours=22))  # again: nothing more
    found = await told(session.id)
    assert sorted(found) == sorted([ids["presenter"], ids["attendee"], ids["hub_user"]])
    assert ids["bystander"] not in found
    kinds = {user: [r["kind"] for r in rows] for user, rows in found.items()}
    assert kinds == {
        ids["presenter"]: [NotificationKind.CONFERENCE_REMINDER_PRESENTER.value],
        ids["attendee"]: [NotificationKind.CONFERENCE_REMINDER.value],
        ids["hub_user"]: [NotificationKind.CONFERENCE_REMINDER_HUB.value],
    }
    presenter = found[ids["presenter"]][0]
    assert presenter["link"] == f"/conferences/sessions/{session.id}#case-{case.id}"
    params = found[ids["attendee"]][0]["params"]
    assert params["title"] == "Heder i Östergötland"
    assert params["topic"] == "Riskbedömning med PATRIARK"
    assert params["how"] == VIDEO
    assert params["mode"] == "video"
    assert datetime.fromisoformat(params["start"]) == start
    # Never the case's words in a notification.
    assert all("Flicka" not in str(r["params"]) for rows in found.values() for r in rows)


async def test_two_passes_at_once_remind_a_session_once(ids: dict[str, int]) -> None:
    start = far_ahead(41, 9)
    session = await a_session(ids, start, "Samtal med barn")
    runtime = bare_runtime(conference_reminder_hours=24)
    now = start - timedelta(hours=2)
    done = await asyncio.gather(remind_due(runtime, now=now), remind_due(runtime, now=now))
    assert sum(done) >= 1
    found = await told(session.id)
    assert {user: len(rows) for user, rows in found.items()} == {
        ids["presenter"]: 1,
        ids["attendee"]: 1,
        ids["hub_user"]: 1,
    }


async def test_the_stand_in_leading_a_session_is_reminded_in_the_hubs_place(
    ids: dict[str, int],
) -> None:
    start = far_ahead(43, 10)
    session = await a_session(ids, start, "Skyddsplanering")
    stand_in_user = await create_user(
        "remind.standin@demo.invalid", Role.SPECIALIST, municipality="0580"
    )
    stand_in = await create_specialist_profile(stand_in_user, "0580")
    await add_competence(stand_in, AREA, 3)
    await add_weekly_hours(stand_in, range(7), time(7), time(20))
    away = specialist_schemas.AbsenceCreate(
        starts_at=start - timedelta(hours=1), ends_at=start + timedelta(hours=3), stand_in=stand_in
    )
    absence = await editing.add_absence(await ctx(ids["hub_user"]), ids["hub"], away)
    moved = (
        await ConferenceSession.select(ConferenceSession.stand_in)
        .where(ConferenceSession.id == session.id)
        .first()
    )
    assert moved is not None
    assert moved["stand_in"] == stand_in

    await remind_due(bare_runtime(conference_reminder_hours=24), now=start - timedelta(hours=3))
    kinds = {user: [r["kind"] for r in rows] for user, rows in (await told(session.id)).items()}
    assert kinds == {
        ids["presenter"]: [NotificationKind.CONFERENCE_REMINDER.value],  # no case presented
        ids["attendee"]: [NotificationKind.CONFERENCE_REMINDER.value],
        stand_in_user: [NotificationKind.CONFERENCE_REMINDER_HUB.value],
    }
    # The hub is back for the module's other tests.
    await editing.delete_absence(await ctx(ids["hub_user"]), ids["hub"], absence)


async def test_a_cancelled_session_is_not_reminded_and_shows_cancelled(
    ids: dict[str, int],
) -> None:
    start = far_ahead(42, 9)
    session = await a_session(ids, start, "Inställt tema")
    row = (
        await ConferenceSession.select(ConferenceSession.booking)
        .where(ConferenceSession.id == session.id)
        .first()
    )
    async with system_scope(Booking._meta.db):  # as a cancel would (row-level security)
        cancelled = (
            await Booking.update({Booking.status: BookingStatus.CANCELLED})
            .where(Booking.id == row["booking"])
            .returning(Booking.id)
        )
    assert cancelled
    await remind_due(bare_runtime(conference_reminder_hours=24), now=start - timedelta(hours=1))
    assert await told(session.id) == {}
    detail = await cases.session_detail(await ctx(ids["attendee"]), session.id)
    assert detail.cancelled

    token = await calendar.create_user_feed(await ctx(ids["attendee"]))
    body = await calendar.feed_for_token(token, base_url="https://snet.example", client_addr=None)
    assert body is not None
    events = {
        str(e["uid"]): e
        for e in Calendar.from_ical(body).walk("VEVENT")
        if str(e["uid"]) == f"conference-session-{session.id}@specialistnatet"
    }
    assert [str(e.get("status")) for e in events.values()] == ["CANCELLED"]


async def test_meeting_details_default_from_the_hub_and_are_changed_by_the_hub(
    ids: dict[str, int],
) -> None:
    start = far_ahead(43, 9)
    session = await a_session(ids, start, "Skyddsbedömning")
    attendee = await ctx(ids["attendee"])
    assert (await cases.session_detail(attendee, session.id)).meeting_details == VIDEO

    hub = await ctx(ids["hub_user"])
    with pytest.raises(InvalidInput) as refused:
        await meeting.set_meeting_details(hub, session.id, "http://meet.example.se/x")
    assert refused.value.field == "details"
    with pytest.raises(Forbidden):
        await meeting.set_meeting_details(attendee, session.id, "https://meet.example.se/x")

    changed = await meeting.set_meeting_details(hub, session.id, "https://meet.example.se/ny")
    assert changed.meeting_details == "https://meet.example.se/ny"
    assert (
        await cases.session_detail(attendee, session.id)
    ).meeting_details == "https://meet.example.se/ny"
    informed = await Notification.select(Notification.recipient).where(
        (Notification.object_type == "conference_session")
        & (Notification.object_id == session.id)
        & (Notification.kind == NotificationKind.BOOKING_DETAILS.value)
    )
    assert sorted(r["recipient"] for r in informed) == sorted([ids["presenter"], ids["attendee"]])


async def test_sessions_in_the_attendees_and_the_hubs_calendar_feeds(
    ids: dict[str, int],
) -> None:
    start = far_ahead(44, 9)
    session = await a_session(ids, start, "Hedersnormer och skolan")
    uid = f"conference-session-{session.id}@specialistnatet"

    async def events(token: str) -> dict[str, Any]:
        body = await calendar.feed_for_token(
            token, base_url="https://snet.example", client_addr=None, now=start - timedelta(days=1)
        )
        assert body is not None
        return {str(e["uid"]): e for e in Calendar.from_ical(body).walk("VEVENT")}

    mine = await events(await calendar.create_user_feed(await ctx(ids["attendee"])))
    event = mine[uid]
    assert str(event["summary"]) == (
        "Konferens / Conference: Heder i Östergötland – Hedersnormer och skolan (video)"
    )
    assert VIDEO in str(event["description"])
    assert str(event["url"]) == f"https://snet.example/conferences/sessions/{session.id}"
    assert event.get("status") is None
    assert uid not in await events(await calendar.create_user_feed(await ctx(ids["bystander"])))

    hub = await ctx(ids["hub_user"])
    theirs = await events(await calendar.create_feed(hub, ids["hub"]))
    assert str(theirs[uid]["summary"]).startswith("Konferens / Conference: Heder i Östergötland")
    row = (
        await ConferenceSession.select(ConferenceSession.booking)
        .where(ConferenceSession.id == session.id)
        .first()
    )
    assert f"booking-{row['booking']}@specialistnatet" not in theirs  # shown once, as the session

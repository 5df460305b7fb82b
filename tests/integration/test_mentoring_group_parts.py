"""A mentoring programme's group parts on Skåne (county 12, which no other test
touches), as one story: a coordinator makes a theme-meeting part for a programme run
by Malmö and Lund (refusals named), schedules sessions that book the host's calendar
and enrol the mentees, the audience rules (a social worker outside the cohort is
refused), the host records attendance, and the cohort's progress shows the group
parts attended, held and missed beside the ladder, as JSON and as CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.conferences.tables import ConferenceSession, ConferenceSignup
from network.consultations.tables import Booking
from network.lib.vocab import BookingStatus, MentoringStatus, NotificationKind, Role
from network.mentoring.ladder import PROGRESS_COLUMNS
from network.mentoring.tables import MentoringRequest, MentorOffer
from network.notifications.tables import Notification
from network.scheduling import STOCKHOLM
from tests.support import app_client, in_app, in_app_seeing_all, sign_in
from tests.support.cases import add_competence, add_weekly_hours
from tests.support.people import create_specialist_profile, create_user

COORDINATOR = "gp.coordinator@demo.invalid"  # county 12
HOST = "gp.host@demo.invalid"  # Malmö
ELSEWHERE = "gp.landskrona@demo.invalid"  # a specialist of Landskrona (not taking part)
MENTOR = "gp.mentor@demo.invalid"  # Lund
MENTEE_1 = "gp.m1@demo.invalid"  # Malmö
MENTEE_2 = "gp.m2@demo.invalid"  # Lund
LATE = "gp.late@demo.invalid"  # Lund, joins after the sessions are scheduled
BYSTANDER = "gp.bystander@demo.invalid"  # a social worker of Lund, not in the cohort
OUTSIDER = "gp.outsider@demo.invalid"  # a social worker of Landskrona
MALMO, LUND, LANDSKRONA = "1280", "1281", "1282"
AREA = "lvu_investigation"
STATE: dict[str, Any] = {}


@pytest.fixture(scope="module")
def world(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        ids = {
            COORDINATOR: await create_user(COORDINATOR, Role.COORDINATOR, county="12"),
            HOST: await create_user(HOST, Role.SPECIALIST, municipality=MALMO),
            ELSEWHERE: await create_user(ELSEWHERE, Role.SPECIALIST, municipality=LANDSKRONA),
            MENTOR: await create_user(MENTOR, Role.SOCIAL_WORKER, municipality=LUND),
            MENTEE_1: await create_user(MENTEE_1, Role.SOCIAL_WORKER, municipality=MALMO),
            MENTEE_2: await create_user(MENTEE_2, Role.SOCIAL_WORKER, municipality=LUND),
            LATE: await create_user(LATE, Role.SOCIAL_WORKER, municipality=LUND),
            BYSTANDER: await create_user(BYSTANDER, Role.SOCIAL_WORKER, municipality=LUND),
            OUTSIDER: await create_user(OUTSIDER, Role.SOCIAL_WORKER, municipality=LANDSKRONA),
        }
        host = await create_specialist_profile(ids[HOST], MALMO)
        await add_competence(host, AREA, 3)
        await add_weekly_hours(host, range(5), time(8), time(17))
        elsewhere = await create_specialist_profile(ids[ELSEWHERE], LANDSKRONA)
        await add_competence(elsewhere, AREA, 3)
        ids["host"], ids["elsewhere"] = host, elsewhere
        return ids

    return asyncio.run(create())


@pytest.fixture(scope="module")
def client(world: dict[str, int]) -> Iterator[TestClient[Litestar]]:
    with app_client() as test_client:
        yield test_client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _refused(response: Any, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    if field is not None:
        assert response.json()["errors"][0]["field"] == field


def _tuesday(weeks: int, hour: int) -> datetime:
    today = datetime.now(STOCKHOLM).date()
    day = today - timedelta(days=today.weekday() - 1) + timedelta(weeks=weeks)
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def _part(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Temamöten om LVU",
        "part_format": "theme_meeting",
        "area": AREA,
        "host": STATE["host"],
        "duration_minutes": 120,
    }
    body.update(changes)
    return body


def test_1_a_coordinator_makes_a_group_part(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    STATE.update(world)
    sign_in(client, COORDINATOR)
    programme = _ok(
        client.post(
            "/api/v1/mentoring/programmes",
            json={
                "name": "Introduktion Malmö–Lund",
                "municipalities": [MALMO, LUND],
                "start_date": "2026-08-01",
                "end_date": "2027-12-31",
            },
        ),
        201,
    )
    cohort = _ok(
        client.post(
            f"/api/v1/mentoring/programmes/{programme['id']}/cohorts",
            json={"name": "Kull 1", "start_date": "2026-08-15", "end_date": "2027-12-31"},
        ),
        201,
    )
    STATE["programme"], STATE["cohort"] = programme["id"], cohort["id"]

    async def pairs() -> None:  # a mentor and two matched mentees, made directly
        now = datetime.now(UTC)
        offer = MentorOffer(
            programme=programme["id"],
            user=world[MENTOR],
            municipality=await _municipality(LUND),
            capacity=3,
            created_at=now,
        )
        await offer.save()
        for email, town in ((MENTEE_1, MALMO), (MENTEE_2, LUND)):
            request = MentoringRequest(
                programme=programme["id"],
                cohort=cohort["id"],
                mentee=world[email],
                municipality=await _municipality(town),
                status=MentoringStatus.MATCHED,
                offer=offer.id,
                created_at=now,
                matched_at=now,
            )
            await request.save()

    in_app(client, pairs)
    path = f"/api/v1/mentoring/programmes/{programme['id']}/group-parts"
    _refused(client.post(path, json=_part(host=world["elsewhere"])), 400, "host")
    _refused(client.post(path, json=_part(area="elder_care_xyz")), 400, "area")
    _refused(client.post(path, json=_part(part_format="lecture")), 400, "part_format")
    sign_in(client, BYSTANDER)
    _refused(client.post(path, json=_part()), 403)
    sign_in(client, COORDINATOR)
    part = _ok(client.post(path, json=_part()), 201)
    assert part["kind"] == "introduction"
    assert part["programme"] == programme["id"]
    assert part["part_format"] == "theme_meeting"
    assert part["may_manage"] is True
    STATE["part"] = part["id"]
    listed = _ok(client.get(path))
    assert [p["id"] for p in listed] == [part["id"]]


async def _municipality(code: str) -> int:
    from network.directory.tables import Municipality

    row = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
    assert row is not None
    return int(row["id"])


def test_2_sessions_book_the_host_and_enrol_the_mentees(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    sign_in(client, COORDINATOR)
    first, second = _tuesday(3, 9), _tuesday(5, 9)
    made = []
    for start, topic in ((first, "Barnets rättigheter"), (second, "Utredningens struktur")):
        made.append(
            _ok(
                client.post(
                    f"/api/v1/conferences/{STATE['part']}/sessions",
                    json={"start": start.isoformat(), "topic": topic},
                ),
                201,
            )
        )
    assert [s["seats_taken"] for s in made] == [2, 2]  # both mentees enrolled
    STATE["sessions"] = [s["id"] for s in made]

    async def enrolled() -> list[dict[str, Any]]:
        return list(
            await Notification.select(
                Notification.recipient, Notification.link, Notification.params
            )
            .where(
                (Notification.kind == NotificationKind.PROGRAMME_ENROLLED.value)
                & Notification.object_id.is_in(STATE["sessions"])
            )
            .output(load_json=True)
        )

    told = in_app_seeing_all(client, enrolled)
    assert sorted((n["recipient"], n["link"]) for n in told) == sorted(
        (world[who], f"/conferences/sessions/{session}")
        for who in (MENTEE_1, MENTEE_2)
        for session in STATE["sessions"]
    )
    assert {n["params"]["topic"] for n in told} == {"Barnets rättigheter", "Utredningens struktur"}

    async def bookings() -> list[dict[str, Any]]:
        return list(
            await Booking.select(Booking.starts_at, Booking.ends_at, Booking.status).where(
                (Booking.specialist == world["host"]) & (Booking.status == BookingStatus.BOOKED)
            )
        )

    held = in_app_seeing_all(client, bookings)
    assert {(b["starts_at"], b["ends_at"]) for b in held} >= {
        (first.astimezone(UTC), (first + timedelta(minutes=120)).astimezone(UTC)),
        (second.astimezone(UTC), (second + timedelta(minutes=120)).astimezone(UTC)),
    }
    # The host's calendar is one: a second part cannot take the same time.
    other = _ok(
        client.post(
            f"/api/v1/mentoring/programmes/{STATE['programme']}/group-parts",
            json=_part(title="Grupphandledning", part_format="group_supervision", capacity=2),
        ),
        201,
    )
    STATE["supervision"] = other["id"]
    _refused(
        client.post(
            f"/api/v1/conferences/{other['id']}/sessions",
            json={"start": (first + timedelta(minutes=30)).isoformat(), "topic": "Ärenden"},
        ),
        409,
        "start",
    )


def test_3_only_the_cohort_takes_part(client: TestClient[Litestar], world: dict[str, int]) -> None:
    upcoming = STATE["sessions"][1]
    sign_in(client, BYSTANDER)  # a user of Lund sees the programme's parts, may not join
    assert STATE["part"] in [p["id"] for p in _ok(client.get("/api/v1/conferences"))]
    _refused(client.post(f"/api/v1/conferences/sessions/{upcoming}/signup"), 403, "session_id")
    sign_in(client, OUTSIDER)  # Landskrona takes no part: the part is not there at all
    _refused(client.get(f"/api/v1/conferences/{STATE['part']}"), 404)
    _refused(client.post(f"/api/v1/conferences/sessions/{upcoming}/signup"), 404)
    sign_in(client, MENTEE_1)  # enrolled already
    _refused(client.post(f"/api/v1/conferences/sessions/{upcoming}/signup"), 409, "session_id")

    async def late_joiner() -> None:
        await MentoringRequest(
            programme=STATE["programme"],
            cohort=STATE["cohort"],
            mentee=world[LATE],
            municipality=await _municipality(LUND),
            status=MentoringStatus.OPEN,
            created_at=datetime.now(UTC),
        ).save()

    in_app(client, late_joiner)
    sign_in(client, LATE)  # joined after the sessions were scheduled: signs up
    assert _ok(client.post(f"/api/v1/conferences/sessions/{upcoming}/signup"), 201)["signed_up"]
    # Three mentees now, and the supervision part has two seats: no session for it.
    sign_in(client, COORDINATOR)
    _refused(
        client.post(
            f"/api/v1/conferences/{STATE['supervision']}/sessions",
            json={"start": _tuesday(6, 13).isoformat(), "topic": "Ärenden"},
        ),
        409,
        "series_id",
    )


def test_4_attendance_beside_the_ladder(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    held, upcoming = STATE["sessions"]
    start = _tuesday(-2, 9).astimezone(UTC)

    async def move_into_the_past() -> None:  # the first session took place two weeks ago
        await ConferenceSession.update(
            {
                ConferenceSession.starts_at: start,
                ConferenceSession.ends_at: start + timedelta(minutes=120),
            }
        ).where(ConferenceSession.id == held)

    in_app(client, move_into_the_past)
    sign_in(client, MENTEE_1)  # a mentee does not record attendance
    _refused(
        client.put(
            f"/api/v1/conferences/sessions/{held}/attendance", json={"present": [world[MENTEE_1]]}
        ),
        403,
    )
    sign_in(client, HOST)
    roster = _ok(
        client.put(
            f"/api/v1/conferences/sessions/{held}/attendance", json={"present": [world[MENTEE_1]]}
        )
    )
    assert {r["user"]: r["attended"] for r in roster} == {
        world[MENTEE_1]: True,
        world[MENTEE_2]: False,
    }

    sign_in(client, COORDINATOR)
    progress = _ok(client.get(f"/api/v1/mentoring/cohorts/{STATE['cohort']}/progress"))
    by_mentee = {p["mentee"]: p for p in progress}
    one, two = by_mentee[world[MENTEE_1]], by_mentee[world[MENTEE_2]]
    day = start.astimezone(STOCKHOLM).date().isoformat()
    assert (one["group_attended"], one["group_held"], one["group_missed"]) == (1, 1, [])
    assert (two["group_attended"], two["group_held"]) == (0, 1)
    assert two["group_missed"] == [f"{day} Temamöten om LVU: Barnets rättigheter"]

    export = client.get(f"/api/v1/mentoring/cohorts/{STATE['cohort']}/progress?format=csv")
    assert export.status_code == 200
    reader = csv.reader(io.StringIO(export.text))
    header = next(reader)
    assert header[: len(PROGRESS_COLUMNS) - 3] == [
        "mentee",
        "mentor",
        "matched_on",
        "steps_signed",
        "steps_total",
        "current_step",
        "meetings",
        "minutes",
        "last_met",
        "stale",
    ]
    assert header[-3:] == ["group_parts_attended", "group_parts_held", "group_parts_missed"]
    rows = {row[0]: row for row in reader}
    assert rows["gp.m1"][-3:] == ["1", "1", ""]
    assert rows["gp.m2"][-3:] == ["0", "1", f"{day} Temamöten om LVU: Barnets rättigheter"]

    sign_in(client, MENTEE_2)  # the mentee's own view: one missed, one to come
    mine = _ok(client.get("/api/v1/mentoring/group-sessions"))
    assert [(s["session"], s["attended"], s["signed_up"]) for s in mine] == [
        (held, False, True),
        (upcoming, None, True),
    ]
    page = client.get("/mentoring?lang=sv")
    assert page.status_code == 200
    assert "Barnets rättigheter" in page.text
    assert "Utredningens struktur" in page.text

    async def seats() -> int:
        return await ConferenceSignup.count().where(ConferenceSignup.session == upcoming)

    assert in_app(client, seats) == 3


def test_5_the_pages(client: TestClient[Litestar], world: dict[str, int]) -> None:
    sign_in(client, COORDINATOR)
    programme = f"/mentoring/programmes/{STATE['programme']}"
    page = client.get(f"{programme}?lang=sv")
    assert page.status_code == 200
    assert "Gruppdelar" in page.text
    assert "Temamöten om LVU" in page.text
    assert 'data-testid="group-part-form"' in page.text
    refused = client.post(
        f"{programme}/group-parts?lang=sv",
        data={
            "title": "Temadag om barnsamtal",
            "part_format": "theme_meeting",
            "area": AREA,
            "host": str(world["elsewhere"]),
            "mode": "on_site",
            "duration_minutes": "90",
            "capacity": "25",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert 'value="Temadag om barnsamtal"' in refused.text  # kept as typed
    assert 'value="25"' in refused.text
    made = client.post(
        f"{programme}/group-parts",
        data={
            "title": "Temadag om barnsamtal",
            "part_format": "theme_meeting",
            "area": AREA,
            "host": str(world["host"]),
            "mode": "on_site",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    series = client.get(f"{made.headers['location']}?lang=sv")
    assert 'data-testid="programme"' in series.text
    assert 'data-testid="schedule-form"' in series.text
    cohort = client.get(f"/mentoring/cohorts/{STATE['cohort']}?lang=sv")
    assert cohort.status_code == 200
    assert '<td class="num" data-testid="group-attended">1/1</td>' in cohort.text
    assert "Barnets rättigheter" in cohort.text  # the one missed, by the second mentee
    sign_in(client, BYSTANDER)  # a user of Lund sees the schedule, not the form
    page = client.get(programme)
    assert "Temamöten om LVU" in page.text
    assert 'data-testid="group-part-form"' not in page.text

"""The specialists' pages: each form saves, a refused form names the field and keeps
the input, "my week" shows bookings and capacity, the calendar address is shown
once, coordinators list their specialists, others are refused."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.tables import Booking
from network.directory.tables import Municipality
from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from network.settings import get_settings
from network.specialists.tables import (
    Absence,
    AvailabilityRule,
    SpecialistCompetence,
    SpecialistProfile,
)
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import create_accepted_request, seeing_all
from tests.support.people import create_specialist_profile, create_user

OWNER = "pages.owner@demo.invalid"  # Norrköping (0581)
COORDINATOR = "pages.coordinator@demo.invalid"  # county 05
FAR_COORDINATOR = "pages.far@demo.invalid"  # county 25
WORKER = "pages.worker@demo.invalid"
_today = date.today()
MONDAY = _today - timedelta(days=_today.weekday()) + timedelta(days=7)
WEEK = f"{MONDAY.isocalendar().year}-W{MONDAY.isocalendar().week:02d}"


@pytest.fixture(scope="module")
def specialist(migrated: None) -> int:
    async def create() -> int:
        owner = await create_user(OWNER, Role.SPECIALIST, municipality="0581")
        await create_user(COORDINATOR, Role.COORDINATOR, county="05")
        await create_user(FAR_COORDINATOR, Role.COORDINATOR, county="25")
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        specialist = await create_specialist_profile(owner, "0581")
        request = await create_accepted_request(
            requester=worker,
            municipality="0512",
            specialist=specialist,
            area="honour_based_violence",
        )
        start = datetime.combine(MONDAY + timedelta(days=1), time(10), tzinfo=STOCKHOLM)
        ydre = await Municipality.select(Municipality.id).where(Municipality.code == "0512").first()
        assert ydre is not None
        await Booking(
            specialist=specialist,
            request=request,
            origin_municipality=ydre["id"],
            starts_at=start.astimezone(UTC),
            ends_at=(start + timedelta(minutes=45)).astimezone(UTC),
            mode="video",
            created_at=datetime.now(UTC),
        ).save()
        return specialist

    return asyncio.run(seeing_all(create))


@pytest.fixture
def client(specialist: int, shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, OWNER)
    return test_client


def version_of(client: TestClient[Litestar], specialist: int) -> int:
    page = client.get(f"/specialists/{specialist}").text
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match is not None
    return int(match[1])


def profile_form(version: int, **changes: str) -> dict[str, str]:
    form = {
        "version": str(version),
        "competence_rows": "3",
        "title": "Specialistsocionom hedersrelaterat våld",
        "languages": "sv, ar",
        "consultations_per_week": "5",
        "mentees_capacity": "2",
        "slot_minutes": "45",
        "buffer_minutes": "15",
        "video": "1",
        "phone": "1",
        "accepts_new": "1",
        "area_0": "honour_based_violence",
        "level_0": "3",
        "note_0": "Nationella kompetensteamet",
        "area_1": "child_forced_marriage",
        "level_1": "2",
    }
    form.update(changes)
    return form


def test_my_week_shows_bookings_and_capacity(client: TestClient[Litestar], specialist: int) -> None:
    page = client.get(f"/specialists/{specialist}", params={"week": WEEK})
    assert page.status_code == 200
    assert "Hedersrelaterat våld och förtryck" in page.text
    assert "Ydre" in page.text
    assert re.search(r'data-testid="remaining">(\d+)<', page.text)[1] == "3"  # type: ignore[index]
    assert 'data-testid="answers-few"' in page.text  # one consultation: too few to show
    empty = client.get(f"/specialists/{specialist}", params={"week": "2020-W01"})
    assert "Inga möten bokade denna vecka." in empty.text
    bad = client.get(f"/specialists/{specialist}", params={"week": "next"})
    assert bad.status_code == 400
    assert "week" in bad.text


def test_profile_form_saves_and_a_refusal_keeps_the_input(
    client: TestClient[Litestar], specialist: int
) -> None:
    version = version_of(client, specialist)
    saved = client.post(
        f"/specialists/{specialist}/profile", data=profile_form(version), follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    stored = in_app(
        client,
        lambda: (
            SpecialistProfile.select(
                SpecialistProfile.title,
                SpecialistProfile.languages,
                SpecialistProfile.offers_on_site,
            )
            .where(SpecialistProfile.id == specialist)
            .first()
        ),
    )
    assert stored == {
        "title": "Specialistsocionom hedersrelaterat våld",
        "languages": ["sv", "ar"],
        "offers_on_site": False,
    }
    levels = in_app(
        client,
        lambda: SpecialistCompetence.select(
            SpecialistCompetence.area._.code.as_alias("area"), SpecialistCompetence.level
        ).where(SpecialistCompetence.specialist == specialist),
    )
    assert sorted((r["area"], r["level"]) for r in levels) == [
        ("child_forced_marriage", 2),
        ("honour_based_violence", 3),
    ]
    # The note is shown again, so saving the form keeps it.
    assert 'value="Nationella kompetensteamet"' in client.get(f"/specialists/{specialist}").text
    # A banner in the section saved says so (none before the save: the bug report).
    assert saved.headers["location"] == f"/specialists/{specialist}?notice=profile#profile"
    assert 'data-testid="success"' not in client.get(f"/specialists/{specialist}").text
    banner = client.get(saved.headers["location"]).text
    assert 'data-testid="success"' in banner
    assert "Profilen är sparad." in banner

    refused = client.post(
        f"/specialists/{specialist}/profile",
        data=profile_form(version + 1, title="Ny titel", level_1="7"),
    )
    assert refused.status_code == 400
    assert 'data-testid="success"' not in refused.text
    # Named by the row's label in the page's language, linked to its control; never
    # by the field's internal name.
    assert "competences[1].level" not in refused.text
    assert '<a href="#f-level_1">Nivå 2</a>' in refused.text
    assert 'value="Ny titel"' in refused.text  # the input is kept
    stale = client.post(
        f"/specialists/{specialist}/profile", data=profile_form(version, title="Gammal")
    )
    assert stale.status_code == 409
    assert 'value="Gammal"' in stale.text


def test_hours_form(client: TestClient[Litestar], specialist: int) -> None:
    saved = client.post(
        f"/specialists/{specialist}/hours",
        data={"hours_0": "08:30-12:00, 13:00-16:00", "hours_3": "9.00–11.30"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    rows = in_app(
        client,
        lambda: AvailabilityRule.select(
            AvailabilityRule.weekday, AvailabilityRule.start_time, AvailabilityRule.end_time
        ).where(AvailabilityRule.specialist == specialist),
    )
    assert sorted((r["weekday"], r["start_time"], r["end_time"]) for r in rows) == [
        (0, time(8, 30), time(12)),
        (0, time(13), time(16)),
        (3, time(9), time(11, 30)),
    ]
    page = client.get(f"/specialists/{specialist}").text
    assert 'value="08:30-12:00, 13:00-16:00"' in page

    for text, message in (
        ("8 till 12", "Skriv tider som 08:00-12:00"),
        ("12:00-08:00", "Den slutar innan den börjar."),
        ("08:00-12:00, 11:00-13:00", "Överlappar en annan tid samma dag."),
        ("25:00-26:00", "En tid på dygnet ligger mellan 00:00 och 24:00."),
    ):
        refused = client.post(f"/specialists/{specialist}/hours", data={"hours_2": text})
        assert refused.status_code == 400, text
        # The day's label in Swedish, linked to its field; the service's English and
        # the field's internal name never reach the page.
        assert '<a href="#f-hours_2">Onsdag</a>' in refused.text
        assert message in refused.text
        assert f'value="{text}"' in refused.text
    still = in_app(
        client, lambda: AvailabilityRule.count().where(AvailabilityRule.specialist == specialist)
    )
    assert still == 3


def test_absence_form_adds_and_removes(client: TestClient[Litestar], specialist: int) -> None:
    start = MONDAY + timedelta(days=14)
    added = client.post(
        f"/specialists/{specialist}/absences",
        data={
            "starts_at": f"{start}T08:00",
            "ends_at": f"{start + timedelta(days=4)}T17:00",
            "reason": "training",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    row = in_app(
        client,
        lambda: (
            Absence.select(Absence.id, Absence.starts_at)
            .where(Absence.specialist == specialist)
            .first()
        ),
    )
    assert row["starts_at"] == datetime.combine(start, time(8), tzinfo=STOCKHOLM)
    backwards = client.post(
        f"/specialists/{specialist}/absences",
        data={"starts_at": f"{start}T08:00", "ends_at": f"{start}T07:00", "reason": "holiday"},
    )
    assert backwards.status_code == 400
    assert "ends_at" in backwards.text
    removed = client.post(
        f"/specialists/{specialist}/absences/{row['id']}/remove", follow_redirects=False
    )
    assert removed.status_code == 303
    assert in_app(client, lambda: Absence.count().where(Absence.specialist == specialist)) == 0
    assert "notice=absence-added" in added.headers["location"]
    shown = client.get(removed.headers["location"]).text
    assert "Frånvaron är borttagen." in shown


def test_calendar_address_is_shown_once_and_works(
    client: TestClient[Litestar], specialist: int
) -> None:
    made = client.post(f"/specialists/{specialist}/calendar-feed")
    assert made.status_code == 200
    public = re.escape(get_settings().public_url)  # not the Host header
    urls = re.findall(rf'value="({public}/calendar/[^"]+)"', made.text)
    assert len(urls) == 1
    assert client.get(urlsplit(urls[0]).path).status_code == 200
    later = client.get(f"/specialists/{specialist}").text
    assert urls[0] not in later
    assert 'data-testid="feed-active"' in later
    client.post(f"/specialists/{specialist}/calendar-feed/revoke")
    assert client.get(urlsplit(urls[0]).path).status_code == 404


def test_coordinators_list_and_others_are_refused(
    client: TestClient[Litestar], specialist: int
) -> None:
    sign_in(client, COORDINATOR)
    listing = client.get("/specialists")
    assert listing.status_code == 200
    assert f'data-specialist="{specialist}"' in listing.text
    assert client.get(f"/specialists/{specialist}").status_code == 200
    # Only the specialist themself manages the calendar address.
    assert 'data-testid="feed-create"' not in client.get(f"/specialists/{specialist}").text
    sign_in(client, FAR_COORDINATOR)
    assert f'data-specialist="{specialist}"' not in client.get("/specialists").text
    refused = client.get(f"/specialists/{specialist}")
    assert refused.status_code == 403
    assert "Du har inte åtkomst" in refused.text
    sign_in(client, WORKER)
    assert client.get("/specialists").status_code == 403
    sign_in(client, OWNER)
    sent = client.get("/specialists", follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/specialists/{specialist}"

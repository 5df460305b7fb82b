"""The demo programme's group parts: shared introduction days for its cohort.

The focus county's mentoring programme (the demo specialist's county) gets two group
parts hosted by the demo specialist, as a coordinator makes them in the app: theme
meetings with one session two weeks ago (attendance recorded, one mentee missed it)
and group supervision with one session next week; every mentee of the programme is
enrolled in both. The programme's first mentee is matched to a mentor who is not the
demo specialist (whose own mentees the browser story makes), so the cohort's
progress shows a pair with the group parts beside the ladder on first start. Each
session holds the host's time as a booking, as one scheduled in the app does.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from network.conferences.tables import ConferenceSeries, ConferenceSession, ConferenceSignup
from network.consultations.tables import Booking
from network.lib import clock
from network.lib.clock import STOCKHOLM
from network.lib.demo_users import SPECIALIST_EMAIL
from network.lib.vocab import BookingStatus, ConferenceKind, GroupPartFormat, MentoringStatus
from network.mentoring.audience import LIVE
from network.mentoring.tables import MentoringProgramme, MentoringRequest, MentorOffer
from network.specialists.tables import SpecialistProfile

__all__ = ("seed_group_parts",)

PARTS = (
    # (title, format, weeks from this week, weekday, topic)
    (
        "Introduktionsdagar: temamöten",
        GroupPartFormat.THEME_MEETING,
        -2,
        1,
        "Barnets bästa i utredningen",
    ),
    (
        "Grupphandledning för nya socialsekreterare",
        GroupPartFormat.GROUP_SUPERVISION,
        1,
        3,
        "Första LVU-utredningen: egna frågor",
    ),
)


async def seed_group_parts(area: int) -> None:
    """Two group parts of the focus programme (see the module); nothing when the demo
    specialist, their county's programme or its mentees are missing."""
    host = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.user,
            SpecialistProfile.home_municipality.as_alias("home"),
            SpecialistProfile.home_municipality._.county.as_alias("county"),
        )
        .where(SpecialistProfile.user._.email == SPECIALIST_EMAIL)
        .first()
    )
    if host is None:
        return
    programme = (
        await MentoringProgramme.select(MentoringProgramme.id)
        .where(MentoringProgramme.county == host["county"])
        .order_by(MentoringProgramme.id)
        .first()
    )
    if programme is None:
        return
    mentees = list(
        await MentoringRequest.select(
            MentoringRequest.id, MentoringRequest.mentee, MentoringRequest.municipality
        )
        .where(
            (MentoringRequest.programme == programme["id"])
            & MentoringRequest.status.is_in(list(LIVE))
            & MentoringRequest.municipality.is_not_null()
        )
        .order_by(MentoringRequest.id)
    )
    if len(mentees) < 2:
        return
    now = clock.now()
    today = now.astimezone(STOCKHOLM).date()
    mentor = (
        await MentorOffer.select(MentorOffer.id)
        .where((MentorOffer.programme == programme["id"]) & (MentorOffer.user != host["user"]))
        .order_by(MentorOffer.id)
        .first()
    )
    if mentor is not None:
        await MentoringRequest.update(
            {
                MentoringRequest.status: MentoringStatus.MATCHED,
                MentoringRequest.offer: mentor["id"],
                # On the day, not the second: the same seed gives the same rows.
                MentoringRequest.matched_at: datetime.combine(
                    today - timedelta(weeks=4), time(10), tzinfo=STOCKHOLM
                ),
            }
        ).where(MentoringRequest.id == mentees[0]["id"])
    for title, part_format, weeks, weekday, topic in PARTS:
        series = ConferenceSeries(
            title=title,
            kind=ConferenceKind.INTRODUCTION,
            programme=programme["id"],
            part_format=part_format,
            area=area,
            hub=host["id"],
            home_municipality=host["home"],
            duration_minutes=120,
            capacity=max(30, len(mentees)),
            created_at=now - timedelta(weeks=6),
        )
        await series.save()
        day = today - timedelta(days=today.weekday() - weekday) + timedelta(weeks=weeks)
        start = datetime.combine(day, time(9, 5), tzinfo=STOCKHOLM).astimezone(UTC)
        end = start + timedelta(minutes=120)
        booking = Booking(
            specialist=host["id"],
            origin_municipality=host["home"],
            starts_at=start,
            ends_at=end,
            status=BookingStatus.BOOKED,
            created_at=now,
        )
        await booking.save()
        past = weeks < 0
        session = ConferenceSession(
            series=series.id,
            starts_at=start,
            ends_at=end,
            topic=topic,
            booking=booking.id,
            attendance_recorded_at=end if past else None,
            created_at=now - timedelta(weeks=5),
        )
        await session.save()
        await ConferenceSignup.insert(
            *(
                ConferenceSignup(
                    session=session.id,
                    user=mentee["mentee"],
                    municipality=mentee["municipality"],
                    # Every one came but the last, who missed it.
                    attended=(index < len(mentees) - 1) if past else None,
                    created_at=now - timedelta(weeks=5),
                )
                for index, mentee in enumerate(mentees)
            )
        )

"""A notification e-mail says what and when: the offer's deadline, how to meet."""

from __future__ import annotations

from network.lib.vocab import NotificationKind
from network.notifications.email import compose


def test_an_offer_mail_says_by_when_to_answer() -> None:
    message = compose(
        "from@x.invalid",
        "to@x.invalid",
        NotificationKind.OFFER_NEW,
        "https://app.invalid/consultations/7",
        {"area": "fgm", "urgency": "acute", "deadline": "2026-12-03T16:00:00+00:00"},
        ("Könsstympning", "Female genital mutilation"),
    )
    body = message.get_content()
    assert "Ny förfrågan om konsultation: Könsstympning · Svara senast tors 3 dec. 17:00" in body
    assert "Answer by Thu 3 Dec 17:00" in body
    # The subject stays short: what happened, not the details.
    assert message["Subject"] == "Specialistnätet: Ny förfrågan om konsultation: Könsstympning"


def test_a_booking_mail_says_how_to_meet() -> None:
    message = compose(
        "from@x.invalid",
        "to@x.invalid",
        NotificationKind.BOOKING_CREATED,
        "https://app.invalid/consultations/7",
        {
            "area": "fgm",
            "start": "2026-12-07T07:30:00+00:00",
            "mode": "video",
            "how": "https://video.example.se/rum/1",
        },
        ("Könsstympning", "Female genital mutilation"),
    )
    body = message.get_content()
    assert "Hur ni möts: https://video.example.se/rum/1" in body
    assert "How to meet: https://video.example.se/rum/1" in body


def test_a_conference_reminder_mail_says_what_when_and_how() -> None:
    message = compose(
        "from@x.invalid",
        "to@x.invalid",
        NotificationKind.CONFERENCE_REMINDER_PRESENTER,
        "https://app.invalid/conferences/sessions/3#case-9",
        {
            "area": "honour_based_violence",
            "start": "2026-12-16T12:05:00+00:00",
            "mode": "video",
            "title": "Heder i Östergötland",
            "topic": "Samtal med barn om heder",
            "how": "https://meet.example.se/heder",
        },
        ("Hedersrelaterat våld", "Honour-based violence"),
    )
    body = message.get_content()
    assert (
        "Påminnelse: du presenterar ett ärende vid gruppträffen ons 16 dec. 13:05: "
        "Heder i Östergötland" in body
    )
    assert "Reminder: you present a case at the group meeting Wed 16 Dec 13:05" in body
    assert "Tema: Samtal med barn om heder" in body
    assert "Topic: Samtal med barn om heder" in body
    assert "How to meet: https://meet.example.se/heder" in body

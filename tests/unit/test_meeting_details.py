"""Checking how to meet (video link, phone, place) and an offer's time left and colour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from network.lib.errors import InvalidInput
from network.lib.meeting import details_for_mode, meeting_phone, meeting_place, video_url
from network.specialists.week import time_left, urgency_tag

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "https://video.example.se/rum/1",
        "https://meet.kommun.se:8443/x?id=1",
        "HTTPS://Video.Example.se/a",
        "https://" + "a" * 287 + ".se/x",  # 300 characters
    ],
)
def test_https_links_to_a_named_host_pass(value: str) -> None:
    assert video_url("video_url", f"  {value} ") == value


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("http://video.example.se/rum", "https://"),
        ("javascript:alert(1)", "https://"),
        ("ftp://video.example.se", "https://"),
        ("https://localhost/rum", "host"),
        ("https:///rum", "host"),
        ("https://user:pw@video.example.se/r", "user name"),
        ("https://video.example.se/a b", "without spaces"),
        ("https://" + "a" * 288 + ".se/x", "longer than 300"),
    ],
)
def test_other_links_are_refused_naming_the_field(value: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says) as refused:
        video_url("video_url", value)
    assert refused.value.field == "video_url"


def test_empty_details_clear() -> None:
    assert video_url("video_url", "  ") is None
    assert meeting_phone("phone", "") is None
    assert meeting_place("place", " ") is None


@pytest.mark.parametrize("value", ["010-123 45 67", "+46 10 123 45 67", "(08) 123 456", "1234567"])
def test_phone_numbers_pass(value: str) -> None:
    assert meeting_phone("phone", value) == value


@pytest.mark.parametrize(
    "value", ["123456", "+46 70 123 45 67 89 012", "ring mig", "010/123", "+", "-1234567"]
)
def test_other_phone_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        meeting_phone("phone", value)
    assert refused.value.field == "phone"


def test_a_place_is_plain_text_without_identity_numbers() -> None:
    assert meeting_place("place", "Socialkontoret, Storgatan 1") == "Socialkontoret, Storgatan 1"
    assert meeting_place("place", "x" * 200) == "x" * 200
    for bad in ("Rum 3\nvåning 2", "x" * 201, "Hos 19121212-1212"):
        with pytest.raises(InvalidInput) as refused:
            meeting_place("place", bad)
        assert refused.value.field == "place"


def test_a_booking_checks_its_details_by_its_mode() -> None:
    assert details_for_mode("video", "d", "https://a.se/b") == "https://a.se/b"
    assert details_for_mode("phone", "d", "010-123 45 67") == "010-123 45 67"
    assert details_for_mode("on_site", "d", "Storgatan 1") == "Storgatan 1"
    with pytest.raises(InvalidInput, match="https"):
        details_for_mode("video", "d", "010-1234567")
    with pytest.raises(InvalidInput, match="phone number"):
        details_for_mode("phone", "d", "https://a.se/b")


def test_time_left_and_colour_of_an_offer() -> None:
    assert time_left(None, NOW) is None
    assert time_left(NOW + timedelta(hours=3, minutes=59, seconds=59), NOW) == (3, 59)
    assert time_left(NOW - timedelta(minutes=1), NOW) == (0, 0)
    assert urgency_tag(NOW + timedelta(days=3), "acute", NOW) == "danger"
    assert urgency_tag(NOW + timedelta(hours=4), "planned", NOW) == "danger"
    assert urgency_tag(NOW + timedelta(hours=4, seconds=1), "planned", NOW) == "warning"
    assert urgency_tag(NOW + timedelta(hours=24), "soon", NOW) == "warning"
    assert urgency_tag(NOW + timedelta(hours=24, seconds=1), "soon", NOW) == "info"
    assert urgency_tag(None, "planned", NOW) == "info"

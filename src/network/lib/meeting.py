"""How to meet: a video-meeting link, a phone number for meetings, a place on site.

These are the specialist's work contacts, never client data, but they travel to
other municipalities, into notifications and calendar feeds, so each is checked
before it is stored: a link must be ``https://`` to a named host (no credentials in
it), a phone number digits with the usual separators, a place plain text with no
identity number in it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from network.lib.deidentified import IDENTITY_NUMBERS, require_deidentified
from network.lib.errors import InvalidInput

__all__ = (
    "PHONE_MAX",
    "PLACE_MAX",
    "VIDEO_URL_MAX",
    "details_for_mode",
    "meeting_phone",
    "meeting_place",
    "video_url",
)

VIDEO_URL_MAX = 300
PHONE_MAX = 40
PLACE_MAX = 200

_PHONE = re.compile(r"^\+?[0-9(][0-9 ()-]*$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def video_url(field: str, value: str) -> str | None:
    """``value`` stripped, ``None`` when empty, or :class:`InvalidInput` naming ``field``
    unless it is an ``https://`` address of a named host."""
    text = value.strip()
    if not text:
        return None
    if len(text) > VIDEO_URL_MAX:
        raise InvalidInput(f"is longer than {VIDEO_URL_MAX} characters", field=field)
    if _CONTROL.search(text) or any(c.isspace() for c in text):
        raise InvalidInput("must be one address without spaces", field=field)
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise InvalidInput("is not a web address", field=field) from None
    if parts.scheme.lower() != "https":
        raise InvalidInput("must start with https:// (a secure video-meeting link)", field=field)
    if not _HOST.match(host) or not port_ok:
        raise InvalidInput(
            "must name the video service's host, e.g. https://meet.example.se/room", field=field
        )
    if parts.username or parts.password:
        raise InvalidInput("must not hold a user name or password", field=field)
    return text


def meeting_phone(field: str, value: str) -> str | None:
    """``value`` stripped, ``None`` when empty, or :class:`InvalidInput` naming ``field``
    unless it is a phone number (7 to 15 digits, with spaces, hyphens, brackets or a
    leading +)."""
    text = value.strip()
    if not text:
        return None
    if len(text) > PHONE_MAX:
        raise InvalidInput(f"is longer than {PHONE_MAX} characters", field=field)
    digits = sum(c.isdigit() for c in text)
    if not _PHONE.match(text) or not 7 <= digits <= 15:
        raise InvalidInput(
            "must be a phone number such as 010-123 45 67 or +46 10 123 45 67", field=field
        )
    return text


def meeting_place(field: str, value: str) -> str | None:
    """``value`` stripped, ``None`` when empty, or :class:`InvalidInput` naming ``field``
    when it is too long, holds control characters or an identity number."""
    text = value.strip()
    if not text:
        return None
    if len(text) > PLACE_MAX:
        raise InvalidInput(f"is longer than {PLACE_MAX} characters", field=field)
    if _CONTROL.search(text):
        raise InvalidInput("must be plain text on one line", field=field)
    require_deidentified(field, value, kinds=IDENTITY_NUMBERS)
    return text


def details_for_mode(mode: str, field: str, value: str) -> str | None:
    """The meeting details of a booking in ``mode``, checked as that mode needs."""
    if mode == "video":
        return video_url(field, value)
    if mode == "phone":
        return meeting_phone(field, value)
    return meeting_place(field, value)

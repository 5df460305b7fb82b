"""API shapes of the peer groups: a group with its members and network meetings, a
new meeting series, and the thread's posts and replies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from network.conferences.schemas import Place, SeriesOut
from network.lib.schema import PLAIN_TEXT, Id, Schema
from network.lib.vocab import Cadence

__all__ = (
    "GroupOut",
    "GroupSummary",
    "MeetingSeriesIn",
    "MemberOut",
    "PostIn",
    "PostOut",
    "PostPage",
    "ReplyIn",
    "ReplyOut",
)

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=PLAIN_TEXT)]
CountyCode = Annotated[str, msgspec.Meta(pattern=r"^\d{2}$")]
Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}$")]


class MemberOut(Schema):
    """A specialist of the area: where they work and their level in the area (1-3)."""

    specialist: int
    name: str | None
    title: str
    level: int
    municipality: Place
    county: Place


class GroupSummary(Schema):
    """One peer group in a list: the area, its size and its next meeting."""

    area: str
    area_name_sv: str
    area_name_en: str
    members: int
    member: bool  # the asker is one of its specialists
    next_meeting: datetime | None


class GroupOut(Schema):
    """A peer group: its specialists (national), its network meetings (conference series
    of kind ``peer_network`` with their sessions) and what the asker may do."""

    area: str
    area_name_sv: str
    area_name_en: str
    members: list[MemberOut]
    meetings: list[SeriesOut]
    member: bool  # may read and write the thread, and sign up for meetings
    may_start_meetings: bool


class MeetingSeriesIn(Schema):
    """A peer group's network meetings: a series hosted by a specialist of the area
    (the hub; yourself when a specialist makes it). Optionally one county's meetings:
    then only the area's specialists at home in that county sign up."""

    title: Title
    cadence: Cadence = Cadence.MONTHLY
    duration_minutes: Annotated[int, msgspec.Meta(ge=30, le=240)] = 90
    mode: Literal["video", "on_site"] = "video"
    capacity: Annotated[int, msgspec.Meta(ge=2, le=100)] = 30
    hub: Id | None = None
    county: CountyCode | None = None
    language: Language = "sv"


class PostIn(Schema):
    """A question or an experience for the peer group, de-identified (the guard applies
    to both texts: no personal identity numbers, phone numbers or e-mail addresses)."""

    subject: Subject
    body: Body


class ReplyIn(Schema):
    """A reply in a post's thread, de-identified."""

    body: Body


class ReplyOut(Schema):
    id: int
    post: int
    author: int | None
    author_name: str | None
    municipality: Place | None
    body: str
    created_at: datetime


class PostOut(Schema):
    id: int
    area: str
    author: int | None
    author_name: str | None
    municipality: Place | None
    subject: str
    body: str
    created_at: datetime
    replies: list[ReplyOut]


class PostPage(Schema):
    """One page of the thread, newest post first, each with its replies (oldest first)."""

    items: list[PostOut]
    page: int
    per_page: int
    total: int

"""Every route × every role (× own/other municipality where the route acts on a place):
allowed or denied as the policy says. A route missing from MATRIX fails the test, so
a new route cannot ship without a decision about who may use it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.app import create_app
from network.lib.vocab import Role
from tests.support import csrf_ready, forget_session, mint_session
from tests.support.people import create_role_users

ROLES = ("anonymous", *(r.value for r in Role))
ADMIN = frozenset({"admin"})
EDITORS = frozenset({"specialist", "coordinator"})
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
COORDINATOR = frozenset({"coordinator"})
BOOKERS = frozenset({"social_worker", "specialist", "coordinator"})
READERS = BOOKERS  # case readers: never analysts or administrators
# The requester's side: social workers and specialists (asking a colleague) own their
# requests, coordinators act in their place.
REQUESTERS = frozenset({"social_worker", "specialist", "coordinator"})
ASKERS = frozenset({"social_worker", "specialist"})  # who may open a request
SPECIALIST = frozenset({"specialist"})
SOCIAL_WORKER = frozenset({"social_worker"})
# Who may join a conference session: social workers of a served municipality, and a
# peer network's specialists (the policy names them on the target).
JOINERS = SOCIAL_WORKER | SPECIALIST
SETTLERS = frozenset({"coordinator", "analyst", "admin"})
MANAGERS = frozenset({"coordinator", "admin"})  # of sharing agreements
MENTORING = frozenset({"social_worker", "specialist"})  # mentees and mentors
_COHORT = {"name": "K", "start_date": "2026-09-01", "end_date": "2026-12-31"}
_MEETING = {"held_on": "2026-09-01", "minutes": 30, "themes": ["documentation"]}
_SERIES = {"title": "T", "area": "no_such_area", "municipalities": ["2161"]}
_SESSION = {"start": "2030-01-07T10:00:00+01:00", "topic": "T"}
_STANDING = {"weekday": 0, "start_time": "10:00:00", "first_date": "2030-01-07"}
# Own place: Ljusdal (2161) in Gävleborg (21); other place: Kiruna (2584) in Norrbotten (25).
OWN, OTHER = {"municipality": "2161", "county": "21"}, {"municipality": "2584", "county": "25"}


@dataclass(frozen=True)
class Case:
    """One request and the roles it is allowed for."""

    method: str
    path: str
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    label: str = ""
    params: dict[str, str] = field(default_factory=dict)
    # An endless response (server-sent events): only the refusals are requested here;
    # the allowed side is exercised against real servers in test_two_processes.py.
    endless: bool = False


def _later() -> str:
    return (datetime.now(UTC) + timedelta(days=30)).isoformat()


def _agreement(place: dict[str, str]) -> dict[str, Any]:
    """Two municipalities of ``place``'s county; own: an unknown area (400, nothing stored)."""
    members = ["2161", "2184"] if place is OWN else ["2584", "2582"]
    area = "no_such_area" if place is OWN else "lvu_investigation"
    return {"name": "M", "municipalities": members, "areas": [area], "valid_from": "2026-01-01"}


def _programme(place: dict[str, str], *, bad: bool = False) -> dict[str, Any]:
    """A programme for ``place``'s county; ``bad``: it ends before it starts (400)."""
    end = "2026-01-01" if bad else "2027-06-30"
    return {"name": "P", "county": place["county"], "start_date": "2026-08-01", "end_date": end}


def _review(place: dict[str, str]) -> dict[str, Any]:
    return {"month": "2026-09", "size": 2, "county": place["county"]}


# (method, route path as Litestar lists it) -> the cases that exercise it.
MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/"): [Case("GET", "/", EVERYONE)],
    ("GET", "/health"): [Case("GET", "/health", EVERYONE)],
    ("GET", "/ready"): [Case("GET", "/ready", EVERYONE)],
    ("GET", "/api/v1/counties"): [Case("GET", "/api/v1/counties", EVERYONE)],
    ("GET", "/api/v1/municipalities"): [Case("GET", "/api/v1/municipalities", EVERYONE)],
    ("GET", "/api/v1/areas"): [Case("GET", "/api/v1/areas", EVERYONE)],
    ("GET", "/auth/dev-login"): [Case("GET", "/auth/dev-login", EVERYONE)],
    ("POST", "/auth/dev-login"): [
        Case("POST", "/auth/dev-login", EVERYONE, body={"email": "nobody@demo.invalid"})
    ],
    ("POST", "/auth/dev-login/form"): [
        Case("POST", "/auth/dev-login/form", EVERYONE, form={"email": "nobody@demo.invalid"})
    ],
    ("POST", "/auth/logout"): [Case("POST", "/auth/logout", EVERYONE)],
    ("POST", "/auth/logout/form"): [Case("POST", "/auth/logout/form", EVERYONE)],
    ("GET", "/api/v1/me"): [Case("GET", "/api/v1/me", SIGNED_IN)],
    ("GET", "/api/v1/tokens"): [Case("GET", "/api/v1/tokens", SIGNED_IN)],
    ("POST", "/api/v1/tokens"): [
        Case(
            "POST",
            "/api/v1/tokens",
            SIGNED_IN,
            body={"name": "m", "scopes": ["signed_in"], "expires_at": _later()},
        )
    ],
    ("DELETE", "/api/v1/tokens/{token_id:int}"): [
        # Nobody's token 999999: signed-in users get through the guard to a 404.
        Case("DELETE", "/api/v1/tokens/999999", SIGNED_IN)
    ],
    ("GET", "/api/v1/audit"): [Case("GET", "/api/v1/audit", SIGNED_IN)],
    ("GET", "/api/v1/audit/export.csv"): [Case("GET", "/api/v1/audit/export.csv", SIGNED_IN)],
    ("POST", "/api/v1/audit/reviews"): [
        Case("POST", "/api/v1/audit/reviews", COORDINATOR, body=_review(OWN), label="own"),
        Case("POST", "/api/v1/audit/reviews", frozenset(), body=_review(OTHER), label="other"),
    ],
    ("GET", "/api/v1/audit/reviews/{review_id:int}"): [
        Case("GET", "/api/v1/audit/reviews/999999", COORDINATOR)
    ],
    ("POST", "/api/v1/audit/reviews/{review_id:int}/complete"): [
        Case(
            "POST",
            "/api/v1/audit/reviews/999999/complete",
            COORDINATOR,
            body={"findings": []},
        )
    ],
}

_NEW_USER = {"email": "matrix.new@demo.invalid", "display_name": "N", "role": "social_worker"}
MATRIX.update(
    {
        ("GET", "/api/v1/users"): [Case("GET", "/api/v1/users", ADMIN)],
        # Route level: specialists (for themselves) and coordinators get past the guard;
        # specialist 999999 does not exist, so they then meet a 404.
        ("GET", "/api/v1/specialists/{specialist_id:int}/profile"): [
            Case("GET", "/api/v1/specialists/999999/profile", EDITORS)
        ],
        ("PUT", "/api/v1/specialists/{specialist_id:int}/profile"): [
            Case("PUT", "/api/v1/specialists/999999/profile", EDITORS, body={"version": 1})
        ],
        ("PUT", "/api/v1/specialists/{specialist_id:int}/hours"): [
            Case("PUT", "/api/v1/specialists/999999/hours", EDITORS, body={"hours": []})
        ],
        ("POST", "/api/v1/specialists/{specialist_id:int}/absences"): [
            Case(
                "POST",
                "/api/v1/specialists/999999/absences",
                EDITORS,
                body={
                    "starts_at": "2027-01-01T00:00:00+01:00",
                    "ends_at": "2027-01-02T00:00:00+01:00",
                },
            )
        ],
        ("DELETE", "/api/v1/specialists/{specialist_id:int}/absences/{absence_id:int}"): [
            Case("DELETE", "/api/v1/specialists/999999/absences/1", EDITORS)
        ],
        ("GET", "/api/v1/specialists"): [Case("GET", "/api/v1/specialists", SIGNED_IN)],
        # Free slots: for those who could book (specialist 999999 does not exist: 404).
        ("GET", "/api/v1/specialists/{specialist_id:int}/slots"): [
            Case(
                "GET",
                "/api/v1/specialists/999999/slots",
                BOOKERS,
                params={"from": "2027-03-01T00:00:00+01:00", "to": "2027-03-02T00:00:00+01:00"},
            )
        ],
        # Route level: the requester's side and specialists get past the guard; booking
        # 999999 / request 999999 do not exist, so they then meet a 404.
        ("GET", "/api/v1/bookings"): [
            Case(
                "GET",
                "/api/v1/bookings",
                BOOKERS,
                params={"from": "2027-03-01T00:00:00+01:00", "to": "2027-03-02T00:00:00+01:00"},
            )
        ],
        ("POST", "/api/v1/bookings"): [
            Case(
                "POST",
                "/api/v1/bookings",
                BOOKERS,
                body={"request": 999999, "start": "2027-03-01T09:00:00+01:00"},
            )
        ],
        ("POST", "/api/v1/bookings/{booking_id:int}/cancel"): [
            Case("POST", "/api/v1/bookings/999999/cancel", BOOKERS, body={"reason": "x"})
        ],
        ("POST", "/api/v1/bookings/{booking_id:int}/reschedule"): [
            Case(
                "POST",
                "/api/v1/bookings/999999/reschedule",
                BOOKERS,
                body={"start": "2027-03-01T09:00:00+01:00", "reason": "x"},
            )
        ],
        ("PUT", "/api/v1/bookings/{booking_id:int}/meeting-details"): [
            Case("PUT", "/api/v1/bookings/999999/meeting-details", BOOKERS, body={"details": ""})
        ],
        ("PUT", "/api/v1/specialists/{specialist_id:int}/meeting-details"): [
            Case("PUT", "/api/v1/specialists/999999/meeting-details", EDITORS, body={})
        ],
        ("GET", "/api/v1/specialists/{specialist_id:int}/calendar-feed"): [
            Case("GET", "/api/v1/specialists/999999/calendar-feed", EDITORS)
        ],
        ("POST", "/api/v1/specialists/{specialist_id:int}/calendar-feed"): [
            Case("POST", "/api/v1/specialists/999999/calendar-feed", EDITORS)
        ],
        ("DELETE", "/api/v1/specialists/{specialist_id:int}/calendar-feed"): [
            Case("DELETE", "/api/v1/specialists/999999/calendar-feed", EDITORS)
        ],
        # The secret in the address is the credential: anyone may try (and meets a 404).
        ("GET", "/calendar/{token:str}/feed.ics"): [
            Case("GET", "/calendar/snc_unknown/feed.ics", EVERYONE)
        ],
        # Consultations: request 999999 does not exist, so whoever passes the guard meets
        # a 404 (or a 400 for a body the route refuses).
        ("POST", "/api/v1/consultations"): [
            Case(
                "POST",
                "/api/v1/consultations",
                ASKERS,
                body={"area": "lvu_investigation", "summary": "Matrisfråga"},
            )
        ],
        ("GET", "/api/v1/consultations"): [Case("GET", "/api/v1/consultations", READERS)],
        ("GET", "/api/v1/consultations/{request_id:int}"): [
            Case("GET", "/api/v1/consultations/999999", READERS)
        ],
        ("PUT", "/api/v1/consultations/{request_id:int}"): [
            Case(
                "PUT",
                "/api/v1/consultations/999999",
                REQUESTERS,
                body={"area": "lvu_investigation", "summary": "x", "version": 1},
            )
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/submit"): [
            Case("POST", "/api/v1/consultations/999999/submit", REQUESTERS)
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/cancel"): [
            Case("POST", "/api/v1/consultations/999999/cancel", REQUESTERS, body={"reason": "x"})
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/complete"): [
            Case(
                "POST",
                "/api/v1/consultations/999999/complete",
                REQUESTERS,
                body={"helpful": 4, "changed_risk_assessment": False},
            )
        ],
        ("GET", "/api/v1/consultations/{request_id:int}/suggestions"): [
            Case("GET", "/api/v1/consultations/999999/suggestions", REQUESTERS)
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/offer"): [
            Case("POST", "/api/v1/consultations/999999/offer", REQUESTERS, body={})
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/accept"): [
            Case("POST", "/api/v1/consultations/999999/accept", SPECIALIST)
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/decline"): [
            Case("POST", "/api/v1/consultations/999999/decline", SPECIALIST, body={"reason": "x"})
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/time"): [
            Case("POST", "/api/v1/consultations/999999/time", SPECIALIST, body={"minutes": 30})
        ],
        ("GET", "/api/v1/consultations/{request_id:int}/messages"): [
            Case("GET", "/api/v1/consultations/999999/messages", READERS)
        ],
        ("POST", "/api/v1/consultations/{request_id:int}/messages"): [
            Case("POST", "/api/v1/consultations/999999/messages", READERS, body={"body": "x"})
        ],
        ("GET", "/api/v1/settlements"): [
            Case("GET", "/api/v1/settlements", SETTLERS, params={"month": "2026-10"})
        ],
        ("GET", "/api/v1/settlements/export.csv"): [
            Case("GET", "/api/v1/settlements/export.csv", SETTLERS, params={"month": "2026-10"})
        ],
        ("POST", "/api/v1/rounds"): [
            Case("POST", "/api/v1/rounds", COORDINATOR, body={"county": "21"}, label="own"),
            Case("POST", "/api/v1/rounds", frozenset(), body={"county": "25"}, label="other"),
        ],
        ("GET", "/api/v1/rounds"): [Case("GET", "/api/v1/rounds", COORDINATOR)],
        ("GET", "/api/v1/rounds/{round_id:int}"): [
            Case("GET", "/api/v1/rounds/999999", COORDINATOR)
        ],
        ("POST", "/api/v1/rounds/{round_id:int}/commit"): [
            Case("POST", "/api/v1/rounds/999999/commit", COORDINATOR)
        ],
        ("GET", "/api/v1/rounds/{round_id:int}/problem"): [
            Case("GET", "/api/v1/rounds/999999/problem", COORDINATOR)
        ],
        ("GET", "/api/v1/response-times"): [Case("GET", "/api/v1/response-times", SETTLERS)],
        ("GET", "/api/v1/coverage"): [
            Case("GET", "/api/v1/coverage", SETTLERS, params={"county": "21"}, label="own"),
            Case("GET", "/api/v1/coverage", frozenset(), params={"county": "25"}, label="other"),
        ],
        ("GET", "/api/v1/coverage/counties"): [Case("GET", "/api/v1/coverage/counties", SETTLERS)],
        ("GET", "/api/v1/coverage/recommendations"): [
            Case("GET", "/api/v1/coverage/recommendations", SETTLERS, params={"k": "1"})
        ],
        ("GET", "/api/v1/coverage/weak-points"): [
            Case("GET", "/api/v1/coverage/weak-points", SETTLERS)
        ],
        ("GET", "/api/v1/coverage/trends"): [Case("GET", "/api/v1/coverage/trends", SETTLERS)],
        ("GET", "/api/v1/coverage/attendance"): [
            Case(
                "GET", "/api/v1/coverage/attendance", SETTLERS, params={"county": "21"}, label="own"
            ),
            Case(
                "GET",
                "/api/v1/coverage/attendance",
                frozenset(),
                params={"county": "25"},
                label="other",
            ),
        ],
        ("GET", "/api/v1/coverage/outcomes"): [
            Case(
                "GET", "/api/v1/coverage/outcomes", SETTLERS, params={"county": "21"}, label="own"
            ),
            Case(
                "GET",
                "/api/v1/coverage/outcomes",
                frozenset(),
                params={"county": "25"},
                label="other",
            ),
        ],
        ("GET", "/api/v1/workforce"): [Case("GET", "/api/v1/workforce", SETTLERS)],
        # Own place: past the guard to a 400 (a future year), so nothing is written.
        ("PUT", "/api/v1/workforce"): [
            Case(
                "PUT",
                "/api/v1/workforce",
                COORDINATOR,
                body={"municipality": "2161", "year": 2100},
                label="own",
            ),
            Case(
                "PUT",
                "/api/v1/workforce",
                frozenset(),
                body={"municipality": "2584", "year": 2020},
                label="other",
            ),
        ],
        ("POST", "/api/v1/workforce/import"): [
            Case("POST", "/api/v1/workforce/import", COORDINATOR, body={})
        ],
        ("GET", "/api/v1/coverage/outcomes/export.xlsx"): [
            Case("GET", "/api/v1/coverage/outcomes/export.xlsx", SETTLERS)
        ],
        ("GET", "/api/v1/coverage/outcomes/export.csv"): [
            Case("GET", "/api/v1/coverage/outcomes/export.csv", SETTLERS)
        ],
        ("GET", "/api/v1/agreements"): [Case("GET", "/api/v1/agreements", SIGNED_IN)],
        ("GET", "/api/v1/agreements/{agreement_id:int}"): [
            Case("GET", "/api/v1/agreements/999999", SIGNED_IN)
        ],
        # Own place: past the guard to a 400 (an unknown area), so nothing is written.
        ("POST", "/api/v1/agreements"): [
            Case("POST", "/api/v1/agreements", MANAGERS, body=_agreement(OWN), label="own"),
            Case("POST", "/api/v1/agreements", frozenset(), body=_agreement(OTHER), label="other"),
        ],
        ("PUT", "/api/v1/agreements/{agreement_id:int}"): [
            Case("PUT", "/api/v1/agreements/999999", MANAGERS, body=_agreement(OWN))
        ],
        ("POST", "/api/v1/agreements/{agreement_id:int}/end"): [
            Case("POST", "/api/v1/agreements/999999/end", MANAGERS, body={})
        ],
        ("GET", "/agreements"): [Case("GET", "/agreements", SIGNED_IN)],
        ("GET", "/agreements/new"): [Case("GET", "/agreements/new", MANAGERS)],
        ("POST", "/agreements/new"): [
            Case("POST", "/agreements/new", MANAGERS, form={"name": "x", "kind": "members"})
        ],
        ("GET", "/agreements/{agreement_id:int}"): [Case("GET", "/agreements/999999", SIGNED_IN)],
        ("POST", "/agreements/{agreement_id:int}"): [
            Case("POST", "/agreements/999999", MANAGERS, form={"name": "x"})
        ],
        ("POST", "/agreements/{agreement_id:int}/end"): [
            Case("POST", "/agreements/999999/end", MANAGERS, form={})
        ],
        ("GET", "/api/v1/mentoring/programmes"): [
            Case("GET", "/api/v1/mentoring/programmes", SIGNED_IN)
        ],
        ("GET", "/api/v1/mentoring/programmes/{programme_id:int}"): [
            Case("GET", "/api/v1/mentoring/programmes/999999", SIGNED_IN)
        ],
        # Own county: past the guard to a 400 (ends before it starts); nothing is written.
        ("POST", "/api/v1/mentoring/programmes"): [
            Case(
                "POST",
                "/api/v1/mentoring/programmes",
                COORDINATOR,
                body=_programme(OWN, bad=True),
                label="own",
            ),
            Case(
                "POST",
                "/api/v1/mentoring/programmes",
                frozenset(),
                body=_programme(OTHER),
                label="other",
            ),
        ],
        ("PUT", "/api/v1/mentoring/programmes/{programme_id:int}"): [
            Case("PUT", "/api/v1/mentoring/programmes/999999", COORDINATOR, body=_programme(OWN))
        ],
        ("POST", "/api/v1/mentoring/programmes/{programme_id:int}/cohorts"): [
            Case("POST", "/api/v1/mentoring/programmes/999999/cohorts", COORDINATOR, body=_COHORT)
        ],
        ("GET", "/api/v1/mentoring/programmes/{programme_id:int}/mentors"): [
            Case("GET", "/api/v1/mentoring/programmes/999999/mentors", SIGNED_IN)
        ],
        ("PUT", "/api/v1/mentoring/programmes/{programme_id:int}/mentor"): [
            Case(
                "PUT",
                "/api/v1/mentoring/programmes/999999/mentor",
                MENTORING,
                body={"areas": ["npf"]},
            )
        ],
        ("GET", "/api/v1/mentoring/programmes/{programme_id:int}/group-parts"): [
            Case("GET", "/api/v1/mentoring/programmes/999999/group-parts", SIGNED_IN)
        ],
        ("POST", "/api/v1/mentoring/programmes/{programme_id:int}/group-parts"): [
            Case(
                "POST",
                "/api/v1/mentoring/programmes/999999/group-parts",
                COORDINATOR,
                body={"title": "T", "part_format": "theme_meeting", "area": "npf", "host": 1},
            )
        ],
        ("GET", "/api/v1/mentoring/group-sessions"): [
            Case("GET", "/api/v1/mentoring/group-sessions", SIGNED_IN)
        ],
        ("GET", "/api/v1/mentoring/programmes/{programme_id:int}/applicants"): [
            Case("GET", "/api/v1/mentoring/programmes/999999/applicants", SIGNED_IN)
        ],
        ("PUT", "/api/v1/mentoring/mentors/{offer_id:int}/ranking"): [
            Case("PUT", "/api/v1/mentoring/mentors/999999/ranking", MENTORING, body={"ranking": []})
        ],
        ("POST", "/api/v1/mentoring/requests"): [
            Case("POST", "/api/v1/mentoring/requests", MENTORING, body={"programme": 999999})
        ],
        ("GET", "/api/v1/mentoring/requests"): [
            Case("GET", "/api/v1/mentoring/requests", SIGNED_IN)
        ],
        ("PUT", "/api/v1/mentoring/requests/{request_id:int}/wishes"): [
            Case("PUT", "/api/v1/mentoring/requests/999999/wishes", MENTORING, body={"ranking": []})
        ],
        ("POST", "/api/v1/mentoring/requests/{request_id:int}/withdraw"): [
            Case("POST", "/api/v1/mentoring/requests/999999/withdraw", SIGNED_IN)
        ],
        ("POST", "/api/v1/mentoring/requests/{request_id:int}/match"): [
            Case("POST", "/api/v1/mentoring/requests/999999/match", COORDINATOR)
        ],
        ("POST", "/api/v1/mentoring/cohorts/{cohort_id:int}/rounds"): [
            Case("POST", "/api/v1/mentoring/cohorts/999999/rounds", COORDINATOR)
        ],
        ("GET", "/api/v1/mentoring/cohorts/{cohort_id:int}/progress"): [
            Case("GET", "/api/v1/mentoring/cohorts/999999/progress", COORDINATOR)
        ],
        ("GET", "/api/v1/mentoring/rounds/{round_id:int}"): [
            Case("GET", "/api/v1/mentoring/rounds/999999", COORDINATOR)
        ],
        ("POST", "/api/v1/mentoring/rounds/{round_id:int}/commit"): [
            Case(
                "POST",
                "/api/v1/mentoring/rounds/999999/commit",
                COORDINATOR,
                body={"mode": "stable"},
            )
        ],
        ("GET", "/api/v1/mentoring/pairs/{request_id:int}"): [
            Case("GET", "/api/v1/mentoring/pairs/999999", SIGNED_IN)
        ],
        ("POST", "/api/v1/mentoring/pairs/{request_id:int}/meetings"): [
            Case("POST", "/api/v1/mentoring/pairs/999999/meetings", MENTORING, body=_MEETING)
        ],
        ("POST", "/api/v1/mentoring/pairs/{request_id:int}/signoffs"): [
            Case("POST", "/api/v1/mentoring/pairs/999999/signoffs", MENTORING, body={"step": 1})
        ],
        ("GET", "/mentoring"): [Case("GET", "/mentoring", SIGNED_IN)],
        ("GET", "/mentoring/programmes/new"): [
            Case("GET", "/mentoring/programmes/new", COORDINATOR)
        ],
        ("POST", "/mentoring/programmes/new"): [
            Case("POST", "/mentoring/programmes/new", COORDINATOR, form={"name": "x"})
        ],
        ("GET", "/mentoring/programmes/{programme_id:int}"): [
            Case("GET", "/mentoring/programmes/999999", SIGNED_IN)
        ],
        **{
            ("POST", f"/mentoring/programmes/{{programme_id:int}}/{action}"): [
                Case("POST", f"/mentoring/programmes/999999/{action}", allowed, form={"x": "1"})
            ]
            for action, allowed in (
                ("cohorts", COORDINATOR),
                ("mentor", MENTORING),
                ("request", MENTORING),
                ("ranking", MENTORING),
                ("group-parts", COORDINATOR),
            )
        },
        ("POST", "/mentoring/requests/{request_id:int}/withdraw"): [
            Case("POST", "/mentoring/requests/999999/withdraw", SIGNED_IN)
        ],
        ("POST", "/mentoring/requests/{request_id:int}/match"): [
            Case("POST", "/mentoring/requests/999999/match", COORDINATOR)
        ],
        ("GET", "/mentoring/cohorts/{cohort_id:int}"): [
            Case("GET", "/mentoring/cohorts/999999", COORDINATOR)
        ],
        ("POST", "/mentoring/cohorts/{cohort_id:int}/preview"): [
            Case("POST", "/mentoring/cohorts/999999/preview", COORDINATOR)
        ],
        ("POST", "/mentoring/rounds/{round_id:int}/commit"): [
            Case("POST", "/mentoring/rounds/999999/commit", COORDINATOR, form={"mode": "stable"})
        ],
        ("GET", "/mentoring/pairs/{request_id:int}"): [
            Case("GET", "/mentoring/pairs/999999", SIGNED_IN)
        ],
        ("POST", "/mentoring/pairs/{request_id:int}/meetings"): [
            Case("POST", "/mentoring/pairs/999999/meetings", MENTORING, form={"minutes": "30"})
        ],
        ("POST", "/mentoring/pairs/{request_id:int}/signoff"): [
            Case("POST", "/mentoring/pairs/999999/signoff", MENTORING, form={"step": "1"})
        ],
        # Group case conferences: hubs (specialists) and coordinators manage, social
        # workers join; series 999999 and session 999999 do not exist (404 past the guard).
        ("GET", "/api/v1/conferences"): [Case("GET", "/api/v1/conferences", SIGNED_IN)],
        ("POST", "/api/v1/conferences"): [
            Case("POST", "/api/v1/conferences", EDITORS, body=_SERIES)
        ],
        ("GET", "/api/v1/conferences/{series_id:int}"): [
            Case("GET", "/api/v1/conferences/999999", SIGNED_IN)
        ],
        ("POST", "/api/v1/conferences/{series_id:int}/sessions"): [
            Case("POST", "/api/v1/conferences/999999/sessions", EDITORS, body=_SESSION)
        ],
        ("GET", "/api/v1/conferences/sessions/{session_id:int}"): [
            Case("GET", "/api/v1/conferences/sessions/999999", SIGNED_IN)
        ],
        ("POST", "/api/v1/conferences/sessions/{session_id:int}/signup"): [
            Case("POST", "/api/v1/conferences/sessions/999999/signup", JOINERS)
        ],
        ("POST", "/api/v1/conferences/sessions/{session_id:int}/cases"): [
            Case(
                "POST",
                "/api/v1/conferences/sessions/999999/cases",
                JOINERS,
                body={"question": "Q?", "presentation": "P."},
            )
        ],
        ("PUT", "/api/v1/conferences/sessions/{session_id:int}/attendance"): [
            Case(
                "PUT",
                "/api/v1/conferences/sessions/999999/attendance",
                EDITORS,
                body={"present": []},
            )
        ],
        ("PUT", "/api/v1/conferences/cases/{case_id:int}/recommendation"): [
            Case(
                "PUT",
                "/api/v1/conferences/cases/999999/recommendation",
                EDITORS,
                body={"recommendation": "R."},
            )
        ],
        ("GET", "/api/v1/conferences/settlement"): [
            Case("GET", "/api/v1/conferences/settlement", SETTLERS, params={"month": "2026-10"})
        ],
        ("POST", "/api/v1/conferences/{series_id:int}/sessions/plan"): [
            Case(
                "POST",
                "/api/v1/conferences/999999/sessions/plan",
                EDITORS,
                body={"first": _SESSION["start"], "count": 2},
            )
        ],
        ("POST", "/api/v1/conferences/sessions/{session_id:int}/cancel"): [
            Case("POST", "/api/v1/conferences/sessions/999999/cancel", EDITORS)
        ],
        ("PUT", "/api/v1/conferences/sessions/{session_id:int}/topic"): [
            Case("PUT", "/api/v1/conferences/sessions/999999/topic", EDITORS, body={"topic": "T"})
        ],
        ("GET", "/conferences/new"): [Case("GET", "/conferences/new", EDITORS)],
        ("POST", "/conferences/new"): [
            Case("POST", "/conferences/new", EDITORS, form={"title": "T", "area": "no_such_area"})
        ],
        ("POST", "/conferences/{series_id:int}/plan"): [
            Case(
                "POST",
                "/conferences/999999/plan",
                EDITORS,
                form={"first": "2030-01-07T10:00", "count": "2"},
            )
        ],
        ("POST", "/conferences/sessions/{session_id:int}/cancel"): [
            Case("POST", "/conferences/sessions/999999/cancel", EDITORS, form={"confirm": "on"})
        ],
        ("POST", "/conferences/sessions/{session_id:int}/topic"): [
            Case("POST", "/conferences/sessions/999999/topic", EDITORS, form={"topic": "T"})
        ],
        ("GET", "/conferences"): [Case("GET", "/conferences", SIGNED_IN)],
        ("GET", "/conferences/{series_id:int}"): [Case("GET", "/conferences/999999", SIGNED_IN)],
        ("POST", "/conferences/{series_id:int}/sessions"): [
            Case(
                "POST",
                "/conferences/999999/sessions",
                EDITORS,
                form={"start": "2030-01-07T10:00", "topic": "T"},
            )
        ],
        ("GET", "/conferences/sessions/{session_id:int}"): [
            Case("GET", "/conferences/sessions/999999", SIGNED_IN)
        ],
        ("POST", "/conferences/sessions/{session_id:int}/signup"): [
            Case("POST", "/conferences/sessions/999999/signup", JOINERS)
        ],
        ("POST", "/conferences/sessions/{session_id:int}/cases"): [
            Case(
                "POST",
                "/conferences/sessions/999999/cases",
                JOINERS,
                form={"question": "Q?", "presentation": "P."},
            )
        ],
        ("POST", "/conferences/sessions/{session_id:int}/attendance"): [
            Case("POST", "/conferences/sessions/999999/attendance", EDITORS, form={})
        ],
        ("POST", "/conferences/sessions/{session_id:int}/cases/{case_id:int}/recommendation"): [
            Case(
                "POST",
                "/conferences/sessions/999999/cases/999999/recommendation",
                EDITORS,
                form={"recommendation": "R."},
            )
        ],
        # Peer groups: specialists (their areas) and coordinators (every area) read a
        # group; only the area's specialists read and write its thread. Area
        # "no_such_area" and post 999999 do not exist (404 past the guard).
        ("GET", "/api/v1/peers"): [Case("GET", "/api/v1/peers", EDITORS)],
        ("GET", "/api/v1/peers/{area_code:str}"): [
            Case("GET", "/api/v1/peers/no_such_area", EDITORS)
        ],
        ("POST", "/api/v1/peers/{area_code:str}/meetings"): [
            Case("POST", "/api/v1/peers/no_such_area/meetings", EDITORS, body={"title": "T"})
        ],
        ("GET", "/api/v1/peers/{area_code:str}/posts"): [
            Case("GET", "/api/v1/peers/no_such_area/posts", SPECIALIST)
        ],
        ("POST", "/api/v1/peers/{area_code:str}/posts"): [
            Case(
                "POST",
                "/api/v1/peers/no_such_area/posts",
                SPECIALIST,
                body={"subject": "S", "body": "B"},
            )
        ],
        ("GET", "/api/v1/peers/posts/{post_id:int}"): [
            Case("GET", "/api/v1/peers/posts/999999", SPECIALIST)
        ],
        ("POST", "/api/v1/peers/posts/{post_id:int}/replies"): [
            Case("POST", "/api/v1/peers/posts/999999/replies", SPECIALIST, body={"body": "B"})
        ],
        ("GET", "/peers"): [Case("GET", "/peers", EDITORS)],
        ("GET", "/peers/{area_code:str}"): [Case("GET", "/peers/no_such_area", EDITORS)],
        ("POST", "/peers/{area_code:str}/posts"): [
            Case(
                "POST", "/peers/no_such_area/posts", SPECIALIST, form={"subject": "S", "body": "B"}
            )
        ],
        ("POST", "/peers/{area_code:str}/posts/{post_id:int}/replies"): [
            Case("POST", "/peers/no_such_area/posts/999999/replies", SPECIALIST, form={"body": "B"})
        ],
        ("POST", "/peers/{area_code:str}/sessions/{session_id:int}/signup"): [
            Case("POST", "/peers/no_such_area/sessions/999999/signup", JOINERS, form={})
        ],
        ("POST", "/peers/{area_code:str}/meetings"): [
            Case("POST", "/peers/no_such_area/meetings", EDITORS, form={"title": "T"})
        ],
        # Standing support: anyone signed in lists and reads (their own: 404 here);
        # proposing, answering, moving and ending are the booking roles'.
        ("GET", "/api/v1/standing"): [Case("GET", "/api/v1/standing", SIGNED_IN)],
        ("POST", "/api/v1/standing"): [Case("POST", "/api/v1/standing", BOOKERS, body=_STANDING)],
        ("GET", "/api/v1/standing/{series_id:int}"): [
            Case("GET", "/api/v1/standing/999999", SIGNED_IN)
        ],
        ("POST", "/api/v1/standing/{series_id:int}/answer"): [
            Case("POST", "/api/v1/standing/999999/answer", BOOKERS, body={"agree": True})
        ],
        ("POST", "/api/v1/standing/{series_id:int}/end"): [
            Case("POST", "/api/v1/standing/999999/end", BOOKERS)
        ],
        ("POST", "/api/v1/standing/occurrences/{occurrence_id:int}/move"): [
            Case(
                "POST",
                "/api/v1/standing/occurrences/999999/move",
                BOOKERS,
                body={"start": "2030-01-07T10:00:00+01:00"},
            )
        ],
        ("GET", "/standing"): [Case("GET", "/standing", SIGNED_IN)],
        ("POST", "/standing"): [
            Case("POST", "/standing", BOOKERS, form={k: str(v) for k, v in _STANDING.items()})
        ],
        ("GET", "/standing/{series_id:int}"): [Case("GET", "/standing/999999", SIGNED_IN)],
        ("POST", "/standing/{series_id:int}/answer"): [
            Case("POST", "/standing/999999/answer", BOOKERS, form={"agree": "1"})
        ],
        ("POST", "/standing/{series_id:int}/end"): [
            Case("POST", "/standing/999999/end", BOOKERS, form={})
        ],
        ("POST", "/standing/{series_id:int}/occurrences/{occurrence_id:int}/move"): [
            Case(
                "POST",
                "/standing/999999/occurrences/999999/move",
                BOOKERS,
                form={"start": "2030-01-07T10:00"},
            )
        ],
        # Applications and group placement: social workers apply, hubs and
        # coordinators place.
        ("POST", "/api/v1/conferences/{series_id:int}/applications"): [
            Case("POST", "/api/v1/conferences/999999/applications", JOINERS, body={})
        ],
        ("POST", "/api/v1/conferences/{series_id:int}/applications/withdraw"): [
            Case("POST", "/api/v1/conferences/999999/applications/withdraw", JOINERS)
        ],
        ("GET", "/api/v1/conferences/{series_id:int}/applications"): [
            Case("GET", "/api/v1/conferences/999999/applications", SIGNED_IN)
        ],
        ("GET", "/api/v1/conferences/{series_id:int}/placements"): [
            Case("GET", "/api/v1/conferences/999999/placements", EDITORS)
        ],
        ("POST", "/api/v1/conferences/groups"): [
            Case(
                "POST",
                "/api/v1/conferences/groups",
                EDITORS,
                body={**_SERIES, "hubs": [999999], "start": _SESSION["start"], "topic": "T"},
            )
        ],
        ("POST", "/api/v1/conferences/placements"): [
            Case("POST", "/api/v1/conferences/placements", EDITORS, body={"series": [999999]})
        ],
        ("GET", "/api/v1/conferences/placements/{placement_id:int}"): [
            Case("GET", "/api/v1/conferences/placements/999999", EDITORS)
        ],
        ("POST", "/api/v1/conferences/placements/{placement_id:int}/commit"): [
            Case("POST", "/api/v1/conferences/placements/999999/commit", EDITORS)
        ],
        ("POST", "/api/v1/conferences/placements/{placement_id:int}/discard"): [
            Case("POST", "/api/v1/conferences/placements/999999/discard", EDITORS)
        ],
        ("POST", "/conferences/{series_id:int}/applications"): [
            Case(
                "POST",
                "/conferences/999999/applications",
                JOINERS,
                form={"language": "sv", "rank": "1"},
            )
        ],
        ("POST", "/conferences/{series_id:int}/applications/withdraw"): [
            Case("POST", "/conferences/999999/applications/withdraw", JOINERS, form={})
        ],
        ("GET", "/conferences/placements/new"): [
            Case("GET", "/conferences/placements/new", EDITORS)
        ],
        # Parallel groups (the page of POST /api/v1/conferences/groups), how to meet at a
        # session (its hub and coordinators), and everyone's own calendar address.
        ("GET", "/conferences/groups/new"): [Case("GET", "/conferences/groups/new", EDITORS)],
        ("POST", "/conferences/groups"): [
            Case("POST", "/conferences/groups", EDITORS, form={"title": "T"})
        ],
        ("PUT", "/api/v1/conferences/sessions/{session_id:int}/meeting-details"): [
            Case(
                "PUT",
                "/api/v1/conferences/sessions/999999/meeting-details",
                EDITORS,
                body={"details": ""},
            )
        ],
        ("POST", "/conferences/sessions/{session_id:int}/meeting-details"): [
            Case("POST", "/conferences/sessions/999999/meeting-details", EDITORS, form={})
        ],
        ("GET", "/api/v1/me/calendar-feed"): [Case("GET", "/api/v1/me/calendar-feed", SIGNED_IN)],
        ("POST", "/api/v1/me/calendar-feed"): [Case("POST", "/api/v1/me/calendar-feed", SIGNED_IN)],
        ("DELETE", "/api/v1/me/calendar-feed"): [
            Case("DELETE", "/api/v1/me/calendar-feed", SIGNED_IN)
        ],
        ("GET", "/my-calendar"): [Case("GET", "/my-calendar", SIGNED_IN)],
        ("POST", "/my-calendar"): [Case("POST", "/my-calendar", SIGNED_IN, form={})],
        ("POST", "/my-calendar/revoke"): [Case("POST", "/my-calendar/revoke", SIGNED_IN, form={})],
        ("POST", "/conferences/placements"): [
            Case("POST", "/conferences/placements", EDITORS, form={"series": "999999"})
        ],
        ("GET", "/conferences/placements/{placement_id:int}"): [
            Case("GET", "/conferences/placements/999999", EDITORS)
        ],
        ("POST", "/conferences/placements/{placement_id:int}/commit"): [
            Case("POST", "/conferences/placements/999999/commit", EDITORS, form={})
        ],
        ("POST", "/conferences/placements/{placement_id:int}/discard"): [
            Case("POST", "/conferences/placements/999999/discard", EDITORS, form={})
        ],
        # Co-handling engagements: either side of an engagement reads and writes (the
        # use case tells them apart), the specialist opens one and logs time, the
        # requester's side closes it.
        ("GET", "/api/v1/engagements"): [Case("GET", "/api/v1/engagements", READERS)],
        ("POST", "/api/v1/engagements"): [
            Case("POST", "/api/v1/engagements", SPECIALIST, body={"request": 999999})
        ],
        ("GET", "/api/v1/engagements/settlement"): [
            Case("GET", "/api/v1/engagements/settlement", SETTLERS, params={"month": "2026-10"})
        ],
        ("GET", "/api/v1/engagements/{engagement_id:int}"): [
            Case("GET", "/api/v1/engagements/999999", READERS)
        ],
        ("PUT", "/api/v1/engagements/{engagement_id:int}/phase"): [
            Case("PUT", "/api/v1/engagements/999999/phase", READERS, body={"phase": "decision"})
        ],
        ("PUT", "/api/v1/engagements/{engagement_id:int}/expected-end"): [
            Case(
                "PUT",
                "/api/v1/engagements/999999/expected-end",
                READERS,
                body={"expected_end": "2030-01-01"},
            )
        ],
        ("GET", "/api/v1/engagements/{engagement_id:int}/slots"): [
            Case("GET", "/api/v1/engagements/999999/slots", BOOKERS)
        ],
        ("POST", "/api/v1/engagements/{engagement_id:int}/meetings"): [
            Case(
                "POST",
                "/api/v1/engagements/999999/meetings",
                BOOKERS,
                body={"start": "2030-01-07T10:00:00+01:00"},
            )
        ],
        ("POST", "/api/v1/engagements/{engagement_id:int}/messages"): [
            Case("POST", "/api/v1/engagements/999999/messages", READERS, body={"body": "x"})
        ],
        ("POST", "/api/v1/engagements/{engagement_id:int}/time"): [
            Case("POST", "/api/v1/engagements/999999/time", SPECIALIST, body={"minutes": 30})
        ],
        ("POST", "/api/v1/engagements/{engagement_id:int}/handover"): [
            Case("POST", "/api/v1/engagements/999999/handover", READERS)
        ],
        ("POST", "/api/v1/engagements/{engagement_id:int}/close"): [
            Case(
                "POST",
                "/api/v1/engagements/999999/close",
                REQUESTERS,
                body={"helpful": 4, "changed_risk_assessment": False},
            )
        ],
        ("GET", "/engagements"): [Case("GET", "/engagements", READERS)],
        ("GET", "/engagements/{engagement_id:int}"): [Case("GET", "/engagements/999999", READERS)],
        ("GET", "/engagements/by-request/{request_id:int}"): [
            Case("GET", "/engagements/by-request/999999", READERS)
        ],
        ("POST", "/engagements/accept/{request_id:int}"): [
            Case("POST", "/engagements/accept/999999", SPECIALIST)
        ],
        **{
            ("POST", f"/engagements/{{engagement_id:int}}/{action}"): [
                Case("POST", f"/engagements/999999/{action}", allowed, form=form)
            ]
            for action, allowed, form in (
                ("phase", READERS, {"phase": "decision"}),
                ("expected-end", READERS, {"expected_end": "2030-01-01"}),
                ("meetings", BOOKERS, {"start": "2030-01-07T10:00:00+01:00"}),
                ("messages", READERS, {"body": "x"}),
                ("time", SPECIALIST, {"minutes": "30"}),
                ("handover", READERS, {}),
                ("close", REQUESTERS, {"helpful": "4", "changed_risk_assessment": "no"}),
            )
        },
        ("GET", "/coverage"): [Case("GET", "/coverage", SETTLERS)],
        ("GET", "/coverage/gaps"): [Case("GET", "/coverage/gaps", SETTLERS)],
        ("GET", "/coverage/attendance"): [Case("GET", "/coverage/attendance", SETTLERS)],
        ("GET", "/coverage/act"): [Case("GET", "/coverage/act", SETTLERS)],
        ("GET", "/coverage/weak-points"): [Case("GET", "/coverage/weak-points", SETTLERS)],
        ("GET", "/coverage/outcomes"): [Case("GET", "/coverage/outcomes", SETTLERS)],
        ("GET", "/coverage/report"): [Case("GET", "/coverage/report", SETTLERS)],
        ("GET", "/coverage/report.pdf"): [Case("GET", "/coverage/report.pdf", SETTLERS)],
        ("GET", "/coverage/workforce"): [Case("GET", "/coverage/workforce", SETTLERS)],
        ("POST", "/coverage/workforce"): [
            Case(
                "POST",
                "/coverage/workforce",
                COORDINATOR,
                form={"municipality": "2161", "year": "2100"},
            )
        ],
        ("POST", "/coverage/workforce/import"): [
            Case("POST", "/coverage/workforce/import", COORDINATOR, form={"county": "21"})
        ],
        # Pages: a specialist is sent on to their own page, a coordinator sees the list.
        ("GET", "/specialists"): [Case("GET", "/specialists", EDITORS)],
        ("GET", "/specialists/{specialist_id:int}"): [Case("GET", "/specialists/999999", EDITORS)],
        ("POST", "/specialists/{specialist_id:int}/profile"): [
            Case("POST", "/specialists/999999/profile", EDITORS, form={"version": "1"})
        ],
        ("POST", "/specialists/{specialist_id:int}/hours"): [
            Case("POST", "/specialists/999999/hours", EDITORS, form={"hours_0": "08:00-12:00"})
        ],
        ("POST", "/specialists/{specialist_id:int}/absences"): [
            Case(
                "POST",
                "/specialists/999999/absences",
                EDITORS,
                form={"starts_at": "2027-01-04T08:00", "ends_at": "2027-01-05T08:00"},
            )
        ],
        ("POST", "/specialists/{specialist_id:int}/absences/{absence_id:int}/remove"): [
            Case("POST", "/specialists/999999/absences/1/remove", EDITORS)
        ],
        ("POST", "/specialists/{specialist_id:int}/calendar-feed"): [
            Case("POST", "/specialists/999999/calendar-feed", EDITORS)
        ],
        ("POST", "/specialists/{specialist_id:int}/calendar-feed/revoke"): [
            Case("POST", "/specialists/999999/calendar-feed/revoke", EDITORS)
        ],
        ("GET", "/consultations"): [Case("GET", "/consultations", READERS)],
        ("GET", "/consultations/new"): [Case("GET", "/consultations/new", ASKERS)],
        ("POST", "/consultations/new"): [
            Case(
                "POST",
                "/consultations/new",
                ASKERS,
                form={"area": "lvu_investigation", "summary": "Matrisfråga från sidan"},
            )
        ],
        ("GET", "/consultations/{request_id:int}"): [Case("GET", "/consultations/999999", READERS)],
        ("GET", "/consultations/{request_id:int}/edit"): [
            Case("GET", "/consultations/999999/edit", REQUESTERS)
        ],
        ("POST", "/consultations/{request_id:int}/edit"): [
            Case(
                "POST",
                "/consultations/999999/edit",
                REQUESTERS,
                form={"area": "lvu_investigation", "summary": "Matrisfråga", "version": "1"},
            )
        ],
        ("POST", "/specialists/{specialist_id:int}/meeting-details"): [
            Case("POST", "/specialists/999999/meeting-details", EDITORS, form={"phone": ""})
        ],
        **{
            ("POST", f"/consultations/{{request_id:int}}/{action}"): [
                Case("POST", f"/consultations/999999/{action}", allowed, form={"reason": "x"})
            ]
            for action, allowed in (
                ("submit", REQUESTERS),
                ("offer", REQUESTERS),
                ("complete", REQUESTERS),
                ("cancel", REQUESTERS),
                ("accept", SPECIALIST),
                ("decline", SPECIALIST),
                ("time", SPECIALIST),
                ("book", BOOKERS),
                ("unbook", BOOKERS),
                ("move", BOOKERS),
                ("meeting-details", BOOKERS),
                ("message", READERS),
            )
        },
        ("GET", "/rounds"): [Case("GET", "/rounds", COORDINATOR)],
        ("POST", "/rounds/preview"): [Case("POST", "/rounds/preview", COORDINATOR)],
        ("GET", "/rounds/{round_id:int}"): [Case("GET", "/rounds/999999", COORDINATOR)],
        ("POST", "/rounds/{round_id:int}/commit"): [
            Case("POST", "/rounds/999999/commit", COORDINATOR)
        ],
        ("GET", "/api/v1/notifications"): [Case("GET", "/api/v1/notifications", SIGNED_IN)],
        ("GET", "/api/v1/notifications/unread-count"): [
            Case("GET", "/api/v1/notifications/unread-count", SIGNED_IN)
        ],
        ("POST", "/api/v1/notifications/{notification_id:int}/read"): [
            Case("POST", "/api/v1/notifications/999999/read", SIGNED_IN)
        ],
        ("POST", "/api/v1/notifications/read-all"): [
            Case("POST", "/api/v1/notifications/read-all", SIGNED_IN)
        ],
        ("POST", "/api/v1/notifications/test"): [
            Case("POST", "/api/v1/notifications/test", SIGNED_IN)
        ],
        ("GET", "/api/v1/notifications/stream"): [
            Case("GET", "/api/v1/notifications/stream", SIGNED_IN, endless=True)
        ],
        ("GET", "/inbox"): [Case("GET", "/inbox", SIGNED_IN)],
        ("POST", "/inbox/{notification_id:int}/read"): [
            Case("POST", "/inbox/999999/read", SIGNED_IN)
        ],
        ("POST", "/inbox/read-all"): [Case("POST", "/inbox/read-all", SIGNED_IN)],
        ("POST", "/api/v1/users"): [
            # Own place: 409 (exists after the first role creates it) still passes the guard.
            Case("POST", "/api/v1/users", ADMIN, body={**_NEW_USER, "county": "21"}, label="own"),
            Case(
                "POST",
                "/api/v1/users",
                frozenset(),
                body={**_NEW_USER, "county": "25"},
                label="other",
            ),
        ],
        ("PATCH", "/api/v1/users/{user_id:int}"): [
            Case("PATCH", "/api/v1/users/999999", ADMIN, body={"active": True})
        ],
        ("POST", "/api/v1/users/{user_id:int}/roles"): [
            Case(
                "POST",
                "/api/v1/users/999999/roles",
                ADMIN,
                body={"role": "specialist", "county": "21"},
            )
        ],
        ("DELETE", "/api/v1/users/{user_id:int}/roles/{binding_id:int}"): [
            Case("DELETE", "/api/v1/users/999999/roles/1", ADMIN)
        ],
        ("GET", "/admin/users"): [Case("GET", "/admin/users", ADMIN)],
        ("POST", "/admin/users/add"): [
            Case(
                "POST",
                "/admin/users/add",
                ADMIN,
                form={"email": "matrix.page@demo.invalid", "role": "analyst", "place": "21"},
                label="own",
            ),
            Case(
                "POST",
                "/admin/users/add",
                frozenset(),
                form={"email": "matrix.page2@demo.invalid", "role": "analyst", "place": "25"},
                label="other",
            ),
        ],
        ("POST", "/admin/users/{user_id:int}/roles"): [
            Case(
                "POST", "/admin/users/999999/roles", ADMIN, form={"role": "analyst", "place": "21"}
            )
        ],
        ("POST", "/admin/users/{user_id:int}/roles/{binding_id:int}/remove"): [
            Case("POST", "/admin/users/999999/roles/1/remove", ADMIN)
        ],
        ("POST", "/admin/users/{user_id:int}/active"): [
            Case("POST", "/admin/users/999999/active", ADMIN, form={"active": "true"})
        ],
        ("GET", "/admin/users/{user_id:int}"): [Case("GET", "/admin/users/999999", ADMIN)],
        ("GET", "/admin/users/{user_id:int}/disable"): [
            Case("GET", "/admin/users/999999/disable", ADMIN)
        ],
        # The API lets everyone read their own entries; the page is the administrator's.
        ("GET", "/admin/audit"): [Case("GET", "/admin/audit", ADMIN)],
        ("GET", "/admin/audit/export.csv"): [Case("GET", "/admin/audit/export.csv", ADMIN)],
    }
)

UNGUARDED_PREFIXES = ("/schema", "/static/")


def _routes(app: Litestar) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if route.path.startswith(UNGUARDED_PREFIXES):
            continue
        for method in getattr(route, "methods", ()):
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, route.path))
    return found


# Case points: anyone signed in reads the table; a county's coordinators change it.
MATRIX.update(
    {
        ("GET", "/api/v1/work-points"): [Case("GET", "/api/v1/work-points", SIGNED_IN)],
        ("PUT", "/api/v1/work-points/{place:str}"): [
            Case("PUT", "/api/v1/work-points/21", COORDINATOR, body={"rows": []}, label="own"),
            Case("PUT", "/api/v1/work-points/25", frozenset(), body={"rows": []}, label="other"),
        ],
        ("GET", "/specialists/points"): [Case("GET", "/specialists/points", SIGNED_IN)],
        ("POST", "/specialists/points"): [
            Case(
                "POST",
                "/specialists/points",
                COORDINATOR,
                form={"scope": "21", "rows": "0"},
                label="own",
            ),
            Case(
                "POST",
                "/specialists/points",
                frozenset(),
                form={"scope": "25", "rows": "0"},
                label="other",
            ),
        ],
    }
)


def test_every_route_is_in_the_matrix_and_declares_a_policy() -> None:
    app = create_app()
    routes = _routes(app)
    assert routes - set(MATRIX) == set(), "new routes need a row in MATRIX"
    assert set(MATRIX) - routes == set(), "MATRIX names routes that no longer exist"
    for route in app.routes:
        if route.path.startswith(UNGUARDED_PREFIXES):
            continue
        for handler in getattr(route, "route_handlers", ()):
            if handler.handler_name == "options_handler":
                continue  # Litestar's automatic OPTIONS answer; the guard refuses it anyway
            assert "action" in handler.opt, f"{route.path} declares no policy action"


def test_sign_in_routes_of_an_oidc_app_are_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """With an identity provider configured, its two routes exist and are public;
    every route still declares a policy."""
    monkeypatch.setenv("NETWORK_OIDC_ISSUER", "https://idp.example/realms/kommun")
    monkeypatch.setenv("NETWORK_OIDC_CLIENT_ID", "specialistnatet")
    monkeypatch.setenv("NETWORK_OIDC_CLIENT_SECRET", "s3cret-for-the-matrix-test")
    app = create_app()
    extra = _routes(app) - set(MATRIX)
    assert extra == {("GET", "/auth/login"), ("GET", "/auth/callback")}
    for route in app.routes:
        if route.path in ("/auth/login", "/auth/callback"):
            for handler in route.route_handlers:
                if handler.handler_name != "options_handler":
                    assert handler.opt["action"] == "public"


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, str]:
    """One user per role in the own place (municipal roles in 2161, county roles in 21)."""
    return create_role_users("matrix", OWN)


@pytest.fixture(scope="module")
def client(people: dict[str, str]) -> Iterator[TestClient[Litestar]]:
    with TestClient(create_app(), base_url="https://testserver.local") as test_client:
        yield csrf_ready(test_client)


@pytest.fixture(scope="module")
def user_ids(client: TestClient[Litestar], people: dict[str, str]) -> dict[str, int]:
    """Each role's user id, from signing each in once with the demo sign-in (the
    cases then sign in with a session minted straight into the store)."""
    found = {}
    for role, email in people.items():
        client.post("/auth/logout")
        signed_in = client.post("/auth/dev-login", json={"email": email})
        assert signed_in.status_code == 200
        found[role] = int(signed_in.json()["id"])
    client.post("/auth/logout")
    return found


CASES = [
    pytest.param(role, case, id=f"{role}-{case.method}-{case.path}-{case.label}")
    for cases in MATRIX.values()
    for case in cases
    for role in ROLES
]


@pytest.mark.parametrize(("role", "case"), CASES)
def test_matrix(
    client: TestClient[Litestar], user_ids: dict[str, int], role: str, case: Case
) -> None:
    if case.endless and role in case.allowed:
        pytest.skip("endless stream: allowed side tested against real servers")
    if role == "anonymous":
        forget_session(client)
    else:
        mint_session(client, user_ids[role])  # a fresh session of the role's user
    response = client.request(
        case.method,
        case.path,
        json=case.body,
        data=case.form,
        params=case.params,
        follow_redirects=False,
    )
    denied = response.status_code in (401, 403)
    expected_allowed = role in case.allowed
    assert denied != expected_allowed, (
        f"{role} {case.method} {case.path}: got {response.status_code} {response.text[:200]}"
    )
    if denied:
        assert response.status_code == (401 if role == "anonymous" else 403)

"""The access policy, rule by rule."""

from __future__ import annotations

import pytest

from network.kernel.policy import Action, Binding, Principal, Target, decide, visible_scope
from network.lib.vocab import Role

# Ljusdal (2161) and Hudiksvall (2184) lie in Gävleborgs län (21); Kiruna (2584) in 25.
WORKER = Principal(1, "sw@demo.invalid", (Binding(Role.SOCIAL_WORKER, "21", "2161"),))
SPECIALIST = Principal(2, "sp@demo.invalid", (Binding(Role.SPECIALIST, "21", "2184"),), 7)
COORDINATOR = Principal(3, "co@demo.invalid", (Binding(Role.COORDINATOR, "21"),))
ANALYST = Principal(4, "an@demo.invalid", (Binding(Role.ANALYST, "21"),))
ADMIN = Principal(5, "ad@demo.invalid", (Binding(Role.ADMIN, "21"),))

OWN_CASE = Target(municipality="2161", county="21", owner_user_id=99, specialist_ids=frozenset())
OTHER_CASE = Target(municipality="2584", county="25", owner_user_id=98)
ASSIGNED_CASE = Target(municipality="2584", county="25", specialist_ids=frozenset({7}))


def test_public_needs_no_sign_in() -> None:
    assert decide(None, Action.PUBLIC)
    assert not decide(None, Action.SIGNED_IN)
    assert not decide(None, Action.CONSULTATION_READ, OWN_CASE)


def test_social_worker_sees_requests_of_own_municipality_only() -> None:
    assert decide(WORKER, Action.CONSULTATION_READ, OWN_CASE)
    assert not decide(WORKER, Action.CONSULTATION_READ, OTHER_CASE)
    assert decide(WORKER, Action.CONSULTATION_CREATE, Target(municipality="2161", county="21"))
    assert not decide(WORKER, Action.CONSULTATION_CREATE, Target(municipality="2184", county="21"))


def test_specialist_sees_what_is_assigned_or_offered_to_them() -> None:
    assert decide(SPECIALIST, Action.CONSULTATION_READ, ASSIGNED_CASE)
    assert decide(SPECIALIST, Action.CONSULTATION_RESPOND, ASSIGNED_CASE)
    assert not decide(SPECIALIST, Action.CONSULTATION_READ, OWN_CASE)
    assert not decide(SPECIALIST, Action.CONSULTATION_RESPOND, OTHER_CASE)


def test_specialist_asks_a_colleague_from_their_home_municipality_only() -> None:
    home, elsewhere = (
        Target(municipality="2184", county="21"),
        Target(municipality="2161", county="21"),
    )
    assert decide(SPECIALIST, Action.CONSULTATION_CREATE, home)
    assert not decide(SPECIALIST, Action.CONSULTATION_CREATE, elsewhere)
    # They own what they asked (read, edit, book) and nothing else of their municipality.
    asked = Target(municipality="2184", county="21", owner_user_id=SPECIALIST.user_id)
    others = Target(municipality="2184", county="21", owner_user_id=98)
    for action in (Action.CONSULTATION_READ, Action.CONSULTATION_UPDATE, Action.BOOKING_WRITE):
        assert decide(SPECIALIST, action, asked)
        assert not decide(SPECIALIST, action, others)
    assert visible_scope(SPECIALIST, Action.CONSULTATION_READ).own_user_id == SPECIALIST.user_id
    assert not decide(ANALYST, Action.CONSULTATION_CREATE)


def test_coordinator_acts_for_their_county() -> None:
    assert decide(COORDINATOR, Action.CONSULTATION_READ, OWN_CASE)
    assert not decide(COORDINATOR, Action.CONSULTATION_READ, OTHER_CASE)
    assert decide(COORDINATOR, Action.ROUND_RUN, Target(county="21"))
    assert not decide(COORDINATOR, Action.ROUND_RUN, Target(county="25"))


def test_analyst_sees_aggregates_never_case_text() -> None:
    assert decide(ANALYST, Action.COVERAGE_READ, Target(county="21"))
    assert not decide(ANALYST, Action.COVERAGE_READ, Target(county="25"))
    for case in (OWN_CASE, OTHER_CASE, ASSIGNED_CASE):
        assert not decide(ANALYST, Action.CONSULTATION_READ, case)
    assert visible_scope(ANALYST, Action.CONSULTATION_READ).empty


def test_admin_manages_users_but_does_not_read_cases() -> None:
    assert decide(ADMIN, Action.USER_MANAGE, Target(county="21"))
    assert not decide(ADMIN, Action.USER_MANAGE, Target(county="25"))
    assert not decide(ADMIN, Action.CONSULTATION_READ, OWN_CASE)


def test_owner_reads_own_request_even_after_moving() -> None:
    moved = Principal(99, "moved@demo.invalid", (Binding(Role.SOCIAL_WORKER, "25", "2584"),))
    assert decide(moved, Action.CONSULTATION_READ, OWN_CASE)


@pytest.mark.parametrize(
    ("principal", "municipalities", "counties"),
    [
        (WORKER, {"2161"}, set()),
        (COORDINATOR, set(), {"21"}),
        (SPECIALIST, set(), set()),
    ],
)
def test_visible_scope_for_consultation_lists(
    principal: Principal, municipalities: set[str], counties: set[str]
) -> None:
    scope = visible_scope(principal, Action.CONSULTATION_READ)
    assert scope.municipalities == municipalities
    assert scope.counties == counties


def test_denial_reason_is_given() -> None:
    decision = decide(WORKER, Action.USER_MANAGE, Target(county="21"))
    assert not decision
    assert "user.manage" in decision.reason


def test_a_peer_group_is_its_specialists_and_every_coordinators() -> None:
    group = Target(specialist_ids=frozenset({7}))  # the area's specialists
    other_group = Target(specialist_ids=frozenset({8}))
    assert decide(SPECIALIST, Action.PEER_READ, group)
    assert decide(SPECIALIST, Action.PEER_THREAD, group)
    assert not decide(SPECIALIST, Action.PEER_READ, other_group)
    assert not decide(SPECIALIST, Action.PEER_THREAD, other_group)
    # Coordinators anywhere see every group (national), never its thread.
    elsewhere = Principal(6, "co2@demo.invalid", (Binding(Role.COORDINATOR, "25", "2584"),))
    for coordinator in (COORDINATOR, elsewhere):
        assert decide(coordinator, Action.PEER_READ, other_group)
        assert not decide(coordinator, Action.PEER_THREAD, other_group)
    for outsider in (WORKER, ANALYST, ADMIN):
        assert not decide(outsider, Action.PEER_READ)
        assert not decide(outsider, Action.PEER_READ, group)
        assert not decide(outsider, Action.PEER_THREAD, group)


def test_a_peer_network_meeting_is_joined_by_its_specialists_only() -> None:
    meeting = Target(municipality="2184", county="21", specialist_ids=frozenset({7}))
    case_conference = Target(municipality="2184", county="21")
    assert decide(SPECIALIST, Action.CONFERENCE_JOIN, meeting)
    assert not decide(SPECIALIST, Action.CONFERENCE_JOIN, case_conference)
    worker_place = Target(municipality="2161", county="21", specialist_ids=frozenset({7}))
    assert decide(WORKER, Action.CONFERENCE_JOIN, Target(municipality="2161", county="21"))
    assert not decide(WORKER, Action.CONFERENCE_JOIN, Target(municipality="2584", county="25"))
    assert decide(SPECIALIST, Action.CONFERENCE_JOIN, worker_place)

"""The one access policy: who may do what on which object.

Pure: plain data in, a :class:`Decision` out. Route guards, services and queries
all ask :func:`decide` (or :func:`visible_scope` for list filters); nothing else
in the code base looks at roles.

Scopes: a role binding holds for one municipality (and so lies inside that
municipality's county) or for a whole county.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from network.lib.vocab import Role

__all__ = (
    "CASE_DATA_ROLES",
    "Action",
    "Binding",
    "Decision",
    "Principal",
    "Scope",
    "Target",
    "decide",
    "decide_all",
    "holds_role_in",
    "party_targets",
    "visible_scope",
)


class Action(StrEnum):
    """Everything a route can do. Every route declares exactly one."""

    PUBLIC = "public"  # health, reference data, sign-in pages
    SIGNED_IN = "signed_in"  # anything a signed-in user may see of their own
    SPECIALIST_READ = "specialist.read"
    SPECIALIST_EDIT = "specialist.edit"
    CONSULTATION_CREATE = "consultation.create"
    CONSULTATION_READ = "consultation.read"
    CONSULTATION_UPDATE = "consultation.update"
    CONSULTATION_RESPOND = "consultation.respond"  # the specialist's accept/decline/answer
    BOOKING_WRITE = "booking.write"  # book, cancel, reschedule a meeting of a consultation
    SLOTS_READ = "slots.read"  # a specialist's free slots: for those who could book them
    ROUND_RUN = "round.run"
    AGREEMENT_MANAGE = "agreement.manage"
    MENTORING_REQUEST = "mentoring.request"
    MENTORING_MANAGE = "mentoring.manage"
    COVERAGE_READ = "coverage.read"
    SETTLEMENT_READ = "settlement.read"  # hours given and received between municipalities
    WORKFORCE_EDIT = "workforce.edit"  # a municipality's workforce indicators of a year
    AUDIT_READ = "audit.read"
    AUDIT_REVIEW = "audit.review"
    USER_MANAGE = "user.manage"
    TOKEN_MANAGE = "token.manage"  # one's own API tokens, from a signed-in session only
    CONFERENCE_MANAGE = "conference.manage"  # a hub's case conference series and sessions
    CONFERENCE_JOIN = "conference.join"  # sign up for a session, present a case there
    PEER_READ = "peer.read"  # a competence area's peer group: members and network meetings
    PEER_THREAD = "peer.thread"  # read and write the peer group's de-identified thread


@dataclass(frozen=True, slots=True)
class Binding:
    """A role held in one municipality (``municipality`` set) or one county."""

    role: Role
    county: str
    municipality: str | None = None

    def covers(self, municipality: str | None, county: str | None) -> bool:
        """Whether this binding's scope contains the given municipality/county."""
        if self.municipality is not None:
            return municipality is not None and municipality == self.municipality
        return county is not None and county == self.county


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as the policy sees them."""

    user_id: int
    email: str
    bindings: tuple[Binding, ...] = ()
    specialist_id: int | None = None
    token_scopes: frozenset[Action] | None = None  # set when acting through an API token

    def has(self, *roles: Role) -> bool:
        return any(b.role in roles for b in self.bindings)


@dataclass(frozen=True, slots=True)
class Target:
    """What an action is applied to. Fields left empty mean "not about a place/person"."""

    municipality: str | None = None
    county: str | None = None
    owner_user_id: int | None = None
    specialist_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True, slots=True)
class Scope:
    """The municipalities and counties a principal may list for one action.

    ``everything`` is never granted for case data; it is used for public lists.
    """

    municipalities: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()
    specialist_ids: frozenset[int] = frozenset()
    own_user_id: int | None = None
    everything: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.everything
            or self.municipalities
            or self.counties
            or self.specialist_ids
            or self.own_user_id is not None
        )


# Which roles may take an action, and whether the target must lie in their scope.
_ROLE_RULES: dict[Action, tuple[frozenset[Role], bool]] = {
    Action.SPECIALIST_EDIT: (frozenset({Role.COORDINATOR}), True),
    # A specialist asks a colleague on behalf of their home municipality (their binding).
    Action.CONSULTATION_CREATE: (frozenset({Role.SOCIAL_WORKER, Role.SPECIALIST}), True),
    Action.CONSULTATION_READ: (frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR}), True),
    Action.CONSULTATION_UPDATE: (frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR}), True),
    Action.BOOKING_WRITE: (frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR}), True),
    # In the scope of a municipality the specialist serves (see specialists.services).
    Action.SLOTS_READ: (frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR}), True),
    Action.ROUND_RUN: (frozenset({Role.COORDINATOR}), True),
    Action.AGREEMENT_MANAGE: (frozenset({Role.COORDINATOR, Role.ADMIN}), True),
    Action.MENTORING_REQUEST: (frozenset({Role.SOCIAL_WORKER, Role.SPECIALIST}), True),
    Action.MENTORING_MANAGE: (frozenset({Role.COORDINATOR}), True),
    Action.COVERAGE_READ: (frozenset({Role.ANALYST, Role.COORDINATOR, Role.ADMIN}), True),
    Action.SETTLEMENT_READ: (frozenset({Role.COORDINATOR, Role.ANALYST, Role.ADMIN}), True),
    Action.WORKFORCE_EDIT: (frozenset({Role.COORDINATOR}), True),
    Action.AUDIT_READ: (frozenset({Role.ADMIN}), True),
    Action.AUDIT_REVIEW: (frozenset({Role.COORDINATOR}), True),
    Action.USER_MANAGE: (frozenset({Role.ADMIN}), True),
    # In the scope of the hub's home municipality; the hub themself too (below).
    Action.CONFERENCE_MANAGE: (frozenset({Role.COORDINATOR}), True),
    # In the scope of a municipality the series serves; a peer network's meetings are
    # joined by the area's specialists instead (named on the target, below).
    Action.CONFERENCE_JOIN: (frozenset({Role.SOCIAL_WORKER}), True),
    # Peer groups are national: any coordinator sees every group's members and
    # meetings; the area's specialists (named on the target) see their own group.
    Action.PEER_READ: (frozenset({Role.COORDINATOR}), False),
}

# Actions where the specialist named on the object may act on it.
_SPECIALIST_SELF = frozenset(
    {
        Action.SPECIALIST_EDIT,
        Action.CONSULTATION_READ,
        Action.CONSULTATION_RESPOND,
        Action.BOOKING_WRITE,
        Action.SLOTS_READ,
        Action.CONFERENCE_MANAGE,
        Action.CONFERENCE_JOIN,
        Action.PEER_READ,
        Action.PEER_THREAD,
    }
)

# Actions where the user the object belongs to may act on it.
_OWNER_SELF = frozenset(
    {
        Action.CONSULTATION_READ,
        Action.CONSULTATION_UPDATE,
        Action.BOOKING_WRITE,
        Action.AUDIT_READ,
    }
)

# Actions that read or change case data: a consultation request and what hangs on it
# (its offers, booking, thread, feedback, the batch rounds that place it).
_CASE_ACTIONS = frozenset(
    {
        Action.CONSULTATION_READ,
        Action.CONSULTATION_UPDATE,
        Action.CONSULTATION_RESPOND,
        Action.BOOKING_WRITE,
        Action.ROUND_RUN,
    }
)

CASE_DATA_ROLES: frozenset[Role] = frozenset(
    {role for action in _CASE_ACTIONS for role in _ROLE_RULES.get(action, (frozenset(), True))[0]}
    # The specialist reads the requests offered to or accepted by them.
    | ({Role.SPECIALIST} if _CASE_ACTIONS & _SPECIALIST_SELF else set())
)
"""The roles whose holders read case data (social worker, specialist, coordinator):
granting one is audited with its place and told to the place's other administrators,
and no administrator grants one (or any role) to themself."""


def decide(principal: Principal | None, action: Action, target: Target | None = None) -> Decision:
    """Whether ``principal`` may take ``action`` on ``target``, and why."""
    if action is Action.PUBLIC:
        return Decision(True, "public")
    if principal is None:
        return Decision(False, "not signed in")
    if principal.token_scopes is not None and action not in principal.token_scopes:
        return Decision(False, f"the API token is not scoped for {action.value}")
    if action in (Action.SIGNED_IN, Action.SPECIALIST_READ):
        return Decision(True, "signed in")
    if action is Action.TOKEN_MANAGE:
        return Decision(True, "own tokens")
    if target is None:
        # A route-level check: may this principal take this kind of action anywhere?
        return _may_at_all(principal, action)

    if (
        action in _SPECIALIST_SELF
        and principal.specialist_id is not None
        and principal.specialist_id in target.specialist_ids
    ):
        return Decision(True, "named specialist")
    if (
        target.owner_user_id is not None
        and target.owner_user_id == principal.user_id
        and _owns_kind(principal, action)
    ):
        return Decision(True, "owner")

    rule = _ROLE_RULES.get(action)
    if rule is None:
        return Decision(False, f"no rule lets anyone {action.value} this object")
    roles, scoped = rule
    for binding in principal.bindings:
        if binding.role not in roles:
            continue
        if not scoped or binding.covers(target.municipality, target.county):
            return Decision(True, f"{binding.role.value} in scope")
    return Decision(False, f"no role of yours may {action.value} here")


def party_targets(county: str | None, members: Iterable[tuple[str, str]]) -> list[Target]:
    """The places an arrangement between municipalities binds (a sharing agreement, a
    mentoring programme): the whole ``county``, or each member (kommunkod, county)."""
    if county is not None:
        return [Target(county=county)]
    return [Target(municipality=code, county=in_county) for code, in_county in members]


def holds_role_in(
    principal: Principal, targets: Iterable[Target], roles: Iterable[Role] | None = None
) -> bool:
    """Whether one of ``principal``'s role bindings (any role, or one of ``roles``) lies
    in one of ``targets`` (a municipality with its county): they are a user of one of
    those places."""
    places = list(targets)
    wanted = None if roles is None else frozenset(roles)
    return any(
        binding.covers(target.municipality, target.county)
        for binding in principal.bindings
        if wanted is None or binding.role in wanted
        for target in places
    )


def decide_all(principal: Principal | None, action: Action, targets: list[Target]) -> bool:
    """Whether ``principal`` may take ``action`` on every one of ``targets`` (and there
    is at least one): a party outside their scope refuses the whole."""
    return bool(targets) and all(decide(principal, action, target) for target in targets)


def _may_at_all(principal: Principal, action: Action) -> Decision:
    if action in _SPECIALIST_SELF and principal.specialist_id is not None:
        return Decision(True, "specialist")
    if _owns_kind(principal, action):
        return Decision(True, "own objects")
    rule = _ROLE_RULES.get(action)
    if rule is not None and principal.has(*rule[0]):
        return Decision(True, "role")
    return Decision(False, f"no role of yours may {action.value}")


def visible_scope(principal: Principal | None, action: Action) -> Scope:
    """Where ``principal`` may take ``action``: the filter for list queries."""
    if action is Action.PUBLIC:
        return Scope(everything=True)
    if principal is None:
        return Scope()
    municipalities: set[str] = set()
    counties: set[str] = set()
    rule = _ROLE_RULES.get(action)
    if rule is not None:
        for binding in principal.bindings:
            if binding.role in rule[0]:
                if binding.municipality is not None:
                    municipalities.add(binding.municipality)
                else:
                    counties.add(binding.county)
    specialist_ids = (
        frozenset({principal.specialist_id})
        if action in _SPECIALIST_SELF and principal.specialist_id is not None
        else frozenset()
    )
    return Scope(
        municipalities=frozenset(municipalities),
        counties=frozenset(counties),
        specialist_ids=specialist_ids,
        own_user_id=principal.user_id if _owns_kind(principal, action) else None,
    )


def _owns_kind(principal: Principal, action: Action) -> bool:
    """Whether ``principal`` can own objects ``action`` applies to (their own requests,
    their own audit entries)."""
    if action not in _OWNER_SELF:
        return False
    if action is Action.AUDIT_READ:
        return True
    # Whoever may ask for consultations owns the requests they asked.
    return principal.has(*_ROLE_RULES[Action.CONSULTATION_CREATE][0])

"""A deterministic synthetic network on the real municipalities (pure: no I/O, no clock).

:func:`generate_network` draws everything from ``random.Random`` instances
seeded from ``seed`` (one stream per part, so changing the number of requests
does not change the specialists), and takes ``today`` as an argument. The same
inputs give an equal :class:`~network.demo.model.DemoNetwork`.

Realism, in short:

- Specialists live in municipality ``m`` with probability proportional to
  ``population(m) ** 1.25``; most small municipalities have none.
- Consultation and mentoring requests originate in proportion to population.
- Sharing agreements: county-wide ones for about a third of the counties, and
  pairs or groups of neighbouring municipalities (by centroid distance).

The five named demo users (:data:`DEMO_USERS`) are placed like this, always:

- the *focus county* is Östergötland (``05``), where the National Competence
  Team on honour-based violence sits; if the input has no county ``05``, the
  county with the most municipalities (lowest code on a tie);
- ``specialist@demo.invalid`` lives in the focus county's most populous
  municipality (Linköping) and is competent in honour-based violence (level 3)
  and LVU investigations (level 2);
- ``social.worker@demo.invalid`` works in the focus county's least populous
  municipality (Ydre). No specialist there is competent in honour-based
  violence, but a county-wide agreement covering that area (and LVU) lets the
  social worker reach the demo specialist;
- ``coordinator@``, ``analyst@`` and ``admin@demo.invalid`` are scoped to the
  focus county, which also runs a mentoring programme with the four-step ladder.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Generic, TypeVar

from network.demo import texts
from network.demo.model import (
    AreaLike,
    CountyLike,
    DemoAbsence,
    DemoAgreement,
    DemoAvailability,
    DemoCompetence,
    DemoConsultation,
    DemoFocus,
    DemoMentoringRequest,
    DemoNetwork,
    DemoProgramme,
    DemoRoleBinding,
    DemoSpecialist,
    DemoUser,
    MunicipalityLike,
)
from network.lib.clock import STOCKHOLM
from network.lib.demo_users import (
    ADMIN_EMAIL,
    ANALYST_EMAIL,
    COORDINATOR_EMAIL,
    DEMO_USERS,
    EMAIL_DOMAIN,
    SOCIAL_WORKER_EMAIL,
    SPECIALIST_EMAIL,
)
from network.lib.vocab import (
    AbsenceReason,
    AgreementScope,
    ConsultationKind,
    LegalForm,
    MeetingMode,
    MentoringConstraint,
    Role,
    Urgency,
)

__all__ = (
    "DEFAULT_MENTORING_REQUESTS",
    "DEFAULT_REQUESTS",
    "DEFAULT_SEED",
    "DEFAULT_SPECIALISTS",
    "DEMO_USERS",
    "EMAIL_DOMAIN",
    "FOCUS_AREA",
    "FOCUS_COUNTY",
    "DemoGenerationError",
    "generate_network",
)

DEFAULT_SPECIALISTS = 300
DEFAULT_REQUESTS = 400
DEFAULT_MENTORING_REQUESTS = 60
DEFAULT_SEED = 1729

FOCUS_COUNTY = "05"
FOCUS_AREA = "honour_based_violence"
SECOND_AREA = "lvu_investigation"


# Population exponent of where specialists live (> 1: concentrated in large municipalities).
SPECIALIST_CONCENTRATION = 1.25

# How common each area is as a specialism, and how often it is asked about.
_SUPPLY = {
    "child_protection_assessment": 10.0,
    "bbic_investigation": 10.0,
    "lvu_investigation": 7.0,
    "honour_based_violence": 4.0,
    "child_forced_marriage": 1.5,
    "fgm": 1.0,
    "domestic_violence": 8.0,
    "child_sexual_abuse": 4.0,
    "trafficking_exploitation": 1.5,
    "violent_extremism": 1.5,
    "young_offenders": 5.0,
    "criminal_networks": 3.0,
    "unaccompanied_minors": 2.0,
    "placement_foster_care": 6.0,
    "youth_substance_use": 4.0,
    "npf": 4.0,
    "children_as_next_of_kin": 2.0,
    "neglect_parenting_capacity": 5.0,
    "mental_health_self_harm": 4.0,
}
_DEMAND = {
    **_SUPPLY,
    "honour_based_violence": 7.0,
    "child_forced_marriage": 2.5,
    "criminal_networks": 6.0,
    "lvu_investigation": 8.0,
    "mental_health_self_harm": 5.0,
}
_DEFAULT_WEIGHT = 2.0

_CLUSTERS = (
    frozenset({"honour_based_violence", "child_forced_marriage", "fgm", "domestic_violence"}),
    frozenset(
        {
            "child_protection_assessment",
            "bbic_investigation",
            "lvu_investigation",
            "neglect_parenting_capacity",
        }
    ),
    frozenset({"young_offenders", "criminal_networks", "youth_substance_use", "violent_extremism"}),
    frozenset({"child_sexual_abuse", "domestic_violence", "trafficking_exploitation"}),
    frozenset(
        {
            "placement_foster_care",
            "unaccompanied_minors",
            "children_as_next_of_kin",
            "npf",
            "mental_health_self_harm",
        }
    ),
)

# Extra languages of specialists (besides Swedish), with their probabilities.
_SPECIALIST_LANGUAGES = (
    ("en", 0.55),
    ("ar", 0.06),
    ("so", 0.025),
    ("fa", 0.035),
    ("ti", 0.012),
    ("bs", 0.02),
    ("pl", 0.02),
    ("fi", 0.03),
    ("ku", 0.015),
    ("tr", 0.015),
    ("es", 0.02),
    ("de", 0.03),
)
# Languages a consultation may need besides Swedish, with relative weights.
_REQUEST_LANGUAGES = (
    ("ar", 3.0),
    ("en", 1.5),
    ("so", 1.5),
    ("fa", 1.2),
    ("ti", 0.8),
    ("fi", 1.0),
    ("pl", 0.6),
    ("bs", 0.4),
    ("ku", 0.4),
    ("tr", 0.3),
)
_FOREIGN_LANGUAGE_AREAS = frozenset(
    {"unaccompanied_minors", "honour_based_violence", "child_forced_marriage", "fgm"}
)

# Blocks of weekly hours (local time) and how often each pattern is chosen.
_HOURS = (
    (((8, 30), (12, 0)), ((13, 0), (16, 0))),
    (((8, 30), (12, 0)),),
    (((13, 0), (16, 0)),),
    (((9, 0), (11, 30)),),
    (((13, 30), (15, 30)),),
    (((8, 0), (11, 0)), ((12, 30), (15, 30))),
)
_HOURS_WEIGHTS = (4, 3, 3, 1, 1, 1)

_T = TypeVar("_T")


class DemoGenerationError(ValueError):
    """The inputs cannot carry a demo network (e.g. an area the demo needs is missing)."""


# --------------------------------------------------------------------------- helpers


class _Picker(Generic[_T]):
    """Weighted choice with precomputed cumulative weights."""

    def __init__(self, items: Sequence[_T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights) or sum(weights) <= 0:
            raise DemoGenerationError("nothing to choose from")
        self.items = list(items)
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random) -> _T:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def _choice(rng: random.Random, options: Sequence[tuple[_T, float]]) -> _T:
    values = [o[0] for o in options]
    weights = [o[1] for o in options]
    return rng.choices(values, weights=weights)[0]


def _stream(seed: int, part: str) -> random.Random:
    """An independent, reproducible random stream for one part of the network."""
    return random.Random(f"network-demo:{seed}:{part}")


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Europe/Stockholm wall-clock time, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


def _past(rng: random.Random, today: date, low: int, high: int) -> datetime:
    """A working-hours moment between ``high`` and ``low`` days before ``today``."""
    day = today - timedelta(days=rng.randint(low, high))
    return _local(day, rng.randint(8, 15), rng.choice((0, 10, 15, 20, 30, 40, 45, 50)))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "-"))


def _distance_km(a: MunicipalityLike, b: MunicipalityLike) -> float:
    """Great-circle distance between two centroids."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _area_weights(codes: Sequence[str], table: dict[str, float]) -> list[float]:
    return [table.get(code, _DEFAULT_WEIGHT) for code in codes]


def _sample_areas(
    rng: random.Random, codes: Sequence[str], k: int, *, required: Sequence[str] = ()
) -> tuple[str, ...]:
    """``k`` distinct area codes (weighted by demand), always including ``required``."""
    chosen = list(dict.fromkeys(required))
    pool = [c for c in codes if c not in chosen]
    weights = _area_weights(pool, _DEMAND)
    while len(chosen) < k and pool:
        index = rng.choices(range(len(pool)), weights=weights)[0]
        chosen.append(pool.pop(index))
        weights.pop(index)
    return tuple(sorted(chosen))


# --------------------------------------------------------------------------- the parts


class _Names:
    """Unique display names and e-mail addresses for generated people."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def person(self) -> tuple[str, str]:
        self.count += 1
        first = self.rng.choice(texts.FIRST_NAMES)
        last = self.rng.choice(texts.SURNAMES)
        email = f"{_ascii(first)}.{_ascii(last)}.{self.count:05d}@{EMAIL_DOMAIN}"
        return f"{first} {last}", email


def _choose_focus(
    municipalities: Sequence[MunicipalityLike], counties: Sequence[CountyLike]
) -> DemoFocus:
    by_county: dict[str, list[MunicipalityLike]] = {}
    for m in municipalities:
        by_county.setdefault(m.county_code, []).append(m)
    county_codes = {c.code for c in counties}
    if FOCUS_COUNTY in by_county and FOCUS_COUNTY in county_codes:
        county = FOCUS_COUNTY
    else:
        candidates = [c for c in sorted(by_county) if c in county_codes]
        if not candidates:
            raise DemoGenerationError("no county has any municipality")
        county = max(candidates, key=lambda c: (len(by_county[c]), -int(c)))
    members = by_county[county]
    if len(members) < 2:
        raise DemoGenerationError(f"county {county} needs at least two municipalities")
    smallest = min(members, key=lambda m: (m.population, m.code))
    largest = min(
        (m for m in members if m.code != smallest.code), key=lambda m: (-m.population, m.code)
    )
    return DemoFocus(
        county_code=county,
        social_worker_municipality_code=smallest.code,
        specialist_municipality_code=largest.code,
    )


def _availability(rng: random.Random) -> tuple[DemoAvailability, ...]:
    days = sorted(rng.sample(range(5), rng.choice((1, 2, 2, 3, 3, 4, 5))))
    style = rng.choices(_HOURS, weights=_HOURS_WEIGHTS)[0]
    rules = []
    for day in days:
        blocks = style if rng.random() < 0.8 else rng.choices(_HOURS, weights=_HOURS_WEIGHTS)[0]
        for (h1, m1), (h2, m2) in blocks:
            rules.append(
                DemoAvailability(weekday=day, start_time=time(h1, m1), end_time=time(h2, m2))
            )
    return tuple(rules)


_ABSENCES = (
    # reason, weight, first start offset, last start offset, min days, max days
    (AbsenceReason.HOLIDAY, 4.0, 5, 90, 5, 21),
    (AbsenceReason.TRAINING, 3.0, 1, 40, 1, 3),
    (AbsenceReason.SICK_LEAVE, 2.0, -7, 0, 3, 14),
    (AbsenceReason.PARENTAL_LEAVE, 1.0, -60, 30, 60, 180),
    (AbsenceReason.OTHER, 0.5, 0, 30, 1, 5),
)


def _absences(rng: random.Random, today: date) -> tuple[DemoAbsence, ...]:
    if rng.random() >= 0.1:
        return ()
    reason, _, first, last, shortest, longest = rng.choices(
        _ABSENCES, weights=[a[1] for a in _ABSENCES]
    )[0]
    start = today + timedelta(days=rng.randint(first, last))
    end = start + timedelta(days=rng.randint(shortest, longest))
    created = _past(rng, min(start, today), 1, 30)
    return (
        DemoAbsence(
            starts_at=_local(start, 0),
            ends_at=_local(end, 0),
            reason=reason,
            created_at=created,
        ),
    )


def _title(primary: AreaLike) -> str:
    name = primary.name_sv
    if len(name) > 1 and name[1].islower():  # keep acronyms such as "LVU" and "NPF"
        name = name[0].lower() + name[1:]
    title = f"Specialistsocionom, {name}"
    return title if len(title) <= 120 else "Specialistsocionom"


def _specialist(
    rng: random.Random,
    *,
    email: str,
    home: MunicipalityLike,
    today: date,
    areas: dict[str, AreaLike],
    primaries: _Picker[str],
) -> DemoSpecialist:
    codes = primaries.items
    primary_code = primaries.pick(rng)
    wanted = rng.choices((0, 1, 2, 3), weights=(25, 40, 25, 10))[0]
    cluster = next((c for c in _CLUSTERS if primary_code in c), frozenset())
    competences = {primary_code: 3 if rng.random() < 0.4 else 2}
    for _ in range(wanted):
        related = [c for c in codes if c in cluster and c not in competences]
        pool = related if related and rng.random() < 0.7 else codes
        pool = [c for c in pool if c not in competences]
        if not pool:
            break
        code = rng.choices(pool, weights=_area_weights(pool, _SUPPLY))[0]
        competences[code] = rng.choices((1, 2, 3), weights=(55, 40, 5))[0]
    languages = ["sv"] + [lang for lang, p in _SPECIALIST_LANGUAGES if rng.random() < p]
    on_site = rng.random() < 0.3
    created = _past(rng, today, 30, 900)
    return DemoSpecialist(
        email=email,
        home_municipality_code=home.code,
        title=_title(areas[primary_code]),
        languages=tuple(languages),
        offers_phone=rng.random() < 0.9,
        offers_video=rng.random() < 0.95,
        offers_on_site=on_site,
        max_travel_km=rng.choice((30, 50, 80, 120, 150)) if on_site else 0,
        consultations_per_week=rng.randint(2, 8),
        mentees_capacity=rng.choices((0, 1, 2, 3), weights=(40, 30, 20, 10))[0],
        slot_minutes=rng.choice((30, 45, 45, 60)),
        buffer_minutes=rng.choice((10, 15, 15)),
        competences=tuple(
            DemoCompetence(area_code=c, level=lv) for c, lv in sorted(competences.items())
        ),
        availability=_availability(rng),
        absences=_absences(rng, today),
        created_at=created,
    )


def _demo_specialist(email: str, home: str, today: date) -> DemoSpecialist:
    morning, afternoon = (time(8, 30), time(12, 0)), (time(13, 0), time(16, 0))
    hours = {0: (morning, afternoon), 1: (afternoon,), 2: (morning, afternoon), 3: (morning,)}
    return DemoSpecialist(
        email=email,
        home_municipality_code=home,
        title="Specialistsocionom, hedersrelaterat våld och förtryck",
        languages=("sv", "en", "ar"),
        offers_phone=True,
        offers_video=True,
        offers_on_site=True,
        max_travel_km=120,
        consultations_per_week=6,
        mentees_capacity=2,
        slot_minutes=45,
        buffer_minutes=15,
        competences=(
            DemoCompetence(area_code=FOCUS_AREA, level=3),
            DemoCompetence(area_code=SECOND_AREA, level=2),
        ),
        availability=tuple(
            DemoAvailability(weekday=day, start_time=start, end_time=end)
            for day, blocks in hours.items()
            for start, end in blocks
        ),
        absences=(),
        created_at=_local(today - timedelta(days=400), 9),
    )


def _agreements(
    rng: random.Random,
    *,
    municipalities: Sequence[MunicipalityLike],
    counties: Sequence[CountyLike],
    area_codes: Sequence[str],
    focus: DemoFocus,
    today: date,
) -> list[DemoAgreement]:
    def period() -> tuple[date, date | None, datetime]:
        valid_from = today - timedelta(days=rng.randint(30, 1100))
        roll = rng.random()
        valid_to: date | None
        if roll < 0.06:  # a lapsed agreement
            valid_to = today - timedelta(days=rng.randint(10, 200))
            valid_from = min(valid_from, valid_to - timedelta(days=365))
        elif roll < 0.5:
            valid_to = valid_from + timedelta(days=365 * rng.randint(2, 4))
            valid_to = max(valid_to, today + timedelta(days=rng.randint(30, 400)))
        else:
            valid_to = None
        created = _local(valid_from - timedelta(days=rng.randint(5, 60)), 10)
        return valid_from, valid_to, created

    agreements: list[DemoAgreement] = []
    for county in sorted(counties, key=lambda c: c.code):
        is_focus = county.code == focus.county_code
        if not is_focus and rng.random() >= 0.35:
            continue
        valid_from, valid_to, created = period()
        if is_focus:
            valid_from, valid_to = today - timedelta(days=400), None
            created = _local(valid_from - timedelta(days=30), 10)
        agreements.append(
            DemoAgreement(
                name=f"Specialistsamverkan {county.name}",
                legal_form=LegalForm.AGREEMENT
                if is_focus
                else _choice(
                    rng,
                    (
                        (LegalForm.AGREEMENT, 0.5),
                        (LegalForm.FEDERATION, 0.35),
                        (LegalForm.JOINT_COMMITTEE, 0.15),
                    ),
                ),
                scope=AgreementScope.CONSULTATION
                if is_focus or rng.random() < 0.85
                else AgreementScope.CO_HANDLING,
                county_code=county.code,
                municipality_codes=(),
                area_codes=_sample_areas(
                    rng,
                    area_codes,
                    rng.randint(4, 10),
                    required=(FOCUS_AREA, SECOND_AREA) if is_focus else (),
                ),
                valid_from=valid_from,
                valid_to=valid_to,
                created_at=created,
            )
        )

    ordered = sorted(municipalities, key=lambda m: m.code)
    memberships: dict[str, int] = {}
    seen: set[frozenset[str]] = set()
    for m in ordered:
        if m.population >= 40_000 or memberships.get(m.code, 0) >= 2 or rng.random() >= 0.3:
            continue
        size = rng.choices((2, 3, 4), weights=(60, 30, 10))[0]
        near = sorted(
            (
                (_distance_km(m, other), other.code, other)
                for other in ordered
                if other.code != m.code and memberships.get(other.code, 0) < 2
            ),
            key=lambda t: (t[0], t[1]),
        )
        partners = [other for distance, _, other in near[: size - 1] if distance <= 90.0]
        if not partners:
            continue
        members = sorted([m, *partners], key=lambda x: x.code)
        key = frozenset(x.code for x in members)
        if key in seen:
            continue
        seen.add(key)
        for x in members:
            memberships[x.code] = memberships.get(x.code, 0) + 1
        names = [x.name for x in members]
        label = (
            f"{names[0]}–{names[1]}"
            if len(names) == 2
            else f"{', '.join(names[:-1])} och {names[-1]}"
        )
        valid_from, valid_to, created = period()
        name = f"Samverkan {label}"[:190]
        while name in {a.name for a in agreements}:
            name += " II"
        agreements.append(
            DemoAgreement(
                name=name,
                legal_form=LegalForm.JOINT_COMMITTEE
                if len(members) >= 3 and rng.random() < 0.3
                else LegalForm.AGREEMENT,
                scope=AgreementScope.CO_HANDLING
                if rng.random() < 0.25
                else AgreementScope.CONSULTATION,
                county_code=None,
                municipality_codes=tuple(x.code for x in members),
                area_codes=_sample_areas(rng, area_codes, rng.randint(3, 8)),
                valid_from=valid_from,
                valid_to=valid_to,
                created_at=created,
            )
        )
    return agreements


def _summary(rng: random.Random, area_code: str) -> str:
    concern = rng.choice(texts.CONCERNS.get(area_code, texts.GENERIC_CONCERNS))
    question = rng.choice(texts.QUESTIONS.get(area_code, texts.GENERIC_QUESTIONS))
    closing = rng.choice(texts.CLOSINGS)
    age = rng.choice(texts.AGE_GROUPS)
    parts = [f"Ärendet gäller {age}.", concern, question]
    if closing:
        parts.append(closing)
    return " ".join(parts)


def _request_language(rng: random.Random, area_code: str) -> str:
    foreign = 0.3 if area_code in _FOREIGN_LANGUAGE_AREAS else 0.08
    if rng.random() >= foreign:
        return "sv"
    return _choice(rng, _REQUEST_LANGUAGES)


_URGENCY = (
    # urgency, weight, created days ago (min, max), latest date in days from today (min, max)
    (Urgency.ACUTE, 0.12, 1, 1, 0, 2),
    (Urgency.SOON, 0.38, 1, 5, 3, 10),
    (Urgency.PLANNED, 0.5, 1, 14, 10, 35),
)


def _consultation(
    rng: random.Random,
    *,
    area_code: str,
    origin: str,
    requester: str,
    today: date,
    urgency: Urgency | None = None,
) -> DemoConsultation:
    spec = (
        next(u for u in _URGENCY if u[0] == urgency)
        if urgency is not None
        else rng.choices(_URGENCY, weights=[u[1] for u in _URGENCY])[0]
    )
    level, _, newest, oldest, soonest, latest = spec
    if rng.random() < 0.2:
        kind, mode = ConsultationKind.WRITTEN, MeetingMode.WRITTEN
    else:
        kind = ConsultationKind.MEETING
        mode = _choice(
            rng, ((MeetingMode.VIDEO, 0.55), (MeetingMode.PHONE, 0.3), (MeetingMode.ON_SITE, 0.15))
        )
    created = _past(rng, today, newest, oldest)
    return DemoConsultation(
        area_code=area_code,
        origin_municipality_code=origin,
        requester_email=requester,
        kind=kind,
        urgency=level,
        mode=mode,
        language=_request_language(rng, area_code),
        summary=_summary(rng, area_code),
        latest_date=today + timedelta(days=rng.randint(soonest, latest)),
        created_at=created,
        opened_at=created + timedelta(minutes=rng.randint(1, 30)),
    )


# --------------------------------------------------------------------------- the whole


def generate_network(
    municipalities: Sequence[MunicipalityLike],
    counties: Sequence[CountyLike],
    areas: Sequence[AreaLike],
    *,
    specialists: int = DEFAULT_SPECIALISTS,
    requests: int = DEFAULT_REQUESTS,
    mentoring_requests: int = DEFAULT_MENTORING_REQUESTS,
    seed: int = DEFAULT_SEED,
    today: date,
) -> DemoNetwork:
    """A synthetic network on ``municipalities``; equal arguments give an equal network.

    ``specialists`` counts every specialist profile, the demo specialist included;
    ``requests`` counts every open consultation request (the first three belong to
    the demo social worker). Input order does not matter (everything is sorted by code).
    """
    if specialists < 1:
        raise DemoGenerationError("specialists must be at least 1 (the demo specialist)")
    if requests < 0 or mentoring_requests < 0:
        raise DemoGenerationError("requests and mentoring_requests must not be negative")
    munis = sorted(municipalities, key=lambda m: m.code)
    county_list = sorted(counties, key=lambda c: c.code)
    area_list = sorted(areas, key=lambda a: a.code)
    area_codes = [a.code for a in area_list]
    for needed in (FOCUS_AREA, SECOND_AREA):
        if needed not in area_codes:
            raise DemoGenerationError(f"the demo needs the competence area {needed!r}")
    county_by_code = {c.code: c for c in county_list}
    if unknown := sorted({m.county_code for m in munis} - county_by_code.keys()):
        raise DemoGenerationError(f"municipalities name unknown county {unknown[0]!r}")
    if not any(m.population > 0 for m in munis):
        raise DemoGenerationError("the municipalities have no population")

    focus = _choose_focus(munis, county_list)
    muni_by_code = {m.code: m for m in munis}
    names = _Names(_stream(seed, "names"))
    users: list[DemoUser] = []
    bindings: list[DemoRoleBinding] = []
    founded = _local(today - timedelta(days=420), 9)

    # The five named demo users.
    display = {
        SOCIAL_WORKER_EMAIL: ("Sanna Socialsekreterare", texts.UNITS[0], 2),
        SPECIALIST_EMAIL: ("Sara Specialist", "Specialistteamet", 14),
        COORDINATOR_EMAIL: ("Kim Samordnare", "Regional samordning", 10),
        ANALYST_EMAIL: ("Alex Analytiker", "FoU-enheten", 8),
        ADMIN_EMAIL: ("Ada Administratör", "Systemförvaltning", None),
    }
    for email, role in DEMO_USERS:
        name, unit, years = display[email]
        users.append(
            DemoUser(
                email=email,
                display_name=name,
                unit=unit,
                years_in_profession=years,
                created_at=founded,
            )
        )
        if role is Role.SOCIAL_WORKER:
            scope = {"municipality_code": focus.social_worker_municipality_code}
        elif role is Role.SPECIALIST:
            scope = {"municipality_code": focus.specialist_municipality_code}
        else:
            scope = {"county_code": focus.county_code}
        bindings.append(DemoRoleBinding(email=email, role=role, **scope))

    # Regional coordinators and FoU analysts of the other counties.
    for county in county_list:
        if county.code == focus.county_code:
            continue
        for role, prefix, unit in (
            (Role.COORDINATOR, "samordnare", "Regional samordning"),
            (Role.ANALYST, "fou", "FoU-enheten"),
        ):
            name, _ = names.person()
            email = f"{prefix}.lan{county.code}@{EMAIL_DOMAIN}"
            users.append(
                DemoUser(
                    email=email,
                    display_name=name,
                    unit=unit,
                    years_in_profession=None,
                    created_at=founded,
                )
            )
            bindings.append(DemoRoleBinding(email=email, role=role, county_code=county.code))

    # Specialists.
    rng = _stream(seed, "specialists")
    homes = _Picker(munis, [max(m.population, 0) ** SPECIALIST_CONCENTRATION for m in munis])
    specialist_rows = [
        _demo_specialist(SPECIALIST_EMAIL, focus.specialist_municipality_code, today)
    ]
    area_by_code = {a.code: a for a in area_list}
    primaries = _Picker(area_codes, _area_weights(area_codes, _SUPPLY))
    # No specialist in the demo social worker's municipality knows the focus area.
    without_focus = [c for c in area_codes if c != FOCUS_AREA]
    primaries_there = _Picker(without_focus, _area_weights(without_focus, _SUPPLY))
    for _ in range(specialists - 1):
        home = homes.pick(rng)
        name, email = names.person()
        specialist = _specialist(
            rng,
            email=email,
            home=home,
            today=today,
            areas=area_by_code,
            primaries=primaries_there
            if home.code == focus.social_worker_municipality_code
            else primaries,
        )
        specialist_rows.append(specialist)
        users.append(
            DemoUser(
                email=email,
                display_name=name,
                unit="Specialistteamet",
                years_in_profession=rng.randint(6, 35),
                created_at=specialist.created_at,
            )
        )
        bindings.append(
            DemoRoleBinding(email=email, role=Role.SPECIALIST, municipality_code=home.code)
        )

    # Sharing agreements and mentoring programmes.
    agreements = _agreements(
        _stream(seed, "agreements"),
        municipalities=munis,
        counties=county_list,
        area_codes=area_codes,
        focus=focus,
        today=today,
    )
    rng = _stream(seed, "programmes")
    programme_start = today - timedelta(days=30)
    programmes: dict[str, DemoProgramme] = {}
    county_wide = {a.county_code for a in agreements if a.county_code is not None}
    for county in county_list:
        is_focus = county.code == focus.county_code
        if not is_focus and (county.code not in county_wide or rng.random() >= 0.5):
            continue
        start = programme_start if is_focus else today - timedelta(days=rng.randint(0, 120))
        programmes[county.code] = DemoProgramme(
            name=f"Introduktionsprogram {county.name} {start.year}",
            county_code=county.code,
            start_date=start,
            end_date=start + timedelta(days=364),
            steps=texts.LADDER,
            created_by_email=COORDINATOR_EMAIL
            if is_focus
            else f"samordnare.lan{county.code}@{EMAIL_DOMAIN}",
            created_at=_local(start - timedelta(days=14), 10),
        )

    # Social workers who ask: a few per municipality, made when first needed.
    staff: dict[str, list[str]] = {}
    staff_rng = _stream(seed, "staff")

    def social_workers(code: str) -> list[str]:
        if code not in staff:
            count = max(1, min(25, math.ceil(muni_by_code[code].population / 25_000)))
            staff[code] = []
            for _ in range(count):
                name, email = names.person()
                staff[code].append(email)
                users.append(
                    DemoUser(
                        email=email,
                        display_name=name,
                        unit=staff_rng.choice(texts.UNITS),
                        years_in_profession=staff_rng.randint(0, 20),
                        created_at=_past(staff_rng, today, 30, 900),
                    )
                )
                bindings.append(
                    DemoRoleBinding(email=email, role=Role.SOCIAL_WORKER, municipality_code=code)
                )
        return staff[code]

    # Open consultation requests: the demo social worker's first, then by population.
    rng = _stream(seed, "consultations")
    origins = _Picker(munis, [max(m.population, 0) for m in munis])
    demand = _Picker(area_codes, _area_weights(area_codes, _DEMAND))
    consultations: list[DemoConsultation] = []
    for area_code, urgency in (
        (FOCUS_AREA, Urgency.ACUTE),
        (FOCUS_AREA, Urgency.SOON),
        (SECOND_AREA, Urgency.PLANNED),
    )[:requests]:
        consultations.append(
            _consultation(
                rng,
                area_code=area_code,
                origin=focus.social_worker_municipality_code,
                requester=SOCIAL_WORKER_EMAIL,
                today=today,
                urgency=urgency,
            )
        )
    for _ in range(requests - len(consultations)):
        origin = origins.pick(rng)
        consultations.append(
            _consultation(
                rng,
                area_code=demand.pick(rng),
                origin=origin.code,
                requester=rng.choice(social_workers(origin.code)),
                today=today,
            )
        )

    # Open mentoring requests of new social workers (a cohort in the focus county first).
    rng = _stream(seed, "mentoring")
    in_focus = [m for m in munis if m.county_code == focus.county_code]
    focus_origins = _Picker(in_focus, [max(m.population, 1) for m in in_focus])
    mentoring: list[DemoMentoringRequest] = []
    for index in range(mentoring_requests):
        place = (focus_origins if index < 6 else origins).pick(rng)
        name, email = names.person()
        users.append(
            DemoUser(
                email=email,
                display_name=name,
                unit=rng.choice(texts.UNITS[:3]),
                years_in_profession=rng.choice((0, 0, 1)),
                created_at=_past(rng, today, 20, 60),
            )
        )
        bindings.append(
            DemoRoleBinding(email=email, role=Role.SOCIAL_WORKER, municipality_code=place.code)
        )
        programme = programmes.get(place.county_code)
        mentoring.append(
            DemoMentoringRequest(
                mentee_email=email,
                programme_name=programme.name if programme else None,
                area_codes=_sample_areas(rng, area_codes, rng.randint(1, 3)),
                language="sv" if rng.random() < 0.93 else _choice(rng, _REQUEST_LANGUAGES),
                mode=_choice(
                    rng,
                    (
                        (MeetingMode.VIDEO, 0.5),
                        (MeetingMode.ON_SITE, 0.3),
                        (MeetingMode.PHONE, 0.2),
                    ),
                ),
                match_constraint=_choice(
                    rng,
                    (
                        (MentoringConstraint.NONE, 0.7),
                        (MentoringConstraint.NOT_OWN_UNIT, 0.2),
                        (MentoringConstraint.OWN_MUNICIPALITY_ONLY, 0.1),
                    ),
                ),
                created_at=_past(rng, today, 1, 20),
            )
        )

    return DemoNetwork(
        seed=seed,
        today=today,
        focus=focus,
        users=tuple(users),
        role_bindings=tuple(bindings),
        specialists=tuple(specialist_rows),
        agreements=tuple(agreements),
        programmes=tuple(programmes.values()),
        consultations=tuple(consultations),
        mentoring_requests=tuple(mentoring),
    )

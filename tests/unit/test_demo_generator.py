"""The pure demo generator: determinism, the five demo users, realism, de-identified text."""

from __future__ import annotations

import itertools
import math
import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest

from network.demo import DEMO_USERS, DemoGenerationError, DemoNetwork, generate_network
from network.demo.model import MunicipalityLike
from network.directory.reference import ReferenceData, read_reference_data
from network.lib.vocab import (
    AgreementScope,
    ConsultationStatus,
    LegalForm,
    MentoringStatus,
    Role,
)

TODAY = date(2026, 11, 23)
MIDNIGHT = datetime(2026, 11, 23, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)
LADDER = [
    "Medhandläggare",
    "Handläggare med stöd",
    "Självständig handläggning med handledning",
    "Självständig handläggning",
]


@pytest.fixture(scope="module")
def data() -> ReferenceData:
    return read_reference_data()


@pytest.fixture(scope="module")
def network(data: ReferenceData) -> DemoNetwork:
    return generate_network(data.municipalities, data.counties, data.areas, seed=7, today=TODAY)


def _generate(data: ReferenceData, **options: int) -> DemoNetwork:
    return generate_network(data.municipalities, data.counties, data.areas, today=TODAY, **options)


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_network(data: ReferenceData) -> None:
    first = _generate(data, seed=11, specialists=150, requests=200, mentoring_requests=20)
    second = _generate(data, seed=11, specialists=150, requests=200, mentoring_requests=20)
    assert first == second
    assert msgspec.json.encode(first) == msgspec.json.encode(second)


def test_input_order_does_not_matter(data: ReferenceData) -> None:
    shuffled = list(data.municipalities)
    random.Random(3).shuffle(shuffled)
    areas = list(reversed(data.areas))
    first = _generate(data, seed=5, specialists=100, requests=50)
    second = generate_network(
        shuffled, data.counties, areas, seed=5, specialists=100, requests=50, today=TODAY
    )
    assert first == second


def test_different_seed_gives_a_different_network(data: ReferenceData) -> None:
    first = _generate(data, seed=1, specialists=150, requests=200)
    second = _generate(data, seed=2, specialists=150, requests=200)
    assert first != second
    homes = [s.home_municipality_code for s in first.specialists]
    assert homes != [s.home_municipality_code for s in second.specialists]
    assert [c.summary for c in first.consultations] != [c.summary for c in second.consultations]


def test_sizes_are_honoured(data: ReferenceData) -> None:
    network = _generate(data, seed=9, specialists=57, requests=123, mentoring_requests=17)
    assert len(network.specialists) == 57
    assert len(network.consultations) == 123
    assert len(network.mentoring_requests) == 17


def test_more_requests_do_not_change_the_specialists(data: ReferenceData) -> None:
    few = _generate(data, seed=4, specialists=80, requests=10)
    many = _generate(data, seed=4, specialists=80, requests=500)
    assert few.specialists == many.specialists
    assert few.agreements == many.agreements


def test_invalid_sizes_and_inputs_are_refused(data: ReferenceData) -> None:
    with pytest.raises(DemoGenerationError, match="specialists"):
        _generate(data, specialists=0)
    with pytest.raises(DemoGenerationError, match="negative"):
        _generate(data, requests=-1)
    areas = [a for a in data.areas if a.code != "honour_based_violence"]
    with pytest.raises(DemoGenerationError, match="honour_based_violence"):
        generate_network(data.municipalities, data.counties, areas, today=TODAY)


# --------------------------------------------------------------------------- demo users


def test_the_five_demo_users(network: DemoNetwork, data: ReferenceData) -> None:
    assert [role for _, role in DEMO_USERS] == [
        Role.SOCIAL_WORKER,
        Role.SPECIALIST,
        Role.COORDINATOR,
        Role.ANALYST,
        Role.ADMIN,
    ]
    emails = {u.email for u in network.users}
    bindings = {(b.email, b.role): b for b in network.role_bindings}
    focus = network.focus
    municipalities = {m.code: m for m in data.municipalities}
    for email, role in DEMO_USERS:
        assert email in emails
        binding = bindings[(email, role)]
        if role is Role.SOCIAL_WORKER:
            assert binding.municipality_code == focus.social_worker_municipality_code
            assert binding.county_code is None
        elif role is Role.SPECIALIST:
            assert binding.municipality_code == focus.specialist_municipality_code
        else:
            assert binding.county_code == focus.county_code
            assert binding.municipality_code is None

    social = municipalities[focus.social_worker_municipality_code]
    home = municipalities[focus.specialist_municipality_code]
    assert social.county_code == home.county_code == focus.county_code
    in_county = [m for m in data.municipalities if m.county_code == focus.county_code]
    assert social.population == min(m.population for m in in_county)
    assert social.population < 15_000

    specialist = next(s for s in network.specialists if s.email == "specialist@demo.invalid")
    levels = {c.area_code: c.level for c in specialist.competences}
    assert levels["honour_based_violence"] == 3
    assert levels["lvu_investigation"] == 2
    assert specialist.availability
    assert specialist.consultations_per_week > 0


def test_social_worker_has_no_local_specialist_but_an_agreement(network: DemoNetwork) -> None:
    focus = network.focus
    local = [
        s
        for s in network.specialists
        if s.home_municipality_code == focus.social_worker_municipality_code
    ]
    assert not any(c.area_code == "honour_based_violence" for s in local for c in s.competences)
    county_wide = [
        a
        for a in network.agreements
        if a.county_code == focus.county_code
        and {"honour_based_violence", "lvu_investigation"} <= set(a.area_codes)
        and a.valid_from <= TODAY
        and (a.valid_to is None or a.valid_to >= TODAY)
    ]
    assert county_wide


def test_small_focus_municipality_never_gets_the_focus_area() -> None:
    # Two municipalities of similar size: many specialists land in the smaller one.
    municipalities = [
        _Place("0501", "Lilla", "05", 9_000, 58.4, 15.6),
        _Place("0502", "Stora", "05", 10_000, 58.5, 15.7),
        _Place("0601", "Annan", "06", 50_000, 57.8, 14.2),
    ]
    counties = [_Named("05", "Län A"), _Named("06", "Län B")]
    data = read_reference_data()
    network = generate_network(
        municipalities, counties, data.areas, specialists=400, requests=30, seed=1, today=TODAY
    )
    assert network.focus.social_worker_municipality_code == "0501"
    assert network.focus.specialist_municipality_code == "0502"
    by_home = Counter(s.home_municipality_code for s in network.specialists)
    assert by_home["0501"] > 20
    competent = Counter(
        s.home_municipality_code
        for s in network.specialists
        if any(c.area_code == "honour_based_violence" for c in s.competences)
    )
    assert competent["0501"] == 0
    assert competent["0601"] > 0


def test_focus_county_runs_a_mentoring_programme(network: DemoNetwork) -> None:
    programme = next(p for p in network.programmes if p.county_code == network.focus.county_code)
    assert list(programme.steps) == LADDER
    assert programme.start_date <= TODAY <= programme.end_date
    assert programme.created_by_email == "coordinator@demo.invalid"
    cohort = [m for m in network.mentoring_requests if m.programme_name == programme.name]
    assert cohort


# --------------------------------------------------------------------------- realism


def test_specialists_concentrate_in_large_municipalities(
    network: DemoNetwork, data: ReferenceData
) -> None:
    homes = Counter(s.home_municipality_code for s in network.specialists)
    small = [m for m in data.municipalities if m.population < 15_000]
    without = [m for m in small if homes[m.code] == 0]
    assert len(without) > 0.7 * len(small)
    largest = sorted(data.municipalities, key=lambda m: -m.population)[:3]
    assert all(homes[m.code] >= 3 for m in largest)
    large = [m for m in data.municipalities if m.population >= 100_000]
    per_capita_large = sum(homes[m.code] for m in large) / sum(m.population for m in large)
    per_capita_small = sum(homes[m.code] for m in small) / sum(m.population for m in small)
    assert per_capita_large > 2 * per_capita_small


def test_requests_originate_in_proportion_to_population(data: ReferenceData) -> None:
    network = _generate(data, seed=3, specialists=10, requests=6000, mentoring_requests=0)
    origins = Counter(c.origin_municipality_code for c in network.consultations)
    total_population = sum(m.population for m in data.municipalities)
    for m in sorted(data.municipalities, key=lambda m: -m.population)[:5]:
        expected = len(network.consultations) * m.population / total_population
        assert abs(origins[m.code] - expected) < 5 * math.sqrt(expected) + 5


def test_every_specialist_is_complete(network: DemoNetwork, data: ReferenceData) -> None:
    area_codes = {a.code for a in data.areas}
    municipality_codes = {m.code for m in data.municipalities}
    specialist_bindings = {
        (b.email, b.municipality_code) for b in network.role_bindings if b.role is Role.SPECIALIST
    }
    for s in network.specialists:
        assert s.competences, s.email
        assert len({c.area_code for c in s.competences}) == len(s.competences)
        assert all(c.area_code in area_codes and 1 <= c.level <= 3 for c in s.competences)
        assert s.languages[0] == "sv"
        assert len(set(s.languages)) == len(s.languages)
        assert s.home_municipality_code in municipality_codes
        assert (s.email, s.home_municipality_code) in specialist_bindings
        assert s.availability
        for rule in s.availability:
            assert 0 <= rule.weekday <= 4
            assert rule.start_time < rule.end_time
        for day in {r.weekday for r in s.availability}:
            blocks = sorted((r.start_time, r.end_time) for r in s.availability if r.weekday == day)
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(blocks))
        for absence in s.absences:
            assert absence.starts_at < absence.ends_at
        assert 0 <= s.consultations_per_week <= 60
        assert 15 <= s.slot_minutes <= 240
    languages = Counter(lang for s in network.specialists for lang in s.languages)
    assert languages["sv"] == len(network.specialists)
    assert len(languages) >= 5


def test_users_and_bindings(network: DemoNetwork) -> None:
    emails = [u.email for u in network.users]
    assert len(emails) == len(set(emails))
    assert all(e.endswith("@demo.invalid") and e == e.lower() for e in emails)
    assert all(u.created_at.tzinfo is not None and u.created_at < MIDNIGHT for u in network.users)
    for binding in network.role_bindings:
        assert binding.email in set(emails)
        assert (binding.municipality_code is None) != (binding.county_code is None)


def test_agreements(network: DemoNetwork, data: ReferenceData) -> None:
    municipalities = {m.code: m for m in data.municipalities}
    names = [a.name for a in network.agreements]
    assert len(names) == len(set(names))
    county_wide = [a for a in network.agreements if a.county_code is not None]
    local = [a for a in network.agreements if a.county_code is None]
    assert county_wide
    assert local
    for a in network.agreements:
        assert isinstance(a.legal_form, LegalForm)
        assert isinstance(a.scope, AgreementScope)
        assert a.area_codes
        assert len(a.area_codes) < len(data.areas)
        assert a.valid_to is None or a.valid_to >= a.valid_from
    for a in county_wide:
        assert a.municipality_codes == ()
    for a in local:
        assert len(a.municipality_codes) >= 2
        assert len(set(a.municipality_codes)) == len(a.municipality_codes)
        members = [municipalities[c] for c in a.municipality_codes]
        # Neighbours: every member is near another member.
        for m in members:
            nearest = min(_km(m, o) for o in members if o is not m)
            assert nearest <= 90.0 + 1e-6


def test_consultations_are_open_and_plausible(network: DemoNetwork, data: ReferenceData) -> None:
    assert len(network.consultations) == 400
    area_codes = {a.code for a in data.areas}
    emails = {u.email for u in network.users}
    for c in network.consultations:
        assert c.status is ConsultationStatus.OPEN
        assert c.area_code in area_codes
        assert c.requester_email in emails
        assert c.latest_date >= TODAY
        assert c.created_at < c.opened_at < MIDNIGHT
    first = network.consultations[0]
    assert first.requester_email == "social.worker@demo.invalid"
    assert first.area_code == "honour_based_violence"
    assert Counter(c.language for c in network.consultations).most_common(1)[0][0] == "sv"


_LONG_DIGITS = re.compile(r"\d{10,}")
_PHONE = re.compile(r"\+?\d[\d\s-]{6,}\d")
_EMAIL = re.compile(r"\S+@\S+")
_PERSONAL_NUMBER = re.compile(r"\b\d{6,8}[-+]?\d{4}\b")


def test_summaries_are_de_identified(data: ReferenceData) -> None:
    network = _generate(data, seed=13, specialists=5, requests=3000, mentoring_requests=0)
    summaries = {c.summary for c in network.consultations}
    assert len(summaries) > 100
    for summary in summaries:
        assert summary.strip()
        assert "@" not in summary
        assert not _LONG_DIGITS.search(summary)
        assert not _PHONE.search(summary)
        assert not _EMAIL.search(summary)
        assert not _PERSONAL_NUMBER.search(summary)


def test_mentoring_requests(network: DemoNetwork, data: ReferenceData) -> None:
    assert len(network.mentoring_requests) == 60
    programmes = {p.name for p in network.programmes}
    area_codes = {a.code for a in data.areas}
    mentees = {m.mentee_email for m in network.mentoring_requests}
    assert len(mentees) == 60
    for m in network.mentoring_requests:
        assert m.status is MentoringStatus.OPEN
        assert m.programme_name is None or m.programme_name in programmes
        assert 1 <= len(m.area_codes) <= 3
        assert set(m.area_codes) <= area_codes
    bound = {b.email for b in network.role_bindings if b.role is Role.SOCIAL_WORKER}
    assert mentees <= bound


def test_timestamps_are_relative_to_today(data: ReferenceData) -> None:
    later = TODAY + timedelta(days=30)
    first = _generate(data, seed=2, specialists=30, requests=30)
    second = generate_network(
        data.municipalities,
        data.counties,
        data.areas,
        seed=2,
        specialists=30,
        requests=30,
        today=later,
    )
    shift = timedelta(days=30)
    assert [c.latest_date + shift for c in first.consultations] == [
        c.latest_date for c in second.consultations
    ]


# --------------------------------------------------------------------------- helpers


class _Place(msgspec.Struct, frozen=True):
    code: str
    name: str
    county_code: str
    population: int
    latitude: float
    longitude: float


class _Named(msgspec.Struct, frozen=True):
    code: str
    name: str


def _km(a: MunicipalityLike, b: MunicipalityLike) -> float:
    lat1, lon1 = math.radians(a.latitude), math.radians(a.longitude)
    lat2, lon2 = math.radians(b.latitude), math.radians(b.longitude)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))

"""Mentor matching: each eligibility rule, the score's parts, and a round's two answers
on random instances: the stable one has no blocking pair (an independent brute-force
checker written here), the welfare one is optimal (brute force over every feasible
assignment), both respect capacities; a late joiner gets the best mentor with a seat."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Mapping

import pytest

from network.graph.mentoring import (
    MenteeInfo,
    MentorInfo,
    NotEligible,
    best_mentor,
    eligibility,
    preview,
    score,
)

PLACES = {"0580": (0.0, 0.0), "0581": (45.0, 0.0), "0512": (60.0, 30.0), "2584": (900.0, 0.0)}


def km(a: str, b: str) -> float:
    (x1, y1), (x2, y2) = PLACES[a], PLACES[b]
    return float(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5)


def mentee(id: int = 1, **changes: object) -> MenteeInfo:
    values: dict[str, object] = {
        "id": id,
        "user": 1000 + id,
        "municipality": "0580",
        "unit": "Barn och unga",
        "areas": ("lvu_investigation",),
        "language": "sv",
        "mode": "video",
        "constraint": "none",
        "wishes": (),
    }
    values.update(changes)
    return MenteeInfo(**values)  # type: ignore[arg-type]


def mentor(id: int = 10, **changes: object) -> MentorInfo:
    values: dict[str, object] = {
        "id": id,
        "user": 2000 + id,
        "municipality": "0581",
        "unit": "Utredning",
        "areas": {"lvu_investigation": 2, "honour_based_violence": 3},
        "languages": frozenset({"sv", "ar"}),
        "modes": frozenset({"video", "on_site"}),
        "years": 12,
        "capacity": 2,
        "ranking": (),
    }
    values.update(changes)
    return MentorInfo(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("who", "by", "reason"),
    [
        (mentee(user=7), mentor(user=7), NotEligible.SAME_PERSON),
        (mentee(constraint="own_municipality_only"), mentor(), NotEligible.OTHER_MUNICIPALITY),
        (
            mentee(constraint="not_own_unit"),
            mentor(municipality="0580", unit="Barn och unga"),
            NotEligible.OWN_UNIT,
        ),
        (mentee(mode="phone"), mentor(), NotEligible.MODE_NOT_OFFERED),
        (mentee(mode="on_site"), mentor(municipality="2584"), NotEligible.TOO_FAR),
        (mentee(areas=("fgm",)), mentor(), NotEligible.NO_SHARED_AREA),
    ],
)
def test_each_rule_names_itself(who: MenteeInfo, by: MentorInfo, reason: NotEligible) -> None:
    assert eligibility(who, by, km) is reason


def test_the_rules_let_the_rest_through() -> None:
    assert (
        eligibility(mentee(constraint="own_municipality_only"), mentor(municipality="0580"), km)
        is None
    )
    # not own unit: the same unit in another municipality is fine, another unit at home too
    assert eligibility(mentee(constraint="not_own_unit"), mentor(unit="Barn och unga"), km) is None
    assert eligibility(mentee(constraint="not_own_unit"), mentor(municipality="0580"), km) is None
    assert eligibility(mentee(mode="on_site"), mentor(), km) is None  # 45 km
    assert eligibility(mentee(areas=()), mentor(areas={}), km) is None  # no wish: anyone


def test_the_score_parts() -> None:
    near, far = mentor(10), mentor(11, municipality="0512", languages=frozenset({"fi"}), years=40)
    wanted = mentee(areas=("lvu_investigation", "honour_based_violence"), wishes=(11, 10))
    a, b = score(wanted, near, km), score(wanted, far, km)
    assert a.areas == b.areas == 60 * (2 + 3)
    assert a.language == 100
    assert b.language == 0
    assert a.distance > b.distance > 0
    assert b.experience == 80  # capped at 20 years
    assert a.experience == round(80 * 12 / 20)
    assert b.wish == 300  # first wish
    assert a.wish == 200
    assert a.total == sum(v for k, v in a.as_dict().items() if k != "total")


def random_instance(
    rng: random.Random, mentees: int, mentors: int
) -> tuple[list[MenteeInfo], list[MentorInfo]]:
    codes = sorted(PLACES)
    areas = ["lvu_investigation", "honour_based_violence", "fgm", "npf"]
    people = [
        mentor(
            100 + r,
            municipality=rng.choice(codes),
            areas={a: rng.randint(1, 3) for a in rng.sample(areas, rng.randint(1, 3))},
            languages=frozenset(rng.sample(["sv", "ar", "fi"], rng.randint(1, 2))),
            modes=frozenset(rng.sample(["video", "on_site", "phone"], rng.randint(1, 3))),
            years=rng.randint(2, 30),
            capacity=rng.randint(1, 2),
            ranking=tuple(rng.sample(range(mentees), rng.randint(0, mentees))),
        )
        for r in range(mentors)
    ]
    asking = [
        mentee(
            m,
            municipality=rng.choice(codes),
            areas=tuple(rng.sample(areas, rng.randint(0, 2))),
            language=rng.choice(["sv", "ar", "fi"]),
            mode=rng.choice(["video", "on_site", "phone"]),
            constraint=rng.choice(["none", "none", "not_own_unit", "own_municipality_only"]),
            wishes=tuple(rng.sample(range(100, 100 + mentors), rng.randint(0, mentors))),
        )
        for m in range(mentees)
    ]
    return asking, people


def brute_blocking(
    prefs_of_mentee: Mapping[int, list[int]],
    prefs_of_mentor: Mapping[int, list[int]],
    capacity: Mapping[int, int],
    pairs: Mapping[int, int],
) -> list[tuple[int, int]]:
    """Every mutually acceptable pair where the mentee prefers the mentor to what they
    got and the mentor has a free seat or prefers the mentee to one they hold."""
    found = []
    held = {r: [m for m, x in pairs.items() if x == r] for r in prefs_of_mentor}
    for m, listed in prefs_of_mentee.items():
        for r in listed:
            if m not in prefs_of_mentor[r]:
                continue
            got = pairs.get(m)
            if got is not None and listed.index(got) <= listed.index(r):
                continue
            others = held[r]
            if len(others) < capacity[r] or any(
                prefs_of_mentor[r].index(m) < prefs_of_mentor[r].index(o) for o in others
            ):
                found.append((m, r))
    return found


def brute_best_total(
    problem_edges: dict[tuple[int, int], int], mentees: list[int], capacity: dict[int, int]
) -> int:
    best = 0
    options = {m: [None, *[r for (x, r) in problem_edges if x == m]] for m in mentees}
    for choice in itertools.product(*(options[m] for m in mentees)):
        used = Counter(r for r in choice if r is not None)
        if any(used[r] > capacity[r] for r in used):
            continue
        best = max(
            best,
            sum(problem_edges[m, r] for m, r in zip(mentees, choice, strict=True) if r is not None),
        )
    return best


@pytest.mark.parametrize("seed", range(40))
def test_stable_has_no_blocking_pair_and_welfare_is_optimal(seed: int) -> None:
    rng = random.Random(seed)
    asking, people = random_instance(rng, rng.randint(2, 6), rng.randint(1, 4))
    found = preview(asking, people, km)
    capacity = {r.id: r.capacity for r in people}
    for answer in (found.welfare, found.stable):
        load = Counter(answer.pairs.values())
        assert all(load[r] <= capacity[r] for r in load)
        assert all((m, r) in found.scores for m, r in answer.pairs.items())  # eligible only
        assert set(answer.unmatched) == {m.id for m in asking} - set(answer.pairs)
    # the preferences the stable mode used, rebuilt here from the rankings and scores
    prefs_of_mentee = {}
    for m in asking:
        eligible = {r for (x, r) in found.scores if x == m.id}
        ranked = [r for r in dict.fromkeys(m.wishes) if r in eligible]
        rest = sorted(eligible - set(ranked), key=lambda r: (-found.scores[m.id, r].total, r))
        prefs_of_mentee[m.id] = ranked + rest
    prefs_of_mentor = {}
    for r in people:
        eligible = {m for (m, x) in found.scores if x == r.id}
        ranked = [m for m in dict.fromkeys(r.ranking) if m in eligible]
        rest = sorted(eligible - set(ranked), key=lambda m: (-found.scores[m, r.id].total, m))
        prefs_of_mentor[r.id] = ranked + rest
    assert brute_blocking(prefs_of_mentee, prefs_of_mentor, capacity, found.stable.pairs) == []
    assert found.stable.blocking_pairs == ()
    assert sorted(found.welfare.blocking_pairs) == sorted(
        brute_blocking(prefs_of_mentee, prefs_of_mentor, capacity, found.welfare.pairs)
    )
    edges = {key: s.total for key, s in found.scores.items()}
    assert found.welfare.total_score == brute_best_total(edges, [m.id for m in asking], capacity)
    assert found.welfare.total_score >= found.stable.total_score
    assert found.stable.first_choices == sum(
        1 for m, r in found.stable.pairs.items() if prefs_of_mentee[m][0] == r
    )


def test_the_two_answers_differ_where_welfare_breaks_stability() -> None:
    # Both mentees rank mentor 10 first; 10 (one seat) ranks mentee 2 first. Welfare gives
    # 10 to mentee 1 (a far better fit), stable to mentee 2, whom 10 prefers.
    strong = mentee(1, areas=("lvu_investigation", "honour_based_violence"), wishes=(10, 11))
    weak = mentee(2, areas=("lvu_investigation",), wishes=(10, 11), language="fi")
    first = mentor(10, capacity=1, ranking=(2, 1))
    second = mentor(
        11,
        capacity=1,
        areas={"lvu_investigation": 1, "honour_based_violence": 1},
        municipality="0512",
        languages=frozenset({"fi"}),
        ranking=(1, 2),
    )
    found = preview([strong, weak], [first, second], km)
    assert found.stable.pairs == {1: 11, 2: 10}
    assert found.welfare.pairs == {1: 10, 2: 11}
    assert found.welfare.blocking_pairs == ((2, 10),)
    assert found.welfare.total_score > found.stable.total_score
    assert found.stable.first_choices == 1
    assert found.ranked_by_both
    assert not preview([strong, weak], [first, mentor(11)], km).ranked_by_both


def test_ineligible_mentees_say_why() -> None:
    found = preview([mentee(1, mode="phone")], [mentor(10)], km)
    assert found.ineligible[1] is NotEligible.MODE_NOT_OFFERED
    assert found.welfare.unmatched == (1,)


def test_a_late_joiner_gets_the_best_mentor_with_a_seat_left() -> None:
    full = mentor(10, capacity=0, areas={"lvu_investigation": 3})
    good = mentor(11, areas={"lvu_investigation": 2})
    fair = mentor(12, areas={"lvu_investigation": 1})
    found = best_mentor(mentee(), [full, good, fair], km)
    assert found is not None
    assert found[0].id == 11
    assert best_mentor(mentee(), [full], km) is None
    assert best_mentor(mentee(mode="phone"), [good, fair], km) is None

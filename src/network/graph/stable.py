"""Stable matching with capacities (hospitals/residents) for mentoring rounds.

Mentees propose (deferred acceptance, Gale & Shapley 1962; Roth 1984 for
capacities): each free mentee asks the next mentor on their list; a mentor with
a free seat holds the asker, a full one keeps the best of the held and the asker
and lets the worst go. The result is the mentee-optimal stable matching, which is
unique: no mentee and mentor both prefer each other to what they got, and every
mentee does at least as well as in any other stable matching.

A pair is acceptable only when each lists the other. Each mentor holds their
mentees in a heap keyed by rank, so a proposal costs O(log capacity) and the
whole run O(L log c) for L listed pairs. Pure.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = (
    "StableProblem",
    "blocking_pairs",
    "first_choices",
    "respects_capacities",
    "stable_matching",
)


@dataclass(frozen=True)
class StableProblem:
    mentee_prefs: Mapping[int, Sequence[int]]  # mentee → mentors, best first
    mentor_prefs: Mapping[int, Sequence[int]]  # mentor → mentees, best first
    capacities: Mapping[int, int]  # mentor → seats


def _ranks(prefs: Mapping[int, Sequence[int]]) -> dict[int, dict[int, int]]:
    return {who: {other: i for i, other in enumerate(listed)} for who, listed in prefs.items()}


def stable_matching(problem: StableProblem) -> dict[int, int]:
    """The mentee-optimal stable matching: mentee → mentor (unmatched mentees absent)."""
    mentor_rank = _ranks(problem.mentor_prefs)
    lists = {
        mentee: [r for r in mentors if mentee in mentor_rank.get(r, {})]
        for mentee, mentors in problem.mentee_prefs.items()
    }
    seats = {mentor: problem.capacities.get(mentor, 0) for mentor in mentor_rank}
    held: dict[int, list[tuple[int, int]]] = {mentor: [] for mentor in mentor_rank}
    following = dict.fromkeys(lists, 0)
    free = deque(sorted(lists))
    while free:
        mentee = free.popleft()
        listed = lists[mentee]
        while following[mentee] < len(listed):
            mentor = listed[following[mentee]]
            following[mentee] += 1
            rank = mentor_rank[mentor][mentee]
            heap = held[mentor]
            if len(heap) < seats[mentor]:
                heapq.heappush(heap, (-rank, mentee))
                break
            if heap and rank < -heap[0][0]:
                _, rejected = heapq.heapreplace(heap, (-rank, mentee))
                free.append(rejected)
                break
    return {mentee: mentor for mentor, heap in held.items() for _, mentee in heap}


def blocking_pairs(problem: StableProblem, matching: Mapping[int, int]) -> list[tuple[int, int]]:
    """Every acceptable (mentee, mentor) pair that would both rather be together.

    Written plainly and apart from :func:`stable_matching`, to check it."""
    found = []
    assigned: dict[int, list[int]] = {}
    for mentee, mentor in matching.items():
        assigned.setdefault(mentor, []).append(mentee)
    for mentee, mentors in problem.mentee_prefs.items():
        for mentor in mentors:
            theirs = list(problem.mentor_prefs.get(mentor, ()))
            if mentee not in theirs or matching.get(mentee) == mentor:
                continue
            current = matching.get(mentee)
            if current is not None and list(mentors).index(current) < list(mentors).index(mentor):
                continue  # the mentee prefers what they have
            holding = assigned.get(mentor, [])
            has_room = len(holding) < problem.capacities.get(mentor, 0)
            if has_room or any(theirs.index(mentee) < theirs.index(o) for o in holding):
                found.append((mentee, mentor))
    return found


def first_choices(problem: StableProblem, matching: Mapping[int, int]) -> int:
    """How many mentees got the first mentor on their list."""
    return sum(
        1
        for mentee, mentor in matching.items()
        if problem.mentee_prefs.get(mentee) and problem.mentee_prefs[mentee][0] == mentor
    )


def respects_capacities(problem: StableProblem, matching: Mapping[int, int]) -> bool:
    counts: dict[int, int] = {}
    for mentor in matching.values():
        counts[mentor] = counts.get(mentor, 0) + 1
    return all(n <= problem.capacities.get(m, 0) for m, n in counts.items())

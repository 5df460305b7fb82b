"""Group placement benchmark: `uv run python -m bench groups` (`--quick`: the small size only).

Seeded synthetic regions (:func:`instance`): applicants in 60 places, each wanting
one to three of eight areas and speaking Swedish and maybe another language, some
ranking up to three groups; groups of 8-16 seats in an area, some with a working
language, a list of served places or a distance limit; about 60 % as many seats as
applicants, and a few large municipalities, so the mixing rule binds.

Rows, for 2,000 applicants into 100 groups and 10,000 into 400, in the same run:

- ``flow, no mixing`` (the baseline): OR-tools min-cost flow, no limit per municipality;
- ``flow, mixing k``: the same with at most half a group's seats from one municipality
  (still a flow, exact);
- ``cp-sat, mixing k`` : CP-SAT forced on the same model, hinted with the flow's
  answer (an independent solve: when it proves an optimum, its total must be the
  flow's);
- ``auto, k + ≥d municipalities``: with a floor of ``d`` municipalities in every group
  that runs, as the app solves it: the flow when its answer keeps the floor anyway,
  else CP-SAT from the repaired flow answer, with its status and gap.

Time is the median of ``REPEATS`` runs for the flows, one run for CP-SAT (bounded by
``SECONDS``); building the problem (eligibility and scores) is its own row.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable

from network.graph.groups import (
    NO_BOUND,
    Applicant,
    Group,
    GroupProblem,
    GroupSolution,
    Mixing,
    build_groups_problem,
    check_groups_solution,
    solve_groups,
)
from network.graph.model import Place

__all__ = ("instance", "main")

AREAS = ("hedersrelaterat", "vald", "lvu", "introduktion", "missbruk", "ekonomi", "unga", "aldre")
LANGUAGES = ("en", "ar", "fi", "so")
REPEATS = 3
SECONDS = 60.0
FLOORS = (3, 6)


def places(count: int, rng: random.Random) -> list[Place]:
    return [
        Place(
            code=f"{1000 + i}",
            county=f"{i % 21:02d}",
            latitude=rng.uniform(55.4, 67.8),
            longitude=rng.uniform(11.2, 23.8),
        )
        for i in range(count)
    ]


def instance(
    applicants: int, groups: int, *, seed: int = 1729, place_count: int = 60
) -> tuple[list[Applicant], list[Group]]:
    """A seeded synthetic region (see the module's docstring)."""
    rng = random.Random(seed)
    towns = places(place_count, rng)
    weights = [8.0 if i < 4 else 1.0 for i in range(place_count)]  # four large towns
    teams: list[Group] = []
    for g in range(groups):
        home = rng.choice(towns)
        roll = rng.random()
        teams.append(
            Group(
                id=10_000 + g,
                area=AREAS[g % len(AREAS)],
                place=home,
                capacity=rng.randint(8, 16),
                language=rng.choice(LANGUAGES) if roll < 0.1 else None,
                municipalities=frozenset(t.code for t in rng.sample(towns, place_count // 2))
                if 0.1 <= roll < 0.3
                else None,
                max_km=400.0 if 0.3 <= roll < 0.45 else None,
            )
        )
    by_area: dict[str, list[int]] = {}
    for team in teams:
        by_area.setdefault(team.area, []).append(team.id)
    people: list[Applicant] = []
    for a in range(applicants):
        town = rng.choices(towns, weights)[0]
        areas = tuple(rng.sample(AREAS, rng.randint(1, 3)))
        other = rng.choice(LANGUAGES)
        languages = (
            ("sv",)
            if rng.random() < 0.7
            else ((other, "sv") if rng.random() < 0.5 else ("sv", other))
        )
        wanted = [g for area in areas for g in by_area.get(area, [])]
        ranked = tuple(rng.sample(wanted, min(len(wanted), rng.randint(0, 3))))
        people.append(
            Applicant(
                id=a + 1,
                municipality=town.code,
                place=town,
                areas=areas,
                languages=languages,
                preferences=ranked,
            )
        )
    return people, teams


def _median(run: Callable[[], GroupSolution], repeats: int) -> tuple[float, GroupSolution]:
    times: list[float] = []
    found: GroupSolution | None = None
    for _ in range(repeats):
        started = time.perf_counter()
        found = run()
        times.append(time.perf_counter() - started)
    assert found is not None
    return statistics.median(times), found


def _row(
    name: str, size: str, seconds: float, problem: GroupProblem, s: GroupSolution
) -> tuple[str, ...]:
    check_groups_solution(problem, s.placements)
    return (
        name,
        size,
        s.method,
        f"{seconds:.2f} s",
        str(len(s.placements)),
        str(s.objective),
        "none" if s.bound >= NO_BOUND else str(s.bound),
        "-" if s.bound >= NO_BOUND else f"{s.gap:.4%}",
        s.status,
    )


def bench_size(applicants: int, groups: int) -> list[tuple[str, ...]]:
    people, teams = instance(applicants, groups)
    size = f"{applicants}/{groups}"
    rows: list[tuple[str, ...]] = []
    started = time.perf_counter()
    mixed = build_groups_problem(people, teams, mixing=Mixing())
    built = time.perf_counter() - started
    rows.append(
        (
            "build pairs (eligibility, scores)",
            size,
            "",
            f"{built:.2f} s",
            f"{len(mixed.pair_score)} pairs",
            "",
            "",
            "",
            "",
        )
    )
    plain = build_groups_problem(people, teams, mixing=None)
    seconds, base = _median(lambda: solve_groups(plain, solver="flow"), REPEATS)
    rows.append(_row("flow, no mixing (baseline)", size, seconds, plain, base))
    seconds, flow = _median(lambda: solve_groups(mixed, solver="flow"), REPEATS)
    rows.append(_row("flow, mixing k = seats/2", size, seconds, mixed, flow))
    seconds, sat = _median(lambda: solve_groups(mixed, solver="cp-sat", seconds=SECONDS), 1)
    rows.append(_row("cp-sat, mixing k (check)", size, seconds, mixed, sat))
    if sat.status == "optimal" and sat.objective != flow.objective:
        raise SystemExit(f"CP-SAT {sat.objective} and the flow {flow.objective} disagree")
    for floor in FLOORS:
        problem = build_groups_problem(people, teams, mixing=Mixing(min_municipalities=floor))
        seconds, found = _median(lambda p=problem: solve_groups(p, seconds=SECONDS), 1)
        rows.append(_row(f"auto, k + ≥{floor} municipalities", size, seconds, problem, found))
    return rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sizes = [(2_000, 100)] if "--quick" in args else [(2_000, 100), (10_000, 400)]
    header = (
        "benchmark",
        "applicants/groups",
        "method",
        "time",
        "placed",
        "objective",
        "bound",
        "gap",
        "status",
    )
    rows = [row for a, g in sizes for row in bench_size(a, g)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

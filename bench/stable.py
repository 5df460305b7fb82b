"""Stable matching benchmark: `uv run python -m bench.stable` (`--quick` for small sizes).

A seeded instance like a national mentoring round: mentees rank 10–30 mentors,
mentors (one per five mentees, 1–6 seats) rank every mentee who ranked them. Our
mentee-proposing deferred acceptance (``network.graph.stable``) against the
`matching` library's ``HospitalResident`` (resident-optimal), the baseline, in the
same run and the same process; the two matchings must be identical. Both sides are
medians of the same number of runs (``REPEATS``); the library's whole call (building
its game from the same dictionaries, which deep-copies its players, then solving)
and its solve step alone are both shown, each with its ratio.
"""

from __future__ import annotations

import random
import statistics
import sys
import threading
import time
import warnings

from matching.games import HospitalResident

from network.graph.stable import StableProblem, blocking_pairs, stable_matching


def instance(mentees: int, seed: int = 1729) -> StableProblem:
    rng = random.Random(seed)
    mentors = list(range(100_000, 100_000 + max(mentees // 5, 1)))
    mentee_prefs = {
        m: rng.sample(mentors, min(rng.randint(10, 30), len(mentors))) for m in range(mentees)
    }
    asked: dict[int, list[int]] = {r: [] for r in mentors}
    for mentee, listed in mentee_prefs.items():
        for mentor in listed:
            asked[mentor].append(mentee)
    mentor_prefs = {}
    for mentor, askers in asked.items():
        if askers:
            rng.shuffle(askers)
            mentor_prefs[mentor] = askers
    return StableProblem(mentee_prefs, mentor_prefs, {r: rng.randint(1, 6) for r in mentor_prefs})


REPEATS = 5


def library(problem: StableProblem, repeats: int) -> tuple[float, float, float, dict[int, int]]:
    """Median seconds of ``repeats`` runs: to build the game, to solve it, and both
    (the whole call); and the matching."""
    runs = [_library_once(problem) for _ in range(repeats)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[0] + r[1] for r in runs),
        runs[-1][2],
    )


def _library_once(problem: StableProblem) -> tuple[float, float, dict[int, int]]:
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            {m: list(p) for m, p in problem.mentee_prefs.items()},
            {r: list(p) for r, p in problem.mentor_prefs.items()},
            dict(problem.capacities),
        )
    built = time.perf_counter()
    solved = game.solve(optimal="resident")
    done = time.perf_counter()
    matching = {r.name: h.name for h, residents in solved.items() for r in residents}
    return built - started, done - built, matching


def ours(problem: StableProblem, repeats: int) -> tuple[float, dict[int, int]]:
    times, found = [], {}
    for _ in range(repeats):
        started = time.perf_counter()
        found = stable_matching(problem)
        times.append(time.perf_counter() - started)
    return statistics.median(times), found


def main() -> int:
    # The library deep-copies its players, which recurses along the preference
    # lists: give it room (a deep stack in a thread of its own).
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1024 * 1024 * 1024)
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(run()))
    worker.start()
    worker.join()
    return result[0] if result else 1


def run() -> int:
    quick = "--quick" in sys.argv
    sizes = [(500, True), (1_000, True)] if quick else [(5_000, True), (20_000, False)]
    rows = []
    for mentees, with_library in sizes:
        problem = instance(mentees)
        listed = sum(len(p) for p in problem.mentee_prefs.values())
        seconds, found = ours(problem, REPEATS)
        assert not blocking_pairs(problem, found) if mentees <= 5_000 else True
        size = f"{mentees:,} mentees, {len(problem.mentor_prefs):,} mentors, {listed:,} pairs"
        if with_library:
            _, solve, whole, theirs = library(problem, REPEATS)
            assert theirs == found, "the matchings differ"
            rows.append(
                (
                    size,
                    f"{seconds * 1000:.0f} ms",
                    f"whole call {whole:.2f} s, solve step alone {solve:.2f} s",
                    f"{whole / seconds:.0f}× (whole call), {solve / seconds:.1f}× (solve step)",
                    "identical",
                )
            )
        else:
            rows.append((size, f"{seconds * 1000:.0f} ms", "— (over 120 s)", "", ""))
    print(f"# medians of {REPEATS} runs each side, same process, same instance")
    header = ("size", "ours", "matching.HospitalResident", "ratio", "result")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

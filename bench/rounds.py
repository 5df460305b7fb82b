"""A batch round end to end, from the rows in the database to committed offers:
`uv run python -m bench rounds [--specialists 20000] [--requests 22000]`.

Seeds the national-scale network in a scratch database (of the kind
``NETWORK_DATABASE_URL`` names; in a child process, so that the peak memory shown
is the round's), then, as the coordinator of the county with the most waiting
requests (at most :data:`~network.consultations.rounds.MAX_REQUESTS`), times the
two service calls the API makes: the preview (load the requests and the network,
build the problem, solve it, store it with its proposals) and the commit (turn
every proposal into an offer, with its notification and audit row).

The preview runs twice: first in a process that has made no round yet (cold:
code paths, prepared statements and the place-distance table are new), then again
as a running service makes it. Each reads everything from the database again.
The second preview is committed. ``--requests 85000`` gives Stockholm's county
the 20,000 waiting requests of the issue's largest target.

``--repeat N`` makes the warm preview N times, each but the last followed by the
plain solve (medians of both: the shared machine's load changes); ``--profile`` times
each call inside the warm previews and the commit (:data:`PHASES`); ``--keep-seed
NAME`` (PostgreSQL) keeps the seeded network as database ``NAME`` and starts later
runs from a copy of it, so two versions of the code run on one instance.

The preview solves the round with case points (:mod:`network.graph.gap`); beside
it, in the same run, the same exported instance is solved as today's flow over the
meetings only, and again with the points, each timed, with the total, the proven
bound and the gap.

Then the round's problem export (``GET /api/v1/rounds/{id}/problem``'s use case) is
read to the end in a fresh process per way, timing it and the peak memory it adds
to the process (``VmHWM`` reset before, less ``VmRSS`` before): streamed in either
layout, plain and gzip-compressed as the route compresses it (level 1, its own
``network.server.compression.gzip_pieces``), against the
baseline of the whole body built at once (``exported`` encoded by msgspec, what the
endpoint returned before it streamed).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import platform
import resource
import statistics
import time
from collections import Counter, defaultdict
from datetime import date
from multiprocessing.queues import Queue
from typing import Any

from bench.database import keep_as_template, scratch, seeded_template

# What the preview and the commit call, timed one by one (wall clock, summed over
# calls) by ``--profile``: the fixed costs of a small round.
PHASES = {
    "preview": (
        "_waiting",
        "load_requests",
        "load_network",
        "round_network",
        "prepare",
        "round_pairs",
        "next_free_slots",
        "build_problem_fast",
        "_with_points",
        "solve_points",
        "explain_unplaced",
        "area_homes",
        "insert_columns",
        "record",
    ),
    "commit": (
        "_round_row",
        "_assignments",
        "_current",
        "_over_points",
        "set_statuses",
        "tell_offered_many",
    ),
}


class Phases:
    """Wall-clock time spent in each of :data:`PHASES`' functions of
    :mod:`network.consultations.rounds` (wrapped in its namespace while active)."""

    def __init__(self) -> None:
        self.spent: defaultdict[str, float] = defaultdict(float)
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> Phases:
        import inspect

        from network.consultations import rounds

        for name in {n for names in PHASES.values() for n in names}:
            if not hasattr(rounds, name):
                continue
            original = self._saved[name] = getattr(rounds, name)
            setattr(
                rounds, name, self._timed(name, original, inspect.iscoroutinefunction(original))
            )
        return self

    def _timed(self, name: str, original: Any, is_async: bool) -> Any:
        spent = self.spent

        if is_async:

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    spent[name] += time.perf_counter() - started

            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return timed

    def __exit__(self, *_: object) -> None:
        from network.consultations import rounds

        for name, original in self._saved.items():
            setattr(rounds, name, original)

    def rows(self, step: str, total: float, times: int = 1) -> list[tuple[str, str]]:
        """A row per function, and the rest of ``total`` (times: a mean of so many)."""
        names = [n for n in PHASES[step] if n in self.spent]
        rest = total - sum(self.spent[n] for n in names) / times
        return [(f"  {step}: {name}", f"{self.spent[name] / times:.3f} s") for name in names] + [
            (f"  {step}: the rest (storing the round, the transaction)", f"{rest:.3f} s")
        ]


async def _seed(specialists: int, requests: int) -> None:
    from network.demo import generate_network, load_generator_inputs, seed_demo
    from network.directory.reference import load_reference_data
    from network.migrate import migrate_forwards

    await migrate_forwards()
    await load_reference_data()
    inputs = await load_generator_inputs()
    network = generate_network(
        *inputs, specialists=specialists, requests=requests, seed=1729, today=date.today()
    )
    await seed_demo(network, progress=False)


def _seed_in_child(specialists: int, requests: int) -> None:
    asyncio.run(_seed(specialists, requests))


def _memory(field: str) -> int:
    """A ``/proc/self/status`` figure, in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def _reset_peak() -> None:
    """Start the peak memory (``VmHWM``) again from the current."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


async def _export(way: str, round_id: int, user: int) -> tuple[float, int, int]:
    """Read the round's export one ``way`` to the end: seconds, bytes, peak bytes added."""
    import msgspec

    from network.accounts.principals import load_principal
    from network.bootstrap import build_runtime
    from network.consultations import rounds
    from network.consultations.tables import ConsultationRequest
    from network.db import close_pool, open_pool
    from network.kernel.context import Actor, Context
    from network.server.compression import gzip_pieces
    from network.settings import get_settings

    engine = ConsultationRequest._meta.db
    await open_pool(engine, get_settings())
    try:
        principal = await load_principal(user)
        assert principal is not None
        actor = Actor(user_id=principal.user_id, email=principal.email, role="coordinator")
        ctx = Context(principal, actor, build_runtime(get_settings()).runtime)
        before = _memory("VmRSS")
        _reset_peak()
        started = time.perf_counter()
        if way == "whole":
            size = len(msgspec.json.encode(await rounds.problem_of(ctx, round_id)))
        else:
            layout, _, packed = way.partition("+")
            pieces = await rounds.problem_json(ctx, round_id, layout)
            # As the route compresses: its own gzip stream, at EXPORT_GZIP_LEVEL.
            size = sum(len(piece) for piece in (gzip_pieces(pieces) if packed else pieces))
        took = time.perf_counter() - started
        return took, size, _memory("VmHWM") - before
    finally:
        await close_pool(engine)


def _export_in_child(way: str, round_id: int, user: int, out: Queue[Any]) -> None:
    out.put(asyncio.run(_export(way, round_id, user)))


EXPORTS = ("columns", "edges", "columns+gzip", "edges+gzip", "whole")


def exports(round_id: int, user: int, ways: tuple[str, ...] = EXPORTS) -> list[tuple[str, str]]:
    """Each way of :func:`_export` in a fresh process: a row of the report each."""
    context = multiprocessing.get_context("spawn")
    rows = []
    for way in ways:
        out: Queue[Any] = context.Queue()
        child = context.Process(target=_export_in_child, args=(way, round_id, user, out))
        child.start()
        took, size, peak = out.get()
        child.join()
        name = "baseline: the whole body at once" if way == "whole" else f"streamed, {way}"
        rows.append(
            (
                f"export {name}",
                f"{took:.2f} s, {size / 1e6:.0f} MB, peak RSS added {peak / 2**20:.0f} MiB",
            )
        )
    return rows


async def run(
    specialists: int, *, profile: bool = False, points: bool = True, repeat: int = 1
) -> tuple[list[tuple[str, str]], int, int]:
    """The report's rows; the round's id and its coordinator's user id."""
    from network.accounts.principals import load_principal, user_id_for_email
    from network.bootstrap import build_runtime
    from network.consultations import rounds
    from network.consultations.tables import ConsultationRequest
    from network.db import close_pool, open_pool
    from network.graph.assignment import RoundProblem, solve
    from network.kernel.context import Actor, Context
    from network.settings import get_settings

    # (No channels run here: one warning per notification would bury the report.)
    logging.getLogger("network.notifications").setLevel(logging.ERROR)
    engine = ConsultationRequest._meta.db
    await open_pool(engine, get_settings())  # as the app does
    try:
        waiting = Counter(
            row["county"]
            for row in await ConsultationRequest.select(
                ConsultationRequest.origin_municipality._.county._.code.as_alias("county")
            ).where(ConsultationRequest.status == "open")
        )
        county, size = waiting.most_common(1)[0]
        user = await user_id_for_email(f"samordnare.lan{county}@demo.invalid")
        if user is None:  # the focus county's coordinator is the demo one
            user = await user_id_for_email("coordinator@demo.invalid")
        assert user is not None
        principal = await load_principal(user)
        assert principal is not None
        actor = Actor(user_id=principal.user_id, email=principal.email, role="coordinator")
        ctx = Context(principal, actor, build_runtime(get_settings()).runtime)

        times: list[float] = []
        solves: list[float] = []
        phases = Phases()

        async def plain_solve() -> tuple[RoundProblem, Any]:
            """The baseline: a plain OR-tools solve (every pair at once) of the same
            instance, as anyone re-solving the export would make it."""
            problem = RoundProblem.from_json(await rounds.problem_of(ctx, preview.id))
            started = time.perf_counter()
            plain = solve(problem, candidates=None)
            solves.append(time.perf_counter() - started)
            return problem, plain

        # The first cold; the rest warm (step by step with --profile), each but the
        # last followed by the baseline's solve (alternating: the machine's load
        # changes), the last committed.
        for index, time_it in enumerate((False, *[profile] * repeat)):
            started = time.perf_counter()
            with phases if time_it else _nothing():
                preview = await rounds.preview(ctx, county=county)
            times.append(time.perf_counter() - started)
            if 0 < index < repeat:
                await plain_solve()
        cold, warm, warm_mean = times[0], statistics.median(times[1:]), statistics.mean(times[1:])
        started = time.perf_counter()
        with phases if profile else _nothing():
            committed = await rounds.commit(ctx, preview.id)
        commit_time = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        problem, plain = await plain_solve()
        plain_time = statistics.median(solves)
        assert plain.total_score <= preview.bound, (plain.total_score, preview.bound)
        points_rows = _points_rows(problem) if points else []
        if profile:
            points_rows += [
                *phases.rows("preview", warm_mean, repeat),
                *phases.rows("commit", commit_time),
            ]
    finally:
        await close_pool(engine)
    offered = sum(1 for a in committed.assignments if a.status == "offered")
    placed = min(size, rounds.MAX_REQUESTS)
    return (
        [
            ("county", f"{county}: {size} waiting requests, {specialists} specialists"),
            ("round", f"{placed} requests, {len(preview.assignments)} proposals, {offered} offers"),
            ("preview, first in the process", f"{cold:.2f} s"),
            (
                "preview (load, build, solve, store)",
                f"{warm:.2f} s" + (f" (median of {repeat})" if repeat > 1 else ""),
            ),
            ("commit (offers, notifications, audit)", f"{commit_time:.2f} s"),
            ("end to end", f"{warm + commit_time:.2f} s"),
            ("end to end, first in the process", f"{cold + commit_time:.2f} s"),
            (
                "baseline: plain OR-tools solve of the same instance",
                f"{plain_time:.2f} s ({len(problem.edges):,} pairs"
                + (f", median of {repeat}" if repeat > 1 else "")
                + "); end to end / it: "
                f"{(warm + commit_time) / plain_time:.1f}×",
            ),
            (
                "peak RSS of the round's process",
                f"{peak:.0f} MiB" + (" (the alternating plain solves' too)" if repeat > 1 else ""),
            ),
            (
                "the preview's solver",
                f"{preview.solver}: total {preview.total_score:,}, bound {preview.bound:,}, "
                f"gap {preview.gap:.4%}",
            ),
            *points_rows,
        ],
        preview.id,
        user,
    )


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


def _points_rows(problem: Any) -> list[tuple[str, str]]:
    """Today's round (the flow over meetings only, every pair) against the round with
    case points (:func:`network.graph.gap.solve_points`) on the same exported
    instance, in the same run: time, total, bound and gap."""
    from dataclasses import replace

    from network.graph.assignment import RoundProblem, solve
    from network.graph.gap import check_points, solve_points

    assert isinstance(problem, RoundProblem)
    started = time.perf_counter()
    flow = solve(problem)
    flow_time = time.perf_counter() - started
    meetings_only = replace(problem, points={}, budgets={})
    started = time.perf_counter()
    found = solve_points(problem)
    took = time.perf_counter() - started
    check_points(problem, found.solution)
    weights = Counter(problem.points.values())
    # The same instance with every budget cut to a third: the points bind, and the
    # round is a generalized assignment that the flow bound does not settle.
    tight = replace(problem, budgets={s: b // 3 for s, b in problem.budgets.items()})
    started = time.perf_counter()
    squeezed = solve_points(tight)
    squeezed_time = time.perf_counter() - started
    check_points(tight, squeezed.solution)
    flow_tight = solve(tight).total_score  # (ignores the points: infeasible, above the bound)
    return [
        (
            "today's round: flow, meetings only",
            f"{flow_time:.2f} s, total {flow.total_score:,} "
            f"(points ignored: {solve_points(meetings_only).status})",
        ),
        (
            "round with case points (network.graph.gap)",
            f"{took:.2f} s, {found.status}: total {found.total:,}, bound {found.bound:,}, "
            f"gap {found.gap:.4%}; {len(weights)} point weights, "
            f"{sum(1 for b in problem.budgets.values() if b > 0):,} specialists with points left",
        ),
        (
            "the same with every budget cut to a third",
            f"{squeezed_time:.2f} s, {squeezed.status}: total {squeezed.total:,}, bound "
            f"{squeezed.bound:,}, gap {squeezed.gap:.4%} (the flow ignoring points: "
            f"{flow_tight:,})",
        ),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench rounds")
    parser.add_argument("--specialists", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=22_000)
    parser.add_argument(
        "--no-exports", dest="exports", action="store_false", help="skip the export timings"
    )
    parser.add_argument(
        "--no-points",
        dest="points",
        action="store_false",
        help="skip the solves with and without case points beside the round",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="the warm preview and the plain solve N times each (medians)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="time the warm preview and the commit step by step"
    )
    parser.add_argument(
        "--keep-seed",
        metavar="NAME",
        help="PostgreSQL: keep the seeded network as database NAME and start from a copy of "
        "it when it exists (same --specialists and --requests), to compare code on one instance",
    )
    args = parser.parse_args(argv)
    reuse = args.keep_seed is not None and seeded_template(args.keep_seed)
    with scratch(args.keep_seed if reuse else None) as (url, postgres):
        if not reuse:
            child = multiprocessing.get_context("spawn").Process(
                target=_seed_in_child, args=(args.specialists, args.requests)
            )
            child.start()
            child.join()
            if child.exitcode != 0:
                raise SystemExit(f"seeding failed (exit code {child.exitcode})")
            if args.keep_seed is not None:
                keep_as_template(url, args.keep_seed)
        rows, round_id, user = asyncio.run(
            run(args.specialists, profile=args.profile, points=args.points, repeat=args.repeat)
        )
        if args.exports:
            rows += exports(round_id, user)
    kind = "PostgreSQL" if postgres else "SQLite"
    print(
        f"# bench rounds on {kind}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0

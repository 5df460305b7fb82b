"""An independent suggestions load client (asyncio + httpx), for ``python -m bench load
--scenario suggestions --client asyncio``.

Each of ``users`` social workers signs in (the demo sign-in), lists their open
requests, then asks for ranked suggestions for one of them once a second, starting
at a random moment of the first second (so the clients are independent, not a burst
a second), alternating between the app processes as a load balancer would. A
separate prober asks ``GET /health`` ``health_rate`` times a second in the same run,
so the suggestions' latency can be read against the same machine's floor at the same
moment. After ``warmup`` unreported seconds, ``seconds`` are measured: latencies of
the requests started in that window, and the CPU time the app processes used in it
(``/proc/<pid>/stat``, user + system), divided by the suggestions answered (the
health probes' own CPU is included: the figure errs high). Then one client asks
``serial`` times one at a time: the latency without queueing, and the CPU per
suggestion with nothing else running.

Cookies are kept by hand (``tests.support.http``): the session and CSRF cookies are
``Secure``, which an HTTP client rightly does not send over the plain loopback
connection of the bench.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from tests.support.http import cookie_headers, keep_cookies

__all__ = ("Figures", "run")

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes ``pids`` (and their waited-for
    children) have used so far."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rpartition(")")[2].split()
        # After the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
        total += sum(int(fields[i - 3]) for i in (14, 15, 16, 17))
    return total / TICKS


class Person:
    """One signed-in social worker with their own connection and cookies."""

    def __init__(self, hosts: list[str], email: str) -> None:
        self.hosts = hosts
        self.email = email
        self.turn = random.randrange(len(hosts))
        self.cookies: dict[str, str] = {}
        self.client = httpx.AsyncClient(timeout=30)
        self.open: list[int] = []
        self.retried = 0

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = cookie_headers(self.cookies)
        self.turn = (self.turn + 1) % len(self.hosts)
        try:
            response = await self.client.request(
                method, f"{self.hosts[self.turn]}{path}", headers=headers, **kwargs
            )
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            if method != "GET":
                raise
            # The server closed a kept-alive connection as it was reused: ask again
            # on a new one, as browsers do for a safe request (counted).
            self.retried += 1
            response = await self.client.request(
                method, f"{self.hosts[self.turn]}{path}", headers=headers, **kwargs
            )
        keep_cookies(self.cookies, response)
        return response

    async def sign_in(self) -> None:
        await self.call("GET", "/api/v1/areas")
        signed_in = await self.call("POST", "/auth/dev-login", json={"email": self.email})
        signed_in.raise_for_status()
        listed = await self.call("GET", "/api/v1/consultations")
        listed.raise_for_status()
        self.open = [r["id"] for r in listed.json() if r["status"] == "open"]

    async def suggest(self) -> tuple[float, bool]:
        request = random.choice(self.open)
        started = time.perf_counter()
        try:
            response = await self.call("GET", f"/api/v1/consultations/{request}/suggestions")
        except httpx.TimeoutException:
            # Not answered in the client's timeout: an error, kept with its time, so a
            # saturated run reports itself instead of stopping the benchmark.
            return time.perf_counter() - started, False
        return time.perf_counter() - started, response.status_code == 200


@dataclass
class Figures:
    """What one run measured (latencies in seconds)."""

    users: int
    seconds: float
    suggestions: list[float] = field(default_factory=list)
    errors: int = 0
    health: list[float] = field(default_factory=list)
    cpu: float = 0.0  # app processes' CPU seconds in the measured window
    serial: list[float] = field(default_factory=list)
    serial_cpu: float = 0.0
    retried: int = 0  # requests asked again after a closed kept-alive connection


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


async def _asking(person: Person, start: float, stop: float, window: float, out: Figures) -> None:
    """One request a second from ``start`` (a random moment) until ``stop``; those
    started after ``window`` are recorded."""
    due = start
    while True:
        now = time.perf_counter()
        if due > now:
            await asyncio.sleep(due - now)
        began = time.perf_counter()
        if began >= stop:
            return
        took, ok = await person.suggest()
        if began >= window:
            out.suggestions.append(took)
            out.errors += not ok
        due += 1.0
        if due < time.perf_counter():  # more than a second late: no catching up in bursts
            due = time.perf_counter()


async def _probing(hosts: list[str], rate: float, stop: float, window: float, out: Figures) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        turn = 0
        while (began := time.perf_counter()) < stop:
            turn += 1
            response = await client.get(f"{hosts[turn % len(hosts)]}/health")
            took = time.perf_counter() - began
            if began >= window:
                out.health.append(took)
                out.errors += response.status_code != 200
            await asyncio.sleep(max(0.0, random.expovariate(rate)))


async def _run(
    hosts: list[str],
    pids: list[int],
    emails: list[str],
    *,
    seconds: float,
    warmup: float,
    health_rate: float,
    serial: int,
) -> Figures:
    people = [Person(hosts, email) for email in emails]
    for chunk in range(0, len(people), 10):
        await asyncio.gather(*(p.sign_in() for p in people[chunk : chunk + 10]))
    people = [p for p in people if p.open]
    out = Figures(users=len(people), seconds=seconds)
    begin = time.perf_counter() + 0.5
    window = begin + warmup
    stop = window + seconds
    tasks = [
        asyncio.create_task(_asking(p, begin + random.random(), stop, window, out)) for p in people
    ]
    tasks.append(asyncio.create_task(_probing(hosts, health_rate, stop, window, out)))
    await asyncio.sleep(max(0.0, window - time.perf_counter()))
    cpu_before = cpu_seconds(pids)
    await asyncio.gather(*tasks)
    out.cpu = cpu_seconds(pids) - cpu_before
    await asyncio.sleep(1)
    one = people[0]
    for _ in range(20):  # this client's connections warm
        await one.suggest()
    cpu_before = cpu_seconds(pids)
    for _ in range(serial):
        took, ok = await one.suggest()
        out.serial.append(took)
        out.errors += not ok
    out.serial_cpu = cpu_seconds(pids) - cpu_before
    for person in people:
        out.retried += person.retried
        await person.client.aclose()
    return out


def run(
    hosts: list[str],
    pids: list[int],
    emails: list[str],
    *,
    seconds: float,
    warmup: float,
    health_rate: float = 5.0,
    serial: int = 200,
    seed: int = 1729,
) -> Figures:
    """Measure; see the module's docstring."""
    random.seed(seed)
    return asyncio.run(
        _run(
            hosts,
            pids,
            emails,
            seconds=seconds,
            warmup=warmup,
            health_rate=health_rate,
            serial=serial,
        )
    )


def report(figures: Figures, title: str) -> bool:
    """Print the figures; whether no request failed."""
    ms = 1e3
    done = len(figures.suggestions)
    health95 = percentile(figures.health, 0.95)
    print(f"# bench load, asyncio client: {title}")
    print(
        f"{figures.users} clients, one suggestion a second each from a random start, "
        f"{figures.seconds:.0f} s measured: {done} suggestions "
        f"({done / figures.seconds:.1f}/s), {len(figures.health)} /health probes, "
        f"{figures.errors} errors, {figures.retried} asked again on a new connection"
    )
    header = ("what", "n", "p50 ms", "p95 ms", "p99 ms")
    rows = [
        (name, str(len(values)), *(f"{percentile(values, q) * ms:.1f}" for q in (0.5, 0.95, 0.99)))
        for name, values in (
            ("suggestions", figures.suggestions),
            ("/health, same run", figures.health),
            ("suggestions one at a time", figures.serial),
        )
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    print(f"suggestions p95 / /health p95: {percentile(figures.suggestions, 0.95) / health95:.1f}×")
    print(
        f"app CPU per suggestion under load: {figures.cpu / max(done, 1) * ms:.2f} ms "
        f"(the app processes' CPU in the window, /health probes included, over {done}); "
        f"one at a time: {figures.serial_cpu / max(len(figures.serial), 1) * ms:.2f} ms"
    )
    return figures.errors == 0 and done > 0

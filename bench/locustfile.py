"""The load test's users, for Locust (started by ``python -m bench load``).

Each simulated person signs in with the demo sign-in as one real user of the
seeded network, then uses the app the way their role does, with a think time
between requests. Requests go round-robin to the app processes in
``BENCH_LOAD_HOSTS`` (what a load balancer does); the people come from the JSON
file in ``BENCH_LOAD_PEOPLE``, written by ``bench/load.py``.

Cookies are kept by hand: the session and CSRF cookies are ``Secure`` (the app
runs behind TLS), which an HTTP client rightly does not send over the plain
loopback connection of the test.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any, ClassVar
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant_throughput, task
from locust.exception import StopUser

PEOPLE: dict[str, list[dict[str, Any]]] = json.loads(
    open(os.environ["BENCH_LOAD_PEOPLE"], encoding="utf-8").read()  # noqa: SIM115
)
HOSTS = itertools.cycle(os.environ["BENCH_LOAD_HOSTS"].split(","))
AREA = os.environ.get("BENCH_LOAD_AREA", "honour_based_violence")
LOCKSTEP = os.environ.get("BENCH_LOAD_LOCKSTEP") == "1"
THINK = tuple(float(x) for x in os.environ.get("BENCH_LOAD_THINK", "5-15").split("-"))


def _weeks(weeks: int) -> str:
    """``from`` now and ``to`` ``weeks`` later, as query parameters."""
    now = datetime.now(UTC).replace(microsecond=0)
    return urlencode({"from": now.isoformat(), "to": (now + timedelta(weeks=weeks)).isoformat()})


class Person(FastHttpUser):
    """A signed-in user of one role; subclasses name the role and its habits."""

    abstract = True
    role: ClassVar[str]
    wait_time = between(*THINK)  # seconds of reading between clicks
    host = os.environ["BENCH_LOAD_HOSTS"].split(",")[0]

    def on_start(self) -> None:
        pool = PEOPLE[self.role]
        if not pool:
            raise StopUser
        self.me = pool.pop()
        self.cookies: dict[str, str] = {}
        self.call("GET", "/api/v1/areas", name="GET /api/v1/areas")
        signed_in = self.call(
            "POST", "/auth/dev-login", name="POST /auth/dev-login", json={"email": self.me["email"]}
        )
        if signed_in.status_code != 200:
            raise StopUser

    def call(self, method: str, path: str, *, name: str, **kwargs: Any) -> Any:
        headers = {"cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "__Host-csrftoken" in self.cookies:
            headers["x-csrftoken"] = self.cookies["__Host-csrftoken"]
        response = self.client.request(
            method, f"{next(HOSTS)}{path}", name=name, headers=headers, **kwargs
        )
        for header in response.headers.get_all("set-cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                if morsel.value == "null" or morsel["max-age"] == "0":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response

    def open_requests(self) -> list[int]:
        """The ids of the signed-in social worker's open requests."""
        listed = self.call("GET", "/api/v1/consultations", name="GET /api/v1/consultations")
        found = listed.json() if listed.status_code == 200 else []
        return [r["id"] for r in found if r["status"] == "open"]


class Browsing(Person):
    """What everyone does now and then."""

    abstract = True

    @task(3)
    def unread(self) -> None:
        self.call("GET", "/api/v1/notifications/unread-count", name="GET unread-count")

    @task(1)
    def start_page(self) -> None:
        self.call("GET", "/", name="GET / (page)")


class SocialWorker(Browsing):
    role = "social_worker"
    fixed_count = len(PEOPLE["social_worker"])

    def on_start(self) -> None:
        super().on_start()
        self.open = self.open_requests()

    @task(3)
    def mine(self) -> None:
        self.call("GET", "/api/v1/consultations", name="GET /api/v1/consultations")

    @task(2)
    def one(self) -> None:
        if self.open:
            request = random.choice(self.open)
            self.call("GET", f"/api/v1/consultations/{request}", name="GET consultation")

    @task(2)
    def suggestions(self) -> None:
        if self.open:
            request = random.choice(self.open)
            self.call(
                "GET",
                f"/api/v1/consultations/{request}/suggestions",
                name="GET suggestions",
            )

    @task(1)
    def draft(self) -> None:
        body = {
            "area": AREA,
            "summary": "Flicka 14 år, oro för kontroll i familjen; vill diskutera bedömning.",
            "submit": False,
        }
        self.call("POST", "/api/v1/consultations", name="POST draft consultation", json=body)


class Suggester(Person):
    """The suggestions scenario (``--scenario suggestions``): a social worker asking
    for ranked suggestions for one of their open requests about once a second.

    The pause between asks is random (0.5-1.5 s), as people's are. A constant pace
    (``constant_throughput(1)``) keeps the users in lockstep: Locust starts the
    users of one second together, so all 50 would then ask within the same few
    milliseconds of every second. That measures one burst of 50 simultaneous
    requests, not 50 independent clients (see docs/benchmarks.md); ``bench load
    --lockstep`` measures it all the same."""

    role = "social_worker"
    wait_time = constant_throughput(1) if LOCKSTEP else between(0.5, 1.5)

    def on_start(self) -> None:
        super().on_start()
        self.open = self.open_requests()

    @task
    def suggest(self) -> None:
        if self.open:
            request = random.choice(self.open)
            self.call("GET", f"/api/v1/consultations/{request}/suggestions", name="GET suggestions")


class Specialist(Browsing):
    role = "specialist"
    fixed_count = len(PEOPLE["specialist"])

    @task(3)
    def offers(self) -> None:
        self.call("GET", "/api/v1/consultations", name="GET /api/v1/consultations")

    @task(2)
    def slots(self) -> None:
        me = self.me["specialist_id"]
        self.call("GET", f"/api/v1/specialists/{me}/slots?{_weeks(2)}", name="GET slots")

    @task(2)
    def bookings(self) -> None:
        self.call("GET", f"/api/v1/bookings?{_weeks(4)}", name="GET /api/v1/bookings")

    @task(1)
    def profile(self) -> None:
        me = self.me["specialist_id"]
        self.call("GET", f"/api/v1/specialists/{me}/profile", name="GET profile")


class Coordinator(Browsing):
    role = "coordinator"
    fixed_count = len(PEOPLE["coordinator"])

    @task(2)
    def coverage(self) -> None:
        county = self.me["county"]
        self.call("GET", f"/api/v1/coverage?county={county}", name="GET coverage")

    @task(1)
    def weak_points(self) -> None:
        county = self.me["county"]
        self.call("GET", f"/api/v1/coverage/weak-points?county={county}", name="GET weak-points")

    @task(1)
    def agreements(self) -> None:
        self.call("GET", "/api/v1/agreements", name="GET /api/v1/agreements")

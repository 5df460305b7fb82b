"""Batch rounds through the API: a preview places as many waiting requests as the
specialists' capacity allows, best total first, says why the rest are unplaced, and
its exported problem re-solves to the same total; committing makes offers; only the
county's coordinators see it; one round at a time."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import time

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.access import load_requests
from network.consultations.network_loader import load_network, request_info
from network.consultations.requests import set_statuses
from network.consultations.rounds import round_network
from network.consultations.tables import AssignmentRound, ConsultationRequest
from network.graph.assignment import RoundProblem, exported, solve
from network.graph.gap import solve_points
from network.graph.model import Network
from network.kernel.case_scope import system_scope, system_transaction
from network.kernel.kept import Kept
from network.kernel.locks import Locks
from network.lib import clock
from network.lib.errors import Conflict
from network.lib.vocab import ConsultationStatus, NotificationKind, Role
from network.notifications.tables import Notification
from network.specialists.tables import SpecialistProfile
from tests.support import SharedApp, in_app, in_app_seeing_all, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "trafficking_exploitation"
NEW_AREA = "fgm"  # nobody in the county at first
COORDINATOR = "round.coordinator@demo.invalid"  # Blekinge (10)
FAR_COORDINATOR = "round.far@demo.invalid"  # Norrbotten (25)
WORKER = "round.worker@demo.invalid"  # Ronneby (1081)
EXPORT_XFL = 4  # RFC 1952's extra flags: "compressor used fastest algorithm"


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    """Two specialists in Karlskrona with room for 2 and 1 this week; a county-wide
    agreement for the area."""

    async def create() -> dict[str, int]:
        await create_user(COORDINATOR, Role.COORDINATOR, county="10")
        await create_user(FAR_COORDINATOR, Role.COORDINATOR, county="25")
        found = {"worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality="1081")}
        await create_county_agreement("10", AREA)
        for key, capacity, level in (("big", 2, 3), ("small", 1, 2)):
            user = await create_user(
                f"round.{key}@demo.invalid", Role.SPECIALIST, municipality="1080"
            )
            specialist = await create_specialist_profile(user, "1080")
            found[key] = specialist
            await SpecialistProfile.update(
                {SpecialistProfile.consultations_per_week: capacity}
            ).where(SpecialistProfile.id == specialist)
            await add_competence(specialist, AREA, level)
            await add_weekly_hours(specialist, range(7), time(8), time(16))
        return found

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def test_preview_commit_and_problem(client: TestClient[Litestar], ids: dict[str, int]) -> None:
    sign_in(client, WORKER)
    waiting = []
    for index in range(4):
        body = {"area": AREA, "summary": f"Fråga {index}", "urgency": "soon", "submit": True}
        waiting.append(client.post("/api/v1/consultations", json=body).json()["id"])
    nobody = client.post(
        "/api/v1/consultations",
        json={"area": "violent_extremism", "summary": "Ingen specialist här", "submit": True},
    ).json()["id"]

    sign_in(client, COORDINATOR)
    preview = client.post("/api/v1/rounds", json={})
    assert preview.status_code == 201, preview.text
    # The answer is the round as stored.
    assert client.get(f"/api/v1/rounds/{preview.json()['id']}").json() == preview.json()
    body = preview.json()
    assert body["status"] == "preview"
    assert body["county"] == "10"
    placed = {a["request"]: a["specialist"] for a in body["assignments"]}
    assert len(placed) == 3  # room for 2 + 1
    assert sorted(placed.values()) == sorted([ids["big"], ids["big"], ids["small"]])
    assert body["total_score"] == sum(a["score"] for a in body["assignments"])
    assert all(a["breakdown"]["total"] == a["score"] for a in body["assignments"])
    reasons = {u["request"]: u["reason"] for u in body["unplaced"]}
    assert reasons[nobody] == "no_eligible_specialist"
    assert sorted(r for r, why in reasons.items() if why == "capacity_exhausted") == sorted(
        set(waiting) - set(placed)
    )
    # A preview changes nothing yet.
    statuses = in_app_seeing_all(
        client,
        lambda: ConsultationRequest.select(ConsultationRequest.status).where(
            ConsultationRequest.id.is_in(waiting)
        ),
    )
    assert {r["status"] for r in statuses} == {"open"}

    problem = client.get(f"/api/v1/rounds/{body['id']}/problem")
    assert problem.status_code == 200
    instance = problem.json()
    assert set(instance) == {"requests", "request_points", "specialists", "edges"}
    # Each request's case points and each specialist's points left this week.
    assert len(instance["request_points"]) == len(instance["requests"])
    assert all(p >= 1 for p in instance["request_points"])
    assert all(s["budget"] >= 0 for s in instance["specialists"])
    # Points of one weight: the round is today's flow, exact (bound = total, gap 0).
    assert (body["solver"], body["bound"], body["gap"]) == ("flow", body["total_score"], 0.0)
    resolved = solve(RoundProblem.from_json(instance), method="networkx")
    assert resolved.total_score == body["total_score"]
    assert solve_points(RoundProblem.from_json(instance)).total == body["total_score"]
    # Streamed, gzip when accepted, and equal to the instance the round keeps.
    kept = in_app(
        client,
        lambda: (
            AssignmentRound.select(AssignmentRound.problem, AssignmentRound.pairs)
            .where(AssignmentRound.id == body["id"])
            .output(load_json=True)
            .first()
        ),
    )
    assert instance == exported(kept["problem"], kept["pairs"])
    assert problem.headers["content-encoding"] == "gzip"
    assert "content-length" not in problem.headers  # streamed
    assert problem.headers["vary"].lower() == "accept-encoding"
    # Compressed by the route itself at zlib's fastest level (the gzip header's XFL
    # byte is 4), not by the app's middleware at its level: a national round's export
    # is tens of megabytes.
    with client.stream("GET", f"/api/v1/rounds/{body['id']}/problem") as raw_problem:
        raw = b"".join(raw_problem.iter_raw())
    assert raw[:3] == b"\x1f\x8b\x08"
    assert raw[8] == EXPORT_XFL
    assert json.loads(gzip.decompress(raw)) == instance
    plain = client.get(
        f"/api/v1/rounds/{body['id']}/problem", headers={"accept-encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert json.loads(plain.content) == instance
    columns = client.get(f"/api/v1/rounds/{body['id']}/problem", params={"layout": "columns"})
    assert columns.status_code == 200
    edges = columns.json()["edges"]
    assert [
        {"request": r, "specialist": s, "score": w}
        for r, s, w in zip(edges["request"], edges["specialist"], edges["score"], strict=True)
    ] == instance["edges"]
    assert RoundProblem.from_json(columns.json()) == RoundProblem.from_json(instance)
    refused = client.get(f"/api/v1/rounds/{body['id']}/problem", params={"layout": "rows"})
    assert refused.status_code == 400

    committed = client.post(f"/api/v1/rounds/{body['id']}/commit")
    assert committed.status_code == 200, committed.text
    assert committed.json()["status"] == "committed"
    assert {a["status"] for a in committed.json()["assignments"]} == {"offered"}
    sign_in(client, WORKER)
    for request_id, specialist in placed.items():
        shown = client.get(f"/api/v1/consultations/{request_id}").json()
        assert (shown["status"], shown["offered_to"]) == ("offered", specialist)
    sign_in(client, COORDINATOR)
    assert client.post(f"/api/v1/rounds/{body['id']}/commit").status_code == 409

    sign_in(client, FAR_COORDINATOR)  # another county's round: as if there were none
    assert client.get(f"/api/v1/rounds/{body['id']}").status_code == 404
    assert client.get(f"/api/v1/rounds/{body['id']}/problem").status_code == 404
    assert client.post("/api/v1/rounds", json={"county": "10"}).status_code == 403

    # A round for one municipality of the county shows the county it lies in.
    sign_in(client, COORDINATOR)
    local = client.post("/api/v1/rounds", json={"municipality": "1081"})
    assert local.status_code == 201, local.text
    assert (local.json()["county"], local.json()["municipality"]) == ("10", "1081")
    assert client.get(f"/api/v1/rounds/{local.json()['id']}").json() == local.json()


def test_commit_withdraws_what_was_placed_meanwhile_and_tells_each_specialist(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    sign_in(client, WORKER)
    waiting = []
    for index in range(3):
        body = {"area": AREA, "summary": f"Igen {index}", "urgency": "planned", "submit": True}
        waiting.append(client.post("/api/v1/consultations", json=body).json()["id"])
    sign_in(client, COORDINATOR)
    preview = client.post("/api/v1/rounds", json={}).json()
    placed = {a["request"]: a["specialist"] for a in preview["assignments"]}
    assert len(placed) == 3  # (the earlier test left one request waiting too)
    sign_in(client, WORKER)
    gone = min(set(placed) & set(waiting))
    offered = sorted(set(placed) - {gone})
    cancelled = client.post(f"/api/v1/consultations/{gone}/cancel", json={"reason": "löst"})
    assert cancelled.status_code == 200, cancelled.text
    before = in_app(
        client, lambda: Notification.count().where(Notification.kind == NotificationKind.OFFER_NEW)
    )

    sign_in(client, COORDINATOR)
    committed = client.post(f"/api/v1/rounds/{preview['id']}/commit")
    assert committed.status_code == 200, committed.text
    statuses = {a["request"]: a["status"] for a in committed.json()["assignments"]}
    assert statuses == {r: "withdrawn" if r == gone else "offered" for r in placed}
    # The answer is the round as stored.
    assert client.get(f"/api/v1/rounds/{preview['id']}").json() == committed.json()
    told = in_app(
        client,
        lambda: Notification.select(Notification.recipient, Notification.object_id).where(
            (Notification.kind == NotificationKind.OFFER_NEW)
            & Notification.object_id.is_in(list(placed))
        ),
    )
    users = in_app(
        client,
        lambda: SpecialistProfile.select(SpecialistProfile.id, SpecialistProfile.user),
    )
    user_of = {row["id"]: row["user"] for row in users}
    assert sorted((r["object_id"], r["recipient"]) for r in told) == [
        (r, user_of[placed[r]]) for r in offered
    ]
    after = in_app(
        client, lambda: Notification.count().where(Notification.kind == NotificationKind.OFFER_NEW)
    )
    assert after - before == len(offered) == 2


def test_a_batch_status_change_refuses_a_request_that_moved_on(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, WORKER)
    made = [
        client.post(
            "/api/v1/consultations",
            json={"area": AREA, "summary": f"Version {i}", "submit": True},
        ).json()["id"]
        for i in range(3)
    ]

    async def change_one_meanwhile() -> tuple[str, list[str]]:
        engine = ConsultationRequest._meta.db
        async with system_scope(engine):  # the test's own reads and writes see every row
            rows = await load_requests(made)
            await ConsultationRequest.update(
                {ConsultationRequest.version: ConsultationRequest.version + 1}
            ).where(ConsultationRequest.id == made[1])
        try:
            async with system_transaction(engine):  # as a round's commit
                await set_statuses(rows, ConsultationStatus.CANCELLED)
        except Conflict as error:
            message = f"{error.field}: {error}"
        else:
            message = "no conflict"
        async with system_scope(engine):
            found = await ConsultationRequest.select(ConsultationRequest.status).where(
                ConsultationRequest.id.is_in(made)
            )
        return message, [r["status"] for r in found]

    message, statuses = in_app(client, change_one_meanwhile)
    assert message.startswith("version: the request changed meanwhile")
    assert statuses == ["open"] * 3  # rolled back: none of them changed


def test_one_round_at_a_time() -> None:
    local = Locks(None)  # without Redis: a lock of this process

    async def scenario() -> None:
        async with local.exclusive("round-test", busy="busy"):
            with pytest.raises(Conflict, match="busy"):
                async with local.exclusive("round-test", busy="busy"):
                    pass
        async with local.exclusive("round-test", busy="busy"):
            pass  # free again

    asyncio.run(scenario())


def test_one_round_at_a_time_across_processes_with_redis() -> None:
    import os

    from redis.asyncio import Redis

    url = os.environ.get("NETWORK_REDIS_URL") or os.environ.get(
        "NETWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"
    )

    async def scenario() -> None:
        first, second = Redis.from_url(url), Redis.from_url(url)  # two "processes"
        try:
            async with Locks(first).exclusive("round-test", busy="busy"):
                with pytest.raises(Conflict, match="busy"):
                    async with Locks(second).exclusive("round-test", busy="busy"):
                        pass
            async with Locks(second).exclusive("round-test", busy="busy"):
                pass
        finally:
            await first.aclose()
            await second.aclose()

    asyncio.run(scenario())


def test_a_round_takes_the_network_from_kept_snapshots_as_it_would_read_it(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """A round's specialists come from the process's kept area snapshots (the
    suggestions'), with the changing state read now: the same network as reading it
    whole from the database, loading the snapshots and from what was kept."""

    async def both() -> tuple[Network, Network, Network, int]:
        rows = await ConsultationRequest.select(ConsultationRequest.id).where(
            ConsultationRequest.status == ConsultationStatus.OPEN
        )
        infos = [request_info(r) for r in await load_requests([r["id"] for r in rows])]
        now = clock.now()
        kept = Kept()
        whole = await load_network(infos, now=now)
        first, _ = await round_network(kept, infos, now)
        again, _ = await round_network(kept, infos, now)
        return whole, first, again, len({info.area for info in infos})

    whole, first, again, areas = in_app_seeing_all(client, both)
    assert areas > 1
    assert len(whole.specialists) >= 2  # (this module's, at least)
    for network in (first, again):
        assert list(network.specialists.items()) == list(whole.specialists.items())
        assert network.places == whole.places
        assert network.agreements == whole.agreements


def test_a_round_sees_a_change_to_the_network_at_once(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """The kept snapshots are used only while the network's data version they were
    loaded under is current: a specialist added after a round is in the next one."""
    sign_in(client, WORKER)
    made = client.post(
        "/api/v1/consultations",
        json={"area": NEW_AREA, "summary": "Råd om ett ärende", "urgency": "soon", "submit": True},
    ).json()["id"]
    sign_in(client, COORDINATOR)
    before = client.post("/api/v1/rounds", json={})
    assert before.status_code == 201, before.text
    assert made in {u["request"] for u in before.json()["unplaced"]}

    async def add() -> int:
        user = await create_user("round.new@demo.invalid", Role.SPECIALIST, municipality="1081")
        specialist = await create_specialist_profile(user, "1081")
        await add_competence(specialist, NEW_AREA, 2)
        await add_weekly_hours(specialist, range(7), time(8), time(16))
        return specialist

    added = in_app_seeing_all(client, add)
    after = client.post("/api/v1/rounds", json={})
    assert after.status_code == 201, after.text
    placed = {a["request"]: a["specialist"] for a in after.json()["assignments"]}
    assert placed.get(made) == added
    sign_in(client, WORKER)
    assert client.post(f"/api/v1/consultations/{made}/cancel", json={"reason": "klart"}).is_success

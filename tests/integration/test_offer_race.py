"""Many clients answer and edit the same consultation requests from two app processes
at once: one answer to an offer wins, one edit of a version wins, and the audit log
has exactly one row for what happened (no lost updates, no false successes).

Runs on the suite's database (PostgreSQL in the CI's second run, where transactions
interleave; SQLite in the first, where writers queue).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from network.consultations.tables import ConsultationRequest
from network.lib.vocab import AssignmentStatus, ConsultationStatus, Role
from tests.support.cases import create_accepted_request
from tests.support.http import Browser
from tests.support.people import create_specialist_profile, create_user
from tests.support.server import running_server

REQUESTER, SPECIALIST = "offerrace.requester@demo.invalid", "offerrace.specialist@demo.invalid"
TOWN = "1983"  # Köping (county 19), which no other test's requests use
ROUNDS, CLIENTS = 6, 8


@pytest.fixture(scope="module")
def world(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        requester = await create_user(REQUESTER, Role.SOCIAL_WORKER, municipality=TOWN)
        user = await create_user(SPECIALIST, Role.SPECIALIST, municipality=TOWN)
        specialist = await create_specialist_profile(user, TOWN)
        return {"requester": requester, "specialist": specialist}

    return asyncio.run(create())


@pytest.fixture(scope="module")
def servers(world: dict[str, int]) -> Iterator[tuple[str, str]]:
    with ExitStack() as stack:
        yield stack.enter_context(running_server()), stack.enter_context(running_server())


def _signed_in(servers: tuple[str, str], email: str) -> tuple[Browser, Browser]:
    """A browser signed in on each server (in the embedded run, sessions are per process)."""
    browsers = (Browser(), Browser())
    for browser, url in zip(browsers, servers, strict=True):
        browser.sign_in(url, email)
    return browsers


async def _audit_actions(request_id: int) -> list[str]:
    from network.audit.tables import AuditEvent

    rows = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.object_type == "consultation") & (AuditEvent.object_id == str(request_id))
    )
    return sorted(r["action"] for r in rows)


async def _stored(request_id: int) -> dict[str, object]:
    from network.kernel.case_scope import system_transaction

    async with system_transaction(ConsultationRequest._meta.db):
        row = (
            await ConsultationRequest.select(
                ConsultationRequest.status, ConsultationRequest.summary, ConsultationRequest.version
            )
            .where(ConsultationRequest.id == request_id)
            .first()
        )
    assert row is not None
    return row


def test_an_offer_accepted_and_declined_at_once_has_one_answer(
    world: dict[str, int], servers: tuple[str, str]
) -> None:
    specialist = _signed_in(servers, SPECIALIST)
    for _ in range(ROUNDS):
        request_id = asyncio.run(
            create_accepted_request(
                requester=world["requester"],
                municipality=TOWN,
                specialist=world["specialist"],
                status=ConsultationStatus.OFFERED,
                assignment=AssignmentStatus.OFFERED,
            )
        )

        def answer(index: int, request_id: int = request_id) -> int:
            url = servers[index % 2]
            if index % 2:
                path, body = "accept", None
            else:
                path, body = "decline", {"reason": "Har inte tid den här veckan"}
            response = specialist[index % 2].request(
                "POST", f"{url}/api/v1/consultations/{request_id}/{path}", json=body
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = list(pool.map(answer, range(CLIENTS)))
        assert statuses.count(200) == 1, statuses
        # 404: once declined, the request is no longer the specialist's to see.
        assert set(statuses) <= {200, 403, 404, 409}, statuses
        answers = [
            a
            for a in asyncio.run(_audit_actions(request_id))
            if a in ("consultation.accept", "consultation.decline")
        ]
        assert len(answers) == 1, answers
        final = asyncio.run(_stored(request_id))["status"]
        assert final == answers[0].split(".")[1] + ("ed" if answers[0].endswith("accept") else "d")


def test_one_version_edited_at_once_has_one_winner(
    world: dict[str, int], servers: tuple[str, str]
) -> None:
    requester = _signed_in(servers, REQUESTER)
    for _ in range(ROUNDS):
        made = requester[1].request(
            "POST",
            f"{servers[1]}/api/v1/consultations",
            json={"area": "lvu_investigation", "summary": "Utkast före kapplöpningen"},
        )
        assert made.status_code == 201, made.text
        request_id, version = made.json()["id"], made.json()["version"]

        def edit(index: int, request_id: int = request_id, version: int = version) -> int:
            body = {
                "area": "lvu_investigation",
                "summary": f"Utkast nummer {index}",
                "version": version,
            }
            response = requester[index % 2].request(
                "PUT", f"{servers[index % 2]}/api/v1/consultations/{request_id}", json=body
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = list(pool.map(edit, range(CLIENTS)))
        assert statuses.count(200) == 1, statuses
        assert set(statuses) <= {200, 409}, statuses
        winner = statuses.index(200)
        stored = asyncio.run(_stored(request_id))
        assert stored["summary"] == f"Utkast nummer {winner}"
        assert stored["version"] == version + 1
        updates = asyncio.run(_audit_actions(request_id)).count("consultation.update")
        assert updates == 1

"""Through the app: security headers on every response (routing's 404 and 405, 413,
500), X-Request-ID never stored as the client wrote it, and links on
NETWORK_PUBLIC_URL whatever the Host header says."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from litestar import Litestar, get
from litestar.testing import TestClient

from network.accounts.guards import ACTION_KEY
from network.app import MAX_BODY_BYTES, create_app
from network.audit.tables import AuditEvent
from network.consultations.tables import Booking
from network.kernel.case_scope import system_scope
from network.kernel.policy import Action
from network.lib.vocab import Role
from network.settings import Settings, get_settings
from tests.support import csrf_ready, in_app, sign_in
from tests.support.cases import create_accepted_request
from tests.support.people import create_specialist_profile, create_user

WORKER = "hardening.worker@demo.invalid"
SPECIALIST = "hardening.specialist@demo.invalid"
EVIL = {"host": "evil.example"}


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="2161")
        specialist = await create_user(SPECIALIST, Role.SPECIALIST, municipality="0580")
        profile = await create_specialist_profile(specialist, "0580")
        async with system_scope(Booking._meta.db):  # case rows: row-level security
            request = await create_accepted_request(
                requester=worker, municipality="2161", specialist=profile
            )
            start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
            await Booking(
                specialist=profile,
                request=request,
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
                mode="video",
                status="booked",
                created_at=datetime.now(UTC),
            ).save()
        return {"worker": worker, "profile": profile}

    return asyncio.run(create())


@get("/test-only/boom", opt={ACTION_KEY: Action.PUBLIC}, include_in_schema=False)
async def boom() -> None:
    raise RuntimeError("an unexpected failure")


def app_with_a_failing_route(settings: Settings) -> Litestar:
    app = create_app(settings)
    app.register(boom)
    return app


@pytest.fixture(params=["dev", "prod"])
def client(
    request: pytest.FixtureRequest, people: dict[str, int]
) -> Iterator[TestClient[Litestar]]:
    settings = replace(get_settings(), env=request.param)
    app = app_with_a_failing_route(settings)
    with TestClient(app, base_url="https://testserver.local", raise_server_exceptions=False) as c:
        yield csrf_ready(c)


def _assert_security_headers(response: object, *, prod: bool) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert ("strict-transport-security" in headers) is prod
    if prod:
        assert headers["strict-transport-security"].startswith("max-age=")


def test_security_headers_on_every_response(client: TestClient[Litestar]) -> None:
    prod = not client.app.state.settings.is_dev
    responses = {
        200: client.get("/health"),
        404: client.get("/no/such/page"),
        405: client.delete("/health"),
        413: client.post(
            "/auth/logout",
            content=b'{"x": "' + b"x" * MAX_BODY_BYTES + b'"}',
            headers={"content-type": "application/json"},
        ),
        500: client.get("/test-only/boom"),
    }
    for status, response in responses.items():
        assert response.status_code == status, (status, response.text)
        _assert_security_headers(response, prod=prod)


def _last_sign_in(client: TestClient[Litestar], user_id: int) -> dict[str, object]:
    async def query() -> dict[str, object]:
        row = (
            await AuditEvent.select(AuditEvent.request_id, AuditEvent.client_addr)
            .where((AuditEvent.actor_id == user_id) & (AuditEvent.action == "auth.sign_in"))
            .order_by(AuditEvent.id, ascending=False)
            .first()
        )
        assert row is not None
        return row

    return in_app(client, query)


@pytest.mark.parametrize(
    "header",
    [
        "".join(chr(c) for c in range(1, 32) if c not in (10, 13)) + "id",  # control characters
        "a" * 10_240,  # 10 kB
        "abc\r\nX-Admin: yes",  # header / log-line injection
        "abc\nauth.sign_in,admin@demo.invalid",  # a forged CSV line
        "f" * 65,
    ],
)
def test_a_request_id_that_is_no_plain_token_is_not_stored(
    people: dict[str, int], header: str
) -> None:
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        csrf_ready(client)
        response = client.post(
            "/auth/dev-login", json={"email": WORKER}, headers={"x-request-id": header}
        )
        assert response.status_code == 200, response.text
        row = _last_sign_in(client, people["worker"])
    assert re.fullmatch(r"[0-9a-f]{32}", str(row["request_id"]))
    assert row["client_addr"] == "testclient"  # the peer: no X-Forwarded-For, no proxy


def test_a_plain_request_id_is_kept(people: dict[str, int]) -> None:
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        csrf_ready(client)
        response = client.post(
            "/auth/dev-login", json={"email": WORKER}, headers={"x-request-id": "lb-7f3a.01_x"}
        )
        assert response.status_code == 200, response.text
        assert _last_sign_in(client, people["worker"])["request_id"] == "lb-7f3a.01_x"


def test_links_are_on_the_public_url_whatever_the_host_header(people: dict[str, int]) -> None:
    public = get_settings().public_url
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        csrf_ready(client)
        sign_in(client, SPECIALIST)
        created = client.post(
            f"/api/v1/specialists/{people['profile']}/calendar-feed", headers=EVIL
        )
        assert created.status_code == 201, created.text
        address = created.json()["url"]
        assert address.startswith(f"{public}/calendar/snc_")

        feed = client.get(urlsplit(address).path, headers=EVIL)
        assert feed.status_code == 200, feed.text
        assert "evil.example" not in feed.text
        (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
        assert str(event["url"]).startswith(f"{public}/specialists/{people['profile']}?week=")

        # The page that shows a new address once.
        page = client.post(f"/specialists/{people['profile']}/calendar-feed", headers=EVIL)
        assert page.status_code == 200, page.text
        assert f"{public}/calendar/snc_" in page.text
        assert "evil.example" not in page.text

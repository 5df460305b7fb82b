"""X-Forwarded-For through a real `network serve` process: ignored from a peer that is
not a listed proxy (the default lists none), honoured from one that is; the rate
limits and the audit log key on the same address either way."""

from __future__ import annotations

import asyncio
import ipaddress
import random
import uuid

import httpx
import pytest

from network.audit.tables import AuditEvent
from network.server.security import CSRF_COOKIE, CSRF_HEADER
from tests.support.http import Browser
from tests.support.server import running_server

LIMIT = 2  # sign-in attempts a minute, per client address


def _random_client() -> str:
    """A fresh documentation address (2001:db8::/32): no rate-limit counter of an
    earlier test or run (Redis keeps them a minute) applies to it."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | random.getrandbits(64)))


def _denied_access_from(url: str, forwarded: str) -> str | None:
    """The client address the audit log stores for a refused read sent with
    ``X-Forwarded-For: forwarded``."""
    marker = f"xff-{uuid.uuid4().hex}"
    response = httpx.get(
        f"{url}/api/v1/audit",
        headers={"x-forwarded-for": forwarded, "x-request-id": marker},
    )
    assert response.status_code == 401

    async def query() -> str | None:
        row = (
            await AuditEvent.select(AuditEvent.client_addr)
            .where((AuditEvent.request_id == marker) & (AuditEvent.action == "access.denied"))
            .first()
        )
        assert row is not None
        return row["client_addr"]  # type: ignore[no-any-return]

    return asyncio.run(query())


def _sign_in_attempt(url: str, browser: Browser, forwarded: str) -> int:
    headers = {
        "cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        CSRF_HEADER: browser.cookies[CSRF_COOKIE],
        "x-forwarded-for": forwarded,
    }
    return httpx.post(
        f"{url}/auth/dev-login", json={"email": "nobody@demo.invalid"}, headers=headers
    ).status_code


@pytest.mark.usefixtures("migrated")
def test_a_spoofed_header_from_an_unlisted_peer_is_ignored() -> None:
    with running_server(NETWORK_RATE_LIMIT_SIGNIN=str(LIMIT)) as url:  # no trusted proxies
        assert _denied_access_from(url, _random_client()) == "127.0.0.1"

        browser = Browser()
        browser.request("GET", f"{url}/api/v1/areas")  # the CSRF cookie
        # A new made-up address each time buys no new attempts: the peer is the key.
        codes = [_sign_in_attempt(url, browser, _random_client()) for _ in range(LIMIT + 1)]
        assert 429 in codes, codes


@pytest.mark.usefixtures("migrated")
def test_the_header_from_a_listed_proxy_is_honoured() -> None:
    with running_server(
        NETWORK_TRUSTED_PROXIES="127.0.0.1, 10.9.0.0/16", NETWORK_RATE_LIMIT_SIGNIN=str(LIMIT)
    ) as url:
        client = _random_client()
        # Left of the client: whatever it wrote itself; right: a listed proxy's hop.
        assert _denied_access_from(url, f"192.0.2.66, {client}, 10.9.3.4") == client

        browser = Browser()
        browser.request("GET", f"{url}/api/v1/areas")
        codes = [_sign_in_attempt(url, browser, client) for _ in range(LIMIT + 1)]
        assert codes[-1] == 429, codes  # this client's attempts are counted together
        # Another client is not held up.
        assert _sign_in_attempt(url, browser, _random_client()) != 429

"""No secret reaches the log: a server process at DEBUG level signs a user in, mints
an API token and uses it, makes a calendar-feed address and fetches it, and refuses
a bad token; its whole output must hold none of the session cookie, the CSRF token,
the API token, the feed token, the secret key or the SMTP password."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from network.accounts.sessions import SESSION_COOKIE
from network.lib.vocab import Role
from network.server.security import CSRF_COOKIE
from tests.support.http import Browser
from tests.support.people import create_specialist_profile, create_users
from tests.support.server import server_process

SPECIALIST = "secrets.specialist@demo.invalid"


@pytest.fixture(scope="module")
def specialist(migrated: None) -> int:
    found = create_users((SPECIALIST, Role.SPECIALIST, {"municipality": "1980"}))
    return asyncio.run(create_specialist_profile(found[SPECIALIST], "1980"))


def test_the_log_holds_no_secret(specialist: int, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    secret_key, smtp_password = secrets.token_hex(32), secrets.token_hex(12)
    env = {
        "NETWORK_LOG_LEVEL": "DEBUG",
        "NETWORK_SECRET_KEY": secret_key,
        # Nothing listens there: a failing send is logged, and must not show the password.
        "NETWORK_SMTP_URL": f"smtp://mailer:{smtp_password}@127.0.0.1:9",
    }
    with server_process(log=log, **env) as (url, _):
        browser = Browser()
        browser.sign_in(url, SPECIALIST)
        made = browser.request(
            "POST",
            f"{url}/api/v1/tokens",
            json={
                "name": "loggtest",
                "scopes": ["signed_in"],
                "expires_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            },
        )
        assert made.status_code == 201, made.text
        token = made.json()["token"]
        bearer = {"authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/api/v1/me", headers=bearer).status_code == 200
        wrong = {"authorization": f"Bearer {token[:-4]}abcd"}
        assert httpx.get(f"{url}/api/v1/me", headers=wrong).status_code == 401

        feed = browser.request("POST", f"{url}/api/v1/specialists/{specialist}/calendar-feed")
        assert feed.status_code == 201, feed.text
        address = feed.json()["url"]
        feed_token = address.rstrip("/").split("/")[-2]
        # The address is on NETWORK_PUBLIC_URL; this server listens on a port of its own.
        assert httpx.get(url + urlsplit(address).path).status_code == 200
        assert browser.request("POST", f"{url}/api/v1/notifications/test").status_code == 201
        session, csrf = browser.cookies[SESSION_COOKIE], browser.cookies[CSRF_COOKIE]

    written = log.read_text(encoding="utf-8")
    assert "/api/v1/me" in written  # the log was written, at DEBUG
    for name, value in {
        "session cookie": session,
        "CSRF token": csrf,
        "API token": token,
        "API token's secret part": token[-16:],
        "calendar-feed token": feed_token,
        "secret key": secret_key,
        "SMTP password": smtp_password,
    }.items():
        assert value not in written, f"the {name} is in the log"

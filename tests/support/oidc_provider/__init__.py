"""A real OpenID provider for tests: panva's certified ``oidc-provider`` on Node.js.

:func:`running_provider` starts ``provider.js`` on a free loopback port (``npm ci``
first when ``node_modules`` is missing) and stops it afterwards;
:meth:`Provider.restart` starts it again on the same port with a fresh signing key
(a key rotation). :func:`sign_in_at_provider` plays the browser at the provider's
development login and consent forms and returns the URL the provider sends the
browser back to (the app's callback with ``code`` and ``state``).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from tests.support.server import free_port

__all__ = (
    "PROVIDER_DIR",
    "Provider",
    "ensure_installed",
    "running_provider",
    "sign_in_at_provider",
)

PROVIDER_DIR = Path(__file__).resolve().parent
_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')
_PROMPT = re.compile(r'name="prompt" value="([a-z]+)"')


def ensure_installed() -> None:
    """Install the provider's npm packages from the lock file, once."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("the OpenID provider for the tests needs Node.js (>= 20.19) and npm")
    if (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm ci failed in {PROVIDER_DIR}:\n{result.stderr}{result.stdout}")


@dataclass
class Provider:
    """One running provider process and how to reach it."""

    port: int
    config: dict[str, Any]
    config_path: Path
    process: subprocess.Popen[str] | None = field(default=None, repr=False)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # Output goes to a file: a pipe nobody reads could fill up and stall the provider.
        log_path = self.config_path.with_suffix(".log")
        with log_path.open("a", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                ["node", str(PROVIDER_DIR / "provider.js"), str(self.config_path)],
                cwd=PROVIDER_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                output = log_path.read_text(encoding="utf-8")
                raise RuntimeError(f"the OpenID provider exited: {output}")
            try:
                url = f"{self.issuer}/.well-known/openid-configuration"
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the OpenID provider did not start in 30 s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same port: a new signing key, sessions forgotten."""
        self.stop()
        self.start()

    def key_ids(self) -> list[str]:
        """The ``kid`` of every key the provider publishes now."""
        keys = httpx.get(f"{self.issuer}/jwks", timeout=5).json()["keys"]
        return [str(key["kid"]) for key in keys]


@contextmanager
def running_provider(
    *,
    clients: list[dict[str, Any]],
    accounts: dict[str, dict[str, Any]],
    id_token_ttl: int = 3600,
) -> Iterator[Provider]:
    """A provider with these clients (``client_id``, ``client_secret``,
    ``redirect_uris``) and accounts (``sub`` -> claims), stopped on exit."""
    ensure_installed()
    port = free_port()
    config = {"port": port, "clients": clients, "accounts": accounts, "id_token_ttl": id_token_ttl}
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as folder:
        config_path = Path(folder) / "config.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        provider = Provider(port=port, config=config, config_path=config_path)
        provider.start()
        try:
            yield provider
        finally:
            provider.stop()


def sign_in_at_provider(
    authorization_url: str, callback_prefix: str, *, login: str, cancel: bool = False
) -> str:
    """Follow ``authorization_url`` like a browser: log in as the account ``login``
    (any password), consent, and return the URL that starts with ``callback_prefix``
    (the app's callback). ``cancel`` aborts at the login form instead (the provider
    then answers ``error=access_denied``)."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        url = authorization_url
        for _ in range(20):
            if url.startswith(callback_prefix):
                return url
            response = browser.get(url)
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                continue
            assert response.status_code == 200, (response.status_code, response.text[:500])
            action = _FORM_ACTION.search(response.text)
            prompt = _PROMPT.search(response.text)
            assert action is not None, response.text[:500]
            assert prompt is not None, response.text[:500]
            form_url = urljoin(url, html.unescape(action.group(1)))
            if cancel:
                response = browser.get(f"{form_url.rstrip('/')}/abort")
            elif prompt.group(1) == "login":
                response = browser.post(
                    form_url, data={"prompt": "login", "login": login, "password": "x"}
                )
            else:
                response = browser.post(form_url, data={"prompt": "consent"})
            assert response.is_redirect, (response.status_code, response.text[:500])
            url = urljoin(form_url, response.headers["location"])
    raise AssertionError("the provider never sent the browser back to the app")

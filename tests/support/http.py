"""An HTTP client that keeps cookies like a browser, for tests against server processes."""

from __future__ import annotations

import queue
import socket
import threading
from contextlib import suppress
from http.cookies import SimpleCookie
from typing import Any

import httpx

from network.server.security import CSRF_COOKIE, CSRF_HEADER

__all__ = ("Browser", "NotificationStream", "cookie_headers", "keep_cookies")


def cookie_headers(cookies: dict[str, str]) -> dict[str, str]:
    """The headers a browser would send with ``cookies`` on a trusted loopback origin
    (httpx would not send Secure cookies over plain http), the CSRF cookie echoed."""
    headers = {"cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if CSRF_COOKIE in cookies:
        headers[CSRF_HEADER] = cookies[CSRF_COOKIE]
    return headers


def keep_cookies(cookies: dict[str, str], response: httpx.Response) -> None:
    """Keep (or drop) in ``cookies`` what ``response`` sets."""
    for header in response.headers.get_list("set-cookie"):
        for name, morsel in SimpleCookie(header).items():
            if morsel.value == "null" or morsel["max-age"] == "0":
                cookies.pop(name, None)
            else:
                cookies[name] = morsel.value


class Browser:
    """Keeps cookies like a browser on a trusted loopback origin (httpx would not send
    Secure cookies over plain http) and echoes the CSRF cookie in its header."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = httpx.request(
            method, url, headers=cookie_headers(self.cookies), timeout=10, **kwargs
        )
        keep_cookies(self.cookies, response)
        return response

    def sign_in(self, url: str, email: str) -> None:
        """Fetch the CSRF cookie and sign in with the demo sign-in of the server at ``url``."""
        self.request("GET", f"{url}/api/v1/areas")
        response = self.request("POST", f"{url}/auth/dev-login", json={"email": email})
        assert response.status_code == 200, response.text


class NotificationStream:
    """The notification stream of ``browser``'s user on the server at ``url``, read on
    a thread of its own: :attr:`ready` is set when the stream has opened, and every
    notification's data lands in :attr:`heard`.

    Use it as a context manager (or call :meth:`close`) to hang up when the test is
    done: a server stops only when its streams have closed, so one left open would
    hold up the server's shutdown until the stream's own timeout."""

    def __init__(self, url: str, browser: Browser, *, seconds: float = 60) -> None:
        self.ready = threading.Event()
        self.heard: queue.Queue[str] = queue.Queue()
        self._cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        self._url, self._seconds = url, seconds
        self._socket: socket.socket | None = None
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def __enter__(self) -> NotificationStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Hang up (the reading thread sees the end of the stream) and wait for it."""
        self._closed.set()
        if self._socket is not None:
            with suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(5)

    def _listen(self) -> None:
        with (
            suppress(httpx.TransportError),  # the server may stop first, or we hang up
            httpx.stream(
                "GET",
                f"{self._url}/api/v1/notifications/stream",
                headers={"cookie": self._cookie},
                timeout=self._seconds,
            ) as response,
        ):
            stream = response.extensions.get("network_stream")
            self._socket = stream.get_extra_info("socket") if stream is not None else None
            if self._closed.is_set():
                return
            event = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event == "ready":
                    self.ready.set()
                elif line.startswith("data:") and event == "notification":
                    self.heard.put(line.split(":", 1)[1].strip())

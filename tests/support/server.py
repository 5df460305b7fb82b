"""Start `network serve` processes on free loopback ports for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ("free_port", "running_server", "server_process")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(**env: str) -> Iterator[str]:
    """A `network serve` process (dev mode unless ``env`` says otherwise); yields its URL."""
    with server_process(**env) as (url, _):
        yield url


@contextmanager
def server_process(
    log: Path | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Like :func:`running_server`, and also yields the process (to kill it); with
    ``log``, everything the process writes goes to that file."""
    port = free_port()
    sink = log.open("w", encoding="utf-8") if log is not None else None
    process = subprocess.Popen(
        [sys.executable, "-m", "network.cli", "serve", "--port", str(port)],
        env={**os.environ, "NETWORK_ENV": "dev", **env},
        stdout=sink or subprocess.DEVNULL,
        stderr=sink or subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                errors = process.stderr.read() if process.stderr else log.read_text() if log else ""
                raise RuntimeError(f"server exited: {errors}")
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready in 30 s")
            time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if sink is not None:
            sink.close()

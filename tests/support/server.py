"""Start `network serve` processes on free loopback ports for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

import httpx

from tests.support import spawn
from tests.support.spawn import Process

__all__ = ("free_port", "running_server", "server_process")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(**env: str) -> Iterator[str]:
    """A `network serve` process (dev mode unless ``env`` says otherwise); yields its URL."""
    with server_process(None, **env) as (url, _):
        yield url


@contextmanager
def server_process(log: Path | None = None, **env: str) -> Iterator[tuple[str, Process]]:
    """Like :func:`running_server`, and also yields the process (to kill it); with
    ``log``, everything the process writes goes to that file."""
    port = free_port()
    with ExitStack() as files:
        if log is not None:
            sink: IO[Any] = files.enter_context(log.open("w", encoding="utf-8"))
            output: IO[Any] | None = sink
        else:
            sink = files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
            output = None  # stdout discarded, stderr kept for a start-up failure
        process = spawn.start(
            ["serve", "--port", str(port)],
            {**os.environ, "NETWORK_ENV": "dev", **env},
            stdout=output,
            stderr=sink,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    sink.flush()
                    raise RuntimeError(f"server exited: {_written(sink, log)}")
                try:
                    if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not become ready in 30 s")
                time.sleep(0.1)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _written(sink: IO[Any], log: Path | None) -> str:
    if log is not None:
        return log.read_text(encoding="utf-8")
    sink.seek(0)
    return str(sink.read())

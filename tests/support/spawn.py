"""Running the ``network`` command (``python -m network.cli …``) from tests, fast.

Every run of the command is a new process, as in production. What makes them fast is
where they come from: a zygote (``tests.support.zygote``) that has imported the
third-party libraries once, and forks a child per run, which imports ``network``
afresh with the caller's environment and runs the command. That saves about 2 s of
imports per process (some fifty per run of the suite: CLI commands and servers).

:func:`run` is ``subprocess.run(…, capture_output=True, text=True)`` and :func:`start`
``subprocess.Popen`` for the command; ``NETWORK_TEST_SPAWN=subprocess`` (or a machine
without ``fork``) runs each as a plain ``python -m network.cli`` instead.
"""

from __future__ import annotations

import atexit
import itertools
import json
import locale
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, Protocol

__all__ = ("Process", "run", "start", "warm_up")

ROOT = Path(__file__).resolve().parents[2]
COMMAND = (sys.executable, "-m", "network.cli")


class Process(Protocol):
    """What the tests use of ``subprocess.Popen``."""

    pid: int
    returncode: int | None
    args: Any

    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def send_signal(self, sig: int) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


def _use_zygote() -> bool:
    return (
        os.environ.get("NETWORK_TEST_SPAWN", "zygote") != "subprocess"
        and hasattr(os, "fork")
        and hasattr(os, "pidfd_open")
        and hasattr(socket, "send_fds")
    )


class _Zygote:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._channel = ours
        # The zygote's own complaints, if any (closed with the zygote).
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.zygote", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            cwd=ROOT,
            env=dict(os.environ),
        )
        theirs.close()
        self._ids = itertools.count(1)
        self._send = threading.Lock()
        self._answers: dict[int, Future[int]] = {}
        self._exits: dict[int, int] = {}
        self._ended = threading.Condition()
        self._gone = False
        threading.Thread(target=self._listen, name="zygote", daemon=True).start()

    def _listen(self) -> None:
        while True:
            try:
                message = self._channel.recv(1 << 16)
            except OSError:
                message = b""
            if not message:
                with self._ended:
                    self._gone = True
                    self._ended.notify_all()
                for answer in list(self._answers.values()):
                    if not answer.done():
                        answer.set_exception(RuntimeError(self.complaints()))
                return
            found = json.loads(message)
            if "exit" in found:
                with self._ended:
                    self._exits[found["exit"]] = found["code"]
                    self._ended.notify_all()
            else:
                self._answers.pop(found["id"]).set_result(found["pid"])

    def complaints(self) -> str:
        self._log.seek(0)
        return "the test zygote stopped: " + self._log.read().decode(errors="replace")[-2000:]

    def spawn(self, argv: Sequence[str], env: Mapping[str, str], fds: Sequence[int]) -> int:
        ident = next(self._ids)
        answer: Future[int] = Future()
        self._answers[ident] = answer
        request = {"id": ident, "argv": list(argv), "env": dict(env), "cwd": os.getcwd()}
        with self._send:
            socket.send_fds(self._channel, [json.dumps(request).encode()], list(fds))
        return answer.result(timeout=120)  # the first waits for the zygote's imports

    def wait(self, pid: int, timeout: float | None) -> int | None:
        with self._ended:
            self._ended.wait_for(lambda: pid in self._exits or self._gone, timeout)
            if pid not in self._exits and self._gone:
                raise RuntimeError(self.complaints())
            return self._exits.get(pid)

    def close(self) -> None:
        # Shut down, not only closed: the listening thread is blocked reading it.
        with suppress(OSError):
            self._channel.shutdown(socket.SHUT_RDWR)  # the zygote kills what runs, exits
        self._channel.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


_zygote: _Zygote | None = None
_zygote_lock = threading.Lock()


def warm_up() -> None:
    """Start the zygote now (it imports in the background) if the command will be run."""
    _get_zygote()


def _get_zygote() -> _Zygote:
    global _zygote
    with _zygote_lock:
        if _zygote is None:
            _zygote = _Zygote()
            atexit.register(_zygote.close)
        return _zygote


class _Forked:
    """A child of the zygote, seen as ``subprocess.Popen`` sees its own."""

    def __init__(self, zygote: _Zygote, pid: int, args: list[str]) -> None:
        self._zygote = zygote
        self.pid = pid
        self.args = args
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._zygote.wait(self.pid, 0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self._zygote.wait(self.pid, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with suppress(ProcessLookupError):  # it has just ended
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _fileno(stream: IO[Any] | int | None, devnull: int) -> int:
    if stream is None or stream == subprocess.DEVNULL:
        return devnull
    return stream if isinstance(stream, int) else stream.fileno()


def start(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
) -> Process:
    """``network *args`` running with ``env``, its output written to the given files
    (``None``: discarded); stdin is empty."""
    if not _use_zygote():
        return subprocess.Popen(
            [*COMMAND, *args],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=stdout if stdout is not None else subprocess.DEVNULL,
            stderr=stderr if stderr is not None else subprocess.DEVNULL,
        )
    zygote = _get_zygote()
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        fds = [devnull, _fileno(stdout, devnull), _fileno(stderr, devnull)]
        pid = zygote.spawn(args, env, fds)
    finally:
        os.close(devnull)
    return _Forked(zygote, pid, [*COMMAND, *args])


def run(
    args: Sequence[str], env: Mapping[str, str], *, timeout: float
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run([python, -m, network.cli, *args], env=env, capture_output=True,
    text=True, timeout=timeout, check=False)``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = start(args, env, stdout=out, stderr=err)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        return subprocess.CompletedProcess([*COMMAND, *args], code, _text(out), _text(err))


def _text(file: IO[bytes]) -> str:
    """What ``text=True`` makes of the bytes: the locale's encoding, universal newlines."""
    file.seek(0)
    data = file.read().decode(locale.getpreferredencoding(False))
    return data.replace("\r\n", "\n").replace("\r", "\n")

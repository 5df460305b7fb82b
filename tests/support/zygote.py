"""The zygote: a Python process that has imported what ``network.cli`` needs from
outside the project, and forks a child for each ``python -m network.cli …`` that the
tests run (``tests.support.spawn`` is its other end).

A child is the command as a fresh interpreter runs it: the caller's environment,
working directory, argv and standard streams, and ``network.*`` imported afresh in
the child (those modules read the environment when imported, so the zygote never
imports them). Only the third-party libraries (Litestar, Piccolo, SciPy, …), about
2 s of every start-up, come ready-made. The child exits as the interpreter does
(``SystemExit``, an uncaught exception's traceback and status 1, ``atexit``).

Protocol, on a ``SOCK_SEQPACKET`` socket pair: a request is a JSON object
``{"id", "argv", "env", "cwd"}`` with three file descriptors (stdin, stdout,
stderr) attached; the answer ``{"id", "pid"}``; when a child ends,
``{"exit": pid, "code": returncode}`` (``-N`` for signal N, as ``subprocess``).
When the socket closes, the zygote kills its children that are still running and
exits.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import runpy
import selectors
import signal
import socket
import sys
from contextlib import suppress
from typing import Any

MAX_MESSAGE = 1 << 20


def _discover() -> list[str]:
    """The modules, outside the project, that importing the command and the app loads:
    found by a throwaway child that imports them (with the suite's environment, as
    every command's child does) and reports ``sys.modules``."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the scout
        os.close(read)
        try:
            importlib.import_module("network.cli")
            importlib.import_module("network.app")
        except BaseException:  # noqa: S110 (whatever loaded before the failure still helps)
            pass
        names = [
            name
            for name in list(sys.modules)
            if name.split(".")[0] not in ("network", "tests", "__main__")
        ]
        with os.fdopen(write, "w") as out:
            out.write("\n".join(names))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as found:
        names = found.read().split("\n")
    os.waitpid(pid, 0)
    return names


def _preload() -> None:
    for name in _discover():
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: S112 (a module that cannot load on its own: skip it)
            continue


def _child(request: dict[str, Any], fds: list[int], closing: list[Any]) -> None:
    """Become the command: never returns (raises ``SystemExit`` or the command's error)."""
    for thing in closing:
        thing.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()  # not the zygote's sequence in every child
    sys.argv = ["network.cli", *request["argv"]]
    runpy.run_module("network.cli", run_name="__main__", alter_sys=True)
    raise SystemExit(0)


def _returncode(status: int) -> int:
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def main(fd: int) -> None:
    channel = socket.socket(fileno=fd)
    _preload()
    sys.stdout.flush()
    sys.stderr.flush()
    selector = selectors.DefaultSelector()
    selector.register(channel, selectors.EVENT_READ, None)
    children: dict[int, int] = {}  # pidfd -> pid
    while True:
        for key, _ in selector.select():
            if key.data is not None:  # a child ended
                pid = key.data
                selector.unregister(key.fd)
                os.close(key.fd)
                del children[key.fd]
                _, status = os.waitpid(pid, 0)
                channel.send(json.dumps({"exit": pid, "code": _returncode(status)}).encode())
                continue
            message, fds, _, _ = socket.recv_fds(channel, MAX_MESSAGE, 3)
            if not message:  # the tests are done: no child outlives them
                for pid in children.values():
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                return
            request = json.loads(message)
            pid = os.fork()
            if pid == 0:
                _child(request, fds, [selector, channel, *(_Fd(p) for p in children)])
            for received in fds:
                os.close(received)
            pidfd = os.pidfd_open(pid)
            children[pidfd] = pid
            selector.register(pidfd, selectors.EVENT_READ, pid)
            channel.send(json.dumps({"id": request["id"], "pid": pid}).encode())


class _Fd:
    """A bare file descriptor with a ``close`` (the child drops the zygote's pidfds)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        os.close(self.fd)


if __name__ == "__main__":
    main(int(sys.argv[1]))

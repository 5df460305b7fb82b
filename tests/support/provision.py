"""What the suite needs beside Python, checked before anything else runs.

The README's test command (``uv run pytest``) must pass on a fresh Debian machine
with only Python and pip. Some tests need Chromium (browser tests), Node.js and npm
(a real OpenID provider), PostgreSQL (row-level security) and Redis (two
processes). When one is missing:

- as root on a machine with apt, ``infra/test-services`` installs and starts it
  (the same script ``.ci/run`` runs), unless ``NETWORK_TEST_PROVISION=0``;
- otherwise the run stops at once with one message naming what is missing and the
  command that provides it, instead of failing test by test.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ("ensure", "missing")

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "test-services"


def _answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def missing() -> list[str]:
    """What the suite needs and this machine does not have running."""
    postgres = os.environ.get("NETWORK_TEST_POSTGRES_URL") or "postgresql://127.0.0.1:5432/"
    if os.environ.get("NETWORK_DATABASE_URL", "").startswith("postgres"):
        postgres = os.environ["NETWORK_DATABASE_URL"]
    redis = (
        os.environ.get("NETWORK_REDIS_URL")
        or os.environ.get("NETWORK_TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/14"
    )
    found = []
    if shutil.which("chromium") is None:
        found.append("Chromium (browser tests)")
    if ctypes.util.find_library("pangoft2-1.0") is None:
        found.append("Pango and HarfBuzz (WeasyPrint: the county report's PDF)")
    if shutil.which("npm") is None or shutil.which("node") is None:
        found.append("Node.js and npm (the sign-in tests' OpenID provider)")
    if not _answers(postgres, 5432):
        found.append(f"PostgreSQL at {urlsplit(postgres).netloc or '127.0.0.1:5432'}")
    if not _answers(redis, 6379):
        found.append(f"Redis at {urlsplit(redis).netloc}")
    return found


def _may_install() -> bool:
    return (
        os.environ.get("NETWORK_TEST_PROVISION", "1") != "0"
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
    )


def ensure() -> None:
    """Install and start what is missing, or stop the run naming it."""
    absent = missing()
    if not absent:
        return
    if _may_install():
        print(f"tests: installing and starting {', '.join(absent)} (infra/test-services)")
        subprocess.run(["bash", str(SCRIPT)], check=True)
        absent = missing()
        if not absent:
            return
    script = SCRIPT.relative_to(Path.cwd()) if SCRIPT.is_relative_to(Path.cwd()) else SCRIPT
    sys.exit(
        "tests: this machine lacks " + "; ".join(absent) + ".\n"
        f"Install and start them with: sudo bash {script}\n"
        "(or set NETWORK_TEST_POSTGRES_URL / NETWORK_TEST_REDIS_URL to servers elsewhere)."
    )

#!/usr/bin/env python3
"""Audit the locked dependencies for known vulnerabilities (pip-audit on uv.lock).

    uv run python infra/audit_dependencies.py [--service pypi|osv] [--timeout SECONDS]
                                               [pip-audit options]

Exports ``uv.lock`` as pinned, hashed requirements (every package ``uv sync --frozen``
installs) and runs pip-audit on that file without installing anything. Options it
does not know go to pip-audit, e.g. ``--ignore-vuln GHSA-…`` for an accepted finding.

The vulnerability service is asked first about a release with published advisories
(Jinja2 2.10). When it does not answer with them (no network, a proxy or a package
mirror that serves no vulnerability data), the audit is skipped with one line,
``dependency audit skipped: no network (…)``, and exit status 0: a machine without
the service never fails for it. When it answers, a vulnerability found, or a package
the service cannot audit, exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = "dependency audit skipped: no network"


@dataclass(frozen=True)
class Canary:
    """A question to the service whose answer must list vulnerabilities."""

    url: str
    field: str  # the answer's list of vulnerabilities
    body: bytes | None = None  # POST this (JSON), else GET


SERVICES = {
    "pypi": Canary("https://pypi.org/pypi/jinja2/2.10/json", "vulnerabilities"),
    "osv": Canary(
        "https://api.osv.dev/v1/query",
        "vulns",
        json.dumps(
            {"package": {"name": "jinja2", "ecosystem": "PyPI"}, "version": "2.10"}
        ).encode(),
    ),
}


def probe(canary: Canary, *, timeout: float) -> str | None:
    """``None`` when the service answers with vulnerability data, else why not."""
    request = urllib.request.Request(  # noqa: S310 (the fixed https URLs above)
        canary.url,
        data=canary.body,
        headers={"Content-Type": "application/json"} if canary.body else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return f"{canary.url}: HTTP {error.code}"
    except urllib.error.URLError as error:
        return f"{canary.url}: {error.reason}"
    except (OSError, ValueError) as error:  # timeouts, resets, not JSON
        return f"{canary.url}: {error}"
    if not isinstance(answer, dict) or not answer.get(canary.field):
        return f"{canary.url}: answers without vulnerability data"
    return None


def export_requirements(target: Path) -> None:
    """``uv.lock`` as a requirements file: every package pinned, with its hashes."""
    subprocess.run(  # noqa: S603 (an argument list, no shell)
        [  # noqa: S607 (uv from PATH, as in the README's set-up)
            "uv",
            "export",
            "--frozen",
            "--format",
            "requirements-txt",
            "--no-emit-project",
            "--quiet",
            "--output-file",
            str(target),
        ],
        cwd=ROOT,
        check=True,
    )


def run_pip_audit(requirements: Path, service: str, timeout: float, extra: list[str]) -> int:
    return subprocess.run(  # noqa: S603 (an argument list, no shell)
        [  # noqa: S607 (uv from PATH, as in the README's set-up)
            "uv",
            "run",
            "--frozen",
            "pip-audit",
            "--requirement",
            str(requirements),
            "--require-hashes",
            "--disable-pip",  # nothing is installed or resolved: the lock is the truth
            "--strict",  # a package the service cannot audit fails too
            "--progress-spinner",
            "off",
            "--vulnerability-service",
            service,
            "--timeout",
            str(int(timeout) or 1),
            *extra,
        ],
        cwd=ROOT,
        check=False,
    ).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=sorted(SERVICES), default="pypi")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")
    args, extra = parser.parse_known_args(argv)
    reason = probe(SERVICES[args.service], timeout=args.timeout)
    if reason is not None:
        print(f"{SKIPPED} ({reason})", flush=True)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        requirements = Path(scratch) / "requirements.txt"
        export_requirements(requirements)
        return run_pip_audit(requirements, args.service, args.timeout, extra)


if __name__ == "__main__":
    sys.exit(main())

"""Start-up stops with one clear line that names the variable."""

from __future__ import annotations

import os
import subprocess

from tests.support import spawn


def _network(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return spawn.run(args, {**os.environ, **env}, timeout=60)


def test_unknown_database_scheme_stops_serve() -> None:
    result = _network("serve", NETWORK_DATABASE_URL="oracle://db/x", NETWORK_ENV="dev")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "error: NETWORK_DATABASE_URL: unknown scheme 'oracle' "
        "(use sqlite:///path or postgresql://host/db)"
    ]


def test_unreachable_redis_stops_serve() -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    result = _network("serve", NETWORK_REDIS_URL="redis://127.0.0.1:1/0", NETWORK_ENV="dev")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: NETWORK_REDIS_URL: cannot reach Redis")


def test_demo_refuses_prod_mode() -> None:
    result = _network("demo", NETWORK_ENV="prod", NETWORK_SECRET_KEY="s" * 40)
    assert result.returncode == 2
    assert "NETWORK_ENV" in result.stderr


def test_oidc_client_without_issuer_stops_serve() -> None:
    result = _network("serve", NETWORK_OIDC_CLIENT_ID="network", NETWORK_ENV="dev")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: NETWORK_OIDC_ISSUER: ")

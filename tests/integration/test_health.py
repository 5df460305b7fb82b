"""Liveness and readiness, including readiness failing when a dependency is gone."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from network.app import create_app
from network.lib.pgdatabases import drop_database
from network.settings import get_settings
from tests.support.database import migrated_database


def test_health_is_ok(client: TestClient[Litestar]) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_database_is_migrated(client: TestClient[Litestar]) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    names = {check["name"] for check in body["checks"]}
    assert "database" in names
    assert ("redis" in names) == (get_settings().redis_url is not None)


def _drop(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.split(":///", 1)[1]).unlink()
        return
    asyncio.run(drop_database(url))


def test_ready_fails_when_database_is_gone() -> None:
    url = migrated_database("ready")
    settings = replace(get_settings(), database_url=url, redis_url=None)
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").status_code == 200
        _drop(url)
        response = client.get("/ready")
        assert response.status_code == 503
        body = response.json()
        assert body["ready"] is False
        assert body["checks"][0]["name"] == "database"
        assert body["checks"][0]["ok"] is False
        # Liveness does not depend on the database.
        assert client.get("/health").status_code == 200


def test_ready_fails_when_redis_is_unreachable(migrated: None) -> None:
    settings = replace(get_settings(), redis_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(settings)) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    checks = {c["name"]: c for c in response.json()["checks"]}
    assert checks["database"]["ok"] is True
    assert checks["redis"]["ok"] is False

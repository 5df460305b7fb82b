"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from network.accounts.guards import ACTION_KEY
from network.db import DatabaseUnavailable, ping
from network.kernel.policy import Action
from network.lib.schema import Schema

__all__ = ("HealthController", "Readiness")


class Check(Schema):
    name: str
    ok: bool
    detail: str | None = None


class Readiness(Schema):
    ready: bool
    checks: list[Check]


class HealthController(Controller):
    tags = ["health"]
    opt = {ACTION_KEY: Action.PUBLIC}

    @get("/health", operation_id="health", cache=False)
    async def health(self) -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @get("/ready", operation_id="ready", cache=False)
    async def ready(self, state: State) -> Response[Readiness]:
        """Readiness: the database (and Redis, when configured) answer."""
        checks: list[Check] = []
        try:
            await ping(state.engine)
            checks.append(Check(name="database", ok=True))
        except DatabaseUnavailable as error:
            checks.append(Check(name="database", ok=False, detail=str(error)))
        redis: Any = state.redis
        if redis is not None:
            try:
                await redis.ping()
                checks.append(Check(name="redis", ok=True))
            except Exception as error:  # any client error means "not ready"
                checks.append(Check(name="redis", ok=False, detail=type(error).__name__))
        ready = all(c.ok for c in checks)
        return Response(
            Readiness(ready=ready, checks=checks),
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )

"""One mapping from errors to HTTP responses.

Every 4xx body has the same shape: ``{"status_code", "detail", "errors": [{"field",
"message", "source"}]}`` so that clients and the web forms can point at the field.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import ExceptionHandlersMap

from network.lib.errors import DomainError

__all__ = ("exception_handlers",)

logger = logging.getLogger("network.errors")
RETRY_AFTER_SECONDS = 5  # what a 503 for an unreachable database or Redis asks clients to wait


_MISSING = re.compile(r"Missing required (?P<source>\w+) parameter '(?P<name>[^']+)'")
_UNKNOWN = re.compile(r"(unknown|missing required) field `(?P<name>[^`]+)`")


def _body(status: int, detail: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"status_code": status, "detail": detail, "errors": errors}


def _field_of(key: object, message: str) -> str | None:
    if key is None:
        return None
    text = str(key).removeprefix("$.")
    unknown = _UNKNOWN.search(message)
    if unknown is not None:  # msgspec names the object; the field is the unknown/missing key
        text = unknown["name"] if text in ("", "data") else f"{text}.{unknown['name']}"
    return text or None


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        {
            "field": _field_of(item.get("key"), str(item.get("message", ""))),
            "message": str(item.get("message", "")),
            "source": item.get("source"),
        }
        for item in extra
        if isinstance(item, dict)
    ]
    missing = _MISSING.match(str(exc.detail))
    if not errors and missing:
        errors = [{"field": missing["name"], "message": "is required", "source": missing["source"]}]
    named = ", ".join(e["field"] for e in errors if e["field"])
    detail = f"Invalid input: {named}" if named else str(exc.detail)
    if errors and not named:
        detail = f"Invalid input: {errors[0]['message']}"
    return Response(
        _body(exc.status_code, detail, errors),
        status_code=exc.status_code,
        media_type=MediaType.JSON,
    )


def domain_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    errors = [{"source": exc.source, **error} for error in exc.errors] or [
        {"field": exc.field, "message": exc.message, "source": exc.source, **exc.extra}
    ]
    detail = f"{exc.field}: {exc.message}" if exc.field else exc.message
    return Response(
        _body(exc.status_code, detail, errors),
        status_code=exc.status_code,
        media_type=MediaType.JSON,
    )


def http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return Response(
        _body(exc.status_code, str(exc.detail), []),
        status_code=exc.status_code,
        media_type=MediaType.JSON,
        headers=exc.headers,
    )


def _too_large(error: Exception) -> bool:
    """A number the database cannot hold (SQLite: OverflowError; asyncpg: DataError)."""
    if isinstance(error, OverflowError):
        return True
    from asyncpg.exceptions import DataError

    return isinstance(error, DataError) and "out of" in str(error)


def _unavailable(error: Exception) -> str | None:
    """The service a connection error came from, or ``None`` for any other error."""
    from asyncpg.exceptions import (
        CannotConnectNowError,
        ConnectionDoesNotExistError,
        InterfaceError,
        PostgresConnectionError,
    )
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    if isinstance(error, RedisConnectionError | RedisTimeoutError):
        return "Redis"
    if isinstance(
        error,
        ConnectionError  # refused or reset (asyncpg raises the OS's errors)
        | TimeoutError
        | CannotConnectNowError
        | ConnectionDoesNotExistError
        | PostgresConnectionError,
    ):
        return "the database"
    if isinstance(error, InterfaceError) and "closed" in str(error):
        return "the database"
    return None


def internal_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    service = _unavailable(exc)
    if service is not None:
        # A transaction whose connection broke is rolled back by the server: no half-writes.
        logger.warning("%s unavailable: %s: %s", service, type(exc).__name__, exc)
        return Response(
            _body(
                HTTP_503_SERVICE_UNAVAILABLE,
                f"{service} cannot be reached just now; try again shortly",
                [],
            ),
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
            media_type=MediaType.JSON,
            headers={"retry-after": str(RETRY_AFTER_SECONDS)},
        )
    if _too_large(exc):
        return Response(
            _body(400, "a number in the request is too large", []),
            status_code=400,
            media_type=MediaType.JSON,
        )
    logger.exception("unhandled error", exc_info=exc)
    return Response(
        _body(HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error", []),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


exception_handlers: ExceptionHandlersMap = {
    ValidationException: validation_handler,
    DomainError: domain_handler,
    HTTPException: http_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_handler,
}

"""One mapping from errors to HTTP responses.

Every 4xx body has the same shape: ``{"status_code", "detail", "errors": [{"field",
"message", "source"}]}`` so that clients and the web forms can point at the field.

A browser on a page gets a page instead (content negotiation): a request outside
``/api/`` and the other machine paths whose ``Accept`` prefers HTML over JSON is
answered with ``web/templates/error.html.j2`` in its language, with a way on; a
401 there goes to sign-in and back (``next``, a same-site path only). The page
never shows an internal text (a policy's action names, a server error's detail).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import ExceptionHandlersMap

from network.accounts.guards import known_principal
from network.accounts.oidc import safe_next
from network.lib.errors import DomainError
from network.web.i18n import negotiate, translator
from network.web.render import other_language_url

__all__ = ("error_page", "exception_handlers", "wants_page")

logger = logging.getLogger("network.errors")
RETRY_AFTER_SECONDS = 5  # what a 503 for an unreachable database or Redis asks clients to wait


_MISSING = re.compile(r"Missing required (?P<source>\w+) parameter '(?P<name>[^']+)'")
_UNKNOWN = re.compile(r"(unknown|missing required) field `(?P<name>[^`]+)`")


# Paths that only machines read: they always answer JSON.
_MACHINE_PATHS = ("/api/", "/schema", "/static/", "/health", "/ready")


def wants_page(request: Request[Any, Any, Any]) -> bool:
    """Whether the client is a browser on a page: not a machine path, and its
    ``Accept`` prefers HTML to JSON (``*/*`` and no header at all mean JSON)."""
    path: str = request.scope["path"]
    if path.startswith(_MACHINE_PATHS):
        return False
    if "text/html" not in request.headers.get("accept", ""):
        return False
    return request.accept.best_match([MediaType.JSON, MediaType.HTML]) == MediaType.HTML


def _came_from(request: Request[Any, Any, Any]) -> str:
    """Where to come back to after signing in: this page, or for a form the page it
    was sent from (a same-origin ``Referer``); always a same-site path."""
    if request.method in ("GET", "HEAD"):
        query = request.url.query
        return safe_next(request.url.path + (f"?{query}" if query else ""))
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return "/"
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))


def error_page(
    request: Request[Any, Any, Any],
    status: int,
    error: DomainError | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """The error page for ``status`` in the request's language, with a way on."""
    language = negotiate(
        request.query_params.get("lang"), request.cookies, request.headers.get("accept-language")
    )
    back = urlsplit(request.headers.get("referer", ""))
    back_path = back.path if back.netloc == request.url.netloc else None
    sign_in_url = request.app.state.get("sign_in_url")
    return Template(
        template_name="error.html.j2",
        context={
            **translator(language).context(),
            "principal": known_principal(request),
            "unread": 0,
            "path": request.url.path,
            "lang_switch_url": other_language_url(request, language),
            "sign_in_url": sign_in_url,
            "status": status,
            "error": error,
            "next": _came_from(request),
            "back_url": safe_next(back_path)
            if back_path and back_path != request.url.path
            else None,
            "retry_url": request.url.path if request.method == "GET" and status >= 500 else None,
        },
        status_code=status,
        headers={**(headers or {}), "Vary": "Accept, Accept-Language, Cookie"},
        media_type=MediaType.HTML,
    )


def _sign_in_first(request: Request[Any, Any, Any]) -> Response[Any]:
    """A page that needs a signed-in user: to sign-in, and back here afterwards."""
    sign_in_url = request.app.state.get("sign_in_url")
    if not sign_in_url:
        return error_page(request, 401)
    return Redirect(f"{sign_in_url}?{urlencode({'next': _came_from(request)})}", status_code=303)


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
    if wants_page(request):
        return error_page(request, exc.status_code, DomainError(detail, errors=errors))
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
    if wants_page(request):
        return error_page(request, exc.status_code, exc)
    return Response(
        _body(exc.status_code, detail, errors),
        status_code=exc.status_code,
        media_type=MediaType.JSON,
    )


def http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if wants_page(request):
        if isinstance(exc, NotAuthorizedException):
            return _sign_in_first(request)
        return error_page(request, exc.status_code, headers=exc.headers)
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
        if wants_page(request):
            return error_page(
                request,
                HTTP_503_SERVICE_UNAVAILABLE,
                headers={"retry-after": str(RETRY_AFTER_SECONDS)},
            )
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
        if wants_page(request):
            return error_page(request, 400, DomainError("a number in the request is too large"))
        return Response(
            _body(400, "a number in the request is too large", []),
            status_code=400,
            media_type=MediaType.JSON,
        )
    logger.exception("unhandled error", exc_info=exc)
    if wants_page(request):
        return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)
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

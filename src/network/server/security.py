"""Security middleware: response headers, CSRF for cookie sessions, rate limits."""

from __future__ import annotations

from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.types import BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from network.accounts.sessions import SESSION_COOKIE
from network.settings import Settings

__all__ = (
    "API_DOCS_CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "csrf_middleware",
    "rate_limits",
    "security_headers",
)

CSRF_COOKIE = "__Host-csrftoken"
CSRF_HEADER = "x-csrftoken"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _policy(style_src: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


CONTENT_SECURITY_POLICY = _policy("'self'")
# The API documentation (`server/api_docs.py`): Scalar, served from /static like every
# script, writes its styles into the page at run time. Scripts stay 'self' only.
API_DOCS_CONTENT_SECURITY_POLICY = _policy("'self' 'unsafe-inline'")
API_DOCS_PREFIX = "/schema"
_API_DOCUMENTS = ("/schema/openapi.json", "/schema/openapi.yaml", "/schema/openapi.yml")


def _policy_for(path: str) -> str:
    """The API documentation's pages get the wider style policy; all else the strict one."""
    if (path == API_DOCS_PREFIX or path.startswith(API_DOCS_PREFIX + "/")) and (
        path not in _API_DOCUMENTS
    ):
        return API_DOCS_CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """CSP without inline scripts, frame-ancestors, referrer policy; HSTS in prod.

    An app-level ``before_send`` hook, not a middleware: Litestar runs middleware only
    for matched routes, and the hook sees every HTTP response, 404, 405, 413 and 500
    from routing or an error handler included. A header a response sets itself wins.
    """
    headers = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
    }
    if not settings.is_dev:
        headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"

    async def add_headers(message: Message, scope: Scope) -> None:
        if scope["type"] == ScopeType.HTTP and message["type"] == "http.response.start":
            mutable = MutableScopeHeaders.from_message(message)
            if "content-security-policy" not in mutable:
                mutable["content-security-policy"] = _policy_for(scope["path"])
            for name, value in headers.items():
                if name not in mutable:
                    mutable[name] = value

    return add_headers


class SessionCSRFMiddleware(CSRFMiddleware):
    """Litestar's double-submit CSRF check, for requests that ride on the session cookie.

    A machine client that authenticates with a bearer token and sends no session
    cookie cannot be forged cross-site, so it is let through.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope.get("method") in _UNSAFE:
            headers = dict(scope["headers"])
            authorization = headers.get(b"authorization", b"")
            cookies = headers.get(b"cookie", b"")
            if (
                authorization.lower().startswith(b"bearer ")
                and SESSION_COOKIE.encode() not in cookies
            ):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    config = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_secure=True,
        cookie_httponly=False,  # the page's script reads it to send the header
        cookie_samesite="lax",
        header_name=CSRF_HEADER,
        exclude=["^/health$", "^/ready$"],
    )
    return DefineMiddleware(SessionCSRFMiddleware, config=config)


# Async on purpose: Litestar runs a synchronous throttle check in a worker thread, two
# thread hops on every request for a comparison (the suggestions' profile found them).
async def _is_write(request: Any) -> bool:
    return request.method in _UNSAFE


async def _is_sign_in(request: Any) -> bool:
    path: str = request.scope["path"]
    return path.startswith("/auth/") and path != "/auth/logout"


def rate_limits(settings: Settings) -> list[DefineMiddleware]:
    """Per client address: sign-in attempts, and writes in general (both per minute)."""
    return [
        RateLimitConfig(
            rate_limit=("minute", settings.rate_limit_signin),
            check_throttle_handler=_is_sign_in,
            store="rate_limit_signin",
        ).middleware,
        RateLimitConfig(
            rate_limit=("minute", settings.rate_limit_writes),
            check_throttle_handler=_is_write,
            store="rate_limit_writes",
        ).middleware,
    ]

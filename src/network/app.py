"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.openapi import OpenAPIConfig

from network.accounts.guards import policy_guard, provide_context
from network.accounts.oidc_controllers import oidc_client_for
from network.accounts.sessions import make_session_config
from network.bootstrap import build_runtime, running
from network.routes import route_handlers
from network.server.api_docs import LocalScalarRenderPlugin
from network.server.bodies import checked_bodies
from network.server.clients import client_address_middleware
from network.server.compression import compression_config
from network.server.errors import exception_handlers
from network.server.logging import configure_logging
from network.server.params import ids_in_range
from network.server.security import csrf_middleware, rate_limits, security_headers
from network.settings import Settings, get_settings
from network.web import make_template_config

__all__ = ("MAX_BODY_BYTES", "create_app")

MAX_BODY_BYTES = 2 * 1024 * 1024  # larger request bodies are refused with 413


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app for ``settings`` (default: from the environment): its services
    come from the composition root (:mod:`network.bootstrap`), which alone decides
    which database, Redis and mailer the app uses."""
    settings = settings or get_settings()
    parts = build_runtime(settings)
    runtime = parts.runtime

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with running(runtime):
            yield

    configure_logging(settings)
    request_logging = LoggingMiddlewareConfig(
        logger_name="network.http",
        request_log_fields=("method", "path"),
        response_log_fields=["status_code"],
        # A calendar feed's address holds its secret token: never written to the log.
        exclude=["^/health$", "^/static/", "^/calendar/"],
    )

    session_config = make_session_config()
    oidc = oidc_client_for(settings)  # None unless NETWORK_OIDC_ISSUER is set
    handlers = route_handlers(dev_sign_in=settings.is_dev, oidc=oidc is not None)

    return Litestar(
        route_handlers=handlers,
        guards=[ids_in_range, policy_guard, checked_bodies],
        lifespan=[lifespan],
        plugins=[parts.channels],
        # Every HTTP response, routing's 404/405 and error pages included.
        before_send=[security_headers(settings)],
        middleware=[
            # First: the rate limits, the audit log and the logs see the real client.
            client_address_middleware(settings.trusted_proxies),
            # It writes at INFO: above that level it would only read every request
            # for a line nobody keeps.
            *([request_logging.middleware] if settings.log_level in ("DEBUG", "INFO") else []),
            csrf_middleware(settings),
            *rate_limits(settings),
            session_config.middleware,
        ],
        logging_config=LoggingConfig(configure_root_logger=False, log_exceptions="never"),
        stores=parts.stores,
        dependencies={"ctx": Provide(provide_context)},
        exception_handlers=exception_handlers,
        template_config=make_template_config(),
        compression_config=compression_config(),
        # No route takes uploads; the largest real body is a few kB (bad-input corpus:
        # 1 MB strings still reach validation and are refused naming their field).
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="Specialistnätet API",
            version="1",
            description="Sharing specialist social workers across Swedish municipalities.",
            path="/schema",
            render_plugins=[LocalScalarRenderPlugin()],
        ),
        state=State(
            {
                "settings": settings,
                "runtime": runtime,
                "engine": runtime.engine,
                "redis": runtime.redis,
                "session_config": session_config,
                "oidc": oidc,
                # Where the header's "Sign in" link goes (OpenID Connect when configured).
                "sign_in_url": (
                    "/auth/login" if oidc else "/auth/dev-login" if settings.is_dev else None
                ),
            }
        ),
        debug=False,
    )

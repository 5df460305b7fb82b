"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from network import piccolo_conf
from network.accounts.guards import policy_guard
from network.accounts.oidc_controllers import oidc_client_for
from network.accounts.sessions import make_session_config
from network.consultations.followup import periodic_follow_up
from network.coverage.history import snapshot_if_due
from network.db import check_row_security, close_pool, make_engine, open_pool
from network.notifications import service as outbox
from network.notifications.email import Mailer
from network.routes import route_handlers
from network.server import cache, locks
from network.server.bodies import checked_bodies
from network.server.clients import client_address_middleware
from network.server.errors import exception_handlers
from network.server.logging import configure_logging
from network.server.params import ids_in_range
from network.server.periodic import periodic
from network.server.redis import make_redis
from network.server.security import csrf_middleware, rate_limits, security_headers
from network.server.stores import make_channels, make_store_registry
from network.settings import Settings, get_settings
from network.web import make_template_config

__all__ = ("MAX_BODY_BYTES", "create_app")

MAX_BODY_BYTES = 2 * 1024 * 1024  # larger request bodies are refused with 413


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    engine = _engine_for(settings)
    redis = make_redis(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await open_pool(engine, settings)
        try:
            await check_row_security(engine, settings)  # refuses a bypassing role in prod
        except BaseException:
            await close_pool(engine)
            raise
        locks.configure(settings.lock_seconds)
        # One cache per database: two instances sharing a Redis never mix their data.
        cache.configure(app.stores.get(cache.store_name(settings.database_url)))
        outbox.configure(
            app.plugins.get(ChannelsPlugin),
            Mailer(settings.smtp_url, settings.smtp_from, settings.public_url)
            if settings.smtp_url
            else None,
        )
        try:
            async with (
                periodic_follow_up(
                    settings.followup_interval, redis, retention_days=settings.retention_days
                ),
                # the same cadence: a pass costs one query unless today's snapshot is due
                periodic("coverage-history", settings.followup_interval, redis, snapshot_if_due),
            ):
                yield
        finally:
            outbox.configure(None, None)
            cache.configure(None)
            await close_pool(engine)
            if redis is not None:
                await redis.aclose()

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
        plugins=[make_channels(redis)],
        # Every HTTP response, routing's 404/405 and error pages included.
        before_send=[security_headers(settings)],
        middleware=[
            # First: the rate limits, the audit log and the logs see the real client.
            client_address_middleware(settings.trusted_proxies),
            request_logging.middleware,
            csrf_middleware(settings),
            *rate_limits(settings),
            session_config.middleware,
        ],
        logging_config=LoggingConfig(configure_root_logger=False, log_exceptions="never"),
        stores=make_store_registry(redis),
        exception_handlers=exception_handlers,
        template_config=make_template_config(),
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        # No route takes uploads; the largest real body is a few kB (bad-input corpus:
        # 1 MB strings still reach validation and are refused naming their field).
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="Specialistnätet API",
            version="1",
            description="Sharing specialist social workers across Swedish municipalities.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "redis": redis,
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


def _engine_for(settings: Settings):  # type: ignore[no-untyped-def]
    """The engine Piccolo's tables use: the one from ``piccolo_conf`` when it matches."""
    if settings.database_url == get_settings().database_url:
        return piccolo_conf.DB
    return make_engine(settings)

"""Absolute links the app hands out (calendar feeds, the OpenID Connect callback).

They start with ``NETWORK_PUBLIC_URL``, never with the request's ``Host`` header:
whoever sends ``Host: evil.example`` must not get a feed address (with its secret
token) or a sign-in callback on their own server.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from network.settings import Settings

__all__ = ("public_link",)


def public_link(connection: ASGIConnection[Any, Any, Any, Any], path: str = "") -> str:
    """``path`` (absolute, e.g. ``/calendar/…``) on the app's configured public address."""
    settings: Settings = connection.app.state.settings
    return settings.public_url + path

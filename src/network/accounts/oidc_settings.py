"""OpenID Connect sign-in settings, read from the ``NETWORK_OIDC_*`` variables.

OpenID Connect is off unless ``NETWORK_OIDC_ISSUER`` is set. A bad value raises
:class:`~network.settings.SettingsError` naming the variable, like every other
setting, so start-up stops with one clear line.

=============================  =====================================================
``NETWORK_OIDC_ISSUER``        the provider's issuer URL, exactly as its discovery
                               document spells it (https; http only in dev mode)
``NETWORK_OIDC_CLIENT_ID``     this application's client id at the provider
``NETWORK_OIDC_CLIENT_SECRET`` its client secret (a confidential client)
``NETWORK_OIDC_REDIRECT_URL``  optional: the callback URL registered at the
                               provider, ``https://<host>/auth/callback``; derived
                               from the request when unset
``NETWORK_OIDC_SCOPES``        optional, default ``openid email profile``
=============================  =====================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from network.settings import SettingsError

__all__ = ("CALLBACK_PATH", "DEFAULT_SCOPES", "OidcSettings", "load_oidc_settings")

DEFAULT_SCOPES = ("openid", "email", "profile")
CALLBACK_PATH = "/auth/callback"
_VARIABLES = (
    "NETWORK_OIDC_ISSUER",
    "NETWORK_OIDC_CLIENT_ID",
    "NETWORK_OIDC_CLIENT_SECRET",
    "NETWORK_OIDC_REDIRECT_URL",
    "NETWORK_OIDC_SCOPES",
)


@dataclass(frozen=True, slots=True)
class OidcSettings:
    """How this application signs people in at one OpenID provider."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_url: str | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES

    @property
    def discovery_url(self) -> str:
        """Where the provider's metadata lives (OpenID Connect Discovery 1.0, section 4)."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)


def load_oidc_settings(
    environ: Mapping[str, str] | None = None, *, env: str = "dev"
) -> OidcSettings | None:
    """The OpenID Connect settings, or ``None`` when ``NETWORK_OIDC_ISSUER`` is unset.

    ``env`` is the application's mode (``dev`` or ``prod``): in ``prod`` every URL
    must be https.
    """
    source = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = source.get(name)
        return value.strip() if value is not None and value.strip() != "" else None

    issuer = get("NETWORK_OIDC_ISSUER")
    if issuer is None:
        others = [name for name in _VARIABLES[1:] if get(name) is not None]
        if others:
            raise SettingsError(
                "NETWORK_OIDC_ISSUER", f"must be set when {others[0]} is set (or unset both)"
            )
        return None
    require_https = env != "dev"
    _check_url("NETWORK_OIDC_ISSUER", issuer, require_https=require_https)
    if urlsplit(issuer).query:
        raise SettingsError("NETWORK_OIDC_ISSUER", "an issuer URL has no query part")

    client_id = get("NETWORK_OIDC_CLIENT_ID")
    if client_id is None:
        raise SettingsError("NETWORK_OIDC_CLIENT_ID", "must be set when NETWORK_OIDC_ISSUER is set")
    client_secret = get("NETWORK_OIDC_CLIENT_SECRET")
    if client_secret is None:
        raise SettingsError(
            "NETWORK_OIDC_CLIENT_SECRET",
            "must be set when NETWORK_OIDC_ISSUER is set (register a confidential client)",
        )

    redirect_url = get("NETWORK_OIDC_REDIRECT_URL")
    if redirect_url is not None:
        _check_url("NETWORK_OIDC_REDIRECT_URL", redirect_url, require_https=require_https)
        if urlsplit(redirect_url).path != CALLBACK_PATH:
            raise SettingsError(
                "NETWORK_OIDC_REDIRECT_URL",
                f"must end in {CALLBACK_PATH}, e.g. https://specialist.example.se{CALLBACK_PATH}",
            )

    scopes_value = get("NETWORK_OIDC_SCOPES")
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    if scopes_value is not None:
        scopes = tuple(dict.fromkeys(scopes_value.replace(",", " ").split()))
        if "openid" not in scopes:
            raise SettingsError("NETWORK_OIDC_SCOPES", "must include openid")
        if any(not scope.isprintable() or '"' in scope or "\\" in scope for scope in scopes):
            raise SettingsError("NETWORK_OIDC_SCOPES", "holds a character not allowed in a scope")

    return OidcSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        redirect_url=redirect_url,
        scopes=scopes,
    )


def _check_url(variable: str, url: str, *, require_https: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SettingsError(variable, f"not an absolute http(s) URL: {url!r}")
    if parts.scheme != "https" and require_https:
        raise SettingsError(variable, "must be an https URL when NETWORK_ENV=prod")
    if parts.fragment or parts.username or parts.password:
        raise SettingsError(variable, "must not hold a fragment or credentials")

"""OpenID Connect sign-in: the relying party, built on Authlib's ``AsyncOAuth2Client``.

The authorization-code flow with PKCE (S256), ``state`` and ``nonce``
(OpenID Connect Core 1.0, section 3.1; RFC 7636):

1. :meth:`OidcClient.start` reads the provider's discovery document, makes a
   fresh :class:`Flow` (state, nonce, code verifier, where to go afterwards) and
   the authorization URL. The caller keeps the flow in the server-side session
   under :data:`SESSION_KEY`.
2. The provider sends the browser back with ``code`` and ``state``; the caller
   takes the flow out of the session (so a replayed callback finds none),
   :func:`check_callback` compares the state, and :meth:`OidcClient.finish`
   exchanges the code, validates the ID token against the provider's JWKS
   (signature, ``iss``, ``aud``/``azp``, ``exp``/``iat`` with a small leeway,
   ``nonce``) and reads name and e-mail from the userinfo endpoint when the ID
   token lacks them.
3. :func:`match_user` finds the account: by the provider's ``sub``, or once, on
   first sign-in, by a pre-registered active user's e-mail.

Authlib's Starlette integration is not used (docs/conventions.md, pitfalls 9 and 17); the ID
token is checked with ``joserfc``. The JWKS is cached and fetched again, once,
when a token names a key id the cache does not hold (key rotation).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet
from piccolo.columns.combination import WhereRaw

from network.accounts.oidc_settings import OidcSettings
from network.accounts.tables import User

__all__ = (
    "FLOW_MAX_AGE_SECONDS",
    "LEEWAY_SECONDS",
    "SESSION_KEY",
    "Flow",
    "Identity",
    "InvalidCallback",
    "InvalidIdToken",
    "Match",
    "OidcClient",
    "OidcError",
    "ProviderMetadata",
    "ProviderUnavailable",
    "SignInRefused",
    "check_callback",
    "match_user",
    "safe_next",
    "validate_id_token_claims",
)

logger = logging.getLogger("network.oidc")

SESSION_KEY = "oidc.flow"
FLOW_MAX_AGE_SECONDS = 10 * 60
LEEWAY_SECONDS = 60
METADATA_TTL_SECONDS = 60 * 60
JWKS_TTL_SECONDS = 60 * 60
HTTP_TIMEOUT_SECONDS = 10.0
MAX_NEXT_LENGTH = 1024
# Asymmetric signatures only: no "none", and no HS* (which would make the client
# secret a signing key).
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})


# --- errors ------------------------------------------------------------------------------


class OidcError(Exception):
    """Sign-in through the provider failed. ``reason`` is short, fixed text for the
    audit log and the logs: it never holds a secret, a code or a token."""

    status_code = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidCallback(OidcError):
    """The callback does not belong to a sign-in this session started (wrong or
    missing state, replayed, too old, no code)."""


class InvalidIdToken(OidcError):
    """The ID token (or the userinfo answer) failed validation."""


class SignInRefused(OidcError):
    """The provider answered the authorization request with an error."""

    def __init__(self, error: str) -> None:
        code = error if error.replace("_", "").isalnum() and len(error) <= 64 else "invalid"
        super().__init__(f"provider error {code}")
        self.error = code
        self.status_code = 403 if code in ("access_denied", "consent_required") else 400


class ProviderUnavailable(OidcError):
    """The provider cannot be reached or gives an unusable answer."""

    status_code = 503


# --- pure parts ----------------------------------------------------------------------------


def safe_next(value: str | None) -> str:
    """``value`` if it is a same-site relative path (``/…``), else ``"/"``.

    Refused: absolute and scheme-relative URLs (``https://x``, ``//x``), backslashes
    (``/\\x`` is ``//x`` to browsers), control characters, whitespace and non-ASCII
    (browsers drop or rewrite them), and the sign-in routes themselves.
    """
    if not value or len(value) > MAX_NEXT_LENGTH or not value.startswith("/"):
        return "/"
    if value.startswith("//") or "\\" in value:
        return "/"
    if any(not 0x21 <= ord(char) < 0x7F for char in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    if parts.path == "/auth" or parts.path.startswith("/auth/"):
        return "/"
    return value


@dataclass(frozen=True, slots=True)
class Flow:
    """One sign-in in progress, kept in the server-side session between the redirect
    to the provider and the callback."""

    state: str
    nonce: str
    code_verifier: str
    next: str
    redirect_uri: str
    started_at: float

    @classmethod
    def new(cls, *, next_path: str, redirect_uri: str, now: float) -> Flow:
        return cls(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            # 86 characters of [A-Za-z0-9_-]: within RFC 7636's 43-128 unreserved ones.
            code_verifier=secrets.token_urlsafe(64),
            next=safe_next(next_path),
            redirect_uri=redirect_uri,
            started_at=now,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, value: object) -> Flow | None:
        """The flow stored in the session, or ``None`` if there is none (or it is garbled)."""
        if not isinstance(value, Mapping):
            return None
        try:
            flow = cls(
                state=str(value["state"]),
                nonce=str(value["nonce"]),
                code_verifier=str(value["code_verifier"]),
                next=safe_next(str(value["next"])),
                redirect_uri=str(value["redirect_uri"]),
                started_at=float(value["started_at"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return flow


def check_callback(flow: Flow | None, state: str | None, *, now: float) -> Flow:
    """The flow a callback completes; raises :class:`InvalidCallback` unless ``state``
    matches the one this session sent and the flow is fresh."""
    if flow is None:
        raise InvalidCallback("no sign-in in progress in this session")
    if not state or not hmac.compare_digest(flow.state.encode(), state.encode()):
        raise InvalidCallback("state mismatch")
    if not 0 <= now - flow.started_at <= FLOW_MAX_AGE_SECONDS:
        raise InvalidCallback("sign-in took too long")
    return flow


def validate_id_token_claims(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: float,
    leeway: int = LEEWAY_SECONDS,
) -> None:
    """Check an ID token's claims (OpenID Connect Core 1.0, section 3.1.3.7).

    Raises :class:`InvalidIdToken` naming the claim that failed.
    """
    registry = jwt.JWTClaimsRegistry(
        now=int(now),
        leeway=leeway,
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(dict(claims))
    except ExpiredTokenError:
        raise InvalidIdToken("ID token expired") from None
    except MissingClaimError as error:
        raise InvalidIdToken(f"ID token lacks {error.claim}") from None
    except InvalidClaimError as error:
        raise InvalidIdToken(f"ID token has an invalid {error.claim}") from None
    audience = claims["aud"]
    azp = claims.get("azp")
    several = isinstance(audience, list) and len(audience) > 1
    if (several or azp is not None) and azp != client_id:
        raise InvalidIdToken("ID token has an invalid azp")
    if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
        raise InvalidIdToken("ID token has an invalid sub")


def _email_verified(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # some providers send the JSON boolean as a string
    return None


def _text(value: object, limit: int) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:limit]


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the provider says signed in."""

    subject: str
    email: str | None = None
    email_verified: bool | None = None
    name: str | None = None

    @classmethod
    def from_claims(
        cls, claims: Mapping[str, Any], userinfo: Mapping[str, Any] | None = None
    ) -> Identity:
        """From the ID token's claims, completed (never overridden) by userinfo's."""
        merged = {**(userinfo or {}), **{k: v for k, v in claims.items() if v is not None}}
        email = _text(merged.get("email"), 254)
        return cls(
            subject=str(claims["sub"]),
            email=email if email and "@" in email else None,
            email_verified=_email_verified(merged.get("email_verified")),
            name=_text(merged.get("name"), 120),
        )


# --- provider metadata and keys ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """The parts of the discovery document this client uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None
    signing_algorithms: frozenset[str]
    token_auth_method: str

    @classmethod
    def from_document(cls, document: Mapping[str, Any], *, issuer: str) -> ProviderMetadata:
        """Validate a discovery document for ``issuer`` (OpenID Connect Discovery 1.0, 4.3)."""
        if document.get("issuer") != issuer:
            raise ProviderUnavailable("the discovery document names another issuer")
        secure = urlsplit(issuer).scheme == "https"

        def endpoint(name: str, *, required: bool) -> str | None:
            value = document.get(name)
            if value is None and not required:
                return None
            if not isinstance(value, str):
                raise ProviderUnavailable(f"the discovery document lacks {name}")
            parts = urlsplit(value)
            if parts.scheme not in ("https", "http") or (secure and parts.scheme != "https"):
                raise ProviderUnavailable(f"the discovery document's {name} is not https")
            return value

        offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = SIGNING_ALGORITHMS & frozenset(a for a in offered if isinstance(a, str))
        if not algorithms:
            raise ProviderUnavailable("the provider signs ID tokens with no supported algorithm")
        methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        token_auth_method = (
            "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
        )
        return cls(
            issuer=issuer,
            authorization_endpoint=str(endpoint("authorization_endpoint", required=True)),
            token_endpoint=str(endpoint("token_endpoint", required=True)),
            jwks_uri=str(endpoint("jwks_uri", required=True)),
            userinfo_endpoint=endpoint("userinfo_endpoint", required=False),
            end_session_endpoint=endpoint("end_session_endpoint", required=False),
            signing_algorithms=algorithms,
            token_auth_method=token_auth_method,
        )


def _key_set(document: Mapping[str, Any]) -> KeySet:
    """The signature keys of a JWKS document (other kinds of key are skipped)."""
    raw = document.get("keys")
    if not isinstance(raw, list):
        raise ProviderUnavailable("the JWKS document holds no keys")
    usable = [
        key
        for key in raw
        if isinstance(key, dict) and key.get("kty") in _KEY_TYPES and key.get("use", "sig") == "sig"
    ]
    try:
        return KeySet.import_key_set({"keys": usable})
    except (JoseError, ValueError, TypeError):
        raise ProviderUnavailable("the JWKS document holds no usable key") from None


def _holds_key(keys: KeySet, kid: str | None) -> bool:
    if kid is None:
        return len(keys.keys) == 1
    return any(key.kid == kid for key in keys.keys)


# --- the client --------------------------------------------------------------------------------


class OidcClient:
    """The relying party for one provider. One per application; it caches the
    provider's metadata and keys, and keeps no per-user state (that lives in the
    session)."""

    def __init__(
        self,
        settings: OidcSettings,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = HTTP_TIMEOUT_SECONDS,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.timeout = timeout
        self._metadata: tuple[float, ProviderMetadata] | None = None
        self._keys: tuple[float, KeySet] | None = None

    # Provider documents -------------------------------------------------------------------

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            async with httpx2.AsyncClient(timeout=self.timeout) as http:
                response = await http.get(url, headers={"accept": "application/json"})
        except httpx2.HTTPError as error:
            logger.warning("OpenID provider unreachable (%s): %s", what, type(error).__name__)
            raise ProviderUnavailable(f"provider unreachable ({what})") from None
        if response.status_code != 200:
            logger.warning("OpenID provider answered %s (%s)", response.status_code, what)
            raise ProviderUnavailable(f"provider answered {response.status_code} ({what})")
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise ProviderUnavailable(f"provider sent no JSON object ({what})")
        return document

    async def metadata(self) -> ProviderMetadata:
        """The provider's metadata, from its discovery document (cached for an hour)."""
        now = time.monotonic()
        if self._metadata is not None and now - self._metadata[0] < METADATA_TTL_SECONDS:
            return self._metadata[1]
        document = await self._get_json(self.settings.discovery_url, "discovery")
        metadata = ProviderMetadata.from_document(document, issuer=self.settings.issuer)
        self._metadata = (now, metadata)
        return metadata

    async def signing_keys(self, *, refresh: bool = False) -> KeySet:
        """The provider's signature keys (cached for an hour; ``refresh`` fetches anew)."""
        now = time.monotonic()
        if not refresh and self._keys is not None and now - self._keys[0] < JWKS_TTL_SECONDS:
            return self._keys[1]
        metadata = await self.metadata()
        keys = _key_set(await self._get_json(metadata.jwks_uri, "jwks"))
        self._keys = (now, keys)
        return keys

    # The flow ---------------------------------------------------------------------------------

    def _oauth(self, metadata: ProviderMetadata, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            token_endpoint_auth_method=metadata.token_auth_method,
            scope=self.settings.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=self.timeout,
        )

    async def start(self, *, redirect_uri: str, next_path: str | None) -> tuple[str, Flow]:
        """A new flow and the provider URL to send the browser to."""
        metadata = await self.metadata()
        flow = Flow.new(next_path=safe_next(next_path), redirect_uri=redirect_uri, now=self.clock())
        async with self._oauth(metadata, redirect_uri) as oauth:
            url, _ = oauth.create_authorization_url(
                metadata.authorization_endpoint,
                state=flow.state,
                code_verifier=flow.code_verifier,
                nonce=flow.nonce,
            )
        return str(url), flow

    async def finish(self, flow: Flow, *, code: str) -> Identity:
        """Exchange ``code`` and tell who signed in (see :meth:`exchange_code` and
        :meth:`identify`)."""
        return await self.identify(await self.exchange_code(flow, code=code), flow)

    async def exchange_code(self, flow: Flow, *, code: str) -> dict[str, Any]:
        """The token endpoint's answer for ``code``, sent with the flow's PKCE verifier."""
        metadata = await self.metadata()
        async with self._oauth(metadata, flow.redirect_uri) as oauth:
            try:
                token = await oauth.fetch_token(
                    metadata.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=flow.code_verifier,
                    redirect_uri=flow.redirect_uri,
                )
            except httpx2.HTTPError as error:
                logger.warning("OpenID token endpoint failed: %s", type(error).__name__)
                raise ProviderUnavailable("token endpoint unreachable") from None
            except OAuthError as error:
                # e.g. invalid_grant: a code used twice, expired, or not for this client.
                logger.info("OpenID token endpoint refused the code: %s", error.error)
                raise InvalidCallback(f"token endpoint refused the code ({error.error})") from None
            except ValueError:
                raise ProviderUnavailable("token endpoint sent no JSON object") from None
        return dict(token)

    async def identify(self, token: Mapping[str, Any], flow: Flow) -> Identity:
        """Validate the token response's ID token and read the userinfo endpoint when
        the ID token lacks name or e-mail."""
        metadata = await self.metadata()
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise InvalidIdToken("no ID token in the token response")
        claims = await self.verify_id_token(id_token, nonce=flow.nonce, metadata=metadata)
        userinfo: dict[str, Any] | None = None
        wants_more = not claims.get("email") or not claims.get("name")
        access_token = token.get("access_token")
        if wants_more and metadata.userinfo_endpoint and isinstance(access_token, str):
            async with self._oauth(metadata, flow.redirect_uri) as oauth:
                userinfo = await self._userinfo(oauth, metadata.userinfo_endpoint, access_token)
            if userinfo.get("sub") != claims["sub"]:
                raise InvalidIdToken("userinfo names another subject")
        return Identity.from_claims(claims, userinfo)

    async def _userinfo(
        self, oauth: AsyncOAuth2Client, endpoint: str, access_token: str
    ) -> dict[str, Any]:
        try:
            # The bearer header is set here rather than through Authlib's token handling,
            # which refuses tokens close to expiry instead of simply using them once.
            response = await oauth.request(
                "GET",
                endpoint,
                withhold_token=True,
                headers={"authorization": f"Bearer {access_token}", "accept": "application/json"},
            )
        except httpx2.HTTPError as error:
            logger.warning("OpenID userinfo endpoint failed: %s", type(error).__name__)
            raise ProviderUnavailable("userinfo endpoint unreachable") from None
        if response.status_code != 200:
            raise ProviderUnavailable(f"userinfo endpoint answered {response.status_code}")
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise InvalidIdToken("userinfo is not a JSON object")
        return document

    async def verify_id_token(
        self, id_token: str, *, nonce: str, metadata: ProviderMetadata | None = None
    ) -> dict[str, Any]:
        """The claims of ``id_token`` once its signature and claims are valid."""
        metadata = metadata or await self.metadata()
        try:
            header = jws.extract_compact(id_token.encode()).headers()
        except (JoseError, ValueError, TypeError):
            raise InvalidIdToken("ID token is malformed") from None
        algorithm = header.get("alg")
        if algorithm not in metadata.signing_algorithms:
            raise InvalidIdToken("ID token is signed with an unexpected algorithm")
        kid = header.get("kid")
        keys = await self.signing_keys()
        if not _holds_key(keys, kid):
            keys = await self.signing_keys(refresh=True)  # the provider rotated its keys
            if not _holds_key(keys, kid):
                raise InvalidIdToken("ID token is signed with an unknown key")
        try:
            decoded = jwt.decode(id_token, keys, algorithms=sorted(metadata.signing_algorithms))
        except JoseError:
            raise InvalidIdToken("ID token signature is invalid") from None
        claims = dict(decoded.claims)
        validate_id_token_claims(
            claims,
            issuer=metadata.issuer,
            client_id=self.settings.client_id,
            nonce=nonce,
            now=self.clock(),
        )
        return claims


# --- matching accounts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of looking up the account of an :class:`Identity`."""

    user_id: int | None
    reason: str
    linked: bool = False


async def match_user(identity: Identity) -> Match:
    """The active account of ``identity``: by ``sub``; else, on first sign-in, a
    pre-registered active user with the same e-mail (case-insensitive) and no
    subject yet, provided the provider does not say the e-mail is unverified.
    No account is ever created here."""
    by_subject = (
        await User.select(User.id, User.active).where(User.oidc_subject == identity.subject).first()
    )
    if by_subject is not None:
        if not by_subject["active"]:
            return Match(None, "account disabled")
        return Match(int(by_subject["id"]), "subject")
    if identity.email is None:
        return Match(None, "no account for this subject, and no e-mail from the provider")
    if identity.email_verified is False:
        return Match(None, "no account for this subject, and the e-mail is not verified")
    by_email = (
        await User.select(User.id, User.active, User.oidc_subject)
        .where(WhereRaw("lower(email) = {}", identity.email.lower()))
        .order_by(User.id)
        .first()
    )
    if by_email is None:
        return Match(None, "no account with this subject or e-mail")
    if not by_email["active"]:
        return Match(None, "account disabled")
    if by_email["oidc_subject"] is not None:
        return Match(None, "the account with this e-mail belongs to another subject")
    user_id = int(by_email["id"])
    await User.update({User.oidc_subject: identity.subject}).where(
        (User.id == user_id) & User.oidc_subject.is_null()
    )
    bound = await User.select(User.id).where(User.oidc_subject == identity.subject).first()
    if bound is None or int(bound["id"]) != user_id:
        return Match(None, "the account with this e-mail belongs to another subject")
    return Match(user_id, "e-mail", linked=True)

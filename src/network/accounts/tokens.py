"""API tokens for machine clients: scoped, hashed at rest, revocable, expiring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from network.accounts.principals import load_principal
from network.accounts.tables import ApiToken
from network.kernel.policy import Action, Principal, decide
from network.lib import clock
from network.lib.errors import InvalidInput, NotFound
from network.lib.secrets import hash_secret, new_secret

__all__ = (
    "TOKEN_PREFIX",
    "TokenCreated",
    "create_token",
    "list_tokens",
    "principal_for_token",
    "revoke_token",
)

TOKEN_PREFIX = "snt_"
MAX_LIFETIME = timedelta(days=366)
# Scopes a token may carry: reading and reporting, plus the writes machines make.
GRANTABLE = frozenset(Action) - {Action.PUBLIC, Action.TOKEN_MANAGE, Action.USER_MANAGE}


@dataclass(frozen=True, slots=True)
class TokenCreated:
    """The new token's row id and its secret, which is shown exactly once."""

    token_id: int
    secret: str


async def create_token(
    principal: Principal, *, name: str, scopes: list[str], expires_at: datetime
) -> TokenCreated:
    """Mint a token for ``principal``'s own account, with scopes they hold themselves."""
    now = clock.now()
    if expires_at.tzinfo is None:
        raise InvalidInput("needs a time zone offset", field="expires_at")
    if expires_at <= now:
        raise InvalidInput("must be in the future", field="expires_at")
    if expires_at - now > MAX_LIFETIME:
        raise InvalidInput("at most one year ahead", field="expires_at")
    if not scopes:
        raise InvalidInput("name at least one scope", field="scopes")
    parsed: list[Action] = []
    for index, scope in enumerate(scopes):
        try:
            action = Action(scope)
        except ValueError:
            raise InvalidInput(f"unknown scope {scope!r}", field=f"scopes[{index}]") from None
        if action not in GRANTABLE:
            raise InvalidInput(f"scope {scope!r} cannot be granted", field=f"scopes[{index}]")
        if not decide(principal, action):
            raise InvalidInput(f"you do not hold {scope!r} yourself", field=f"scopes[{index}]")
        parsed.append(action)
    secret = new_secret(TOKEN_PREFIX)
    row = ApiToken(
        user=principal.user_id,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_secret(secret),
        scopes=sorted({a.value for a in parsed}),
        created_at=now,
        expires_at=expires_at,
    )
    await row.save()
    return TokenCreated(int(row.id), secret)


async def list_tokens(user_id: int) -> list[dict[str, object]]:
    rows = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.scopes,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
        )
        .where(ApiToken.user == user_id)
        .order_by(ApiToken.id)
        .output(load_json=True)
    )
    return list(rows)


async def revoke_token(user_id: int, token_id: int) -> None:
    updated = (
        await ApiToken.update({ApiToken.revoked_at: clock.now()})
        .where(
            (ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
        )
        .returning(ApiToken.id)
    )
    if not updated:
        raise NotFound("no such active token of yours", field="token_id", source="path")


async def principal_for_token(secret: str) -> Principal | None:
    """The principal a bearer token acts as, or ``None`` if unknown/expired/revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = clock.now()
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.user, ApiToken.scopes, ApiToken.expires_at)
        .where((ApiToken.token_hash == hash_secret(secret)) & ApiToken.revoked_at.is_null())
        .output(load_json=True)
        .first()
    )
    if row is None or row["expires_at"] <= now:
        return None
    principal = await load_principal(int(row["user"]))
    if principal is None:
        return None
    await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    scopes = frozenset(Action(s) for s in row["scopes"] if s in Action._value2member_map_)
    return Principal(
        user_id=principal.user_id,
        email=principal.email,
        bindings=principal.bindings,
        specialist_id=principal.specialist_id,
        token_scopes=scopes,
    )

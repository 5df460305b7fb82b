"""Managing one's own API tokens (from a signed-in browser session only)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody

from network.accounts import schemas, tokens
from network.accounts.guards import ACTION_KEY, actor_of, signed_in_principal
from network.accounts.policy import Action, Principal
from network.audit.service import record

__all__ = ("TokenController",)


async def _session_principal(request: Request[Any, Any, Any]) -> Principal:
    principal = await signed_in_principal(request)
    if principal.token_scopes is not None:
        raise PermissionDeniedException("API tokens are managed from a signed-in session")
    return principal


class TokenController(Controller):
    path = "/api/v1/tokens"
    tags = ["API tokens"]
    opt = {ACTION_KEY: Action.TOKEN_MANAGE}

    @get("/", operation_id="listTokens")
    async def list_tokens(self, request: Request[Any, Any, Any]) -> list[schemas.Token]:
        """Your API tokens (never their secrets)."""
        principal = await _session_principal(request)
        return msgspec.convert(await tokens.list_tokens(principal.user_id), list[schemas.Token])

    @post("/", operation_id="createToken")
    async def create_token(
        self, request: Request[Any, Any, Any], data: JSONBody[schemas.TokenCreate]
    ) -> schemas.TokenSecret:
        """Create a token acting as you, limited to the given scopes. The secret is shown once."""
        principal = await _session_principal(request)
        created = await tokens.create_token(
            principal, name=data.name, scopes=data.scopes, expires_at=data.expires_at
        )
        await record(
            actor_of(request, principal),
            "token.create",
            "api_token",
            created.token_id,
            detail={"scopes": sorted(data.scopes)},
        )
        return schemas.TokenSecret(id=created.token_id, token=created.secret)

    @delete("/{token_id:int}", operation_id="revokeToken")
    async def revoke_token(self, request: Request[Any, Any, Any], token_id: FromPath[int]) -> None:
        """Revoke one of your tokens; it stops working at once."""
        principal = await _session_principal(request)
        await tokens.revoke_token(principal.user_id, token_id)
        await record(actor_of(request, principal), "token.revoke", "api_token", token_id)

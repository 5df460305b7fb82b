"""The accounts API: sign-in (dev mode), sign-out, the current user, the
administration of users and role bindings, and one's own API tokens."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Redirect, Template

from network.accounts import admin, schemas, tokens
from network.accounts.guards import ACTION_KEY, Ctx, actor_of
from network.accounts.oidc import safe_next
from network.accounts.principals import user_id_for_email
from network.accounts.schemas import DevLoginForm
from network.accounts.signin import sign_in, sign_out
from network.audit.services import record
from network.kernel.context import Context
from network.kernel.policy import Action, Principal
from network.lib.demo_users import DEMO_USERS
from network.lib.errors import InvalidInput
from network.lib.vocab import AuditOutcome
from network.web.render import render

__all__ = ("DevLoginController", "SessionController", "TokenController", "UserController")


class DevLoginController(Controller):
    """Demo sign-in as one of the seeded users. Registered only when NETWORK_ENV=dev."""

    path = "/auth"
    tags = ["sign-in"]
    opt = {ACTION_KEY: Action.PUBLIC}

    @post("/dev-login", operation_id="devLogin", status_code=200)
    async def dev_login(
        self, request: Request[Any, Any, Any], data: JSONBody[schemas.DevLogin]
    ) -> schemas.Me:
        """Sign in as a seeded demo user by e-mail (dev mode only)."""
        if not request.app.state.settings.is_dev:
            raise NotFoundException()  # belt and braces: the route is not even registered in prod
        user_id = await _demo_user(request, data.email)
        return me_of(await sign_in(request, user_id, method="dev"))

    @get("/dev-login", name="dev-login", include_in_schema=False)
    async def dev_login_page(self, request: Request[Any, Any, Any]) -> Template:
        """Demo sign-in page: one button per seeded demo user (dev mode only)."""
        if not request.app.state.settings.is_dev:
            raise NotFoundException()

        return await render(request, "auth/dev_login.html.j2", demo_users=DEMO_USERS)

    @post("/dev-login/form", include_in_schema=False)
    async def dev_login_form(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[DevLoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        """The page's form: sign in and go to the start page."""
        if not request.app.state.settings.is_dev:
            raise NotFoundException()
        user_id = await _demo_user(request, data.email)
        await sign_in(request, user_id, method="dev")
        return Redirect(safe_next(data.next), status_code=303)


class SessionController(Controller):
    path = "/"
    tags = ["sign-in"]

    @post("/auth/logout", operation_id="logout", status_code=200, opt={ACTION_KEY: Action.PUBLIC})
    async def logout(self, request: Request[Any, Any, Any]) -> dict[str, bool]:
        """End the session (works when already signed out)."""
        await sign_out(request)
        return {"signed_out": True}

    @post("/auth/logout/form", include_in_schema=False, opt={ACTION_KEY: Action.PUBLIC})
    async def logout_form(self, request: Request[Any, Any, Any]) -> Redirect:
        """The header's sign-out button: end the session and go to the start page."""
        await sign_out(request)
        return Redirect("/", status_code=303)

    @get("/api/v1/me", operation_id="me", opt={ACTION_KEY: Action.SIGNED_IN})
    async def me(self, ctx: Ctx, request: Request[Any, Any, Any]) -> schemas.Me:
        """The signed-in user and their roles."""
        return me_of(ctx.principal)


def me_of(principal: Principal) -> schemas.Me:
    return schemas.Me(
        id=principal.user_id,
        email=principal.email,
        roles=[
            schemas.RoleOut(role=b.role.value, county=b.county, municipality=b.municipality)
            for b in principal.bindings
        ],
        specialist_id=principal.specialist_id,
    )


async def _demo_user(request: Request[Any, Any, Any], email: str) -> int:
    """The active user with this e-mail; a failed attempt is audited, then refused."""
    user_id = await user_id_for_email(email)
    if user_id is None:
        await record(
            actor_of(request, None),
            "auth.sign_in_failed",
            "user",
            outcome=AuditOutcome.DENIED,
            detail={"method": "dev", "reason": "no active user with this e-mail"},
        )
        raise InvalidInput("no active user with this e-mail", field="email", source="body")
    return user_id


Query = Annotated[str | None, QueryParameter(max_length=100)]


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["administration"]
    opt = {ACTION_KEY: Action.USER_MANAGE}

    @get("/", operation_id="listUsers")
    async def list_users(
        self, ctx: Ctx, request: Request[Any, Any, Any], q: Query = None
    ) -> list[schemas.UserOut]:
        """Users with a role in the municipalities or counties you administer."""
        rows = await admin.list_users(ctx.principal, q)
        return msgspec.convert(rows, list[schemas.UserOut])

    @post("/", operation_id="createUser")
    async def create_user(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[schemas.UserCreate]
    ) -> schemas.UserOut:
        """Pre-register a user (matched by e-mail at first sign-in) with a first role."""
        place = await admin.resolve_place(data.municipality, data.county)
        user_id = await admin.add_user(
            ctx,
            email=data.email,
            display_name=data.display_name,
            role=data.role,
            place=place,
        )
        return await _one(ctx, user_id)

    @patch("/{user_id:int}", operation_id="updateUser")
    async def update_user(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: JSONBody[schemas.UserUpdate],
    ) -> schemas.UserOut:
        """Enable or disable a user; disabling ends their sessions at once."""
        await admin.set_active(ctx, user_id, data.active)
        return await _one(ctx, user_id)

    @post("/{user_id:int}/roles", operation_id="grantRole")
    async def grant(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: JSONBody[schemas.BindingCreate],
    ) -> schemas.UserOut:
        """Give a user a role in a municipality or county you administer."""
        place = await admin.resolve_place(data.municipality, data.county)
        await admin.grant_role(ctx, user_id, data.role, place)
        return await _one(ctx, user_id)

    @delete("/{user_id:int}/roles/{binding_id:int}", operation_id="revokeRole")
    async def revoke(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        binding_id: FromPath[int],
    ) -> None:
        """Take a role binding away."""
        await admin.revoke_role(ctx, user_id, binding_id)


async def _one(ctx: Context, user_id: int) -> schemas.UserOut:
    rows = await admin.list_users(ctx.principal, user_id=user_id)
    if not rows:  # e.g. the last in-scope role was just removed
        return schemas.UserOut(id=user_id, email="", display_name="", active=False, roles=[])
    return msgspec.convert(rows[0], schemas.UserOut)


def _session_only(ctx: Context) -> Principal:
    if ctx.principal.token_scopes is not None:
        raise PermissionDeniedException("API tokens are managed from a signed-in session")
    return ctx.principal


class TokenController(Controller):
    path = "/api/v1/tokens"
    tags = ["API tokens"]
    opt = {ACTION_KEY: Action.TOKEN_MANAGE}

    @get("/", operation_id="listTokens")
    async def list_tokens(self, ctx: Ctx, request: Request[Any, Any, Any]) -> list[schemas.Token]:
        """Your API tokens (never their secrets)."""
        principal = _session_only(ctx)
        return msgspec.convert(await tokens.list_tokens(principal.user_id), list[schemas.Token])

    @post("/", operation_id="createToken")
    async def create_token(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[schemas.TokenCreate]
    ) -> schemas.TokenSecret:
        """Create a token acting as you, limited to the given scopes. The secret is shown once."""
        principal = _session_only(ctx)
        created = await tokens.create_token(
            principal, name=data.name, scopes=data.scopes, expires_at=data.expires_at
        )
        await record(
            ctx.actor,
            "token.create",
            "api_token",
            created.token_id,
            detail={"scopes": sorted(data.scopes)},
        )
        return schemas.TokenSecret(id=created.token_id, token=created.secret)

    @delete("/{token_id:int}", operation_id="revokeToken")
    async def revoke_token(
        self, ctx: Ctx, request: Request[Any, Any, Any], token_id: FromPath[int]
    ) -> None:
        """Revoke one of your tokens; it stops working at once."""
        principal = _session_only(ctx)
        await tokens.revoke_token(principal.user_id, token_id)
        await record(ctx.actor, "token.revoke", "api_token", token_id)

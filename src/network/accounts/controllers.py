"""Sign-in (dev mode), sign-out and the current user."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, JSONBody
from litestar.response import Redirect, Template

from network.accounts import schemas
from network.accounts.guards import ACTION_KEY, actor_of, signed_in_principal
from network.accounts.oidc import safe_next
from network.accounts.policy import Action, Principal
from network.accounts.principals import user_id_for_email
from network.accounts.schemas import DevLoginForm
from network.accounts.signin import sign_in, sign_out
from network.audit.service import record
from network.lib.demo_users import DEMO_USERS
from network.lib.errors import InvalidInput
from network.lib.vocab import AuditOutcome
from network.web.render import render

__all__ = ("DevLoginController", "SessionController")


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
    async def me(self, request: Request[Any, Any, Any]) -> schemas.Me:
        """The signed-in user and their roles."""
        principal = await signed_in_principal(request)
        return me_of(principal)


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

"""The administrator's users page: search, add, grant and revoke roles, (de)activate."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from network.accounts import admin, schemas
from network.accounts.guards import ACTION_KEY, Ctx
from network.kernel.policy import Action
from network.lib.errors import DomainError, InvalidInput
from network.lib.vocab import Role
from network.web.forms import to_struct
from network.web.parties import place_choices, place_names
from network.web.render import render

__all__ = ("AdminPages",)


class UserForm(msgspec.Struct, kw_only=True):
    email: str = ""
    display_name: str = ""
    role: str = ""
    place: str = ""
    _csrf_token: str = ""


class ActiveForm(msgspec.Struct, kw_only=True):
    active: str = ""
    _csrf_token: str = ""


FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


def _place_codes(code: str) -> tuple[str | None, str | None]:
    """The form's place: a municipality (four digits) or a county (two)."""
    code = code.strip()
    if not re.fullmatch(r"\d{2}|\d{4}", code):
        raise InvalidInput(
            "give a municipality (four digits) or a county (two digits)", field="place"
        )
    return (code, None) if len(code) == 4 else (None, code)


class AdminPages(Controller):
    """The administrator's page: users of your scope, their roles, add/remove/disable."""

    path = "/admin/users"
    include_in_schema = False
    opt = {ACTION_KEY: Action.USER_MANAGE}

    async def _page(
        self, ctx: Ctx, request: Request[Any, Any, Any], *, error: DomainError | None = None
    ) -> Template:
        template = await render(
            request,
            "admin/users.html.j2",
            users=await admin.list_users(ctx.principal, request.query_params.get("q")),
            roles=[r.value for r in Role],
            places=await place_choices(),
            place_names=await place_names(),
            error=error,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/", name="admin-users")
    async def page(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Template:
        """List and administer the users of your municipalities or county."""
        return await self._page(ctx, request)

    async def _do(
        self, ctx: Ctx, request: Request[Any, Any, Any], action: Callable[[], Awaitable[None]]
    ) -> Template | Redirect:
        try:
            await action()
        except DomainError as error:
            return await self._page(ctx, request, error=error)
        return Redirect("/admin/users", status_code=303)

    @post("/add", name="admin-add-user")
    async def add(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: Annotated[UserForm, FormBody]
    ) -> Template | Redirect:
        """The "add user" form."""

        async def run() -> None:
            role = _role(data.role)
            # The API's checks of the e-mail address and the name, naming the field.
            checked = to_struct(
                {
                    "email": data.email,
                    "display_name": data.display_name.strip() or data.email,
                    "role": role,
                },
                schemas.UserCreate,
            )
            place = await admin.resolve_place(*_place_codes(data.place))
            await admin.add_user(
                ctx,
                email=checked.email,
                display_name=checked.display_name,
                role=role,
                place=place,
            )

        return await self._do(ctx, request, run)

    @post("/{user_id:int}/roles", name="admin-grant")
    async def grant(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: Annotated[UserForm, FormBody],
    ) -> Template | Redirect:
        """The "add role" form of one user."""

        async def run() -> None:
            place = await admin.resolve_place(*_place_codes(data.place))
            await admin.grant_role(ctx, user_id, _role(data.role), place)

        return await self._do(ctx, request, run)

    @post("/{user_id:int}/roles/{binding_id:int}/remove", name="admin-revoke")
    async def revoke(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        binding_id: FromPath[int],
    ) -> Template | Redirect:
        """The "remove" button of one role binding."""

        async def run() -> None:
            await admin.revoke_role(ctx, user_id, binding_id)

        return await self._do(ctx, request, run)

    @post("/{user_id:int}/active", name="admin-active")
    async def active(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: Annotated[ActiveForm, FormBody],
    ) -> Template | Redirect:
        """The enable/disable button of one user."""

        async def run() -> None:
            await admin.set_active(ctx, user_id, data.active == "true")

        return await self._do(ctx, request, run)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}", field="role") from None

"""Administering users and role bindings: the JSON API and the web page."""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Redirect, Template

from network.accounts import admin, schemas
from network.accounts.guards import ACTION_KEY, actor_of, signed_in_principal
from network.accounts.policy import Action, Principal
from network.lib.errors import DomainError, InvalidInput
from network.lib.vocab import Role
from network.web.forms import to_struct
from network.web.render import render

__all__ = ("AdminPages", "UserController")

Query = Annotated[str | None, QueryParameter(max_length=100)]


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["administration"]
    opt = {ACTION_KEY: Action.USER_MANAGE}

    @get("/", operation_id="listUsers")
    async def list_users(
        self, request: Request[Any, Any, Any], q: Query = None
    ) -> list[schemas.UserOut]:
        """Users with a role in the municipalities or counties you administer."""
        rows = await admin.list_users(await signed_in_principal(request), q)
        return msgspec.convert(rows, list[schemas.UserOut])

    @post("/", operation_id="createUser")
    async def create_user(
        self, request: Request[Any, Any, Any], data: JSONBody[schemas.UserCreate]
    ) -> schemas.UserOut:
        """Pre-register a user (matched by e-mail at first sign-in) with a first role."""
        principal = await signed_in_principal(request)
        place = await admin.resolve_place(data.municipality, data.county)
        user_id = await admin.add_user(
            principal,
            actor_of(request, principal),
            email=data.email,
            display_name=data.display_name,
            role=data.role,
            place=place,
        )
        return await _one(principal, user_id)

    @patch("/{user_id:int}", operation_id="updateUser")
    async def update_user(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: JSONBody[schemas.UserUpdate],
    ) -> schemas.UserOut:
        """Enable or disable a user; disabling ends their sessions at once."""
        principal = await signed_in_principal(request)
        await admin.set_active(principal, actor_of(request, principal), user_id, data.active)
        return await _one(principal, user_id)

    @post("/{user_id:int}/roles", operation_id="grantRole")
    async def grant(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: JSONBody[schemas.BindingCreate],
    ) -> schemas.UserOut:
        """Give a user a role in a municipality or county you administer."""
        principal = await signed_in_principal(request)
        place = await admin.resolve_place(data.municipality, data.county)
        await admin.grant_role(principal, actor_of(request, principal), user_id, data.role, place)
        return await _one(principal, user_id)

    @delete("/{user_id:int}/roles/{binding_id:int}", operation_id="revokeRole")
    async def revoke(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], binding_id: FromPath[int]
    ) -> None:
        """Take a role binding away."""
        principal = await signed_in_principal(request)
        await admin.revoke_role(principal, actor_of(request, principal), user_id, binding_id)


async def _one(principal: Principal, user_id: int) -> schemas.UserOut:
    rows = await admin.list_users(principal, user_id=user_id)
    if not rows:  # e.g. the last in-scope role was just removed
        return schemas.UserOut(id=user_id, email="", display_name="", active=False, roles=[])
    return msgspec.convert(rows[0], schemas.UserOut)


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
        self, request: Request[Any, Any, Any], *, error: DomainError | None = None
    ) -> Template:
        principal = await signed_in_principal(request)
        template = await render(
            request,
            "admin/users.html.j2",
            users=await admin.list_users(principal, request.query_params.get("q")),
            roles=[r.value for r in Role],
            error=error,
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/", name="admin-users")
    async def page(self, request: Request[Any, Any, Any]) -> Template:
        """List and administer the users of your municipalities or county."""
        return await self._page(request)

    async def _do(self, request: Request[Any, Any, Any], action: Any) -> Template | Redirect:
        try:
            await action(await signed_in_principal(request))
        except DomainError as error:
            return await self._page(request, error=error)
        return Redirect("/admin/users", status_code=303)

    @post("/add", name="admin-add-user")
    async def add(
        self, request: Request[Any, Any, Any], data: Annotated[UserForm, FormBody]
    ) -> Template | Redirect:
        """The "add user" form."""

        async def run(principal: Principal) -> None:
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
                principal,
                actor_of(request, principal),
                email=checked.email,
                display_name=checked.display_name,
                role=role,
                place=place,
            )

        return await self._do(request, run)

    @post("/{user_id:int}/roles", name="admin-grant")
    async def grant(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: Annotated[UserForm, FormBody],
    ) -> Template | Redirect:
        """The "add role" form of one user."""

        async def run(principal: Principal) -> None:
            place = await admin.resolve_place(*_place_codes(data.place))
            await admin.grant_role(
                principal, actor_of(request, principal), user_id, _role(data.role), place
            )

        return await self._do(request, run)

    @post("/{user_id:int}/roles/{binding_id:int}/remove", name="admin-revoke")
    async def revoke(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], binding_id: FromPath[int]
    ) -> Template | Redirect:
        """The "remove" button of one role binding."""

        async def run(principal: Principal) -> None:
            await admin.revoke_role(principal, actor_of(request, principal), user_id, binding_id)

        return await self._do(request, run)

    @post("/{user_id:int}/active", name="admin-active")
    async def active(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: Annotated[ActiveForm, FormBody],
    ) -> Template | Redirect:
        """The enable/disable button of one user."""

        async def run(principal: Principal) -> None:
            await admin.set_active(
                principal, actor_of(request, principal), user_id, data.active == "true"
            )

        return await self._do(request, run)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}", field="role") from None

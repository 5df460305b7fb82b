"""The administrator's users pages: search and page through users, add one; one user's
page with their roles (grant, revoke) and disabling the account after a confirmation."""

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
from network.lib.errors import Conflict, DomainError, InvalidInput, NotFound
from network.lib.vocab import N_, Role
from network.web.forms import to_struct
from network.web.paging import Paging
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
    confirm: str = ""
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


USERS_PER_PAGE = 25
# The success banner after a save: ``?notice=<key>`` on the page it leads to.
NOTICES = {
    "added": N_("The user is added."),
    "granted": N_("The role is added."),
    "revoked": N_("The role is removed."),
    "disabled": N_("The account is disabled. The user can no longer sign in."),
    "enabled": N_("The account is enabled again."),
}


def _notice(request: Request[Any, Any, Any]) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))


class AdminPages(Controller):
    """The administrator's pages: the users of your scope (search, paging, add), and
    one user's page (roles, add a role, disable with a confirmation)."""

    path = "/admin/users"
    include_in_schema = False
    opt = {ACTION_KEY: Action.USER_MANAGE}

    async def _list(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        *,
        error: DomainError | None = None,
        form: UserForm | None = None,
    ) -> Template:
        query = request.query_params.get("q")
        offset = Paging.offset_of(request, USERS_PER_PAGE)
        users, total = await admin.users_page(
            ctx.principal, query, offset=offset, limit=USERS_PER_PAGE
        )
        template = await render(
            request,
            "admin/users.html.j2",
            users=users,
            paging=Paging.of(request, per_page=USERS_PER_PAGE, total=total, path=self.path),
            roles=[r.value for r in Role],
            places=await place_choices(),
            place_names=await place_names(),
            error=error,
            form=form or UserForm(),
            notice=None if error else _notice(request),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    async def _user(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: int,
        *,
        template_name: str = "admin/user.html.j2",
        error: DomainError | None = None,
        form: UserForm | None = None,
    ) -> Template:
        found = await admin.list_users(ctx.principal, user_id=user_id)
        if not found:
            raise NotFound("no such user in your scope", field="user_id", source="path")
        template = await render(
            request,
            template_name,
            user=found[0],
            own=found[0]["id"] == ctx.principal.user_id,
            roles=[r.value for r in Role],
            places=await place_choices(),
            place_names=await place_names(),
            error=error,
            form=form or UserForm(),
            notice=None if error else _notice(request),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/", name="admin-users")
    async def page(self, ctx: Ctx, request: Request[Any, Any, Any]) -> Template:
        """List and search the users of your municipalities or county, a page at a time."""
        return await self._list(ctx, request)

    @get("/{user_id:int}", name="admin-user")
    async def user(
        self, ctx: Ctx, request: Request[Any, Any, Any], user_id: FromPath[int]
    ) -> Template:
        """One user: their roles, adding and removing one, and the account's status."""
        return await self._user(ctx, request, user_id)

    @get("/{user_id:int}/disable", name="admin-disable-confirm")
    async def confirm_disable(
        self, ctx: Ctx, request: Request[Any, Any, Any], user_id: FromPath[int]
    ) -> Template:
        """The confirmation step before an account is disabled."""
        template = await self._user(ctx, request, user_id, template_name="admin/disable.html.j2")
        if template.context["own"]:
            error = Conflict(admin.OWN_ACCOUNT, field="active")
            return await self._user(ctx, request, user_id, error=error)
        return template

    @post("/add", name="admin-add-user")
    async def add(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: Annotated[UserForm, FormBody]
    ) -> Template | Redirect:
        """The "add user" form."""
        try:
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
            user_id = await admin.add_user(
                ctx,
                email=checked.email,
                display_name=checked.display_name,
                role=role,
                place=place,
            )
        except DomainError as error:
            return await self._list(ctx, request, error=error, form=data)
        return Redirect(f"/admin/users/{user_id}?notice=added", status_code=303)

    async def _on_user(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: int,
        action: Callable[[], Awaitable[str]],
        *,
        form: UserForm | None = None,
        template_name: str = "admin/user.html.j2",
    ) -> Template | Redirect:
        try:
            notice = await action()
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            return await self._user(
                ctx, request, user_id, error=error, form=form, template_name=template_name
            )
        return Redirect(f"/admin/users/{user_id}?notice={notice}", status_code=303)

    @post("/{user_id:int}/roles", name="admin-grant")
    async def grant(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: Annotated[UserForm, FormBody],
    ) -> Template | Redirect:
        """The "add role" form of one user."""

        async def run() -> str:
            place = await admin.resolve_place(*_place_codes(data.place))
            await admin.grant_role(ctx, user_id, _role(data.role), place)
            return "granted"

        return await self._on_user(ctx, request, user_id, run, form=data)

    @post("/{user_id:int}/roles/{binding_id:int}/remove", name="admin-revoke")
    async def revoke(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        binding_id: FromPath[int],
    ) -> Template | Redirect:
        """The "remove" button of one role binding."""

        async def run() -> str:
            await admin.revoke_role(ctx, user_id, binding_id)
            return "revoked"

        return await self._on_user(ctx, request, user_id, run)

    @post("/{user_id:int}/active", name="admin-active")
    async def active(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: Annotated[ActiveForm, FormBody],
    ) -> Template | Redirect:
        """Enable an account, or disable it once the confirmation box is ticked."""
        enable = data.active == "true"

        async def run() -> str:
            if not enable and data.confirm != "yes":
                # The service refuses one's own account (409) before the box is asked for.
                if user_id == ctx.principal.user_id:
                    await admin.set_active(ctx, user_id, False)
                raise InvalidInput("tick the box to confirm", field="confirm")
            await admin.set_active(ctx, user_id, enable)
            return "enabled" if enable else "disabled"

        return await self._on_user(
            ctx,
            request,
            user_id,
            run,
            template_name="admin/user.html.j2" if enable else "admin/disable.html.j2",
        )


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}", field="role") from None

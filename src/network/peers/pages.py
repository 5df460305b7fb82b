"""The peer group pages: my groups (``/peers``), and one group (``/peers/{area}``) with
its members, its network meetings (sign-up, and starting a series for a specialist of
the area or a coordinator) and its thread with the post and reply forms.

Plain HTML forms over the same use cases as the API; a refused post or reply comes
back on the group's page exactly as typed, the guard's findings marked in place.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.conferences import participation
from network.kernel.context import Context
from network.kernel.policy import Action
from network.lib.deidentified import FORM_CHECKED
from network.lib.errors import DomainError, Forbidden, InvalidInput, NotFound
from network.lib.schema import AreaCode
from network.lib.vocab import N_
from network.peers import group, meetings, schemas, thread
from network.web.forms import form_fields, refused, to_struct
from network.web.paging import Paging, page_number
from network.web.render import render

__all__ = ("PeerPages",)

AnyRequest = Request[Any, Any, Any]
CHECKED = {FORM_CHECKED: True}
NOTICES = {
    "posted": N_("Your post is shared with the peer group."),
    "replied": N_("Your reply is shared with the peer group."),
    "signed_up": N_("You are signed up for the network meeting."),
}
# Which form a refusal belongs to, so the page shows it beside that form.
POST_FORM, MEETINGS_FORM = "post", "meetings"


class PeerPages(Controller):
    path = "/peers"
    include_in_schema = False

    @get("/", name="peers", opt={ACTION_KEY: Action.PEER_READ})
    async def index(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The peer groups: one per competence area you have (every area for a
        coordinator)."""
        try:
            items = await group.my_groups(ctx)
        except DomainError as error:
            return await refused(request, error)
        return await render(request, "peers/index.html.j2", items=items)

    async def _group(
        self,
        ctx: Context,
        request: AnyRequest,
        area: str,
        *,
        error: DomainError | None = None,
        form: dict[str, Any] | None = None,
        where: str = "",
    ) -> Template:
        item = await group.get_group(ctx, area)
        page = page_number(request) if error is None else 1
        posts = await thread.thread(ctx, area, page=page) if item.member else None
        paging = (
            Paging.of(
                request,
                per_page=thread.PER_PAGE,
                total=posts.total,
                fragment="thread",
                path=f"/peers/{area}",
            )
            if posts is not None and error is None
            else None
        )
        notice = request.query_params.get("notice") if error is None else None
        template = await render(
            request,
            "peers/group.html.j2",
            item=item,
            posts=posts,
            paging=paging,
            error=error,
            where=where,
            form=form or {},
            notice=NOTICES.get(notice or ""),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/{area_code:str}", name="peer-group", opt={ACTION_KEY: Action.PEER_READ})
    async def group_page(
        self, ctx: Ctx, request: AnyRequest, area_code: FromPath[AreaCode]
    ) -> Template:
        try:
            return await self._group(ctx, request, area_code)
        except DomainError as error:
            return await refused(request, error)

    async def _refused_here(
        self,
        ctx: Context,
        request: AnyRequest,
        area: str,
        error: DomainError,
        form: dict[str, Any],
        where: str,
    ) -> Template:
        if isinstance(error, Forbidden | NotFound):
            return await refused(request, error)
        try:
            return await self._group(ctx, request, area, error=error, form=form, where=where)
        except DomainError as unreadable:
            return await refused(request, unreadable)

    @post(
        "/{area_code:str}/posts",
        name="peer-post",
        opt={ACTION_KEY: Action.PEER_THREAD, **CHECKED},
    )
    async def create_post(
        self, ctx: Ctx, request: AnyRequest, area_code: FromPath[AreaCode]
    ) -> Template | Redirect:
        """Post to the thread; a refusal keeps what was typed and marks the findings."""
        form = await form_fields(request)
        try:
            data = to_struct(
                {"subject": form.get("subject", ""), "body": form.get("body", "")},
                schemas.PostIn,
                case_texts=frozenset({"subject", "body"}),
            )
            made = await thread.post(ctx, area_code, data)
        except DomainError as error:
            return await self._refused_here(ctx, request, area_code, error, form, POST_FORM)
        return Redirect(f"/peers/{area_code}?notice=posted#post-{made.id}", status_code=303)

    @post(
        "/{area_code:str}/posts/{post_id:int}/replies",
        name="peer-reply",
        opt={ACTION_KEY: Action.PEER_THREAD, **CHECKED},
    )
    async def reply(
        self, ctx: Ctx, request: AnyRequest, area_code: FromPath[AreaCode], post_id: FromPath[int]
    ) -> Template | Redirect:
        """Reply in a post's thread; a refusal keeps what was typed under that post."""
        form = await form_fields(request)
        try:
            data = to_struct(
                {"body": form.get("body", "")}, schemas.ReplyIn, case_texts=frozenset({"body"})
            )
            await thread.reply(ctx, post_id, data)
        except DomainError as error:
            return await self._refused_here(
                ctx, request, area_code, error, form, f"reply-{post_id}"
            )
        return Redirect(f"/peers/{area_code}?notice=replied#post-{post_id}", status_code=303)

    @post(
        "/{area_code:str}/sessions/{session_id:int}/signup",
        name="peer-signup",
        opt={ACTION_KEY: Action.CONFERENCE_JOIN, **CHECKED},
    )
    async def sign_up(
        self,
        ctx: Ctx,
        request: AnyRequest,
        area_code: FromPath[AreaCode],
        session_id: FromPath[int],
    ) -> Template | Redirect:
        """Sign up for a network meeting (the conferences' sign-up: a seat, counted)."""
        try:
            await participation.sign_up(ctx, session_id)
        except DomainError as error:
            return await self._refused_here(ctx, request, area_code, error, {}, MEETINGS_FORM)
        return Redirect(f"/peers/{area_code}?notice=signed_up#meetings", status_code=303)

    @post(
        "/{area_code:str}/meetings",
        name="peer-meetings",
        opt={ACTION_KEY: Action.PEER_READ, **CHECKED},
    )
    async def start_meetings(
        self, ctx: Ctx, request: AnyRequest, area_code: FromPath[AreaCode]
    ) -> Template | Redirect:
        """Start the group's network meetings; its sessions are then scheduled on the
        series' page (a booking in the host's calendar)."""
        form = await form_fields(request)
        try:
            fields: dict[str, Any] = {
                "title": form.get("title", ""),
                "cadence": form.get("cadence", "monthly"),
                "mode": form.get("mode", "video"),
            }
            for name in ("duration_minutes", "capacity", "hub"):
                value = form.get(name, "").strip()
                if value:
                    if not value.isdigit():
                        raise InvalidInput("Expected `int`", field=name)
                    fields[name] = int(value)
            if form.get("county", "").strip():
                fields["county"] = form["county"].strip()
            data = to_struct(fields, schemas.MeetingSeriesIn)
            made = await meetings.start_meetings(ctx, area_code, data)
        except DomainError as error:
            return await self._refused_here(ctx, request, area_code, error, form, MEETINGS_FORM)
        return Redirect(f"/conferences/{made.id}", status_code=303)

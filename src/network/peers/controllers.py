"""The peer group API: my groups, one group (members and network meetings), starting
a group's network meetings, and the group's de-identified thread.

Signing up for a meeting, scheduling its sessions and recording attendance are the
conference routes' (``/api/v1/conferences/...``): network meetings are conference
series of kind ``peer_network``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.conferences.schemas import SeriesOut
from network.kernel.policy import Action
from network.lib.deidentified import CASE_TEXTS
from network.lib.schema import AreaCode
from network.peers import group, meetings, schemas, thread

__all__ = ("PeerController",)

AnyRequest = Request[Any, Any, Any]
READ = {ACTION_KEY: Action.PEER_READ}
THREAD = {ACTION_KEY: Action.PEER_THREAD}
Page = Annotated[int, QueryParameter(ge=1, le=100_000)]


class PeerController(Controller):
    path = "/api/v1/peers"
    tags = ["peers"]

    @get("/", operation_id="listPeerGroups", opt=READ)
    async def list_groups(self, ctx: Ctx, request: AnyRequest) -> list[schemas.GroupSummary]:
        """Your peer groups: one per competence area you have (every area's for a
        coordinator), with the number of specialists and the next meeting."""
        return await group.my_groups(ctx)

    @get("/{area_code:str}", operation_id="getPeerGroup", opt=READ)
    async def get_group(
        self, ctx: Ctx, request: AnyRequest, area_code: FromPath[AreaCode]
    ) -> schemas.GroupOut:
        """A competence area's peer group: its specialists in every municipality (with
        municipality and county) and its network meetings with their sessions."""
        return await group.get_group(ctx, area_code)

    @post("/{area_code:str}/meetings", operation_id="startPeerMeetings", opt=READ)
    async def start_meetings(
        self,
        ctx: Ctx,
        request: AnyRequest,
        area_code: FromPath[AreaCode],
        data: JSONBody[schemas.MeetingSeriesIn],
    ) -> SeriesOut:
        """A series of network meetings hosted by a specialist of the area (sessions are
        then scheduled with ``POST /api/v1/conferences/{id}/sessions``, a booking in the
        host's calendar)."""
        return await meetings.start_meetings(ctx, area_code, data)

    @get("/{area_code:str}/posts", operation_id="listPeerPosts", opt=THREAD)
    async def list_posts(
        self, ctx: Ctx, request: AnyRequest, area_code: FromPath[AreaCode], page: Page = 1
    ) -> schemas.PostPage:
        """A page of the group's thread, newest first, with replies (the area's
        specialists only; reading is audited)."""
        return await thread.thread(ctx, area_code, page=page)

    @post(
        "/{area_code:str}/posts",
        operation_id="createPeerPost",
        opt={**THREAD, CASE_TEXTS: frozenset({"subject", "body"})},
    )
    async def create_post(
        self,
        ctx: Ctx,
        request: AnyRequest,
        area_code: FromPath[AreaCode],
        data: JSONBody[schemas.PostIn],
    ) -> schemas.PostOut:
        """A de-identified question or experience for the group; its specialists are told."""
        return await thread.post(ctx, area_code, data)

    @get("/posts/{post_id:int}", operation_id="getPeerPost", opt=THREAD)
    async def get_post(
        self, ctx: Ctx, request: AnyRequest, post_id: FromPath[int]
    ) -> schemas.PostOut:
        """One post with its replies."""
        return await thread.get_post(ctx, post_id)

    @post(
        "/posts/{post_id:int}/replies",
        operation_id="replyToPeerPost",
        opt={**THREAD, CASE_TEXTS: frozenset({"body"})},
    )
    async def reply(
        self,
        ctx: Ctx,
        request: AnyRequest,
        post_id: FromPath[int],
        data: JSONBody[schemas.ReplyIn],
    ) -> schemas.ReplyOut:
        """A de-identified reply; the post's author is told."""
        return await thread.reply(ctx, post_id, data)

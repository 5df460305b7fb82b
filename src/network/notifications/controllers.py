"""Notifications: the inbox (API and page), the live stream, a test notification."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, ServerSentEvent, ServerSentEventMessage, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.directory.services import list_areas
from network.kernel.outbox import channel_for
from network.kernel.policy import Action
from network.lib import clock
from network.lib.errors import NotFound
from network.lib.vocab import NotificationKind
from network.notifications import services
from network.notifications.schemas import NotificationOut, UnreadCount
from network.web.render import render

__all__ = ("InboxPage", "NotificationController")

AnyRequest = Request[Any, Any, Any]
KEEP_ALIVE_SECONDS = 15.0


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    opt = {ACTION_KEY: Action.SIGNED_IN}

    @get("/", operation_id="listNotifications")
    async def list_notifications(
        self,
        ctx: Ctx,
        request: AnyRequest,
        unread: Annotated[bool, QueryParameter(description="only unread ones")] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
    ) -> list[NotificationOut]:
        """Your notifications, newest first."""
        rows = await services.list_for(
            ctx.principal.user_id, unread_only=unread, limit=limit, offset=offset
        )
        answers = await services.offer_answers(ctx.principal.user_id, rows)
        return [
            NotificationOut(**row, answer=answers[row["id"]][0] if row["id"] in answers else None)
            for row in rows
        ]

    @get("/unread-count", operation_id="unreadNotifications")
    async def unread(self, ctx: Ctx, request: AnyRequest) -> UnreadCount:
        return UnreadCount(count=await services.unread_count(ctx.principal.user_id))

    @post("/{notification_id:int}/read", operation_id="readNotification", status_code=200)
    async def read(
        self, ctx: Ctx, request: AnyRequest, notification_id: FromPath[int]
    ) -> UnreadCount:
        """Mark one of your notifications read; the unread count after it."""
        if not await services.mark_read(ctx.principal.user_id, notification_id):
            raise NotFound("no such notification of yours", field="notification_id", source="path")
        return UnreadCount(count=await services.unread_count(ctx.principal.user_id))

    @post("/read-all", operation_id="readAllNotifications", status_code=200)
    async def read_all(self, ctx: Ctx, request: AnyRequest) -> UnreadCount:
        await services.mark_all_read(ctx.principal.user_id)
        return UnreadCount(count=0)

    @post("/test", operation_id="testNotification")
    async def test(self, ctx: Ctx, request: AnyRequest) -> UnreadCount:
        """Send yourself a test notification (and e-mail, when configured)."""
        async with ctx.work():
            await services.notify(
                [ctx.principal.user_id],
                NotificationKind.TEST,
                object_type="user",
                object_id=ctx.principal.user_id,
                link="/inbox",
            )
        return UnreadCount(count=await services.unread_count(ctx.principal.user_id))

    @get("/stream", operation_id="streamNotifications")
    async def stream(
        self, ctx: Ctx, request: AnyRequest, channels: NamedDependency[ChannelsPlugin]
    ) -> ServerSentEvent:
        """Server-sent events: ``notification`` as they happen (from any app process),
        a comment every 15 s to keep proxies from closing the connection."""
        channel = channel_for(ctx.principal.user_id)

        async def events() -> AsyncIterator[ServerSentEventMessage]:
            arrived: asyncio.Queue[bytes] = asyncio.Queue()
            async with (
                channels.start_subscription([channel]) as subscriber,
                subscriber.run_in_background(arrived.put),
            ):
                yield ServerSentEventMessage(event="ready", data="{}")
                while True:
                    try:
                        data = await asyncio.wait_for(arrived.get(), KEEP_ALIVE_SECONDS)
                    except TimeoutError:
                        yield ServerSentEventMessage(comment="keep-alive")
                        continue
                    yield ServerSentEventMessage(event="notification", data=data.decode())

        return ServerSentEvent(events(), headers={"Cache-Control": "no-cache"})


class InboxPage(Controller):
    path = "/inbox"
    include_in_schema = False
    opt = {ACTION_KEY: Action.SIGNED_IN}

    @get("/", name="inbox")
    async def inbox(self, ctx: Ctx, request: AnyRequest) -> Template:
        """Your notifications."""
        return await render(
            request,
            "notifications/inbox.html.j2",
            notices=await services.inbox(ctx.principal.user_id, limit=100),
            now=clock.now(),
            areas={a.code: a for a in await list_areas()},
        )

    @post("/{notification_id:int}/read", name="inbox-read")
    async def read(self, ctx: Ctx, request: AnyRequest, notification_id: FromPath[int]) -> Redirect:
        """Open a notification: mark it read and go to what it is about."""
        rows = [
            r
            for r in await services.list_for(ctx.principal.user_id, limit=200)
            if r["id"] == notification_id
        ]
        if not rows:
            raise NotFound("no such notification of yours", field="notification_id")
        await services.mark_read(ctx.principal.user_id, notification_id)
        return Redirect(rows[0]["link"], status_code=303)

    @post("/read-all", name="inbox-read-all")
    async def read_all(self, ctx: Ctx, request: AnyRequest) -> Redirect:
        await services.mark_all_read(ctx.principal.user_id)
        return Redirect("/inbox", status_code=303)

"""A peer group's thread: questions and experience shared by the area's specialists,
and the replies to them.

Only the area's specialists read or write it (:func:`network.peers.access.require_thread`;
on PostgreSQL also the row-level security of ``peer_post`` and ``peer_reply``). Both
texts pass the same de-identification guard as a consultation's summary (personal
identity and coordination numbers, phone numbers, e-mail addresses: a 400 naming the
field, every finding at once). Every write and every read is audited as case data
(ids only, never text). A new post tells the group's other specialists; a reply tells
the post's author (a fixed sentence, the area and a link: no text travels).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from network.audit.services import record
from network.conferences.schemas import Place
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.lib import clock
from network.lib.deidentified import finding_errors, refuse
from network.lib.errors import InvalidInput, NotFound
from network.lib.vocab import NotificationKind
from network.notifications.services import notify
from network.peers import schemas
from network.peers.access import Group, load_group, require_thread
from network.peers.tables import PeerPost, PeerReply
from network.specialists.tables import SpecialistProfile

__all__ = ("PER_PAGE", "get_post", "post", "reply", "thread")

PER_PAGE = 10


def _checked(**texts: str) -> dict[str, str]:
    """Every text through the guard (all findings of all fields in one refusal), then
    stripped; an empty one is refused naming its field."""
    refuse([error for field, text in texts.items() for error in finding_errors(field, text)])
    cleaned = {field: text.strip() for field, text in texts.items()}
    for field, text in cleaned.items():
        if not text:
            raise InvalidInput("write something", field=field)
    return cleaned


def _place(code: str | None, name: str | None) -> Place | None:
    return Place(code=code, name=name or code) if code else None


async def _replies(post_ids: list[int]) -> dict[int, list[schemas.ReplyOut]]:
    rows = (
        await PeerReply.select(
            PeerReply.id,
            PeerReply.post,
            PeerReply.author,
            PeerReply.author._.display_name.as_alias("author_name"),
            PeerReply.municipality._.code.as_alias("code"),
            PeerReply.municipality._.name.as_alias("place"),
            PeerReply.body,
            PeerReply.created_at,
        )
        .where(PeerReply.post.is_in(post_ids or [0]))
        .order_by(PeerReply.created_at)
        .order_by(PeerReply.id)
    )
    out: dict[int, list[schemas.ReplyOut]] = {}
    for r in rows:
        out.setdefault(r["post"], []).append(
            schemas.ReplyOut(
                id=r["id"],
                post=r["post"],
                author=r["author"],
                author_name=r["author_name"],
                municipality=_place(r["code"], r["place"]),
                body=r["body"],
                created_at=r["created_at"],
            )
        )
    return out


async def _posts(
    condition: Any, *, offset: int = 0, limit: int | None = None
) -> list[schemas.PostOut]:
    query = (
        PeerPost.select(
            PeerPost.id,
            PeerPost.area._.code.as_alias("area"),
            PeerPost.author,
            PeerPost.author._.display_name.as_alias("author_name"),
            PeerPost.municipality._.code.as_alias("code"),
            PeerPost.municipality._.name.as_alias("place"),
            PeerPost.subject,
            PeerPost.body,
            PeerPost.created_at,
        )
        .where(condition)
        .order_by(PeerPost.created_at, ascending=False)
        .order_by(PeerPost.id, ascending=False)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = await query
    replies = await _replies([r["id"] for r in rows])
    return [
        schemas.PostOut(
            id=r["id"],
            area=r["area"],
            author=r["author"],
            author_name=r["author_name"],
            municipality=_place(r["code"], r["place"]),
            subject=r["subject"],
            body=r["body"],
            created_at=r["created_at"],
            replies=replies.get(r["id"], []),
        )
        for r in rows
    ]


async def _audit_read(ctx: Context, group: Group, posts: list[schemas.PostOut]) -> None:
    if posts:
        await record(
            ctx.actor,
            "peer_thread.read",
            "peer_group",
            group.area,
            detail={"posts": [p.id for p in posts]},
        )


async def thread(ctx: Context, area: str, *, page: int = 1) -> schemas.PostPage:
    """One page of the area's thread (newest post first, :data:`PER_PAGE` a page)."""
    async with ctx.work():
        group = await load_group(area)
        require_thread(ctx.principal, group)
        condition = PeerPost.area == group.area_id
        total = await PeerPost.count().where(condition)
        posts = await _posts(condition, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
        await _audit_read(ctx, group, posts)
        return schemas.PostPage(items=posts, page=page, per_page=PER_PAGE, total=total)


async def _group_of_post(post_id: int) -> tuple[Group, int | None]:
    """The group a post belongs to and its author (read whoever asks: ids only, so a
    specialist of another area is told 403, not 404, on either engine)."""
    async with system_scope(PeerPost._meta.db):
        row = (
            await PeerPost.select(PeerPost.area._.code.as_alias("area"), PeerPost.author)
            .where(PeerPost.id == post_id)
            .first()
        )
    if row is None:
        raise NotFound("no such post", field="post_id", source="path")
    return await load_group(row["area"], field="post_id"), row["author"]


async def get_post(ctx: Context, post_id: int) -> schemas.PostOut:
    """One post with its replies (the area's specialists only)."""
    async with ctx.work():
        group, _ = await _group_of_post(post_id)
        require_thread(ctx.principal, group, field="post_id")
        posts = await _posts(PeerPost.id == post_id)
        await _audit_read(ctx, group, posts)
        return posts[0]


async def _author(ctx: Context, group: Group) -> tuple[int, str, str]:
    """The writer's home (id, kommunkod, county): they are one of the group's."""
    assert ctx.principal.specialist_id is not None  # require_thread checked it
    return group.members[ctx.principal.specialist_id]


async def _users_of(specialist_ids: list[int]) -> list[int]:
    rows = await SpecialistProfile.select(SpecialistProfile.user).where(
        SpecialistProfile.id.is_in(specialist_ids or [0])
    )
    return [r["user"] for r in rows]


async def post(
    ctx: Context, area: str, data: schemas.PostIn, *, now: datetime | None = None
) -> schemas.PostOut:
    """A new question or experience in the area's thread; the group's other
    specialists are told."""
    texts = _checked(subject=data.subject, body=data.body)
    now = now or clock.now()
    async with ctx.work():
        group = await load_group(area)
        require_thread(ctx.principal, group)
        home_id, home, county = await _author(ctx, group)
        made = PeerPost(
            area=group.area_id,
            author=ctx.principal.user_id,
            municipality=home_id,
            subject=texts["subject"],
            body=texts["body"],
            created_at=now,
        )
        await made.save()
        await record(
            ctx.actor,
            "peer_post.create",
            "peer_post",
            made.id,
            municipality=home,
            county=county,
            detail={"area": group.area},
        )
        others = [u for u in await _users_of(sorted(group.members)) if u != ctx.principal.user_id]
        await notify(
            others,
            NotificationKind.PEER_QUESTION,
            object_type="peer_post",
            object_id=made.id,
            link=f"/peers/{group.area}#post-{made.id}",
            params={"area": group.area},
        )
        return (await _posts(PeerPost.id == made.id))[0]


async def reply(
    ctx: Context, post_id: int, data: schemas.ReplyIn, *, now: datetime | None = None
) -> schemas.ReplyOut:
    """A reply in a post's thread; the post's author is told (not when replying to
    oneself)."""
    texts = _checked(body=data.body)
    now = now or clock.now()
    async with ctx.work():
        group, author = await _group_of_post(post_id)
        require_thread(ctx.principal, group, field="post_id")
        home_id, home, county = await _author(ctx, group)
        made = PeerReply(
            post=post_id,
            area=group.area_id,
            author=ctx.principal.user_id,
            municipality=home_id,
            body=texts["body"],
            created_at=now,
        )
        await made.save()
        await record(
            ctx.actor,
            "peer_reply.create",
            "peer_reply",
            made.id,
            municipality=home,
            county=county,
            detail={"area": group.area, "post": post_id},
        )
        if author is not None and author != ctx.principal.user_id:
            await notify(
                [author],
                NotificationKind.PEER_REPLY,
                object_type="peer_post",
                object_id=post_id,
                link=f"/peers/{group.area}#post-{post_id}",
                params={"area": group.area},
            )
        replies = await _replies([post_id])
        return next(r for r in replies[post_id] if r.id == made.id)

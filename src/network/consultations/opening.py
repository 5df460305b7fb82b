"""Opening a request: the use cases behind "save" and "send" of a request, for the
API and the pages alike.

A request sent to a named specialist is offered to them (or their stand-in) at
once; when they cannot take it (absent with no stand-in, full, not eligible), it
stays open and its page shows suggestions. This rule lives here only, so that the
API and the form cannot drift apart (the page's "send" once skipped it).
"""

from __future__ import annotations

import contextlib

from network.consultations import offers, requests, schemas
from network.kernel.context import Context
from network.lib.errors import DomainError

__all__ = ("create_request", "open_request")


async def create_request(ctx: Context, data: schemas.ConsultationCreate) -> int:
    """Save a new request as a draft, or (``data.submit``) open it and offer it to the
    named specialist; its id."""
    request_id = await requests.create(ctx, data)
    if data.submit:
        await _offer_to_named(ctx, request_id, data.named_specialist)
    return request_id


async def open_request(ctx: Context, request_id: int) -> None:
    """Open a draft: it waits for a specialist, and is offered to the named one."""
    named = await requests.submit(ctx, request_id)
    await _offer_to_named(ctx, request_id, named)


async def _offer_to_named(ctx: Context, request_id: int, named: int | None) -> None:
    if named is None:
        return
    with contextlib.suppress(DomainError):  # it stays open; its page shows suggestions
        await offers.offer(ctx, request_id, named)

"""Where notifications leave the app: a live push on the channel ``user.<id>`` (Redis
pub/sub when configured, so a browser connected to any process hears it) and, when
``NETWORK_SMTP_URL`` is set, an e-mail sent in the background that never holds up or
breaks the request.

One :class:`Outbox` per app, made by the composition root; the unit of work hands it
what a change announced once the change has committed (:mod:`network.kernel.unit`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Protocol

from litestar.channels import ChannelsPlugin

from network.lib.vocab import NotificationKind

__all__ = ("Mailer", "Outbox", "channel_for")

logger = logging.getLogger("network.notifications")
DRAIN_SECONDS = 5


def channel_for(user_id: int) -> str:
    """The push channel of one user."""
    return f"user.{user_id}"


class Mailer(Protocol):
    """Sends one notification e-mail (:class:`network.notifications.email.Mailer`)."""

    async def send(
        self, to: str, kind: NotificationKind, link: str, params: dict[str, str]
    ) -> None: ...


class Outbox:
    """The app's channels and mailer; without them (a CLI pass, a service tested
    alone) nothing is pushed or mailed, and the inbox rows are still written."""

    def __init__(
        self, channels: ChannelsPlugin | None = None, mailer: Mailer | None = None
    ) -> None:
        self.channels = channels
        self.mailer = mailer
        self._tasks: set[asyncio.Task[None]] = set()

    def push(self, users: list[int], payload: Mapping[str, str]) -> None:
        """Tell the browsers of ``users`` (each re-reads its inbox)."""
        if self.channels is None or not users:
            return
        try:
            self.channels.publish(dict(payload), [channel_for(u) for u in users])
        except RuntimeError:  # the channels plugin has stopped (the app is shutting down)
            logger.warning("notification push skipped: channels not running")

    def mail(self, to: str, kind: NotificationKind, link: str, params: Mapping[str, str]) -> None:
        """Send one e-mail in the background (its failures are logged by the mailer)."""
        if self.mailer is None:
            return
        task = asyncio.get_running_loop().create_task(
            self.mailer.send(to, kind, link, dict(params))
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait a little for the e-mails under way (the app stopping)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=DRAIN_SECONDS)

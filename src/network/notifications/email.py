"""Notification e-mail over SMTP (aiosmtplib), when ``NETWORK_SMTP_URL`` is set.

The message is the notification's fixed sentence in Swedish and English and a
link into the app; never case text. Failures are logged, not raised: the request
that caused the notification has already succeeded.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

from network.lib.vocab import NOTICE_LABELS, ROLE_LABELS, NotificationKind
from network.web.i18n import translator

__all__ = ("Mailer", "compose")

logger = logging.getLogger("network.notifications.email")


def compose(
    sender: str,
    to: str,
    kind: NotificationKind,
    url: str,
    params: dict[str, str],
    area_names: tuple[str, str] = ("", ""),
) -> EmailMessage:
    """The bilingual message for one notification (``area_names``: Swedish, English)."""
    area_sv, area_en = area_names
    start = params.get("start")
    moment = datetime.fromisoformat(start) if start else None
    deadline = params.get("deadline")
    answer_by = datetime.fromisoformat(deadline) if deadline else None
    lines = {}
    for language, area in (("sv", area_sv), ("en", area_en)):
        words = translator(language)
        when = words.when(moment) if moment else ""
        role = params.get("role", "")
        line = words.gettext(NOTICE_LABELS[kind.value]).format(
            area=area,
            start=when,
            role=words.gettext(ROLE_LABELS[role]) if role in ROLE_LABELS else role,
            place=params.get("place", ""),
            title=params.get("title", ""),
        )
        if answer_by is not None:
            line += " · " + words.gettext("Answer by %(when)s") % {"when": words.when(answer_by)}
        if params.get("topic"):
            line += " · " + words.gettext("Topic") + ": " + params["topic"]
        if params.get("how"):
            line += " · " + words.gettext("How to meet") + ": " + params["how"]
        lines[language] = line
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Specialistnätet: {lines['sv'].split(' · ')[0]}"
    message.set_content(
        f"{lines['sv']}\n{url}\n\n{lines['en']}\n{url}\n\n"
        "Det här meddelandet innehåller inga uppgifter om ärendet; logga in för att se det.\n"
        "This message holds no case details; sign in to see them.\n"
    )
    return message


class Mailer:
    def __init__(self, smtp_url: str, sender: str, public_url: str) -> None:
        parts = urlsplit(smtp_url)
        self.hostname = parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.use_tls = parts.scheme == "smtps"
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.public_url = public_url.rstrip("/")

    async def send(
        self,
        to: str,
        kind: NotificationKind,
        link: str,
        params: dict[str, str],
        area_names: tuple[str, str] = ("", ""),
    ) -> None:
        """Send one message; needs no database (everything is passed in)."""
        try:
            url = self.public_url + link
            message = compose(self.sender, to, kind, url, params, area_names)
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                use_tls=self.use_tls,
                username=self.username,
                password=self.password,
                timeout=10,
            )
        except Exception:
            logger.exception("notification e-mail to a user failed")

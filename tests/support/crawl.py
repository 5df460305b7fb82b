"""Helpers for the browser crawler: which links to follow, and the English the
Swedish pages must never show (from the message catalogue)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ("INTERNAL_TEXTS", "english_phrases", "link_key", "should_follow")

ROOT = Path(__file__).resolve().parents[2]
SV_CATALOGUE = ROOT / "src/network/web/locales/sv/LC_MESSAGES/messages.po"

# Links a crawler must not follow: signing out, live streams, feeds and downloads,
# the API and its documentation (tested on their own), static files.
_SKIP = re.compile(
    r"^/(auth/logout|api/|calendar/|static/|schema)|/stream|\.(csv|ics|json|geojson|svg|png|pdf|xlsx)$"
    r"|/(export|download|feed)(/|$)"
)
# Policy refusals and API field errors as the JSON API words them: never on a page.
INTERNAL_TEXTS = (
    "no role of yours may",
    "Sign in first",
    '"status_code"',
    "consultation.read",
    "must be after starts_at",
    "overlaps another interval",
)


def should_follow(href: str, origin: str) -> str | None:
    """The path and query of ``href`` if it is a same-origin page to visit, else None."""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or parts.netloc != origin:
        return None
    if _SKIP.search(parts.path) or "lang=" in parts.query:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_key(path: str) -> str:
    """Pages of one kind share a key (ids and queries left out): the crawler visits a
    few of each kind rather than every booking of the demo network."""
    return re.sub(r"/\d+", "/{id}", path.split("?", 1)[0])


def english_phrases() -> tuple[str, ...]:
    """English sentences of the catalogue whose Swedish differs: a Swedish page that
    shows one has text that was not translated. Only phrases of three words or more
    without placeholders, so that names and single words (``E-post``) do not count."""
    text = SV_CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M)
    phrases = []
    for msgid, msgstr in entries:
        if not msgid or not msgstr or msgid == msgstr or "%" in msgid or "{" in msgid:
            continue
        if len(msgid.split()) >= 3 and msgid.lower() not in msgstr.lower():
            phrases.append(msgid)
    return tuple(phrases)

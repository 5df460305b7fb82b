"""Swedish first, English second: gettext catalogues (Babel) and locale negotiation.

Catalogues live in ``locales/<lang>/LC_MESSAGES/messages.po`` next to this module;
the ``.mo`` files are compiled from them on first use (and whenever a ``.po`` is
newer), so a fresh clone needs no build step. To add strings:

    uv run pybabel extract -F babel.cfg -o src/network/web/locales/messages.pot .
    uv run pybabel update -i src/network/web/locales/messages.pot -d src/network/web/locales
    # translate the new entries in sv/ (and copy the msgid to msgstr in en/)

Locale choice for a request: ``?lang=sv|en`` (also stored in the ``lang`` cookie),
else the ``lang`` cookie, else the ``Accept-Language`` header, else Swedish.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

__all__ = (
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "ROLE_LABELS",
    "Translator",
    "negotiate",
    "translator",
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
_DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


ROLE_LABELS = {
    "social_worker": N_("Social worker"),
    "specialist": N_("Specialist"),
    "coordinator": N_("Coordinator"),
    "analyst": N_("R&D analyst"),
    "admin": N_("Administrator"),
}
_compile_lock = threading.Lock()


def _compiled(language: str) -> Path:
    """The ``.mo`` of ``language``, compiled from its ``.po`` if missing or stale."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{_DOMAIN}.po", folder / f"{_DOMAIN}.mo"
    with _compile_lock:
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=language)
            tmp = mo.with_suffix(".mo.tmp")
            with tmp.open("wb") as target:
                write_mo(target, catalog)
            tmp.replace(mo)
    return mo


class Translator:
    """Everything a template needs for one language."""

    def __init__(self, language: str) -> None:
        _compiled(language)
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = Translations.load(str(LOCALES_DIR), [language], _DOMAIN)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def number(self, value: int | float | Decimal) -> str:
        """A number as this language writes it (Swedish: non-breaking space thousands)."""
        return format_decimal(value, locale=self.locale)

    def context(self) -> dict[str, object]:
        gettext: Callable[[str], str] = self.gettext
        return {
            "_": gettext,
            "gettext": gettext,
            "ngettext": self.ngettext,
            "number": self.number,
            "lang": self.language,
            "other_lang": "en" if self.language == "sv" else "sv",
            "role_labels": ROLE_LABELS,
        }


@cache
def translator(language: str) -> Translator:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    return Translator(language)


def negotiate(query: str | None, cookies: Mapping[str, str], accept_language: str | None) -> str:
    """The language for a request (see the module docstring for the order)."""
    for candidate in (query, cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    if accept_language:
        wanted = []
        for part in accept_language.split(","):
            tag, _, quality = part.strip().partition(";q=")
            try:
                weight = float(quality) if quality else 1.0
                language = Locale.parse(tag.strip().replace("-", "_")).language
            except (ValueError, UnknownLocaleError):
                continue
            wanted.append((weight, language))
        for _, language in sorted(wanted, key=lambda item: -item[0]):
            if language in LANGUAGES:
                return language
    return DEFAULT_LANGUAGE

"""Warn about likely names of clients: a common first name followed by a surname.

A pattern cannot tell a client's name from a colleague's, a place's or a law's, so
names are only *warned* about, never refused. What counts as a likely name: a
capitalised word that is one of Sweden's common first names (SCB's name
statistics, :mod:`network.privacy.name_lists`), followed by a capitalised word that
is a common surname or has the shape of a Swedish surname (``…sson``, ``…berg``,
``…ström``, ``…qvist`` …), as in "Anna Svensson" or "Mohammed Ali-Hassan".
A first name alone ("Anna är 12 år") is not warned about: it identifies a family
only with other details, which the forms remind the user of.
"""

from __future__ import annotations

import re

from network.privacy.guard import Finding, FindingKind
from network.privacy.name_lists import FIRST_NAMES, SURNAMES
from network.privacy.normal import normalise

__all__ = ("suspected_names",)

_WORD = r"[^\W\d_][^\W\d_'’]*(?:-[^\W\d_][^\W\d_'’]*)?"
_PAIR = re.compile(rf"(?<![\w-])({_WORD})[ ]+({_WORD})(?![\w-])")
_SURNAME_SHAPE = re.compile(
    r"(?:sson|son|berg|ström|strom|qvist|kvist|quist|gren|lund|holm|blad|dahl|stedt|stam"
    r"|lin|bäck|sjö|mark|vall|fors|borg|man|ander|ius|ell)$",
    re.IGNORECASE,
)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _is_surname(word: str) -> bool:
    parts = _title(word).split("-")
    return any(p in SURNAMES or (len(p) > 4 and _SURNAME_SHAPE.search(p)) for p in parts)


def suspected_names(text: str) -> list[Finding]:
    """Likely first name + surname pairs in ``text``, as findings of kind ``name``
    (spans of ``text`` as given)."""
    normalised = normalise(text)
    findings: list[Finding] = []
    position = 0
    folded = normalised.text
    while (match := _PAIR.search(folded, position)) is not None:
        first, last = match.group(1), match.group(2)
        if (
            _capitalised(first)
            and _capitalised(last)
            and _title(first).split("-")[0] in FIRST_NAMES
            and _is_surname(last)
        ):
            start, end = normalised.original_span(match.start(), match.end())
            findings.append(Finding(FindingKind.NAME, start, end))
            position = match.end()
        else:
            position = match.start(2)  # the second word may begin the next pair
    return findings

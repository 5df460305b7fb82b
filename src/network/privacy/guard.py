"""Find Swedish personal identity numbers, coordination numbers, phone numbers and
e-mail addresses in free text.

What it catches:

- personnummer: 10 or 12 digits (``YYMMDD-NNNC``, ``YYYYMMDDNNNC``, with ``-``, ``+``
  or nothing between), with a valid Luhn check digit and a real date, validated by
  the ``personnummer`` library;
- samordningsnummer: the same with day + 60;
- phone numbers: Swedish (``0…``, ``+46…``, ``0046…``) and international (``+…``)
  numbers with 8 to 15 digits, spaces, dashes or parentheses allowed between;
- e-mail addresses.

What passes: numbers that only look alike (a wrong check digit, an impossible
date, case numbers such as ``2024/1234`` or ``Dnr 2024-1234``, dates, times,
kommunkoder, years).

What it does NOT catch, by design of a pattern guard: names, addresses, school or
unit names, rare diagnoses or events that identify a family in a small place.
The form reminds the user of that; it is their responsibility.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from personnummer import personnummer as _pnr

__all__ = ("Finding", "FindingKind", "scan")


class FindingKind(StrEnum):
    PERSONAL_IDENTITY_NUMBER = "personal_identity_number"
    COORDINATION_NUMBER = "coordination_number"
    PHONE_NUMBER = "phone_number"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind and its span ``text[start:end]``."""

    kind: FindingKind
    start: int
    end: int


# Digits not glued to other digits or letters on either side.
_IDENTITY = re.compile(r"(?<![\w+])(?:\d{2})?\d{6}[-+]?\d{4}(?!\w)")
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s\-()]{6,20}\d(?![\w])")
_PHONE_START = re.compile(r"^(?:\+|00|0)")
# Shaped like an identity number (YYMMDD-NNNN or 12 digits): a failed identity
# number, not a phone number.
_IDENTITY_SHAPE = re.compile(r"^(?:\d{6}[-+]\d{4}|\d{8}[-+]?\d{4})$")


def _identity_kind(candidate: str) -> FindingKind | None:
    try:
        number = _pnr.Personnummer(candidate)
    except (_pnr.PersonnummerException, ValueError):
        return None
    if number.is_coordination_number():
        return FindingKind.COORDINATION_NUMBER
    return FindingKind.PERSONAL_IDENTITY_NUMBER


def _is_phone(candidate: str) -> bool:
    candidate = candidate.lstrip("(")
    if not _PHONE_START.match(candidate) or _IDENTITY_SHAPE.match(candidate):
        return False
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+") or candidate.startswith("00"):
        return 8 <= len(digits) <= 15
    # National Swedish numbers: 0 + area code + subscriber number, 8 to 10 digits.
    return 8 <= len(digits) <= 10 and not candidate.startswith("00")


def scan(text: str) -> list[Finding]:
    """All findings in ``text``, ordered by position, never overlapping."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: FindingKind, start: int, end: int) -> None:
        findings.append(Finding(kind, start, end))
        taken.append((start, end))

    for match in _EMAIL.finditer(text):
        add(FindingKind.EMAIL, match.start(), match.end())
    for match in _IDENTITY.finditer(text):
        kind = _identity_kind(match.group())
        if kind is not None and free(match.start(), match.end()):
            add(kind, match.start(), match.end())
    for match in _PHONE.finditer(text):
        candidate = match.group().rstrip(" -")
        end = match.start() + len(candidate)
        if _is_phone(candidate) and free(match.start(), end):
            add(FindingKind.PHONE_NUMBER, match.start(), end)
    return sorted(findings, key=lambda f: f.start)

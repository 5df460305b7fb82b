"""Find Swedish personal identity numbers, coordination numbers, phone numbers and
e-mail addresses in free text, however they are written.

The text is first normalised (:mod:`network.privacy.normal`): Unicode NFKC, format
characters removed (zero-width space and joiners, word joiner, soft hyphen, BOM),
every dash read as ``-`` (en dash, minus sign, non-breaking hyphen …), every space
and line break as a space, every decimal digit as ASCII (fullwidth, Arabic-Indic).
Findings are reported as spans of the text *as the user wrote it*.

What it catches (refused by the services):

- **personnummer**: ``YYMMDD`` or ``YYYYMMDD`` followed by four digits, written
  together or with ``-``, ``+``, spaces or a line break between (spaces around the
  dash too), and with the date's parts separated by dashes, dots or spaces
  (``85-01-01-1234``); glued to letters or underscores (``pnr8501011234``). The
  date must be a real date; the check digit need **not** be right: a mistyped
  number identifies the person as well as the right one.
- **samordningsnummer**: the same with day + 60.
- **phone numbers**: Swedish (``0…`` with 8–10 digits, ``+46…``, ``0046…``) and
  international (``+…``, 8–15 digits) numbers with spaces, dashes, dots, slashes
  or parentheses between the digits.
- **e-mail addresses**, with non-ASCII letters in either part, a fullwidth at sign,
  and the written-out forms ``[at]``/``(at)`` and ``[dot]``/``(punkt)``.

What passes: dates (``2024-05-12``, ``12.05.2024``), times (``08.30–09.15``), years
and year ranges, case and diary numbers (``2024-1234``, ``Dnr 2023/456``), SFS
references (``2021:1069``), kronor, hours, ages, postal codes, kommunkoder,
organisation numbers (their "month" is 20 or more), short numbers of public
services (112, 1177, 114 14, 116 111), non-geographic service numbers (020…, 077…,
0900…) and a landline number directly after the name of a public service
(``Socialjouren 08-508 00 000``; a mobile number is refused even there).

What it does NOT catch, by the nature of a pattern guard: numbers spelled in words
or with letters for digits, names (:func:`network.privacy.names.suspected_names`
only warns about likely ones), addresses, school or unit names, rare diagnoses or
events that identify a family in a small place. The forms remind the user of that.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from network.privacy.normal import normalise

__all__ = ("Finding", "FindingKind", "scan")


class FindingKind(StrEnum):
    PERSONAL_IDENTITY_NUMBER = "personal_identity_number"
    COORDINATION_NUMBER = "coordination_number"
    PHONE_NUMBER = "phone_number"
    EMAIL = "email"
    # Only from names.suspected_names: a warning, never a refusal.
    NAME = "name"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind and its span ``text[start:end]``."""

    kind: FindingKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Group:
    """A run of digits in the normalised text and the separator before it."""

    start: int
    end: int
    digits: str
    separator: str  # the punctuation between it and the previous group, spaces removed


# What may stand between two digit groups of one number: spaces or line breaks,
# at most two punctuation marks, spaces again.
_GAP = re.compile(r"[ \n]{0,3}[-+./()]{0,2}[ \n]{0,3}")
_DIGITS = re.compile(r"\d+")


def _chains(text: str) -> Iterator[list[_Group]]:
    """Digit groups that follow each other with only separators between."""
    chain: list[_Group] = []
    previous_end = -1
    for match in _DIGITS.finditer(text):
        gap = text[previous_end : match.start()] if chain else ""
        linked = bool(chain) and _GAP.fullmatch(gap) is not None
        if chain and not linked:
            yield chain
            chain = []
        separator = gap.strip(" \n") if chain else ""
        chain.append(_Group(match.start(), match.end(), match.group(), separator))
        previous_end = match.end()
    if chain:
        yield chain


# --- identity and coordination numbers ---------------------------------------------

_DATE_SEPARATORS = frozenset({"", "-", "."})
_SERIAL_SEPARATORS = frozenset({"", "-", "+"})
_CENTURIES = frozenset({"18", "19", "20"})


def _real_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]


def _luhn_ok(ten: str) -> bool:
    total = 0
    for index, char in enumerate(ten[:9]):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10 == int(ten[9])


def _identity_kind(digits: str, plus: bool) -> FindingKind | None:
    """The kind of identity number ``digits`` (10 or 12) would be, if its date is real."""
    if len(digits) == 12:
        if digits[:2] not in _CENTURIES:
            return None
        centuries = [int(digits[:2])]
        digits = digits[2:]
    else:
        centuries = [18, 19, 20] if plus else [19, 20]
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    coordination = day > 60
    if coordination:
        day -= 60
    if not any(_real_date(c * 100 + year, month, day) for c in centuries):
        return None
    return FindingKind.COORDINATION_NUMBER if coordination else FindingKind.PERSONAL_IDENTITY_NUMBER


def _is_date_start(chain: list[_Group], k: int) -> bool:
    """Whether ``chain[k]`` is the year of a date ``YYYY-MM-DD`` (as in a date range)."""
    if k + 2 >= len(chain) or len(chain[k].digits) != 4:
        return False
    month, day = chain[k + 1], chain[k + 2]
    return (
        len(month.digits) == len(day.digits) == 2
        and month.separator in {"-", ".", "/"}
        and day.separator == month.separator
        and _real_date(int(chain[k].digits), int(month.digits), int(day.digits))
    )


def _identity_candidates(chain: list[_Group]) -> Iterator[tuple[int, int, str, bool]]:
    """``(first group, last group, digits, plus)`` of each way the chain can hold an
    identity number: groups ``i..k`` with 10 or 12 digits in all whose cuts fall
    between the date's parts (all of them or none, with ``-``, ``.``, a space or
    nothing) and before the last four digits (``-``, ``+``, a space or nothing)."""
    for i in range(len(chain)):
        digits = ""
        cuts: dict[int, str] = {}
        for k in range(i, len(chain)):
            if k > i:
                cuts[len(digits)] = chain[k].separator
            digits += chain[k].digits
            if len(digits) > 12:
                break
            if len(digits) not in (10, 12):
                continue
            year = len(digits) - 8  # 2 or 4
            date_cuts = {year, year + 2}
            serial_cut = year + 4
            inside = set(cuts) & date_cuts
            if set(cuts) - date_cuts - {serial_cut} or inside not in (set(), date_cuts):
                continue
            if any(cuts[c] not in _DATE_SEPARATORS for c in inside):
                continue
            serial = cuts.get(serial_cut, "")
            if serial not in _SERIAL_SEPARATORS:
                continue
            if serial_cut in cuts and _is_date_start(chain, k):
                continue  # "2024-05-12 - 2024-06-01": a date range, not a number
            yield i, k, digits, serial == "+"


# --- phone numbers -------------------------------------------------------------------

# Numbers that no private person has: freephone, shared-cost and premium-rate ranges.
_SERVICE_PREFIXES = ("020", "077", "0900", "0939", "0944")
_MOBILE = re.compile(r"07[0-69]")
# A public service named right before a landline number: given as such, it passes.
_SERVICE_LABEL = re.compile(
    r"(?<!\w)(?:socialjour|socialtjänst|växel|polis|1177|vårdguiden|vårdcentral|bup"
    r"|barn- och ungdomspsykiatri|akutmottagning|ungdomsmottagning|familjecentral"
    r"|kvinnojour|kvinnofridslinjen|brottsofferjour|bris|jourhavande|försäkringskassan"
    r"|skatteverket|migrationsverket|arbetsförmedling|ivo|socialstyrelsen)\w*"
    r"[^\S\n]*(?:[:(]|tel\.?|telefon|nr\.?|nås|på|via|,|\s)*[^\S\n]*$",
    re.IGNORECASE,
)


def _national(digits: str, international: bool) -> str | None:
    """The number as dialled inside Sweden (``0…``), or None for a foreign number."""
    if not international:
        return digits
    if digits.startswith("46"):
        rest = digits[2:]
        return rest if rest.startswith("0") else "0" + rest
    return None


def _is_time_or_date(groups: list[_Group]) -> bool:
    """Times of day (``08.30-09.15``), or a date first (``01.02.2024``, ``01/02/2024``,
    ``01.02.2024 08.30``)."""
    lengths = [len(g.digits) for g in groups]
    if len(groups) >= 3 and lengths[:3] in ([2, 2, 4], [2, 2, 2]):
        day, month = int(groups[0].digits), int(groups[1].digits)
        year = int(groups[2].digits) if lengths[2] == 4 else 2000 + int(groups[2].digits)
        separators = {"-", ".", "/"} if lengths[2] == 4 else {".", "/"}
        if (
            groups[1].separator in separators
            and groups[2].separator == groups[1].separator
            and (len(groups) == 3 or groups[3].separator != groups[1].separator)
            and _real_date(year, month, day)
        ):
            return True
    if len(groups) % 2 == 0 and all(n == 2 for n in lengths):
        pairs = [groups[i : i + 2] for i in range(0, len(groups), 2)]
        return all(
            b.separator in {".", ":"}
            and a.separator not in {".", ":"}  # "08.00.00.00" is a number, not two times
            and int(a.digits) <= 23
            and int(b.digits) <= 59
            for a, b in pairs
        )
    return False


def _identity_shaped(groups: list[_Group]) -> bool:
    """``YYMMDD-NNNN`` or ``YYYYMMDD-NNNN`` whose date is not real: a failed identity
    number (a case reference, say), not a phone number."""
    lengths = [len(g.digits) for g in groups]
    return lengths in ([6, 4], [8, 4]) and groups[1].separator in {"-", "+"}


def _plus_before(text: str, start: int) -> bool:
    """Whether the number starting at ``start`` is written with a leading ``+``."""
    return text[max(0, start - 3) : start].replace("(", "").rstrip(" ").endswith("+")


def _phone_candidates(text: str, chain: list[_Group]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the phone numbers that start in ``chain``."""
    for i, group in enumerate(chain):
        plus = _plus_before(text, group.start)
        international = plus or group.digits.startswith("00")
        if not (international or group.digits.startswith("0")):
            continue
        if i > 0 and not plus:
            previous = chain[i - 1]
            if group.separator:
                continue  # glued to the digits before by punctuation: part of a date or code
            if len(previous.digits) <= 3 and len(group.digits) == 3:
                continue  # "1 050 000 000 kr": thousands, not a number to call
        skip = 0 if plus else 2 if international else 0
        limit = 15 if international else 10
        digits = ""
        last: int | None = None
        for j in range(i, len(chain)):
            digits += chain[j].digits
            if len(digits) - skip > limit:
                break
            if len(digits) - skip >= 8:
                last = j
        if last is None:
            continue
        groups = chain[i : last + 1]
        if _is_time_or_date(groups) or _identity_shaped(groups):
            continue
        significant = "".join(g.digits for g in groups)[skip:]
        national = _national(significant, international)
        if national is not None:
            if national.startswith(_SERVICE_PREFIXES):
                continue
            if not _MOBILE.match(national) and _SERVICE_LABEL.search(
                text, max(0, group.start - 60), group.start
            ):
                continue
        start = group.start
        while start > 0 and text[start - 1] in "+(":
            start -= 1
        yield start, groups[-1].end


# --- e-mail addresses ---------------------------------------------------------------

_AT = r"(?:@|[ ]?[\[(][ ]?(?:at|snabel-a)[ ]?[\])][ ]?)"
_DOT = r"(?:\.|[ ]?[\[(][ ]?(?:dot|punkt)[ ]?[\])][ ]?)"
_EMAIL = re.compile(
    rf"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}"
    r"(?:[^\W\d_]{2,}|xn--[\w-]+)(?![\w-])",
    re.IGNORECASE,
)


def scan(text: str) -> list[Finding]:
    """All findings in ``text``, ordered by position, never overlapping; spans are
    positions (in characters) of ``text`` as given."""
    normalised = normalise(text)
    folded = normalised.text
    taken: list[tuple[FindingKind, int, int]] = []

    def add(kind: FindingKind, start: int, end: int) -> None:
        if all(end <= s or start >= e for _, s, e in taken):
            taken.append((kind, start, end))

    for match in _EMAIL.finditer(folded):
        add(FindingKind.EMAIL, match.start(), match.end())
    chains = list(_chains(folded))
    # Each way a chain can hold an identity number, with the kind its date gives it;
    # ten bare digits from 0 with a wrong check digit are left to the phone pass.
    identities = [
        (
            chain[first].start,
            chain[last].end,
            kind,
            first == last and len(digits) == 10 and digits.startswith("0") and not _luhn_ok(digits),
        )
        for chain in chains
        for first, last, digits, plus in _identity_candidates(chain)
        if (kind := _identity_kind(digits, plus)) is not None
    ]
    for start, end, kind, phone_first in identities:
        if not phone_first:
            add(kind, start, end)
    for chain in chains:
        for start, end in _phone_candidates(folded, chain):
            add(FindingKind.PHONE_NUMBER, start, end)
    # Those ten digits, when not a phone number after all (a service range): still a
    # mistyped identity number when the date is real.
    for start, end, kind, _ in identities:
        add(kind, start, end)
    findings = [Finding(kind, *normalised.original_span(start, end)) for kind, start, end in taken]
    return sorted(findings, key=lambda f: f.start)

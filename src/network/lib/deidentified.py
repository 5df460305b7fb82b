"""Refusing free text that holds personal data, before anything is stored.

The bridge from the pure guard (:func:`network.privacy.scan`) to the error the
API and the forms show: it names the field, the kind of data and its position
(``start``/``end`` in characters), so a form can highlight it in place.
"""

from __future__ import annotations

from network.lib.errors import InvalidInput
from network.privacy import FindingKind, scan

__all__ = ("IDENTITY_NUMBERS", "KIND_LABELS", "require_deidentified", "required_text")

KIND_LABELS = {
    FindingKind.PERSONAL_IDENTITY_NUMBER: "a personal identity number (personnummer)",
    FindingKind.COORDINATION_NUMBER: "a coordination number (samordningsnummer)",
    FindingKind.PHONE_NUMBER: "a phone number",
    FindingKind.EMAIL: "an e-mail address",
}


IDENTITY_NUMBERS = frozenset(
    {FindingKind.PERSONAL_IDENTITY_NUMBER, FindingKind.COORDINATION_NUMBER}
)


def require_deidentified(
    field: str, text: str, *, kinds: frozenset[FindingKind] = frozenset(FindingKind)
) -> str:
    """``text`` unchanged, or :class:`InvalidInput` naming the first finding in it
    (of ``kinds``: every kind of personal data unless told)."""
    findings = [f for f in scan(text) if f.kind in kinds]
    if findings:
        first = findings[0]
        raise InvalidInput(
            f"contains {KIND_LABELS[first.kind]} at characters {first.start}–{first.end}; "
            "remove it: consultations are de-identified",
            field=field,
            kind=first.kind.value,
            start=first.start,
            end=first.end,
        )
    return text


def required_text(field: str, text: str, *, empty: str = "give a reason") -> str:
    """``text`` stripped, refused (naming ``field``) when empty or holding personal data."""
    cleaned = require_deidentified(field, text.strip())
    if not cleaned:
        raise InvalidInput(empty, field=field)
    return cleaned

"""Refusing free text that holds personal data, before anything is stored.

The bridge from the pure guard (:func:`network.privacy.scan`) to the error the
API and the forms show: it names the field, the kind of data and its position
(``start``/``end`` in characters of the text as sent), for **every** finding at
once, so that a form can highlight them all in place and the user fixes them in
one go.

Two rules:

- case text (summaries, messages, reasons): no personal data of any kind found by
  the guard (:func:`require_deidentified`, :func:`required_text`);
- every other text anywhere in a request, JSON or form (an agreement's name, a
  display name, a token's name …): no personal identity or coordination number
  (:func:`require_no_identity_numbers`).

Likely names are warned about, never refused (:func:`name_warnings`).
"""

from __future__ import annotations

from typing import Any

from network.lib.errors import InvalidInput
from network.privacy import Finding, FindingKind, scan, suspected_names

__all__ = (
    "BODY",
    "CASE_TEXTS",
    "FORM_CHECKED",
    "IDENTITY_NUMBERS",
    "KIND_LABELS",
    "MACHINE_FIELDS",
    "REASON",
    "SUMMARY",
    "finding_errors",
    "marked_segments",
    "name_warnings",
    "require_deidentified",
    "require_no_identity_numbers",
    "required_text",
    "texts_of",
)

KIND_LABELS = {
    FindingKind.PERSONAL_IDENTITY_NUMBER: "a personal identity number (personnummer)",
    FindingKind.COORDINATION_NUMBER: "a coordination number (samordningsnummer)",
    FindingKind.PHONE_NUMBER: "a phone number",
    FindingKind.EMAIL: "an e-mail address",
    FindingKind.NAME: "what looks like a person's name",
}


# A route's opt: the top-level body fields that are case text (every kind of personal
# data refused, reported together with identity numbers anywhere else in the body).
CASE_TEXTS = "case_texts"
SUMMARY = frozenset({"summary"})
REASON = frozenset({"reason"})
BODY = frozenset({"body"})
# A route's opt: its handler checks its own form (``web.forms.to_struct`` or the
# services) and shows a refusal in place, keeping what was typed; the body guard
# (``server.bodies``) then leaves the form to it.
FORM_CHECKED = "form_checked"

# Fields the app itself fills in and checks, never text of a person's: the CSRF token
# (128 random hex digits hold a "date" and four digits about once in a hundred).
MACHINE_FIELDS = frozenset({"_csrf_token"})

IDENTITY_NUMBERS = frozenset(
    {FindingKind.PERSONAL_IDENTITY_NUMBER, FindingKind.COORDINATION_NUMBER}
)


def finding_errors(
    field: str, text: str, *, kinds: frozenset[FindingKind] = frozenset(FindingKind)
) -> list[dict[str, Any]]:
    """One error (``field``, ``message``, ``kind``, ``start``, ``end``) per finding of
    ``kinds`` in ``text``, in the order they appear."""
    return [_error(field, f) for f in scan(text) if f.kind in kinds]


def _error(field: str, finding: Finding) -> dict[str, Any]:
    return {
        "field": field,
        "message": f"contains {KIND_LABELS[finding.kind]} at characters "
        f"{finding.start}–{finding.end}; remove it: texts here are de-identified",
        "kind": finding.kind.value,
        "start": finding.start,
        "end": finding.end,
    }


def refuse(errors: list[dict[str, Any]]) -> None:
    """Raise one :class:`InvalidInput` listing every error, if there are any."""
    if not errors:
        return
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise InvalidInput(
        f"{first['message']}{more}",
        field=first["field"],
        errors=errors,
        kind=first["kind"],
        start=first["start"],
        end=first["end"],
    )


def require_deidentified(
    field: str, text: str, *, kinds: frozenset[FindingKind] = frozenset(FindingKind)
) -> str:
    """``text`` unchanged, or :class:`InvalidInput` naming every finding in it (of
    ``kinds``: every kind of personal data unless told)."""
    refuse(finding_errors(field, text, kinds=kinds))
    return text


def required_text(field: str, text: str, *, empty: str = "give a reason") -> str:
    """``text`` stripped, refused (naming ``field``) when empty or holding personal data.

    Positions refer to ``text`` as sent (before stripping), as the form shows it.
    """
    require_deidentified(field, text)
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(empty, field=field)
    return cleaned


def texts_of(value: object, path: str = "") -> list[tuple[str, str]]:
    """Every string and key in a JSON-like document with its path (``a``, ``a.b``,
    ``a[2]``; ``body`` for the document itself)."""
    if isinstance(value, str):
        return [(path or "body", value)]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [(where, str(key)), *texts_of(item, where)]
        return found
    if isinstance(value, list | tuple):
        return [text for i, item in enumerate(value) for text in texts_of(item, f"{path}[{i}]")]
    return []


def require_no_identity_numbers(
    document: object, *, case_texts: frozenset[str] = frozenset()
) -> None:
    """:class:`InvalidInput` naming every personal identity or coordination number in
    any string (or key) of ``document``, with its field's path; in the fields named by
    ``case_texts`` every kind of personal data, all in one refusal."""
    if isinstance(document, dict):
        document = {k: v for k, v in document.items() if k not in MACHINE_FIELDS}
    refuse(
        [
            error
            for path, text in texts_of(document)
            for error in finding_errors(
                path,
                text,
                kinds=frozenset(FindingKind) if path in case_texts else IDENTITY_NUMBERS,
            )
        ]
    )


def name_warnings(text: str) -> list[str]:
    """The likely names of people in ``text`` (a warning, never a refusal)."""
    return [text[f.start : f.end] for f in suspected_names(text)]


def marked_segments(text: str, errors: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each with whether it is one of the errors' spans, so
    that a page can mark every finding in place."""
    spans = sorted(
        (int(e["start"]), int(e["end"]))
        for e in errors
        if "start" in e and 0 <= int(e["start"]) < int(e["end"]) <= len(text)
    )
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        pieces += [(text[position:start], False), (text[start:end], True)]
        position = end
    pieces.append((text[position:], False))
    return [piece for piece in pieces if piece[0]]

"""Checks of every JSON or form request body before any handler runs.

Bodies that are not UTF-8 are refused naming the field that holds the bad bytes.

JSON is UTF-8 (RFC 8259); the decoder would only say "malformed at byte N". When a
JSON body is not UTF-8 it is read again with the bad bytes kept as surrogates, so
that the strings holding them can be named. A form body's values are
percent-decoded and checked one by one: the form parser would otherwise turn bad
bytes into replacement characters and store them.

No text in a request body may hold a personal identity or coordination number, in
whatever field, **whatever the Content-Type says**: a body that is not a form is
read as JSON (a ``text/plain`` or missing Content-Type does not skip the check),
and a form's values are checked the same way. Every finding is named at once.

Page routes that re-render their own form with the refusal in place (keeping what
the user typed) say so with ``opt={FORM_CHECKED: True}``: for them the form is left
to :func:`network.web.forms.to_struct`, which applies the same rule to every value.
(The case text's own, wider de-identification guard runs in the services.)
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from network.lib.deidentified import (
    CASE_TEXTS,
    FORM_CHECKED,
    require_no_identity_numbers,
    texts_of,
)
from network.lib.errors import InvalidInput

__all__ = ("checked_bodies", "non_utf8_fields", "non_utf8_form_fields")

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def checked_bodies(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A guard: 400 naming the field when a JSON or form body is not valid UTF-8, or
    when a text in any body holds a personal identity or coordination number."""
    if not isinstance(connection, Request) or connection.method not in _BODY_METHODS:
        return
    kind = connection.headers.get("content-type", "").lower()
    body = await connection.body()  # kept by the request for the handler
    if not body:
        return
    if kind.startswith(_FORM_TYPES):
        if kind.startswith(_FORM_TYPES[0]):
            fields = non_utf8_form_fields(body)
            if fields:
                raise InvalidInput("is not valid UTF-8 text", field=fields[0], source="body")
        if not handler.opt.get(FORM_CHECKED):
            form = await connection.form()
            values = {key: [str(v) for v in form.getall(key)] for key in form}
            require_no_identity_numbers(
                {key: found[0] if len(found) == 1 else found for key, found in values.items()}
            )
        return
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        if "json" not in kind and kind:
            return  # not text the app reads; the handler refuses the type
        fields = non_utf8_fields(body) or ["body"]
        raise InvalidInput("is not valid UTF-8 text", field=fields[0], source="body") from None
    try:
        document = json.loads(text)
    except ValueError:
        return  # not JSON: the handler's decoder says so, naming the problem
    require_no_identity_numbers(document, case_texts=handler.opt.get(CASE_TEXTS, frozenset()))


def non_utf8_form_fields(body: bytes) -> list[str]:
    """The names of the fields of the form ``body`` whose values, percent-decoded,
    are not UTF-8."""
    found = []
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            found.append(unquote_to_bytes(name).decode("utf-8", errors="replace"))
    return found


def non_utf8_fields(body: bytes) -> list[str]:
    """The paths (``a``, ``a.b``, ``a[2]``) of the strings and keys in the JSON ``body``
    that hold bytes which are not UTF-8; empty when the body is not JSON at all."""
    try:
        document = json.loads(body.decode("utf-8", errors="surrogateescape"))
    except ValueError:
        return []
    return [path for path, text in texts_of(document) if _bad(text)]


def _bad(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)

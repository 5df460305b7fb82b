"""Checks of every JSON or form request body before any handler runs.

Bodies that are not UTF-8 are refused naming the field that holds the bad bytes.

JSON is UTF-8 (RFC 8259); the decoder would only say "malformed at byte N". When a
JSON body is not UTF-8 it is read again with the bad bytes kept as surrogates, so
that the strings holding them can be named. A form body's values are
percent-decoded and checked one by one: the form parser would otherwise turn bad
bytes into replacement characters and store them.

No text in a JSON body may hold a personal identity or coordination number, in
whatever field (the case text's own, wider de-identification guard runs in the
services, which also serve the forms and show the finding in place).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from network.lib.deidentified import IDENTITY_NUMBERS, require_deidentified
from network.lib.errors import InvalidInput

__all__ = ("checked_bodies", "non_utf8_fields", "non_utf8_form_fields")

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def checked_bodies(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """A guard: 400 naming the field when a JSON or form body is not valid UTF-8, or
    when a text in a JSON body holds a personal identity or coordination number."""
    if not isinstance(connection, Request) or connection.method not in _BODY_METHODS:
        return
    kind = connection.headers.get("content-type", "")
    is_json = "json" in kind
    if not is_json and "application/x-www-form-urlencoded" not in kind:
        return
    body = await connection.body()  # kept by the request for the handler
    if is_json:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            fields = non_utf8_fields(body) or ["body"]
        else:
            _no_identity_numbers(text)
            return
    else:
        fields = non_utf8_form_fields(body)
        if not fields:
            return
    raise InvalidInput("is not valid UTF-8 text", field=fields[0], source="body")


def _no_identity_numbers(text: str) -> None:
    try:
        document = json.loads(text)
    except ValueError:
        return  # not JSON: the handler's decoder says so, naming the problem
    for path, value in _texts(document):
        require_deidentified(path, value, kinds=IDENTITY_NUMBERS)


def _texts(value: object, path: str = "") -> list[tuple[str, str]]:
    """Every string and key in a JSON document with its path (``a``, ``a.b``, ``a[2]``;
    ``body`` for the document itself)."""
    if isinstance(value, str):
        return [(path or "body", value)]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [(where, str(key)), *_texts(item, where)]
        return found
    if isinstance(value, list):
        return [text for i, item in enumerate(value) for text in _texts(item, f"{path}[{i}]")]
    return []


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
    return [path for path, text in _texts(document) if _bad(text)]


def _bad(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)

"""Refusing JSON bodies that are not UTF-8, naming the field that holds the bad bytes.

JSON is UTF-8 (RFC 8259); the decoder would only say "malformed at byte N". Before
any handler runs, a JSON body is checked, and when it is not UTF-8 it is read again
with the bad bytes kept as surrogates, so that the strings holding them can be named.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from network.lib.errors import InvalidInput

__all__ = ("json_is_utf8", "non_utf8_fields")

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def json_is_utf8(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A guard: 400 naming the field when a JSON request body is not valid UTF-8."""
    if not isinstance(connection, Request) or connection.method not in _BODY_METHODS:
        return
    if "json" not in connection.headers.get("content-type", ""):
        return
    body = await connection.body()  # kept by the request for the handler
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        fields = non_utf8_fields(body)
        raise InvalidInput(
            "is not valid UTF-8 text", field=fields[0] if fields else "body", source="body"
        ) from None


def non_utf8_fields(body: bytes) -> list[str]:
    """The paths (``a``, ``a.b``, ``a[2]``) of the strings and keys in the JSON ``body``
    that hold bytes which are not UTF-8; empty when the body is not JSON at all."""
    try:
        document = json.loads(body.decode("utf-8", errors="surrogateescape"))
    except ValueError:
        return []
    found: list[str] = []
    _walk(document, "", found)
    return found


def _bad(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def _walk(value: object, path: str, found: list[str]) -> None:
    if isinstance(value, str) and _bad(value):
        found.append(path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _bad(str(key)):
                found.append(where)
            _walk(item, where, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", found)

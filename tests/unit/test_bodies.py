"""Naming the fields of a JSON body that hold bytes which are not UTF-8."""

from __future__ import annotations

import pytest

from network.server.bodies import non_utf8_fields, non_utf8_form_fields


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b'{"summary": "caf\xe9"}', ["summary"]),
        (b'{"a": "ok", "b": {"c": ["x", "\xff"]}}', ["b.c[1]"]),
        (b'{"ok": "\xc3\xa5\xc3\xa4\xc3\xb6", "k\xfe": 1}', ["k\udcfe"]),
        (b'"\xff"', ["body"]),
        (b'{"fine": "\xc3\xa5"}', []),
        (b"not json \xff", []),
    ],
)
def test_fields_holding_bad_bytes_are_named(body: bytes, fields: list[str]) -> None:
    assert non_utf8_fields(body) == fields


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b"summary=caf%E9&area=x", ["summary"]),
        (b"a=ok&b=%C3%A5%C3%A4&c=%FF%FE", ["c"]),
        (b"name=caf\xe9", ["name"]),
        (b"name=Sm%C3%A5land+%26+G%C3%B6taland&x=", []),
    ],
)
def test_form_fields_holding_bad_bytes_are_named(body: bytes, fields: list[str]) -> None:
    assert non_utf8_form_fields(body) == fields

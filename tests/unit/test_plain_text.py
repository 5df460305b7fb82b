"""Free text keeps line breaks, tabs and every letter, and refuses control characters."""

from __future__ import annotations

import re

import pytest

from network.lib.schema import PLAIN_TEXT


@pytest.mark.parametrize(
    "text", ["", "Hej!\nRad två\r\n\tIndrag", "åäö ÅÄÖ é ü – “citat” 😀", "a < b & 'c'"]
)
def test_ordinary_text_passes(text: str) -> None:
    assert re.fullmatch(PLAIN_TEXT, text)


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31mröd", "\x07", "x\x7f", "\x0b"])
def test_control_characters_are_refused(text: str) -> None:
    assert not re.fullmatch(PLAIN_TEXT, text)

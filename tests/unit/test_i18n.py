"""Catalogues complete in both languages, locale negotiation, number formatting."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from network.web import i18n
from network.web.i18n import LANGUAGES, LOCALES_DIR, Translator, negotiate, translator

ROOT = Path(__file__).resolve().parents[2]


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language: str) -> None:
    catalog = _catalog(language)
    entries = [m for m in catalog if m.id]
    assert entries
    assert [m.id for m in entries if not m.string] == []
    assert [m.id for m in entries if m.fuzzy] == []


def test_catalogues_cover_every_string_in_the_templates(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    for language in LANGUAGES:
        assert extracted - {m.id for m in _catalog(language) if m.id} == set(), language


def test_swedish_translations_differ_from_english() -> None:
    sv = translator("sv")
    assert sv.gettext("Counties") == "Län"
    assert sv.gettext("Specialists shared across municipal borders") != (
        "Specialists shared across municipal borders"
    )
    assert translator("en").gettext("Counties") == "Counties"


def test_the_english_catalogue_is_english() -> None:
    """The source strings are English: the English catalogue must give them back as
    they are (it once gave the Swedish role names and admin pages' text)."""
    changed = [m.id for m in _catalog("en") if m.id and m.string != m.id]
    assert changed == []


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("en", "sv", "sv", "en"),
        (None, "en", "sv-SE", "en"),
        ("fr", "en", None, "en"),
        (None, None, "en-GB,en;q=0.9", "en"),
        (None, None, "de-DE,en;q=0.5,sv;q=0.8", "sv"),
        (None, None, "de, fr", "sv"),
        (None, None, "garbage;;q=x", "sv"),
        (None, None, "en;q=0", "sv"),
        (None, None, "en;q=0, sv;q=0", "sv"),
        (None, None, "en-US-x-private", "en"),
        (None, None, "EN_gb", "en"),
        (None, None, "*", "sv"),
        (None, None, "", "sv"),
        (None, None, "en;q=0.5, sv;q=0.5", "en"),
        (None, None, "sv;q=abc, en", "en"),
        (None, None, None, "sv"),
    ],
)
def test_negotiation_order(
    query: str | None, cookie: str | None, accept: str | None, expected: str
) -> None:
    cookies = {"lang": cookie} if cookie else {}
    assert negotiate(query, cookies, accept) == expected


def test_numbers_follow_the_language() -> None:
    assert translator("sv").number(10587710) == "10\xa0587\xa0710"
    assert translator("en").number(10587710) == "10,587,710"


@pytest.fixture
def locales_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The catalogues copied to a temporary folder, without compiled ``.mo`` files."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, target, ignore=shutil.ignore_patterns("*.mo", "*.tmp"))
    monkeypatch.setattr(i18n, "LOCALES_DIR", target)
    return target


def test_missing_or_stale_mo_is_compiled_from_the_po(locales_copy: Path) -> None:
    folder = locales_copy / "sv" / "LC_MESSAGES"
    assert not (folder / "messages.mo").exists()
    assert Translator("sv").gettext("Counties") == "Län"
    mo = folder / "messages.mo"
    assert mo.exists()
    assert list(folder.glob("*.tmp")) == []

    po = folder / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgid "Counties"\nmsgstr "Län"', 'msgid "Counties"\nmsgstr "Länen"', 1
        ),
        encoding="utf-8",
    )
    stale = mo.stat().st_mtime - 10
    os.utime(mo, (stale, stale))
    assert Translator("sv").gettext("Counties") == "Länen"


def test_read_only_locales_compile_in_memory(
    locales_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(i18n.tempfile, "NamedTemporaryFile", refuse)
    assert Translator("sv").gettext("Counties") == "Län"
    assert not (locales_copy / "sv" / "LC_MESSAGES" / "messages.mo").exists()


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("Expected `str` of length >= 1 - at `$.title`", "Fyll i det här."),
        ("Expected `str` of length >= 3", "Texten är för kort."),
        ("Expected `array` of length >= 1 - at `$.municipalities`", "Välj minst ett alternativ."),
        ("Expected `int` >= 2 - at `$.capacity`", "Talet är för litet."),
        ("Expected `str` of length <= 200", "Texten är för lång."),
    ],
)
def test_a_validation_message_is_said_by_its_shape_text_before_number(
    message: str, said: str
) -> None:
    """An empty text is not "a number too small" (a text's length rule comes first)."""
    assert Translator("sv").say(message) == said

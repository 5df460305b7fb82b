"""The de-identification guard on valid and invalid numbers in every format."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from network.privacy import FindingKind, scan


def luhn_digit(nine: str) -> str:
    """The check digit of a 9-digit YYMMDDNNN, computed independently of the guard."""
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def number(born: date, serial: str = "123", *, coordination: bool = False) -> str:
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial}"
    return nine + luhn_digit(nine)


def wrong_check(ten: str) -> str:
    return ten[:9] + str((int(ten[9]) + 1) % 10)


def formats(ten: str, century: str) -> list[str]:
    twelve = century + ten
    return [
        f"{ten[:6]}-{ten[6:]}",
        f"{ten[:6]}+{ten[6:]}",
        ten,
        f"{twelve[:8]}-{twelve[8:]}",
        twelve,
    ]


BIRTHDAYS = [date(1990, 1, 1), date(2011, 12, 31), date(1975, 6, 15), date(2008, 2, 29)]


@pytest.mark.parametrize("born", BIRTHDAYS)
@pytest.mark.parametrize("coordination", [False, True])
def test_valid_numbers_are_found_in_every_format(born: date, coordination: bool) -> None:
    ten = number(born, coordination=coordination)
    expected = (
        FindingKind.COORDINATION_NUMBER if coordination else FindingKind.PERSONAL_IDENTITY_NUMBER
    )
    for written in formats(ten, f"{born.year // 100}"):
        if written[6] == "+" and born.year > 1925:
            written = written.replace("+", "-")  # '+' marks a centenarian; keep it real
        text = f"Flicka, pnr {written}, bor växelvis."
        findings = scan(text)
        assert [f.kind for f in findings] == [expected], text
        assert text[findings[0].start : findings[0].end] == written


@pytest.mark.parametrize("born", BIRTHDAYS)
def test_wrong_check_digit_is_a_mistyped_number_and_refused(born: date) -> None:
    for written in formats(wrong_check(number(born)), f"{born.year // 100}"):
        findings = scan(f"ärende {written}")
        if written.isdigit() and len(written) == 10 and written.startswith("0"):
            # Ten bare digits starting with 0 are also a valid Swedish phone number
            # (e.g. 08-0229 1238): refused as such.
            assert [f.kind for f in findings] == [FindingKind.PHONE_NUMBER]
            continue
        assert [f.kind for f in findings] == [FindingKind.PERSONAL_IDENTITY_NUMBER], written


def test_impossible_dates_pass() -> None:
    for nine in ("010229123", "901301123", "900132123", "900192123"):  # 29 Feb 2001, month 13…
        ten = nine + luhn_digit(nine)
        assert scan(f"ref {ten[:6]}-{ten[6:]}") == [], ten


def test_centenarian_plus_separator() -> None:
    ten = number(date(1920, 5, 17))
    assert [f.kind for f in scan(f"född {ten[:6]}+{ten[6:]}")] == [
        FindingKind.PERSONAL_IDENTITY_NUMBER
    ]


@pytest.mark.parametrize(
    "text",
    [
        "070-123 45 67",
        "0701234567",
        "+46 70 123 45 67",
        "+46 (0)70-123 45 67",
        "0046 70 123 45 67",
        "08-123 456 78",
        "(08) 123 456 78",
        "031-12 34 56",
        "+47 22 12 34 56",
    ],
)
def test_phone_numbers_are_found(text: str) -> None:
    sentence = f"Mamma nås på {text} efter kl 16."
    findings = scan(sentence)
    assert [f.kind for f in findings] == [FindingKind.PHONE_NUMBER]
    assert sentence[findings[0].start : findings[0].end] == text


@pytest.mark.parametrize(
    "text", ["anna.svensson@example.se", "a+b@skola.kommun.se", "X_Y@EXAMPLE.COM"]
)
def test_email_addresses_are_found(text: str) -> None:
    sentence = f"Skriv till {text}, tack."
    findings = scan(sentence)
    assert [(f.kind, sentence[f.start : f.end]) for f in findings] == [(FindingKind.EMAIL, text)]


@pytest.mark.parametrize(
    "text",
    [
        "Dnr 2024-1234 och SN 2024/567",
        "Möte 2024-05-06 kl 08:30-09:15",
        "Kommunkod 0512 och 2584, år 2019-2021",
        "Barnet är 12 år, har 3 syskon, 45 minuter per vecka",
        "Ärendet inkom 20240506 och avslutades 20240612",
        "LVU 2 § och 3 §, SoL 11 kap. 1 §",
        "Belopp 12 345 kr",
    ],
)
def test_look_alikes_pass(text: str) -> None:
    assert scan(text) == []


def test_several_findings_are_ordered_and_disjoint() -> None:
    ten = number(date(2012, 3, 4))
    text = f"Pnr {ten}, tel 070-765 43 21, mejl far@example.org."
    findings = scan(text)
    assert [f.kind for f in findings] == [
        FindingKind.PERSONAL_IDENTITY_NUMBER,
        FindingKind.PHONE_NUMBER,
        FindingKind.EMAIL,
    ]
    spans = [(f.start, f.end) for f in findings]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_recent_birthdays_are_found() -> None:
    # A child born last week: the guard has no cut-off for young ages.
    born = date(2026, 11, 16) - timedelta(days=0)
    assert scan(f"spädbarn {number(born)}")

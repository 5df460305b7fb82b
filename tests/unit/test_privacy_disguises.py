"""The guard against numbers written the way people write and paste them.

Property-based: hypothesis makes valid (and mistyped) personal identity and
coordination numbers, phone numbers and e-mail addresses, disguises them (other
separators, invisible characters, fullwidth digits, glued letters, line breaks)
and puts them in everyday text; the guard must find each one, at the span the
user wrote. A corpus of everyday texts full of harmless numbers must pass.
"""

from __future__ import annotations

import itertools
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network.lib.deidentified import require_no_identity_numbers
from network.lib.errors import InvalidInput
from network.privacy import FindingKind, scan, suspected_names
from network.privacy.normal import normalise, normalise_general
from tests.unit.test_privacy_guard import luhn_digit

IDENTITY = {FindingKind.PERSONAL_IDENTITY_NUMBER, FindingKind.COORDINATION_NUMBER}
# Separators people put between the date and the last four digits.
SERIAL_SEPARATORS = [
    "-",
    "",
    " ",
    "\u00a0",  # no-break space
    "\u202f",  # narrow no-break space
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2212",  # minus sign
    "\u2011",  # non-breaking hyphen
    "\u2010",  # hyphen
    "\u00ad",  # soft hyphen
    "\uff0d",  # fullwidth hyphen-minus
    "\n",
    "\r\n",
    " - ",
    " \u2013 ",
    "\t",
]
DATE_SEPARATORS = ["", "-", " ", "\u2013", "."]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"]
FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
BEFORE = ["", "pnr ", "Pnr: ", "pnr", "_", "x", "(", "«", "ID-nr ", "barnet "]
AFTER = ["", ".", ",", " bor hos mamma", "_", "x", ")", "»", "\n"]

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 11, 30))


@st.composite
def disguised_numbers(draw: st.DrawFn) -> tuple[str, str, bool, bool]:
    """``(written, plain_ten, coordination, check_ok)``: a number as a person might
    write it, and the ten digits it stands for."""
    born = draw(births)
    coordination = draw(st.booleans())
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}"
    check_ok = draw(st.booleans())
    check = luhn_digit(nine)
    if not check_ok:
        check = str((int(check) + draw(st.integers(1, 9))) % 10)
    ten = nine + check
    twelve = draw(st.booleans())
    date_part = (f"{born.year // 100}" if twelve else "") + ten[:6]
    date_sep = draw(st.sampled_from(DATE_SEPARATORS))
    if date_sep:
        year_len = 4 if twelve else 2
        date_part = date_sep.join(
            [date_part[:year_len], date_part[year_len : year_len + 2], date_part[-2:]]
        )
    serial_sep = draw(st.sampled_from(SERIAL_SEPARATORS))
    written = date_part + serial_sep + ten[6:]
    if draw(st.booleans()):  # an invisible character somewhere inside
        at = draw(st.integers(1, len(written) - 1))
        written = written[:at] + draw(st.sampled_from(INVISIBLE)) + written[at:]
    if draw(st.booleans()):
        written = "".join(FULLWIDTH.get(c, c) for c in written)
    return written, ten, coordination, check_ok


def _bare_ten_from_zero(written: str) -> bool:
    digits = [c for c in written if c.isdecimal()]
    plain = "".join(str(unicodedata.decimal(c)) for c in digits)
    others = [c for c in written if not c.isdecimal() and unicodedata.category(c) != "Cf"]
    return len(plain) == 10 and plain.startswith("0") and not others


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    disguised_numbers(),
    st.sampled_from(BEFORE),
    st.sampled_from(AFTER),
)
def test_a_disguised_identity_number_is_found_where_it_was_written(
    number: tuple[str, str, bool, bool], before: str, after: str
) -> None:
    written, _ten, coordination, check_ok = number
    text = f"Flickan, {before}{written}{after} bor växelvis."
    start = text.index(written)
    findings = scan(text)
    assert len(findings) == 1, (text, findings)
    found = findings[0]
    # The span covers every digit written, and nothing outside the number.
    assert found.start <= start + _first_visible(written)
    assert found.end >= start + len(written.rstrip("".join(INVISIBLE)))
    # (a phone number's opening parenthesis belongs to it: "(08) 123 45 67")
    assert start - before.endswith("(") <= found.start
    assert found.end <= start + len(written)
    if _bare_ten_from_zero(written) and not check_ok:
        assert found.kind in IDENTITY | {FindingKind.PHONE_NUMBER}
    else:
        expected = (
            FindingKind.COORDINATION_NUMBER
            if coordination
            else FindingKind.PERSONAL_IDENTITY_NUMBER
        )
        assert found.kind == expected, (text, found)


def _first_visible(written: str) -> int:
    return next(i for i, c in enumerate(written) if unicodedata.category(c) != "Cf")


MOBILE_SEPARATORS = ["-", " ", ".", "/", "", "\u2013", "\u00a0"]


@st.composite
def disguised_phones(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["070", "072", "073", "076", "079", "08", "031", "0470"]))
    rest_len = (
        10 - len(prefix) if prefix.startswith("07") else draw(st.integers(8, 10)) - len(prefix)
    )
    rest = "".join(str(draw(st.integers(0, 9))) for _ in range(rest_len))
    sep = draw(st.sampled_from(MOBILE_SEPARATORS))
    inner = draw(st.sampled_from([" ", "", sep]))
    groups = [rest[i : i + 2] for i in range(0, len(rest), 2)] if inner else [rest]
    national = prefix + sep + inner.join(groups)
    written = draw(
        st.sampled_from(
            [
                national,
                "+46 " + prefix[1:] + sep + inner.join(groups),
                "+46 (0)" + prefix[1:] + sep + inner.join(groups),
                "0046 " + prefix[1:] + sep + inner.join(groups),
            ]
        )
    )
    if draw(st.booleans()):
        written = "".join(FULLWIDTH.get(c, c) for c in written)
    return written


@given(disguised_phones(), st.sampled_from(["", "tel ", "Mamma nås på ", "tel:"]))
def test_a_disguised_phone_number_is_found(written: str, before: str) -> None:
    text = f"{before}{written} efter kl 16."
    findings = scan(text)
    start = text.index(written)
    assert findings, text
    assert {f.kind for f in findings} <= IDENTITY | {FindingKind.PHONE_NUMBER}
    covered = {i for f in findings for i in range(f.start, f.end)}
    digits = {start + i for i, c in enumerate(written) if c.isdecimal()}
    assert digits <= covered, (text, findings)


@pytest.mark.parametrize(
    "address",
    [
        "åsa.öberg@exempel.se",
        "anna@kommunen.se",
        "anna＠example.se",
        "anna﹫example.se",
        "ANNA.SVENSSON@EXAMPLE.COM",
        "zoë@café.fr",
        "mamma@bäckström.nu",
        "anna [at] example [dot] se",
        "anna(at)example.se",
        "ann\u200ba@example.se",
        "användare@почта.рф",
        "a.b-c_d+e@sub.domän.se",
    ],
)
def test_email_addresses_in_every_script_are_found(address: str) -> None:
    text = f"Skriv till {address}, tack."
    findings = scan(text)
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [(FindingKind.EMAIL, address)]


@pytest.mark.parametrize(
    "text",
    [
        "070.123.45.67",
        "070/123 45 67",
        "070 123 45 67",
        "０７０−１２３ ４５ ６７",
        "08/123 456 78",
        "+46.70.123.45.67",
        "+46 70-123\u00a045\u00a067",
        "+358 40 123 4567",
        "+1 (555) 123-4567",
    ],
)
def test_phone_numbers_with_dots_slashes_and_fullwidth_digits(text: str) -> None:
    sentence = f"Pappa: {text}."
    findings = scan(sentence)
    assert [(f.kind, sentence[f.start : f.end]) for f in findings] == [
        (FindingKind.PHONE_NUMBER, text)
    ]


def test_every_finding_is_reported_at_once_at_the_written_positions() -> None:
    nine = "120304123"
    ten = nine + luhn_digit(nine)
    child = f"{ten[:6]} {ten[6:]}"
    text = (
        f"Barn\u200b {child}, syskon 20{ten[:6]}\u2013{ten[6:9]}0, mamma 070.765 43 21 "
        "och mejl mamma＠exempel.se; pappa +46 (0)8-123 456 78."
    )
    findings = scan(text)
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [
        (FindingKind.PERSONAL_IDENTITY_NUMBER, child),
        (FindingKind.PERSONAL_IDENTITY_NUMBER, f"20{ten[:6]}\u2013{ten[6:9]}0"),
        (FindingKind.PHONE_NUMBER, "070.765 43 21"),
        (FindingKind.EMAIL, "mamma＠exempel.se"),
        (FindingKind.PHONE_NUMBER, "+46 (0)8-123 456 78"),
    ]


EVERYDAY = [
    "Möte 2024-05-06 kl 08:30-09:15, uppföljning 2024-06-10 kl. 13.00–14.30.",
    "Perioden 2024-05-12 – 2024-06-01 och 2024-08-01 - 2024-09-30.",
    "Dnr 2024-1234, SN 2023/456, diarienummer SOC 2022/00123 och IFO 2024-001234.",
    "Enligt SFS 2021:1069 och SoL (2001:453) 11 kap. 1 §, LVU 2 § och 3 §.",
    "Kostnaden var 12 500 kr, totalt 1 234 567 kr eller 1 050 000 000 kr för regionen.",
    "Barnet är 12 år, har 3 syskon; 45 minuter per vecka, 7,5 timmar i månaden.",
    "Född 2012, flyttade 2019, skolstart 2018–2019, åk 6.",
    "Postnummer 123 45 Stockholm, 582 22 Linköping, 411 04 Göteborg.",
    "Ring 112 vid akut fara, 1177 för vården, Polisen 114 14, BRIS 116 111.",
    "Kvinnofridslinjen 020-50 50 50, Försäkringskassan 0771-524 524.",
    "Socialjouren nås på 08-508 00 000, växel 031-365 00 00.",
    "Kommunkod 0512 och 2584, länskod 05, år 2019-2021.",
    "Ärendet inkom 20240506 och avslutades 20240612.",
    "Organisationsnummer 212000-0142 (kommunen) och 556677-8899.",
    "Utredningstid 120 dagar, förlängd med 60 dagar; 4 månader enligt 11 kap. 2 §.",
    "Mötet 01.02.2024 08.30 och 15/03/2024, vecka 49.",
    "Version 2.3.1, sida 12/40, punkt 4.2.",
    "Skattning 3/5 på skalan 0–10, poäng 27 av 40.",
    "Klockan 08.00–17.00 måndag–fredag, lunch 12.00-13.00.",
    "Beslut 2024-05-12, laga kraft 2024-06-02; ny prövning inom 6 månader.",
    "Placering sedan 2023-11-01, HVB 3 månader, därefter familjehem.",
    "Budget 2025: 3,2 mnkr, varav 850 000 kr till insatser.",
    "Telefontid 09.00-10.00, tidsbokning via 1177.se.",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_text_passes(text: str) -> None:
    assert scan(text) == [], [(f.kind, text[f.start : f.end]) for f in scan(text)]


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from([" - ", " – ", "–", " till ", "-"]),
)
def test_date_ranges_pass(first: date, second: date, between: str) -> None:
    text = f"Perioden {first.isoformat()}{between}{second.isoformat()}."
    assert scan(text) == []


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 23), st.integers(0, 59))
def test_times_of_day_pass(h1: int, m1: int, h2: int, m2: int) -> None:
    assert scan(f"kl {h1:02d}.{m1:02d}–{h2:02d}.{m2:02d} och {h1:02d}:{m1:02d}") == []


@given(st.integers(1, 10**9))
def test_kronor_pass(amount: int) -> None:
    grouped = f"{amount:,}".replace(",", " ")
    assert scan(f"Beloppet {grouped} kr") == []


def test_a_mobile_number_is_refused_even_after_a_service_label() -> None:
    assert [f.kind for f in scan("Socialjouren 070-123 45 67")] == [FindingKind.PHONE_NUMBER]


def test_a_landline_without_a_service_label_is_refused() -> None:
    assert [f.kind for f in scan("Mamma nås på 08-508 00 000")] == [FindingKind.PHONE_NUMBER]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Anna Svensson kom till mötet", ["Anna Svensson"]),
        ("Mamma Fatima Hassan och pappa Omar Ali", ["Fatima Hassan", "Omar Ali"]),
        ("Flickan Maja Lindqvist-Ali, 12 år", ["Maja Lindqvist-Ali"]),
        ("ANNA SVENSSON", ["ANNA SVENSSON"]),
        ("Pojken Liam Bergkvist", ["Liam Bergkvist"]),
        ("Enligt Socialstyrelsen och Karin i Malmö", []),
        ("Anna är 12 år", []),
        ("Stockholm Göteborg Malmö", []),
        ("Maria Magdalena", []),
    ],
)
def test_suspected_names(text: str, names: list[str]) -> None:
    found = suspected_names(text)
    assert [text[f.start : f.end] for f in found] == names
    assert all(f.kind == FindingKind.NAME for f in found)


def test_names_are_never_refused() -> None:
    assert scan("Anna Svensson och Erik Johansson") == []


@given(st.text(max_size=300))
def test_any_text_gives_ordered_disjoint_spans_inside_it(text: str) -> None:
    findings = scan(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_the_ascii_shortcut_folds_as_the_general_way(text: str) -> None:
    assert normalise(text) == normalise_general(text)


def test_the_csrf_token_is_no_text_of_a_person() -> None:
    # 128 hex digits hold a real date and four digits about once in a hundred: the
    # token the app itself sets must never make a form refused at random.
    token = "ab" * 20 + "8501011234" + "cd" * 39
    require_no_identity_numbers({"_csrf_token": token, "name": "Avtal Östergötland"})
    with pytest.raises(InvalidInput):
        require_no_identity_numbers({"name": token})

"""Swedish first, English second: gettext catalogues (Babel) and locale negotiation.

Catalogues live in ``locales/<lang>/LC_MESSAGES/messages.po`` next to this module;
the ``.mo`` files are compiled from them on first use (and whenever a ``.po`` is
newer), so a fresh clone needs no build step. To add strings:

    uv run pybabel extract -F babel.cfg -o src/network/web/locales/messages.pot .
    uv run pybabel update -i src/network/web/locales/messages.pot -d src/network/web/locales
    # translate the new entries in sv/ (and copy the msgid to msgstr in en/)

Locale choice for a request: ``?lang=sv|en`` (also stored in the ``lang`` cookie),
else the ``lang`` cookie, else the ``Accept-Language`` header, else Swedish.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from network.lib.deidentified import marked_segments

__all__ = (
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "MODE_LABELS",
    "NOTICE_LABELS",
    "REASON_LABELS",
    "ROLE_LABELS",
    "Translator",
    "negotiate",
    "translator",
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
_DOMAIN = "messages"
_MAX_LANGUAGE_RANGES = 32


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


ROLE_LABELS = {
    "social_worker": N_("Social worker"),
    "specialist": N_("Specialist"),
    "coordinator": N_("Coordinator"),
    "analyst": N_("R&D analyst"),
    "admin": N_("Administrator"),
}
MODE_LABELS = {
    "written": N_("Written"),
    "phone": N_("Phone"),
    "video": N_("Video"),
    "on_site": N_("On site"),
}
REASON_LABELS = {
    "holiday": N_("Holiday"),
    "sick_leave": N_("Sick leave"),
    "parental_leave": N_("Parental leave"),
    "training": N_("Training"),
    "other": N_("Other"),
}
STATUS_LABELS = {
    "draft": N_("Draft"),
    "open": N_("Waiting for a specialist"),
    "offered": N_("Offered"),
    "accepted": N_("Accepted"),
    "booked": N_("Meeting booked"),
    "completed": N_("Completed"),
    "declined": N_("Declined"),
    "cancelled": N_("Withdrawn"),
    "expired": N_("Expired"),
}
KIND_LABELS = {"meeting": N_("Meeting"), "written": N_("Written consultation")}
URGENCY_LABELS = {
    "acute": N_("Acute (within 24 hours)"),
    "soon": N_("Soon (within a week)"),
    "planned": N_("Planned"),
}
REFERRAL_LABELS = {
    "none": N_("None"),
    "barnahus": N_("Barnahus"),
    "national_team_hbv": N_("National team against honour-related violence"),
    "bup": N_("Child and adolescent psychiatry (BUP)"),
    "police": N_("Police"),
    "other": N_("Other"),
}
COVERAGE_LABELS = {
    "local": N_("Local specialist"),
    "shared": N_("Shared through an agreement"),
    "none": N_("Not covered"),
}
PLACEMENT_LABELS = {
    "new_specialist": N_("A new specialist"),
    "county_agreement": N_("A county-wide agreement"),
    "pair_agreement": N_("An agreement between two municipalities"),
}
LEGAL_FORM_LABELS = {
    "avtalssamverkan": N_("Agreement-based collaboration (avtalssamverkan)"),
    "gemensam_namnd": N_("Joint committee (gemensam nämnd)"),
    "kommunalforbund": N_("Local federation (kommunalförbund)"),
}
AGREEMENT_SCOPE_LABELS = {
    "consultation": N_("Consultation only"),
    "co_handling": N_("Consultation and co-handling"),
}
AGREEMENT_STATUS_LABELS = {
    "upcoming": N_("Not yet in force"),
    "active": N_("In force"),
    "ended": N_("Ended"),
}
MENTORING_STATUS_LABELS = {
    "open": N_("Waiting for a mentor"),
    "matched": N_("Matched"),
    "withdrawn": N_("Withdrawn"),
}
CONSTRAINT_LABELS = {
    "none": N_("Anywhere in the programme"),
    "not_own_unit": N_("Not from my own unit"),
    "own_municipality_only": N_("Only from my own municipality"),
}
THEME_LABELS = {
    "investigation_method": N_("Investigation method"),
    "documentation": N_("Documentation"),
    "talking_with_children": N_("Talking with children"),
    "legal_framework": N_("The legal framework"),
    "risk_assessment": N_("Risk assessment"),
    "collaboration": N_("Collaboration with others"),
    "own_reactions": N_("Own reactions and strain"),
    "workload_and_priorities": N_("Workload and priorities"),
    "court_and_lvu": N_("Court and LVU"),
}
ROUND_STATUS_LABELS = {
    "preview": N_("Preview"),
    "committed": N_("Committed"),
    "discarded": N_("Discarded"),
}
ASSIGNMENT_LABELS = {
    "proposed": N_("Proposed"),
    "offered": N_("Offered"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "expired": N_("Expired"),
    "withdrawn": N_("Withdrawn"),
}
UNPLACED_LABELS = {
    "no_eligible_specialist": N_("no eligible specialist"),
    "capacity_exhausted": N_("the eligible specialists' capacity is used up"),
}
# What a notification says, per kind; ``{area}``, ``{start}``, ``{role}`` and ``{place}``
# are filled in.
NOTICE_LABELS = {
    "offer.new": N_("New consultation offer: {area}"),
    "offer.accepted": N_("Your request was accepted: {area}"),
    "offer.declined": N_("Your request was declined: {area}"),
    "offer.expired": N_("An offer was not answered in time: {area}"),
    "booking.created": N_("Meeting booked {start}: {area}"),
    "booking.cancelled": N_("Meeting cancelled {start}: {area}"),
    "booking.moved": N_("Meeting moved to {start}: {area}"),
    "message.new": N_("New message in a written consultation: {area}"),
    "mentoring.matched": N_("You have a mentoring pair: see who and the ladder"),
    "role.granted": N_("A role that reads case data was granted: {role} in {place}"),
    "test": N_("Test notification: notifications reach you."),
}
# The de-identification guard's findings, as a refused form explains them.
FINDING_LABELS = {
    "personal_identity_number": N_(
        "The text contains a personal identity number (marked below). Remove it: "
        "consultations are de-identified."
    ),
    "coordination_number": N_(
        "The text contains a coordination number (marked below). Remove it: "
        "consultations are de-identified."
    ),
    "phone_number": N_(
        "The text contains a phone number (marked below). Remove it: "
        "consultations are de-identified."
    ),
    "email": N_(
        "The text contains an e-mail address (marked below). Remove it: "
        "consultations are de-identified."
    ),
}
FINDING_KINDS = {
    "personal_identity_number": N_("Personal identity number"),
    "coordination_number": N_("Coordination number"),
    "phone_number": N_("Phone number"),
    "email": N_("E-mail address"),
    "name": N_("Name"),
}
# Form fields as a refusal names them.
FIELD_LABELS = {
    "summary": N_("The question"),
    "body": N_("Message"),
    "reason": N_("Reason"),
    "name": N_("Name"),
    "display_name": N_("Name"),
    "title": N_("Title"),
}
_compile_lock = threading.Lock()
_STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _load(language: str) -> NullTranslations:
    """The catalogue of ``language``; its ``.mo`` is compiled from the ``.po`` when it is
    missing or older. If the folder is read-only, the catalogue is compiled in memory."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{_DOMAIN}.po", folder / f"{_DOMAIN}.mo"
    with _compile_lock:
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=language)
            compiled = BytesIO()
            write_mo(compiled, catalog)
            try:
                # A unique temporary name, then an atomic rename: several app
                # processes may compile at the same moment.
                with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as tmp:
                    tmp.write(compiled.getvalue())
                Path(tmp.name).replace(mo)
            except OSError:
                compiled.seek(0)
                return Translations(compiled, domain=_DOMAIN)
    return Translations.load(str(LOCALES_DIR), [language], _DOMAIN)


class Translator:
    """Everything a template needs for one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = _load(language)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def number(self, value: int | float | Decimal) -> str:
        """A number as this language writes it (Swedish: non-breaking space thousands)."""
        return format_decimal(value, locale=self.locale)

    def when(self, moment: datetime, pattern: str = "EEE d MMM HH:mm") -> str:
        """A moment on the Stockholm clock, as this language writes it."""
        return format_datetime(moment, pattern, tzinfo=_STOCKHOLM, locale=self.locale)

    def day(self, value: date, pattern: str = "EEEE d MMMM") -> str:
        return format_date(value, pattern, locale=self.locale)

    def context(self) -> dict[str, object]:
        gettext: Callable[[str], str] = self.gettext
        return {
            "_": gettext,
            "gettext": gettext,
            "ngettext": self.ngettext,
            "number": self.number,
            "when": self.when,
            "day": self.day,
            "lang": self.language,
            "other_lang": "en" if self.language == "sv" else "sv",
            "role_labels": ROLE_LABELS,
            "mode_labels": MODE_LABELS,
            "reason_labels": REASON_LABELS,
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            "urgency_labels": URGENCY_LABELS,
            "referral_labels": REFERRAL_LABELS,
            "round_status_labels": ROUND_STATUS_LABELS,
            "assignment_labels": ASSIGNMENT_LABELS,
            "unplaced_labels": UNPLACED_LABELS,
            "notice_labels": NOTICE_LABELS,
            "finding_labels": FINDING_LABELS,
            "finding_kinds": FINDING_KINDS,
            "field_labels": FIELD_LABELS,
            "marked_segments": marked_segments,
            "coverage_labels": COVERAGE_LABELS,
            "placement_labels": PLACEMENT_LABELS,
            "legal_form_labels": LEGAL_FORM_LABELS,
            "agreement_scope_labels": AGREEMENT_SCOPE_LABELS,
            "agreement_status_labels": AGREEMENT_STATUS_LABELS,
            "mentoring_status_labels": MENTORING_STATUS_LABELS,
            "constraint_labels": CONSTRAINT_LABELS,
            "theme_labels": THEME_LABELS,
        }


@cache
def translator(language: str) -> Translator:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    return Translator(language)


def negotiate(query: str | None, cookies: Mapping[str, str], accept_language: str | None) -> str:
    """The language for a request (see the module docstring for the order)."""
    for candidate in (query, cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    if accept_language:
        for language in _accepted(accept_language):
            if language in LANGUAGES:
                return language
    return DEFAULT_LANGUAGE


def _accepted(header: str) -> list[str]:
    """The primary language subtags of an ``Accept-Language`` header, most wanted first
    (RFC 9110 section 12.5.4: ``q=0`` means "not acceptable", ties keep header order)."""
    wanted: list[tuple[float, str]] = []
    for part in header.split(",")[:_MAX_LANGUAGE_RANGES]:
        tag, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.replace("_", "-").split("-")[0].lower()
        if 0.0 < weight <= 1.0 and primary.isalpha():
            wanted.append((weight, primary))
    wanted.sort(key=lambda item: -item[0])
    return [language for _, language in wanted]

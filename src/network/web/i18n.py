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

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from network.agreements.schemas import AgreementStatus
from network.graph.assignment import CAPACITY_EXHAUSTED, NO_ELIGIBLE_SPECIALIST
from network.graph.coverage import Status as CoverageStatus
from network.graph.placement import Action as PlacementAction
from network.lib.clock import STOCKHOLM
from network.lib.deidentified import marked_segments
from network.lib.vocab import (
    ABSENCE_REASON_LABELS,
    AGREEMENT_SCOPE_LABELS,
    ASSIGNMENT_LABELS,
    CONSTRAINT_LABELS,
    KIND_LABELS,
    LEGAL_FORM_LABELS,
    MENTORING_STATUS_LABELS,
    MODE_LABELS,
    N_,
    NOTICE_LABELS,
    REFERRAL_LABELS,
    ROLE_LABELS,
    ROUND_STATUS_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
    labelled,
)
from network.mentoring.schemas import Theme

__all__ = (
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "Translator",
    "negotiate",
    "translator",
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
_DOMAIN = "messages"
_MAX_LANGUAGE_RANGES = 32


# Vocabularies of other modules, with their labels (complete: checked at import).
COVERAGE_LABELS = labelled(
    CoverageStatus,
    {
        CoverageStatus.LOCAL: N_("Local specialist"),
        CoverageStatus.SHARED: N_("Shared through an agreement"),
        CoverageStatus.NONE: N_("Not covered"),
    },
)
PLACEMENT_LABELS = labelled(
    PlacementAction,
    {
        PlacementAction.NEW_SPECIALIST: N_("A new specialist"),
        PlacementAction.COUNTY_AGREEMENT: N_("A county-wide agreement"),
        PlacementAction.PAIR_AGREEMENT: N_("An agreement between two municipalities"),
    },
)
AGREEMENT_STATUS_LABELS = labelled(
    AgreementStatus,
    {
        AgreementStatus.UPCOMING: N_("Not yet in force"),
        AgreementStatus.ACTIVE: N_("In force"),
        AgreementStatus.ENDED: N_("Ended"),
    },
)
THEME_LABELS = labelled(
    Theme,
    {
        Theme.INVESTIGATION: N_("Investigation method"),
        Theme.DOCUMENTATION: N_("Documentation"),
        Theme.TALKING_WITH_CHILDREN: N_("Talking with children"),
        Theme.LAW: N_("The legal framework"),
        Theme.RISK: N_("Risk assessment"),
        Theme.COLLABORATION: N_("Collaboration with others"),
        Theme.OWN_REACTIONS: N_("Own reactions and strain"),
        Theme.WORKLOAD: N_("Workload and priorities"),
        Theme.COURT: N_("Court and LVU"),
    },
)
UNPLACED_LABELS = {
    NO_ELIGIBLE_SPECIALIST: N_("no eligible specialist"),
    CAPACITY_EXHAUSTED: N_("the eligible specialists' capacity is used up"),
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
        return format_datetime(moment, pattern, tzinfo=STOCKHOLM, locale=self.locale)

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
            "reason_labels": ABSENCE_REASON_LABELS,
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

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

import re
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from network.agreements.schemas import AgreementStatus
from network.graph.assignment import CAPACITY_EXHAUSTED, NO_ELIGIBLE_SPECIALIST
from network.graph.coverage import Reach as CoverageStatus
from network.graph.placement import Action as PlacementAction
from network.lib.clock import STOCKHOLM, today
from network.lib.deidentified import marked_segments
from network.lib.vocab import (
    ABSENCE_REASON_LABELS,
    AGREEMENT_SCOPE_LABELS,
    APPLICATION_LABELS,
    ASSIGNMENT_LABELS,
    CADENCE_LABELS,
    CONFERENCE_KIND_LABELS,
    CONSTRAINT_LABELS,
    GROUP_PART_LABELS,
    KIND_LABELS,
    LEGAL_FORM_LABELS,
    MENTORING_STATUS_LABELS,
    MODE_LABELS,
    N_,
    NOTICE_LABELS,
    OCCURRENCE_LABELS,
    PHASE_LABELS,
    REFERRAL_LABELS,
    ROLE_LABELS,
    ROUND_STATUS_LABELS,
    SPOKEN_LANGUAGES,
    STANDING_CADENCE_LABELS,
    STANDING_STATUS_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
    WORK_KIND_LABELS,
    labelled,
)
from network.mentoring.schemas import Theme
from network.web.messages import SERVICE_MESSAGES
from network.web.reasons import score_reasons

__all__ = (
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "Problem",
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
        CoverageStatus.CONFERENCE: N_("Reached through a group case conference"),
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
# Form fields as a refusal names them (the page's label, never the field's name).
FIELD_LABELS = {
    "summary": N_("The question"),
    "body": N_("Message"),
    "subject": N_("Subject"),
    "reason": N_("Reason"),
    "name": N_("Name"),
    "display_name": N_("Name"),
    "title": N_("Title"),
    "email": N_("E-mail"),
    "place": N_("Place"),
    "video_url": N_("Video-meeting link"),
    "phone": N_("Phone number for meetings"),
    "meeting_details": N_("How to meet"),
    "role": N_("Role"),
    "active": N_("Active"),
    "area": N_("Competence area"),
    "areas": N_("Competence areas"),
    "competences": N_("Competences"),
    "kind": N_("Kind"),
    "mode": N_("Mode"),
    "urgency": N_("Urgency"),
    "language": N_("Language"),
    "languages": N_("Languages"),
    "latest_date": N_("Latest useful date"),
    "named_specialist": N_("Specialist"),
    "specialist": N_("Specialist"),
    "phase": N_("Phase"),
    "expected_end": N_("Expected end"),
    "worked_on": N_("Day"),
    "start": N_("Time"),
    "booking": N_("Booking"),
    "request": N_("Request"),
    "minutes": N_("Minutes"),
    "starts_at": N_("Starts"),
    "ends_at": N_("Ends"),
    "stand_in": N_("Stand-in"),
    "consultations_per_week": N_("Consultations and meetings a week"),
    "mentees_capacity": N_("Mentees at a time"),
    "points_capacity": N_("Case points a week"),
    "points": N_("Points"),
    "scope": N_("Applies to"),
    "slot_minutes": N_("Meeting length (minutes)"),
    "buffer_minutes": N_("Pause between meetings (minutes)"),
    "max_travel_km": N_("Longest journey for meetings on site (km)"),
    "hours": N_("Weekly hours"),
    "municipalities": N_("Municipalities"),
    "municipality": N_("Municipality"),
    "county": N_("County"),
    "legal_form": N_("Legal form"),
    "scopes": N_("Scope"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "cohort": N_("Cohort"),
    "programme": N_("Programme"),
    "themes": N_("Themes"),
    "held_on": N_("Date"),
    "year": N_("Year"),
    "months": N_("Period"),
    "social_workers": N_("Social workers"),
    "new_share": N_("Under one year (%)"),
    "turnover": N_("Turnover (%)"),
    "vacancies": N_("Vacancies"),
    "agency_consultants": N_("Agency consultants"),
    "sick_leave": N_("Sick leave (%)"),
    "case_points": N_("Case points per social worker"),
    "status": N_("Status"),
    "version": N_("Version"),
    "week": N_("Week"),
    "month": N_("Month"),
    "k": N_("How many"),
    "level": N_("Level"),
    "note": N_("Note"),
    "confirm": N_("Confirmation"),
    "page": N_("Page"),
    "actor": N_("Who"),
    "action": N_("Action"),
    "outcome": N_("Outcome"),
    "object": N_("Object"),
    "since": N_("From"),
    "until": N_("To"),
    "series": N_("Groups"),
    "max_per_municipality": N_("At most from one municipality in a group"),
    "min_municipalities": N_("At least this many municipalities in a group"),
    "rank": N_("Your order of choice"),
    "hubs": N_("Hubs"),
    "social_worker": N_("Social worker"),
    "unit": N_("Unit"),
    "weekday": N_("Weekday"),
    "start_time": N_("Start time"),
    "duration_minutes": N_("Length (minutes)"),
    "cadence": N_("How often"),
    "first_date": N_("First date"),
    "mentoring": N_("Mentoring pair"),
    "occurrence_id": N_("Meeting"),
    "series_id": N_("Standing time"),
    "hub": N_("Hub specialist"),
    "capacity": N_("Seats per session"),
    "first": N_("First date and time"),
    "count": N_("How many sessions"),
    "topics": N_("Teaching topics"),
    "topic": N_("Teaching topic"),
    "host": N_("Host"),
    "part_format": N_("Format"),
}
# A validation library's message, by its shape, as a page says it (see ``explain``).
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"mentees, more than the part's \d+ seats"),
        N_("The programme has more mentees than the part has seats: give it more seats."),
    ),
    (
        re.compile(r"capacity would be exceeded|when the (specialist|hub)'s capacity is used up"),
        N_("The specialist's weekly capacity is used up that week."),
    ),
    (
        re.compile(r"does not offer \w+ meetings"),
        N_("The specialist does not offer this kind of meeting."),
    ),
    (re.compile(r"only a proposed series is answered"), N_("The proposal is answered already.")),
    # Parallel groups: a refusal names the hub by its place in the list.
    (
        re.compile(r"^hub \d+ .*not competent in this area"),
        N_("A chosen hub is not competent in the competence area: choose hubs who are."),
    ),
    (
        re.compile(r"^hub \d+ .*only the hub or a coordinator"),
        N_("You make groups only for hubs at home where you coordinate."),
    ),
    (
        re.compile(r"^hub \d+ .*(is taken|absence|capacity is used up|does not offer)"),
        N_(
            "A chosen hub is not free then (another meeting, away or a full week): "
            "choose another time."
        ),
    ),
    (re.compile(r"^hub \d+ .*is in the past"), N_("The date has passed.")),
    (
        re.compile(r"no agreement binds these to the hub's municipality"),
        N_("A chosen municipality has no sharing agreement with the hub's municipality."),
    ),
    (
        re.compile(r"no agreement binds these to the hub's municipality"),
        N_(
            "Only the hub's own municipality and those under a valid sharing agreement "
            "with it can be served."
        ),
    ),
    (
        re.compile(r"changed meanwhile"),
        N_(
            "Someone else changed it in the meantime. "
            "Open the page again and make your change once more."
        ),
    ),
    (
        re.compile(r"needs a county or at least two municipalities"),
        N_("Choose a county or at least two municipalities."),
    ),
    (re.compile(r"is listed twice"), N_("Listed twice.")),
    (re.compile(r"is not an interval"), N_("Write times as 08:00-12:00, separated by commas.")),
    (re.compile(r"is not a time of day"), N_("A time of day is between 00:00 and 24:00.")),
    (re.compile(r"RFC3339 encoded time\b"), N_("A time of day is between 00:00 and 24:00.")),
    (re.compile(r"^unknown (county|kommunkod|area)"), N_("Choose one of the given values.")),
    (
        re.compile(r"only an accepted consultation can be booked"),
        N_("Only an accepted consultation can be booked."),
    ),
    (re.compile(r"missing required field|is required|^write something$"), N_("Fill this in.")),
    (
        re.compile(r"must be a specialist of the competence area"),
        N_("Choose a specialist of the competence area."),
    ),
    (re.compile(r"percentage from 0 to 100"), N_("Enter a percentage from 0 to 100.")),
    (re.compile(r"must be a year from 2000"), N_("Enter a year from 2000 to this year.")),
    # A text's length before a number's range: "Expected `str` of length >= 1" is an
    # empty field, not a number too small.
    (re.compile(r"Expected `str` of length >= 1\b"), N_("Fill this in.")),
    (re.compile(r"Expected `array` of length >= \d+"), N_("Choose at least one.")),
    (
        re.compile(r"Expected `str` of length <= \d+|length <=|is longer than \d+ characters"),
        N_("The text is too long."),
    ),
    (re.compile(r"of length >= \d+|length >="), N_("The text is too short.")),
    # A range before a type: "Expected `float` <= 100.0" is a number too large.
    (re.compile(r"Expected `.*` <= \d+|<= \d+"), N_("The number is too large.")),
    (re.compile(r"Expected `.*` >= \d+|>= \d+"), N_("The number is too small.")),
    (re.compile(r"Expected `int`|whole number"), N_("Enter a whole number.")),
    (re.compile(r"Expected `(float|number)`"), N_("Enter a number.")),
    (re.compile(r"Expected `date`|Invalid RFC3339 encoded date\b(?!time)"), N_("Enter a date.")),
    (
        re.compile(r"Expected `datetime`|RFC3339 encoded datetime|date and time"),
        N_("Enter a date and a time."),
    ),
    (
        re.compile(r"Invalid enum value|Expected `.*` matching regex|Invalid value"),
        N_("Choose one of the given values."),
    ),
    (
        re.compile(r"case points"),
        N_("There are not enough case points left this week for this work."),
    ),
)
_INDEXED = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\](?:\.(?P<item>\w+))?$")
_WEEKDAY_FIELD = re.compile(r"^hours_(?P<day>[0-6])$")
# The controls' list fields as the forms name them per row (``competences[2].area``
# is the select ``area_2``).
_ROW_CONTROLS = {"competences": "{item}_{index}"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One refused field as a page shows it: its label, a sentence in the page's
    language, and the id of its control (``f-<name>``) for the error summary's link."""

    field: str | None
    label: str | None
    message: str
    anchor: str | None


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

    def language_name(self, code: str) -> str:
        """A language's name in this language ("arabiska"), the code if it has none."""
        name = self.locale.languages.get(code)
        return name if name else code

    def language_label(self, code: str) -> str:
        """A language's name as a label or a choice: its first letter upper case
        ("Centralkurdiska", "Central Kurdish")."""
        name = self.language_name(code)
        return name[:1].upper() + name[1:]

    def language_choices(self, *also: str) -> list[tuple[str, str]]:
        """The languages to pick from, ``(code, name)``: Swedish first, then by name,
        with the codes ``also`` (stored ones outside the list) kept as choices."""
        codes = dict.fromkeys([*SPOKEN_LANGUAGES, *(c for c in also if c)])
        named = sorted(
            ((code, self.language_label(code)) for code in codes if code != "sv"),
            key=lambda pair: pair[1].casefold(),
        )
        return [("sv", self.language_label("sv")), *named]

    def reasons(self, parts: Mapping[str, int], **known: Any) -> list[str]:
        """Why a specialist fits, in words (``web/reasons.score_reasons``)."""
        return score_reasons(
            self.gettext,
            self.language_name,
            self.number,
            parts,
            today=today(),
            **known,
        )

    def say(self, message: str) -> str:
        """A refusal's sentence in this language: the catalogue's sentence for the
        service's text (``web/messages.py``), else one for the text's shape (a
        validation library's), else a general one. Never the service's own text, which
        is English and may name internal fields."""
        known = SERVICE_MESSAGES.get(message.strip())
        if known is not None:
            return self.gettext(known)
        for pattern, sentence in _SHAPES:
            if pattern.search(message):
                return self.gettext(sentence)
        return self.gettext("Check this value.")

    def label(self, field: str | None) -> tuple[str | None, str | None]:
        """The label a page shows for ``field`` and the id of its control."""
        if not field:
            return None, None
        weekday = _WEEKDAY_FIELD.match(field)
        if weekday:
            day = int(weekday["day"])
            name = format_date(date(2024, 1, 1 + day), "EEEE", locale=self.locale)
            return name.capitalize(), f"f-{field}"
        row = _INDEXED.match(field)
        if row:
            base = row["item"] or row["list"]
            label = FIELD_LABELS.get(base) or FIELD_LABELS.get(row["list"])
            text = f"{self.gettext(label)} {int(row['index']) + 1}" if label else None
            control = _ROW_CONTROLS.get(row["list"], "{list}")
            anchor = "f-" + control.format(
                list=row["list"], item=row["item"] or "", index=row["index"]
            )
            return text, anchor
        label = FIELD_LABELS.get(field.split(".")[0])
        return (self.gettext(label) if label else None), f"f-{field}"

    def explain(self, error: object) -> list[Problem]:
        """Every problem of a refusal (a ``DomainError``), as a page shows it."""
        if error is None:
            return []
        listed = [e for e in getattr(error, "errors", None) or [] if "kind" not in e]
        found = listed or [
            {"field": getattr(error, "field", None), "message": getattr(error, "message", "")}
        ]
        problems = []
        for item in found:
            field = item.get("field")
            label, anchor = self.label(str(field) if field else None)
            if item.get("row") is not None:  # a problem of an imported file's row
                label = f"{self.gettext('Row')} {item['row']}, {self.gettext('column')} "
                label += str(item.get("column") or "")
                anchor = None
            problems.append(
                Problem(
                    field=str(field) if field else None,
                    label=label,
                    message=self.say(str(item.get("message", ""))),
                    anchor=anchor,
                )
            )
        return problems

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
            "cadence_labels": CADENCE_LABELS,
            "group_part_labels": GROUP_PART_LABELS,
            "application_labels": APPLICATION_LABELS,
            "reason_labels": ABSENCE_REASON_LABELS,
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            "conference_kind_labels": CONFERENCE_KIND_LABELS,
            "phase_labels": PHASE_LABELS,
            "urgency_labels": URGENCY_LABELS,
            "referral_labels": REFERRAL_LABELS,
            "round_status_labels": ROUND_STATUS_LABELS,
            "assignment_labels": ASSIGNMENT_LABELS,
            "unplaced_labels": UNPLACED_LABELS,
            "notice_labels": NOTICE_LABELS,
            "finding_labels": FINDING_LABELS,
            "finding_kinds": FINDING_KINDS,
            "field_labels": FIELD_LABELS,
            "explain": self.explain,
            "say": self.say,
            "language_name": self.language_name,
            "language_choices": self.language_choices,
            "language_label": self.language_label,
            "reasons": self.reasons,
            "marked_segments": marked_segments,
            "coverage_labels": COVERAGE_LABELS,
            "placement_labels": PLACEMENT_LABELS,
            "legal_form_labels": LEGAL_FORM_LABELS,
            "agreement_scope_labels": AGREEMENT_SCOPE_LABELS,
            "agreement_status_labels": AGREEMENT_STATUS_LABELS,
            "mentoring_status_labels": MENTORING_STATUS_LABELS,
            "constraint_labels": CONSTRAINT_LABELS,
            "theme_labels": THEME_LABELS,
            "standing_status_labels": STANDING_STATUS_LABELS,
            "standing_cadence_labels": STANDING_CADENCE_LABELS,
            "occurrence_labels": OCCURRENCE_LABELS,
            "work_kind_labels": WORK_KIND_LABELS,
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

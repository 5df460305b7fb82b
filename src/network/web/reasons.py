"""Why a specialist is suggested (or placed by a round), in words a social worker
uses: "61 km bort", "expert i området", "ledig tid i morgon", "delar avtal med din
kommun". The score's points stay available on the page, behind a "show points".

The parts and their most points are those of ``graph/matching.py`` (``Weights``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from network.graph.matching import DEFAULT_WEIGHTS
from network.lib.clock import STOCKHOLM
from network.lib.vocab import N_

__all__ = ("score_reasons",)

_LEVELS = {
    3: N_("expert in the area"),
    2: N_("experienced in the area"),
    1: N_("basic competence in the area"),
}


def score_reasons(
    gettext: Callable[[str], str],
    language_name: Callable[[str], str],
    number: Callable[[float], str],
    parts: Mapping[str, int],
    *,
    today: date,
    kind: str = "meeting",
    language: str | None = None,
    distance_km: float | None = None,
    next_free: datetime | None = None,
    agreement: int | None = None,
    shared: bool | None = None,
) -> list[str]:
    """The reasons, most telling first, in the language of ``gettext``.

    ``distance_km``, ``next_free`` and ``agreement``/``shared`` are given where they are
    known (suggestions); a round's row has the points only."""
    said: list[str] = []
    level = parts.get("level", 0) // DEFAULT_WEIGHTS.level
    if level in _LEVELS:
        said.append(gettext(_LEVELS[level]))
    if distance_km is not None:
        if distance_km < 1:
            said.append(gettext("in your municipality"))
        else:
            said.append(gettext("%(km)s km away") % {"km": number(round(distance_km))})
    if kind != "written":
        if next_free is not None:
            days = (next_free.astimezone(STOCKHOLM).date() - today).days
            if days <= 0:
                said.append(gettext("a free time today"))
            elif days == 1:
                said.append(gettext("a free time tomorrow"))
            else:
                said.append(gettext("a free time in %(days)s days") % {"days": days})
        if parts.get("timeliness", 0) < DEFAULT_WEIGHTS.timeliness:
            said.append(gettext("later than the urgency asks for"))
    if language and language != "sv":
        name = language_name(language)
        if parts.get("language", 0) > 0:
            said.append(gettext("speaks %(language)s") % {"language": name})
        else:
            said.append(gettext("does not speak %(language)s") % {"language": name})
    room = parts.get("load", 0) / DEFAULT_WEIGHTS.load
    if room >= 2 / 3:
        said.append(gettext("plenty of room this week"))
    elif room >= 1 / 3:
        said.append(gettext("some room this week"))
    else:
        said.append(gettext("little room left this week"))
    if agreement is not None or shared:
        said.append(gettext("shares an agreement with your municipality"))
    if parts.get("no_local", 0) > 0:
        said.append(gettext("your municipality has no specialist of its own in the area"))
    return said

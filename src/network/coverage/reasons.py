"""Why a place is recommended, in words an FoU analyst reads out to a board: "Ger
12 300 invånare i 3 kommuner tillgång", "9 förfrågningar de senaste 12 månaderna,
varav 5 oplacerade", "personalomsättning 38 % och 41 % nya i yrket i Ydre (2025)".

Shared by the where-to-act page, the county report and the API (in Swedish there).
Only figures that are shown elsewhere (small numbers suppressed) are used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from network.graph.placement import Reason, Step

__all__ = ("reason_text", "step_reasons")


def reason_text(
    gettext: Callable[[str], str],
    number: Callable[[float], str],
    area_names: Mapping[str, str],
    place_names: Mapping[str, str],
    reason: Reason,
) -> str:
    """One reason as a sentence in the language of ``gettext``."""
    text = _sentence(gettext, number, area_names, place_names, reason)
    return text[:1].upper() + text[1:]


def _sentence(
    gettext: Callable[[str], str],
    number: Callable[[float], str],
    area_names: Mapping[str, str],
    place_names: Mapping[str, str],
    reason: Reason,
) -> str:
    if reason.kind == "reach" and reason.municipality is not None:
        return gettext("gives %(people)s inhabitants of %(place)s a specialist within reach") % {
            "people": number(reason.people or 0),
            "place": place_names.get(reason.municipality, reason.municipality),
        }
    if reason.kind == "reach":
        return gettext(
            "gives %(people)s inhabitants in %(count)s municipalities a specialist within reach"
        ) % {"people": number(reason.people or 0), "count": number(reason.count or 0)}
    if reason.kind == "demand":
        return gettext(
            "%(count)s requests in the last 12 months in these municipalities and areas, "
            "%(unplaced)s of them unplaced"
        ) % {"count": number(reason.count or 0), "unplaced": number(reason.unplaced or 0)}
    if reason.kind == "wait":
        return gettext("a median of %(days)s days to a meeting in %(place)s (%(area)s)") % {
            "days": number(reason.days or 0),
            "place": place_names.get(reason.municipality or "", reason.municipality or ""),
            "area": area_names.get(reason.area or "", reason.area or ""),
        }
    if reason.kind == "fragility":
        parts = []
        if reason.turnover is not None:
            parts.append(gettext("turnover %(value)s %%") % {"value": number(reason.turnover)})
        if reason.new_share is not None:
            parts.append(
                gettext("%(value)s %% under one year in the job")
                % {"value": number(reason.new_share)}
            )
        return gettext("%(figures)s in %(place)s (%(year)s)") % {
            "figures": ", ".join(parts),
            "place": place_names.get(reason.municipality or "", reason.municipality or ""),
            "year": reason.year,
        }
    return gettext("no requests to show here (none, or fewer than 5)")


def step_reasons(
    gettext: Callable[[str], str],
    number: Callable[[float], str],
    area_names: Mapping[str, str],
    place_names: Mapping[str, str],
    step: Step,
) -> list[str]:
    """Every reason of ``step``, most telling first, each a sentence."""
    return [reason_text(gettext, number, area_names, place_names, r) for r in step.reasons]

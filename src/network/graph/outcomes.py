"""Outcomes of consultations from their close-out surveys, per group (an area, a
county, a municipality or a month), with response rates and small numbers suppressed.

A consultation is *due* a close-out once its meeting has taken place (or its written
answer has come); the requester closes it with the short survey, so a *response* is
a completed consultation. Per group:

- ``due``, ``responses`` and the ``response_rate`` (responses / due);
- ``helpful_mean`` (1–5) and, as counts of the responses with their share of them:
  ``helpful`` (4 or 5), ``risk_changed`` (the risk assessment changed),
  ``escalation_avoided``, ``placement_avoided``, ``referral_avoided`` and
  ``referral_made`` (to any of Barnahus, the national team, BUP, the police, other).

Suppression (:mod:`network.privacy.small_numbers`), per column over the groups with
the total shown beside them: a count of 1–4 is hidden, and so are further cells
until none can be recovered as the total minus the cells shown. A group whose
responses are hidden shows no outcome; an outcome whose complement within the group
(responses that did not say yes) is 1–4 is hidden too, since "7 of 8" tells of one.
Everything computed from a hidden count (a share, a rate, a mean) is hidden with it.
Pure: facts in, rows out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from network.privacy.small_numbers import MIN_GROUP, protect, small

__all__ = ("MEASURES", "Closeout", "OutcomeRow", "OutcomeTable", "outcome_table")

MEASURES = (
    "helpful",
    "risk_changed",
    "escalation_avoided",
    "placement_avoided",
    "referral_avoided",
    "referral_made",
)
TOTAL = ""


@dataclass(frozen=True, slots=True)
class Closeout:
    """One consultation due a close-out: where, which area, which month, and its
    survey's answers (``responded`` false: not closed out yet, answers all false)."""

    municipality: str
    county: str
    area: str
    month: str  # YYYY-MM, Europe/Stockholm
    responded: bool
    helpful_score: int = 0  # 1–5 when responded
    risk_changed: bool = False
    escalation_avoided: bool = False
    placement_avoided: bool = False
    referral_avoided: bool = False
    referral_made: bool = False

    @property
    def helpful(self) -> bool:
        return self.helpful_score >= 4

    def says(self, measure: str) -> bool:
        return self.responded and bool(getattr(self, measure))


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """One group's figures; ``None`` is suppressed."""

    key: str  # the group's code or month; "" for the total
    due: int | None
    responses: int | None
    response_rate: float | None
    helpful_mean: float | None
    counts: dict[str, int | None] = field(default_factory=dict)
    shares: dict[str, float | None] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return (
            self.due is None
            or self.responses is None
            or any(value is None for value in self.counts.values())
        )


@dataclass(frozen=True, slots=True)
class OutcomeTable:
    rows: list[OutcomeRow]
    total: OutcomeRow


def _group_of(by: str) -> Callable[[Closeout], str]:
    if by not in ("area", "county", "municipality", "month"):
        raise ValueError(f"unknown grouping {by!r}")
    return lambda fact: str(getattr(fact, by))


def outcome_table(facts: Iterable[Closeout], by: str, keys: Sequence[str]) -> OutcomeTable:
    """One row per key in ``keys`` (in that order, zero rows included) and the total
    over them; facts whose group is not among ``keys`` are left out."""
    group_of = _group_of(by)
    wanted = set(keys)
    groups: dict[str, list[Closeout]] = {key: [] for key in keys}
    for fact in facts:
        key = group_of(fact)
        if key in wanted:
            groups[key].append(fact)
    every = [fact for items in groups.values() for fact in items]

    due = {key: len(items) for key, items in groups.items()}
    responses = {key: sum(f.responded for f in items) for key, items in groups.items()}
    due_cut = protect(due)
    answered_cut = protect(responses)
    silent = answered_cut.hidden
    total_responses = sum(responses.values())
    counts = {
        measure: {key: sum(f.says(measure) for f in items) for key, items in groups.items()}
        for measure in MEASURES
    }
    cuts = {}
    for measure, column in counts.items():
        forced = set(silent) | {
            key for key, count in column.items() if small(responses[key] - count)
        }
        total = sum(column.values())
        cuts[measure] = protect(
            column,
            forced=forced,
            total_hidden=answered_cut.total_hidden or small(total_responses - total),
        )

    def row(key: str, items: list[Closeout], is_total: bool) -> OutcomeRow:
        shown_due = not (due_cut.total_hidden if is_total else key in due_cut.hidden)
        shown_answered = not (answered_cut.total_hidden if is_total else key in silent)
        n_due, n_answered = len(items), sum(f.responded for f in items)
        figures: dict[str, int | None] = {}
        shares: dict[str, float | None] = {}
        for measure in MEASURES:
            cut = cuts[measure]
            visible = shown_answered and not (cut.total_hidden if is_total else key in cut.hidden)
            count = sum(f.says(measure) for f in items)
            figures[measure] = count if visible else None
            shares[measure] = round(count / n_answered, 3) if visible and n_answered else None
        scores = [f.helpful_score for f in items if f.responded]
        return OutcomeRow(
            key=key,
            due=n_due if shown_due else None,
            responses=n_answered if shown_answered else None,
            response_rate=(
                round(n_answered / n_due, 3) if shown_due and shown_answered and n_due else None
            ),
            helpful_mean=(
                round(sum(scores) / len(scores), 2)
                if shown_answered and len(scores) >= MIN_GROUP
                else None
            ),
            counts=figures,
            shares=shares,
        )

    return OutcomeTable(
        rows=[row(key, groups[key], False) for key in keys],
        total=row(TOTAL, every, True),
    )

"""The coordinator's monthly sample review of accesses to their municipality's cases.

A review draws a uniform random sample (without replacement) of the month's
audit entries about case objects in the reviewer's scope; the reviewer marks
each as justified or not, and the completed review is kept (and audited).
"""

from __future__ import annotations

import random
from calendar import monthrange
from datetime import UTC, date, datetime, time
from typing import Any

from network.audit.services import record
from network.audit.tables import AuditEvent, AuditReview
from network.kernel.context import Context
from network.kernel.policy import Action, Target, decide
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound

__all__ = ("CASE_OBJECT_TYPES", "complete_review", "month_bounds", "start_review")

CASE_OBJECT_TYPES = ("consultation", "booking", "assignment", "mentoring_request")


def month_bounds(month: str) -> tuple[date, date]:
    """First day of ``month`` ("YYYY-MM") and first day of the next month."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise InvalidInput("use the form YYYY-MM", field="month") from None
    last_day = monthrange(year, number)[1]
    return first, date.fromordinal(first.toordinal() + last_day)


def _scope_condition(municipality: str | None, county: str | None) -> Any:
    if municipality is not None:
        return AuditEvent.municipality_code == municipality
    return AuditEvent.county_code == county


async def start_review(
    ctx: Context,
    *,
    month: str,
    size: int,
    municipality: str | None,
    county: str | None,
    seed: int | None = None,
) -> int:
    if (municipality is None) == (county is None):
        raise InvalidInput("name exactly one of municipality or county", field="municipality")
    if not decide(
        ctx.principal, Action.AUDIT_REVIEW, Target(municipality=municipality, county=county)
    ):
        raise Forbidden("you do not coordinate this municipality or county", field="municipality")
    first, after = month_bounds(month)
    if first > clock.today():
        raise InvalidInput("lies in the future", field="month")
    condition = (
        _scope_condition(municipality, county)
        & AuditEvent.object_type.is_in(list(CASE_OBJECT_TYPES))
        & (AuditEvent.at >= datetime.combine(first, time(), UTC))
        & (AuditEvent.at < datetime.combine(after, time(), UTC))
    )
    ids = [row["id"] for row in await AuditEvent.select(AuditEvent.id).where(condition)]
    sample = sorted(random.Random(seed).sample(ids, min(size, len(ids))))
    review = AuditReview(
        reviewer_id=ctx.principal.user_id,
        reviewer_email=ctx.principal.email,
        municipality_code=municipality,
        county_code=county,
        period_start=first,
        period_end=after,
        sample_size=size,
        population=len(ids),
        sample=sample,
        created_at=clock.now(),
    )
    await review.save()
    await record(
        ctx.actor,
        "audit.review_started",
        "audit_review",
        review.id,
        municipality=municipality,
        county=county,
        detail={"month": month, "population": len(ids), "sampled": len(sample)},
    )
    return int(review.id)


async def complete_review(ctx: Context, review_id: int, findings: list[dict[str, Any]]) -> None:
    row = (
        await AuditReview.select().where(AuditReview.id == review_id).output(load_json=True).first()
    )
    if row is None or row["reviewer_id"] != ctx.principal.user_id:
        raise NotFound("no such review of yours", field="review_id", source="path")
    if row["status"] != "open":
        raise Conflict("this review is already completed", field="review_id")
    sample = set(row["sample"])
    judged = [int(f["event_id"]) for f in findings]
    if len(set(judged)) != len(judged):
        raise InvalidInput("an entry is judged twice", field="findings")
    if set(judged) != sample:
        raise InvalidInput(f"judge exactly the {len(sample)} sampled entries", field="findings")
    await AuditReview.update(
        {
            AuditReview.findings: findings,
            AuditReview.status: "completed",
            AuditReview.completed_at: clock.now(),
        }
    ).where(AuditReview.id == review_id)
    flagged = sum(1 for f in findings if not f["ok"])
    await record(
        ctx.actor,
        "audit.review_completed",
        "audit_review",
        review_id,
        municipality=row["municipality_code"],
        county=row["county_code"],
        detail={"judged": len(findings), "flagged": flagged},
    )

"""Constraints of the mentoring tables added with cohorts, mentors and the ladder.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-11-30T15:39:54:000000"
VERSION = "1.38.0"
DESCRIPTION = "mentoring constraints: one offer per mentor, one live request, steps once"

CONSTRAINTS = (
    Unique("mentor_offer", "mentor_offer_one_per_programme", ("programme", "user")),
    Unique(
        "mentoring_request",
        "mentoring_request_one_live_per_programme",
        ("programme", "mentee"),
        where="status IN ('open', 'matched')",
    ),
    Unique("ladder_signoff", "ladder_signoff_once", ("request", "step")),
    Check("mentor_offer", "mentor_offer_capacity_range", "capacity BETWEEN 1 AND 10"),
    Check("mentoring_meeting", "mentoring_meeting_minutes_range", "minutes BETWEEN 10 AND 480"),
    Check("ladder_signoff", "ladder_signoff_step_positive", "step >= 1"),
    Check("mentoring_cohort", "mentoring_cohort_period_in_order", "end_date >= start_date"),
    Check(
        "mentoring_programme",
        "mentoring_programme_stale_weeks_range",
        "stale_weeks BETWEEN 1 AND 52",
    ),
    Check(
        "mentoring_request",
        "mentoring_request_matched_has_mentor",
        "status <> 'matched' OR offer IS NOT NULL",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "mentoring", DESCRIPTION, CONSTRAINTS)

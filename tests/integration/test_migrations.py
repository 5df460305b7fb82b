"""Migrations apply forwards, backwards and forwards again on the suite's database kind,
and the constraints they declare are enforced by the database itself."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from tests.support.database import DATABASE_KIND, fresh_database_url, migrate, migrated_database

DOMAIN_TABLES = {
    "county",
    "municipality",
    "competence_area",
    "sharing_agreement",
    "agreement_municipality",
    "agreement_area",
    "data_version",
    "app_user",
    "api_token",
    "role_binding",
    "audit_event",
    "audit_review",
    "specialist_profile",
    "specialist_competence",
    "availability_rule",
    "availability_override",
    "absence",
    "calendar_feed",
    "user_calendar_feed",
    "work_points",
    "consultation_message",
    "notification",
    "consultation_request",
    "assignment_round",
    "assignment",
    "booking",
    "feedback",
    "conference_series",
    "series_municipality",
    "conference_session",
    "conference_signup",
    "conference_case",
    "conference_application",
    "conference_placement",
    "standing_series",
    "standing_occurrence",
    "engagement",
    "engagement_phase_change",
    "engagement_time",
    "engagement_handover",
    "peer_post",
    "peer_reply",
    "mentoring_programme",
    "mentoring_request",
    "programme_municipality",
    "mentoring_cohort",
    "mentor_offer",
    "mentoring_round",
    "mentoring_meeting",
    "ladder_signoff",
    "coverage_snapshot",
    "workforce_indicator",
}


def _query(url: str, sql: str) -> list[tuple[object, ...]]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split(":///", 1)[1]) as conn:
            conn.execute("PRAGMA foreign_keys = 1")
            return list(conn.execute(sql).fetchall())

    import asyncpg

    async def run() -> list[tuple[object, ...]]:
        conn = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    if url.startswith("sqlite"):
        rows = _query(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = _query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {str(r[0]) for r in rows} - {"migration", "sqlite_sequence"}


@pytest.fixture
def scratch_url() -> str:
    return fresh_database_url("migrations")


@pytest.fixture
def migrated_url() -> str:
    """A fresh database at the latest migration (a copy of one `network migrate` made)."""
    return migrated_database("migrations")


def test_forwards_backwards_forwards(scratch_url: str) -> None:
    migrate(scratch_url)
    assert _tables(scratch_url) == DOMAIN_TABLES
    migrate(scratch_url, "--backwards")
    assert _tables(scratch_url) == set()
    migrate(scratch_url)
    assert _tables(scratch_url) == DOMAIN_TABLES
    # Applying again is a no-op.
    migrate(scratch_url)
    assert _tables(scratch_url) == DOMAIN_TABLES


def _expect_refused(url: str, sql: str) -> None:
    error_types: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
    if DATABASE_KIND == "postgres":
        import asyncpg

        error_types = (asyncpg.IntegrityConstraintViolationError, asyncpg.RaiseError)
    with pytest.raises(error_types):
        _query(url, sql)


def test_database_enforces_constraints(migrated_url: str) -> None:
    run = lambda sql: _query(migrated_url, sql)  # noqa: E731
    run("INSERT INTO county (code, name) VALUES ('25', 'Norrbottens län')")
    county = run("SELECT id FROM county WHERE code = '25'")[0][0]
    run(
        "INSERT INTO municipality (code, name, county, population, latitude, longitude, boundary) "
        f"VALUES ('2584', 'Kiruna', {county}, 22000, 67.8, 20.2, '{{}}')"
    )
    # Unique kommunkod.
    _expect_refused(
        migrated_url,
        "INSERT INTO municipality (code, name, county, population, latitude, longitude, boundary) "
        f"VALUES ('2584', 'Kiruna 2', {county}, 1, 0, 0, '{{}}')",
    )
    # Foreign key.
    _expect_refused(
        migrated_url,
        "INSERT INTO municipality (code, name, county, population, latitude, longitude, boundary) "
        "VALUES ('9999', 'Nowhere', 987654, 1, 0, 0, '{}')",
    )
    run(
        "INSERT INTO competence_area (code, name_sv, name_en, description_en, active) "
        "VALUES ('lvu_investigation', 'LVU', 'LVU', '', true)"
    )
    run(
        "INSERT INTO app_user (email, display_name, active, locale, created_at) "
        "VALUES ('s@demo.invalid', 'S', true, 'sv', '2026-01-01T00:00:00+00:00')"
    )
    municipality = run("SELECT id FROM municipality WHERE code = '2584'")[0][0]
    run(
        'INSERT INTO specialist_profile ("user", home_municipality, title, languages, '
        "offers_phone, offers_video, offers_on_site, max_travel_km, consultations_per_week, "
        "mentees_capacity, slot_minutes, buffer_minutes, accepts_new, created_at, updated_at, "
        "version) VALUES (1, "
        f"{municipality}, '', {_empty_array()}, true, true, false, 0, 4, 1, 45, 15, true, "
        "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1)"
    )
    area = run("SELECT id FROM competence_area")[0][0]
    # Level range 1-3.
    competence = (
        "INSERT INTO specialist_competence (specialist, area, level, note) "
        f"VALUES (1, {area}, {{level}}, '')"
    )
    _expect_refused(migrated_url, competence.format(level=4))
    _expect_refused(migrated_url, competence.format(level=0))
    run(competence.format(level=3))
    # One competence row per area.
    _expect_refused(migrated_url, competence.format(level=2))
    # No two live bookings of one specialist at one start time; a cancelled one frees it.
    booking = (
        "INSERT INTO booking (specialist, starts_at, ends_at, mode, status, created_at) VALUES "
        "(1, '2026-03-02T09:00:00+00:00', '2026-03-02T09:45:00+00:00', 'video', '{status}', "
        "'2026-01-01T00:00:00+00:00')"
    )
    run(booking.format(status="booked"))
    _expect_refused(migrated_url, booking.format(status="booked"))
    run("UPDATE booking SET status = 'cancelled'")
    run(booking.format(status="booked"))
    # An interval must end after it starts.
    _expect_refused(
        migrated_url,
        "INSERT INTO availability_rule (specialist, weekday, start_time, end_time) "
        "VALUES (1, 0, '12:00:00', '08:00:00')",
    )
    # A role binding has exactly one scope.
    _expect_refused(
        migrated_url,
        'INSERT INTO role_binding ("user", role, municipality, county, created_at) '
        f"VALUES (1, 'specialist', {municipality}, {county}, '2026-01-01T00:00:00+00:00')",
    )


def _empty_array() -> str:
    return "'[]'" if DATABASE_KIND == "sqlite" else "'{}'"


def test_audit_log_is_append_only(migrated_url: str) -> None:
    _query(
        migrated_url,
        "INSERT INTO audit_event (at, action, object_type, outcome, detail) "
        "VALUES ('2026-01-01T00:00:00+00:00', 'auth.sign_in', 'user', 'allowed', '{}')",
    )
    _expect_refused(migrated_url, "UPDATE audit_event SET action = 'tampered'")
    _expect_refused(migrated_url, "DELETE FROM audit_event")
    assert _query(migrated_url, "SELECT action FROM audit_event") == [("auth.sign_in",)]
    migrate(migrated_url, "--backwards")
    assert _tables(migrated_url) == set()

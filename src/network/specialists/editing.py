"""Changing a specialist's profile, competences, weekly hours and absences.

Only the specialist themself and coordinators of their municipality or county may
(the policy decides); every change is audited; each write is one transaction.
"""

from __future__ import annotations

import itertools
from datetime import UTC
from typing import Any

from network.audit.services import record
from network.conferences.absences import follow_absences
from network.directory.tables import CompetenceArea
from network.kernel.context import Context
from network.kernel.policy import Action, Principal, Target, decide
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.meeting import meeting_phone, meeting_place, video_url
from network.specialists import schemas
from network.specialists.tables import (
    Absence,
    AvailabilityRule,
    SpecialistCompetence,
    SpecialistProfile,
)

__all__ = (
    "add_absence",
    "authorize",
    "delete_absence",
    "replace_hours",
    "set_meeting_details",
    "update_profile",
)


async def authorize(principal: Principal, specialist_id: int) -> dict[str, Any]:
    row = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.version,
            SpecialistProfile.home_municipality._.code.as_alias("municipality"),
            SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
        )
        .where(SpecialistProfile.id == specialist_id)
        .first()
    )
    if row is None:
        raise NotFound("no such specialist", field="id", source="path")
    target = Target(
        municipality=row["municipality"],
        county=row["county"],
        specialist_ids=frozenset({specialist_id}),
    )
    if not decide(principal, Action.SPECIALIST_EDIT, target):
        raise Forbidden("only the specialist and their coordinators may change this")
    return row


async def update_profile(ctx: Context, specialist_id: int, data: schemas.ProfileIn) -> int:
    """Replace the profile and competences; returns the new version."""
    codes = [c.area for c in data.competences]
    if len(set(codes)) != len(codes):
        raise InvalidInput("an area is listed twice", field="competences")
    known = {
        r["code"]: r["id"]
        for r in await CompetenceArea.select(CompetenceArea.id, CompetenceArea.code).where(
            CompetenceArea.code.is_in(codes or [""])
        )
    }
    for index, code in enumerate(codes):
        if code not in known:
            raise InvalidInput(f"unknown area code {code!r}", field=f"competences[{index}].area")
    async with ctx.work():
        row = await authorize(ctx.principal, specialist_id)
        if row["version"] != data.version:
            raise Conflict(
                f"the profile changed meanwhile (now version {row['version']}); reload it",
                field="version",
            )
        modes = set(data.modes)
        await SpecialistProfile.update(
            {
                SpecialistProfile.title: data.title,
                SpecialistProfile.languages: list(dict.fromkeys(data.languages)),
                SpecialistProfile.offers_phone: "phone" in modes,
                SpecialistProfile.offers_video: "video" in modes,
                SpecialistProfile.offers_on_site: "on_site" in modes,
                SpecialistProfile.max_travel_km: data.max_travel_km,
                SpecialistProfile.consultations_per_week: data.consultations_per_week,
                SpecialistProfile.mentees_capacity: data.mentees_capacity,
                **(
                    {}
                    if data.points_capacity is None
                    else {SpecialistProfile.points_capacity: data.points_capacity}
                ),
                SpecialistProfile.slot_minutes: data.slot_minutes,
                SpecialistProfile.buffer_minutes: data.buffer_minutes,
                SpecialistProfile.accepts_new: data.accepts_new,
                SpecialistProfile.updated_at: clock.now(),
                SpecialistProfile.version: data.version + 1,
            }
        ).where(
            (SpecialistProfile.id == specialist_id) & (SpecialistProfile.version == data.version)
        )
        await SpecialistCompetence.delete().where(SpecialistCompetence.specialist == specialist_id)
        if data.competences:
            await SpecialistCompetence.insert(
                *(
                    SpecialistCompetence(
                        specialist=specialist_id, area=known[c.area], level=c.level, note=c.note
                    )
                    for c in data.competences
                )
            )
        await record(
            ctx.actor,
            "specialist.profile_update",
            "specialist",
            specialist_id,
            municipality=row["municipality"],
            county=row["county"],
        )
    return data.version + 1


async def set_meeting_details(
    ctx: Context, specialist_id: int, data: schemas.MeetingDetailsIn
) -> schemas.MeetingDetails:
    """Replace the default meeting details (an empty one clears it); all three are
    checked before anything is written, and every problem is named with its field."""
    checked: dict[str, str | None] = {}
    problems: list[InvalidInput] = []
    checks = (("video_url", video_url), ("phone", meeting_phone), ("place", meeting_place))
    for name, check in checks:
        try:
            checked[name] = check(name, getattr(data, name))
        except InvalidInput as problem:
            problems.append(problem)
    if problems:
        first = problems[0]
        raise InvalidInput(
            first.message,
            field=first.field,
            errors=[{"field": p.field, "message": p.message} for p in problems]
            if len(problems) > 1
            else (),
        )
    details = schemas.MeetingDetails(**checked)
    async with ctx.work():
        row = await authorize(ctx.principal, specialist_id)
        await SpecialistProfile.update(
            {
                SpecialistProfile.meeting_video_url: details.video_url,
                SpecialistProfile.meeting_phone: details.phone,
                SpecialistProfile.meeting_place: details.place,
                SpecialistProfile.updated_at: clock.now(),
            }
        ).where(SpecialistProfile.id == specialist_id)
        await record(
            ctx.actor,
            "specialist.meeting_details_update",
            "specialist",
            specialist_id,
            municipality=row["municipality"],
            county=row["county"],
            detail={
                "video_url": details.video_url is not None,
                "phone": details.phone is not None,
                "place": details.place is not None,
            },
        )
    return details


def _check_hours(hours: list[schemas.Interval]) -> None:
    for index, interval in enumerate(hours):
        if interval.end <= interval.start:
            raise InvalidInput("ends before it starts", field=f"hours[{index}].end")
    ordered = sorted(enumerate(hours), key=lambda item: (item[1].weekday, item[1].start))
    for (_, first), (index, second) in itertools.pairwise(ordered):
        if first.weekday == second.weekday and second.start < first.end:
            raise InvalidInput("overlaps another interval that day", field=f"hours[{index}]")


async def replace_hours(ctx: Context, specialist_id: int, hours: list[schemas.Interval]) -> None:
    """Replace the weekly hours (Europe/Stockholm wall-clock times)."""
    _check_hours(hours)
    async with ctx.work():
        row = await authorize(ctx.principal, specialist_id)
        await AvailabilityRule.delete().where(AvailabilityRule.specialist == specialist_id)
        if hours:
            await AvailabilityRule.insert(
                *(
                    AvailabilityRule(
                        specialist=specialist_id,
                        weekday=h.weekday,
                        start_time=h.start,
                        end_time=h.end,
                    )
                    for h in hours
                )
            )
        await record(
            ctx.actor,
            "specialist.hours_update",
            "specialist",
            specialist_id,
            municipality=row["municipality"],
            county=row["county"],
            detail={"intervals": len(hours)},
        )


async def add_absence(ctx: Context, specialist_id: int, data: schemas.AbsenceCreate) -> int:
    for name in ("starts_at", "ends_at"):
        if getattr(data, name).tzinfo is None:
            raise InvalidInput("needs a time zone offset, e.g. +01:00", field=name)
    if data.ends_at <= data.starts_at:
        raise InvalidInput("must be after starts_at", field="ends_at")
    if data.stand_in == specialist_id:
        raise InvalidInput("cannot be the absent specialist", field="stand_in")
    if data.stand_in is not None and not await SpecialistProfile.exists().where(
        SpecialistProfile.id == data.stand_in
    ):
        raise InvalidInput("no such specialist", field="stand_in")
    async with ctx.work():
        row = await authorize(ctx.principal, specialist_id)
        absence = Absence(
            specialist=specialist_id,
            starts_at=data.starts_at.astimezone(UTC),
            ends_at=data.ends_at.astimezone(UTC),
            reason=data.reason,
            stand_in=data.stand_in,
            created_at=clock.now(),
        )
        await absence.save()
        # Conference sessions the specialist leads then go to the stand-in or are cancelled.
        await follow_absences(ctx.actor, specialist=specialist_id)
        # The reason category is personal (sick leave): not in the log's detail.
        await record(
            ctx.actor,
            "specialist.absence_add",
            "specialist",
            specialist_id,
            municipality=row["municipality"],
            county=row["county"],
        )
    return int(absence.id)


async def delete_absence(ctx: Context, specialist_id: int, absence_id: int) -> None:
    async with ctx.work():
        row = await authorize(ctx.principal, specialist_id)
        deleted = (
            await Absence.delete()
            .where((Absence.id == absence_id) & (Absence.specialist == specialist_id))
            .returning(Absence.id)
        )
        if not deleted:
            raise NotFound("no such absence of this specialist", field="absence_id", source="path")
        await record(
            ctx.actor,
            "specialist.absence_delete",
            "specialist",
            specialist_id,
            municipality=row["municipality"],
            county=row["county"],
        )

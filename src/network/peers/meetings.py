"""A peer group's network meetings: conference series of kind ``peer_network``.

They are the conferences' own machinery: a series has a hub (a specialist of the
area, who hosts), its sessions are scheduled with
:func:`network.conferences.series.schedule_session` (a real booking in the hub's
calendar), the area's specialists sign up with
:func:`network.conferences.participation.sign_up` and the hub records attendance.
Only the audience differs (:mod:`network.conferences.access`). A series is national,
or one county's when ``county`` is given (stored as that county's municipalities:
only specialists at home there sign up). Meetings are never settled between
municipalities (:mod:`network.conferences.settlement`).
"""

from __future__ import annotations

from network.audit.services import record
from network.conferences import series as conference_series
from network.conferences.schemas import SeriesOut
from network.conferences.tables import ConferenceSeries, SeriesMunicipality
from network.directory.tables import Municipality
from network.kernel.context import Context
from network.kernel.policy import Action, Target, decide
from network.lib import clock
from network.lib.errors import Forbidden, InvalidInput
from network.lib.vocab import ConferenceKind
from network.peers import schemas
from network.peers.access import load_group, require_reader
from network.specialists.tables import SpecialistProfile

__all__ = ("start_meetings",)


async def start_meetings(ctx: Context, area: str, data: schemas.MeetingSeriesIn) -> SeriesOut:
    """A new series of network meetings for the area's peer group, hosted by ``hub``
    (a specialist of the area; yourself when you are one and name nobody). Set up by
    that specialist or by a coordinator of the hub's home municipality."""
    now = clock.now()
    async with ctx.work():
        group = await load_group(area)
        require_reader(ctx.principal, group)
        hub = data.hub if data.hub is not None else ctx.principal.specialist_id
        if hub is None:
            raise InvalidInput("name the specialist who hosts the meetings", field="hub")
        if hub not in group.members:
            raise InvalidInput("the host must be a specialist of the competence area", field="hub")
        home_id, home, county = group.members[hub]
        target = Target(municipality=home, county=county, specialist_ids=frozenset({hub}))
        if not decide(ctx.principal, Action.CONFERENCE_MANAGE, target):
            raise Forbidden(
                "only the host or a coordinator of the host's municipality sets up the meetings",
                field="hub",
            )
        places: list[int] = []
        if data.county is not None:
            places = [
                row["id"]
                for row in await Municipality.select(Municipality.id).where(
                    Municipality.county._.code == data.county
                )
            ]
            if not places:
                raise InvalidInput("no such county", field="county")
        offers = await SpecialistProfile.select(
            SpecialistProfile.offers_video, SpecialistProfile.offers_on_site
        ).where(SpecialistProfile.id == hub)
        if offers and not offers[0][f"offers_{data.mode}"]:
            raise InvalidInput(f"the host does not offer {data.mode} meetings", field="mode")
        made = ConferenceSeries(
            title=data.title.strip(),
            kind=ConferenceKind.PEER_NETWORK,
            area=group.area_id,
            hub=hub,
            home_municipality=home_id,
            cadence=data.cadence,
            duration_minutes=data.duration_minutes,
            mode=data.mode,
            capacity=data.capacity,
            language=data.language,
            created_by=ctx.actor.user_id,
            created_at=now,
        )
        await made.save()
        for place in places:
            await SeriesMunicipality(series=made.id, municipality=place).save()
        await record(
            ctx.actor,
            "conference_series.create",
            "conference_series",
            made.id,
            municipality=home,
            county=county,
            detail={"hub": hub, "area": area, "kind": ConferenceKind.PEER_NETWORK.value},
        )
        return await conference_series.get_series(ctx, made.id)

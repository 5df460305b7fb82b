"""Pure scheduling: a specialist's free slots from weekly hours, date overrides,
absences, bookings and the weekly capacity (no framework or database imports)."""

from network.scheduling.recurrence import (
    cadence_dates,
    first_on_weekday,
    local_period,
    planned_dates,
)
from network.scheduling.slots import (
    STOCKHOLM,
    Busy,
    DateOverride,
    SlotRules,
    WeeklyHours,
    free_slots,
    next_free_slot,
    used_per_week,
)
from network.scheduling.standins import Away, offer_recipient

__all__ = (
    "STOCKHOLM",
    "Away",
    "Busy",
    "DateOverride",
    "SlotRules",
    "WeeklyHours",
    "cadence_dates",
    "first_on_weekday",
    "free_slots",
    "local_period",
    "next_free_slot",
    "offer_recipient",
    "planned_dates",
    "used_per_week",
)

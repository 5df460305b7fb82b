"""Pure scheduling: a specialist's free slots from weekly hours, date overrides,
absences, bookings and the weekly capacity (no framework or database imports)."""

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

__all__ = (
    "STOCKHOLM",
    "Busy",
    "DateOverride",
    "SlotRules",
    "WeeklyHours",
    "free_slots",
    "next_free_slot",
    "used_per_week",
)

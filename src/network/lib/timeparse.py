"""Reading ISO 8601 instants from query strings, with errors that name the field."""

from __future__ import annotations

from datetime import datetime

from network.lib.errors import InvalidInput

__all__ = ("parse_instant",)


def parse_instant(value: str, field: str) -> datetime:
    """An aware datetime from ISO 8601 text; a 400 naming ``field`` otherwise."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"not an ISO 8601 date and time: {value[:40]!r}", field=field, source="query"
        ) from None
    if moment.tzinfo is None:
        raise InvalidInput("needs a time zone offset, e.g. +01:00", field=field, source="query")
    return moment

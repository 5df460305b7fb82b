"""Base classes and shared field constraints for the msgspec Structs of requests and responses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

__all__ = ("PLAIN_TEXT", "AreaCode", "Id", "Instant", "Label", "Schema")

# Free text may hold tabs and line breaks but no other control characters: NUL is
# refused by PostgreSQL and the rest have no place in a consultation.
PLAIN_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

# A row id: serial columns are 32-bit.
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
# A competence area's code, e.g. ``lvu_investigation``.
AreaCode = Annotated[str, msgspec.Meta(min_length=1, max_length=48, pattern=r"^[a-z0-9_]+$")]
# A moment in time: ISO 8601 with its offset (a time without one is ambiguous).
Instant = Annotated[datetime, msgspec.Meta(tz=True, description="ISO 8601 with offset")]
# A short name or title a person types.
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=PLAIN_TEXT)]


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every API Struct: keyword-only, unknown fields refused."""

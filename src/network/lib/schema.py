"""Base classes and shared field constraints for the msgspec Structs of requests and responses."""

from __future__ import annotations

import msgspec

__all__ = ("PLAIN_TEXT", "Schema")

# Free text may hold tabs and line breaks but no other control characters: NUL is
# refused by PostgreSQL and the rest have no place in a consultation.
PLAIN_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every API Struct: keyword-only, unknown fields refused."""

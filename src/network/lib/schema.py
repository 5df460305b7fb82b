"""Base classes for the msgspec Structs of requests and responses."""

from __future__ import annotations

import msgspec

__all__ = ("Schema",)


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every API Struct: keyword-only, unknown fields refused."""

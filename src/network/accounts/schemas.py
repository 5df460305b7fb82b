"""API shapes of sign-in and the current user."""

from __future__ import annotations

from typing import Annotated

import msgspec

from network.lib.schema import Schema

__all__ = ("DevLogin", "Me", "RoleOut")

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]


class DevLogin(Schema):
    email: Email


class RoleOut(Schema):
    role: str
    county: str
    municipality: str | None


class Me(Schema):
    id: int
    email: str
    roles: list[RoleOut]
    specialist_id: int | None

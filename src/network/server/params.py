"""Guarding the database against numbers it cannot hold.

Row ids are 32-bit serials: a path id outside that range can name no row, and
PostgreSQL or SQLite would refuse the query with a driver error. The guard answers
400 naming the parameter; the exception handler in ``server/errors.py`` is the net
for any other number too large for a column.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from network.lib.errors import InvalidInput

__all__ = ("MAX_ID", "ids_in_range")

MAX_ID = 2**31 - 1


async def ids_in_range(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Refuse integer path parameters outside 0 … 2³¹−1 before any handler runs."""
    for name, value in connection.path_params.items():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise InvalidInput(f"must be between 0 and {MAX_ID}", field=name, source="path")

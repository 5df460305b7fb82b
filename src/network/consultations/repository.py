"""Queries of case rows shared by the consultation use cases.

The one visibility filter of case lists lives here: requests and bookings are
listed through it, so who sees which case in a list cannot drift between them.
(Row-level security on PostgreSQL applies the same scope underneath.)
"""

from __future__ import annotations

from typing import Any

from network.kernel.policy import Scope

__all__ = ("visible_cases",)


def visible_cases(
    scope: Scope, *, never: Any, origin: Any, requester: Any, places: bool = True
) -> Any:
    """The where clause of the case rows ``scope`` may list: those whose ``requester``
    column is the reader's own, and (``places``) those whose ``origin`` municipality
    lies in the municipalities or counties of the scope. ``never`` is a clause no row
    meets, the start of the disjunction (``Table.id < 0``)."""
    visible = never
    if scope.own_user_id is not None:
        visible = visible | (requester == scope.own_user_id)
    if places and scope.municipalities:
        visible = visible | origin._.code.is_in(sorted(scope.municipalities))
    if places and scope.counties:
        visible = visible | origin._.county._.code.is_in(sorted(scope.counties))
    return visible

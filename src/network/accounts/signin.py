"""Starting and ending a signed-in session (shared by dev sign-in and OpenID Connect)."""

from __future__ import annotations

import time
from typing import Any

from litestar.connection import ASGIConnection

from network.accounts.guards import actor_of, current_principal
from network.accounts.principals import load_principal
from network.accounts.sessions import rotate_session
from network.accounts.tables import User
from network.audit.services import record
from network.kernel.policy import Principal
from network.lib import clock
from network.lib.errors import InvalidInput

__all__ = ("sign_in", "sign_out")


async def sign_in(
    connection: ASGIConnection[Any, Any, Any, Any], user_id: int, method: str
) -> Principal:
    """Rotate the session id and bind the new session to ``user_id``."""
    principal = await load_principal(user_id)
    if principal is None:
        raise InvalidInput("this account is disabled", field="email")
    await rotate_session(connection)
    connection.set_session({"user_id": user_id, "signed_in_at": time.time(), "method": method})
    await User.update({User.last_login_at: clock.now()}).where(User.id == user_id)
    await record(
        actor_of(connection, principal), "auth.sign_in", "user", user_id, detail={"method": method}
    )
    return principal


async def sign_out(connection: ASGIConnection[Any, Any, Any, Any]) -> None:

    principal = await current_principal(connection)
    if principal is not None:
        await record(actor_of(connection, principal), "auth.sign_out", "user", principal.user_id)
    connection.clear_session()

"""A use case's context outside the app, for tests that call a use case directly."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from network.directory.tables import DataVersion
from network.kernel.cache import Cache
from network.kernel.context import Actor, Context, Runtime
from network.kernel.locks import Locks
from network.kernel.outbox import Outbox
from network.kernel.policy import Principal
from network.settings import get_settings


def bare_runtime(**settings: Any) -> Runtime:
    """The services an app on the tables' current database would have, without Redis,
    channels or mail (nothing is pushed); ``settings`` overrides the environment's."""
    return Runtime(
        settings=replace(get_settings(), **settings),
        engine=DataVersion._meta.db,
        redis=None,
        cache=Cache(),
        locks=Locks(None),
        outbox=Outbox(),
    )


def context_of(principal: Principal, runtime: Runtime | None = None) -> Context:
    """``principal`` acting through a use case, as the app's ``ctx`` would name them."""
    roles = sorted({b.role.value for b in principal.bindings})
    actor = Actor(user_id=principal.user_id, email=principal.email, role=",".join(roles) or None)
    return Context(principal, actor, runtime or bare_runtime())

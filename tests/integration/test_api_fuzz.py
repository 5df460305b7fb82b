"""API fuzzing from the app's own OpenAPI document (schemathesis), as each role with
an API token: no response is a server error, every response matches the document,
and no role gets a 2xx from a route its role may not use at all (the policy's
route-level answer)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from network.accounts.principals import load_principal
from network.accounts.tokens import GRANTABLE, create_token
from network.app import create_app
from network.kernel.policy import Action, decide
from network.lib.vocab import Role
from tests.support.people import create_specialist_profile, create_users
from tests.support.server import running_server

OWN = {"municipality": "2161"}
COUNTY = {"county": "21"}
ROUTE_ACTIONS: dict[tuple[str, str], Action] = {}


def _actions() -> dict[tuple[str, str], Action]:
    """(method, OpenAPI path) → the action the route declares."""
    if not ROUTE_ACTIONS:
        for route in create_app().routes:
            for handler in getattr(route, "route_handlers", ()):
                action = handler.opt.get("action")
                if action is None:
                    continue
                path = route.path.replace(":int}", "}").replace(":str}", "}")
                for method in handler.http_methods:
                    ROUTE_ACTIONS[(method, path)] = Action(action)
    return ROUTE_ACTIONS


@pytest.fixture(scope="module")
def tokens(migrated: None) -> dict[str, tuple[str, Any]]:
    """An API token per role, with every scope the role holds; and its principal."""
    users = create_users(
        *(
            (
                f"fuzz.{role.value}@demo.invalid",
                role,
                OWN if role in (Role.SOCIAL_WORKER, Role.SPECIALIST) else COUNTY,
            )
            for role in Role
        )
    )

    async def mint() -> dict[str, tuple[str, Any]]:
        await create_specialist_profile(users["fuzz.specialist@demo.invalid"], "2161")
        found = {}
        for role in Role:
            principal = await load_principal(users[f"fuzz.{role.value}@demo.invalid"])
            assert principal is not None
            scopes = [a.value for a in GRANTABLE if decide(principal, a)]
            made = await create_token(
                principal,
                name="fuzz",
                scopes=scopes,
                expires_at=datetime.now(UTC) + timedelta(days=1),
            )
            found[role.value] = (made.secret, await load_principal(principal.user_id))
        return found

    return asyncio.run(mint())


@pytest.fixture(scope="module")
def api(tokens: dict[str, tuple[str, Any]]) -> Iterator[Any]:
    with running_server() as url:
        loaded = schemathesis.openapi.from_url(f"{url}/schema/openapi.json")
        loaded.config.update(base_url=url)
        # The notification stream sends its `ready` event, then nothing but a comment
        # every 15 s: read until that first event instead of waiting out the 10 s
        # request timeout for each of them (the same bytes are checked either way).
        loaded.config.max_stream_events = 1
        yield loaded


def _checker(
    operation: Any,
    tokens: dict[str, tuple[str, Any]],
    problems: list[str],
) -> Callable[[], None]:
    """A property test of one operation: every generated request, as every role."""
    action = _actions().get((operation.method.upper(), operation.path))

    @given(case=operation.as_strategy())
    @settings(
        max_examples=3,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Any) -> None:
        for role, (secret, principal) in tokens.items():
            response = case.call(headers={"authorization": f"Bearer {secret}"})
            where = f"{role} {case.method} {case.formatted_path}"
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code} {response.text[:200]}")
            if action is not None and response.status_code < 300 and not decide(principal, action):
                problems.append(f"{where}: allowed, but the role may not {action.value}")
            try:
                case.validate_response(response, checks=[response_schema_conformance])
            except Exception as error:
                problems.append(f"{where}: {str(error).splitlines()[0][:200]}")

    return check  # type: ignore[no-any-return]


def test_the_api_as_each_role(api: Any, tokens: dict[str, tuple[str, Any]]) -> None:
    problems: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        _checker(operation, tokens, problems)()
    assert problems == [], "\n".join(sorted(set(problems))[:80])

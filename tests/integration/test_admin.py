"""Administering users and role bindings: scope, audit, and the effect on sessions."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from tests.support import SharedApp
from tests.support.people import create_users

ADMIN = "admin.tester@demo.invalid"
OTHER_ADMIN = "admin.elsewhere@demo.invalid"
NEWCOMER = "new.worker@demo.invalid"


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    import asyncio

    from network.accounts.tables import User

    asyncio.run(User.delete().where(User.email == NEWCOMER).run())
    return create_users(
        (ADMIN, Role.ADMIN, {"county": "21"}),
        (OTHER_ADMIN, Role.ADMIN, {"county": "25"}),
    )


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    assert test_client.post("/auth/dev-login", json={"email": ADMIN}).status_code == 200
    return test_client


def _actions(client: TestClient[Litestar]) -> list[str]:
    return [e["action"] for e in client.get("/api/v1/audit", params={"limit": 500}).json()["items"]]


def test_create_grant_revoke_disable(client: TestClient[Litestar]) -> None:
    created = client.post(
        "/api/v1/users",
        json={
            "email": NEWCOMER,
            "display_name": "Ny",
            "role": "social_worker",
            "municipality": "2161",
        },
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["roles"] == [
        {
            "id": user["roles"][0]["id"],
            "role": "social_worker",
            "municipality": "2161",
            "county": "21",
        }
    ]
    granted = client.post(
        f"/api/v1/users/{user['id']}/roles", json={"role": "specialist", "municipality": "2184"}
    )
    assert granted.status_code == 201, granted.text
    assert {r["role"] for r in granted.json()["roles"]} == {"social_worker", "specialist"}

    # Granting outside one's county is refused and changes nothing.
    outside = client.post(
        f"/api/v1/users/{user['id']}/roles", json={"role": "specialist", "municipality": "2584"}
    )
    assert outside.status_code == 403
    listed = {u["email"]: u for u in client.get("/api/v1/users").json()}
    assert len(listed[NEWCOMER]["roles"]) == 2

    specialist = next(r for r in granted.json()["roles"] if r["role"] == "specialist")
    assert client.delete(f"/api/v1/users/{user['id']}/roles/{specialist['id']}").status_code == 204
    disabled = client.patch(f"/api/v1/users/{user['id']}", json={"active": False})
    assert disabled.json()["active"] is False
    actions = _actions(client)
    for action in ("user.create", "role.grant", "role.revoke", "user.disable"):
        assert action in actions


def test_disabled_user_cannot_sign_in(client: TestClient[Litestar]) -> None:
    client.post("/auth/logout")
    response = client.post("/auth/dev-login", json={"email": NEWCOMER})
    assert response.status_code == 400


def test_other_county_admin_does_not_see_or_touch_our_users(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    client.post("/auth/logout")
    client.post("/auth/dev-login", json={"email": OTHER_ADMIN})
    emails = {u["email"] for u in client.get("/api/v1/users").json()}
    assert ADMIN not in emails
    assert client.patch(f"/api/v1/users/{ids[ADMIN]}", json={"active": False}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "x@demo.invalid", "display_name": "X", "role": "king", "county": "21"}, "role"),
        ({"email": "x@demo.invalid", "display_name": "X", "role": "admin"}, "municipality"),
        (
            {"email": "x@demo.invalid", "display_name": "X", "role": "admin", "county": "99"},
            "county",
        ),
        (
            {
                "email": "x@demo.invalid",
                "display_name": "X",
                "role": "admin",
                "municipality": "9999",
            },
            "municipality",
        ),
        ({"email": "nope", "display_name": "X", "role": "admin", "county": "21"}, "email"),
        ({"email": ADMIN, "display_name": "X", "role": "admin", "county": "21"}, "email"),
    ],
)
def test_bad_user_requests_name_the_field(
    client: TestClient[Litestar], body: dict[str, str], field: str
) -> None:
    response = client.post("/api/v1/users", json=body)
    assert response.status_code in (400, 403, 409), response.text  # 403: one's own e-mail
    assert response.json()["errors"][0]["field"] == field


def test_cannot_disable_oneself(client: TestClient[Litestar], ids: dict[str, int]) -> None:
    response = client.patch(f"/api/v1/users/{ids[ADMIN]}", json={"active": False})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "active"
    denied = client.get("/api/v1/audit", params={"limit": 50}).json()["items"]
    assert any(
        (e["action"], e["outcome"], e["object_id"]) == ("user.disable", "denied", str(ids[ADMIN]))
        for e in denied
    )


def test_admin_page_lists_and_adds(client: TestClient[Litestar]) -> None:
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert ADMIN in page.text
    added = client.post(
        "/admin/users/add",
        data={
            "email": "page.added@demo.invalid",
            "display_name": "Sida",
            "role": "coordinator",
            "place": "21",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "page.added@demo.invalid" in client.get("/admin/users").text
    refused = client.post(
        "/admin/users/add",
        data={"email": "elsewhere@demo.invalid", "role": "coordinator", "place": "25"},
    )
    assert refused.status_code == 403
    assert 'role="alert"' in refused.text


def test_search_ignores_case_and_swedish_letters_and_wildcards(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    made = client.post(
        "/api/v1/users",
        json={
            "email": "asa.ostlund@demo.invalid",
            "display_name": "Åsa Östlund",
            "role": "social_worker",
            "municipality": "2161",
        },
    )
    assert made.status_code == 201, made.text

    def found(q: str) -> list[str]:
        answer = client.get("/api/v1/users", params={"q": q})
        assert answer.status_code == 200, answer.text
        return [u["email"] for u in answer.json()]

    assert found("ÅSA ÖST") == ["asa.ostlund@demo.invalid"]
    assert found("OSTLUND@DEMO") == ["asa.ostlund@demo.invalid"]
    assert found("%") == []  # a LIKE wildcard is a plain character
    page = client.get("/admin/users", params={"q": "åsa"})
    assert page.status_code == 200
    assert "asa.ostlund@demo.invalid" in page.text
    assert 'name="q" type="search" maxlength="100" value="åsa"' in page.text  # kept in the box

"""Separation of duties in administration, on Värmland (county 17, which no other test
touches): no administrator changes their own role bindings (API and page, a grant, a
removal or a new user with their own e-mail: 403 naming the field, audited as
denied); a role that reads case data, granted to anyone else, is audited with the role
and the place and told to the other administrators whose scope covers that place."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.tables import RoleBinding, User
from network.audit.tables import AuditEvent
from network.kernel.policy import CASE_DATA_ROLES
from network.lib.vocab import Role
from network.notifications.tables import Notification
from tests.support import SharedApp, in_app, sign_in
from tests.support.people import create_user

ADMIN = "sod.admin@demo.invalid"  # county 17
SECOND = "sod.second@demo.invalid"  # county 17
TOWN_ADMIN = "sod.karlstad@demo.invalid"  # Karlstad (1780) only
NEIGHBOUR_ADMIN = "sod.arvika@demo.invalid"  # Arvika (1784) only: not Karlstad's
FAR_ADMIN = "sod.far@demo.invalid"  # Örebro county (18)
GONE_ADMIN = "sod.gone@demo.invalid"  # county 17, disabled
WORKER = "sod.worker@demo.invalid"  # Karlstad
NEWCOMER = "sod.newcomer@demo.invalid"
KARLSTAD, ARVIKA = "1780", "1784"


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await User.delete().where(User.email == NEWCOMER)
        found = {
            ADMIN: await create_user(ADMIN, Role.ADMIN, county="17"),
            SECOND: await create_user(SECOND, Role.ADMIN, county="17"),
            TOWN_ADMIN: await create_user(TOWN_ADMIN, Role.ADMIN, municipality=KARLSTAD),
            NEIGHBOUR_ADMIN: await create_user(NEIGHBOUR_ADMIN, Role.ADMIN, municipality=ARVIKA),
            FAR_ADMIN: await create_user(FAR_ADMIN, Role.ADMIN, county="18"),
            GONE_ADMIN: await create_user(GONE_ADMIN, Role.ADMIN, county="17"),
            WORKER: await create_user(WORKER, Role.SOCIAL_WORKER, municipality=KARLSTAD),
        }
        await User.update({User.active: False}).where(User.id == found[GONE_ADMIN])
        return found

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, ADMIN)
    return test_client


def _roles(client: TestClient[Litestar], user_id: int) -> list[dict[str, Any]]:
    return list(
        in_app(
            client,
            lambda: RoleBinding.select(RoleBinding.id, RoleBinding.role).where(
                RoleBinding.user == user_id
            ),
        )
    )


def _denied(client: TestClient[Litestar], actor: int, action: str) -> list[dict[str, Any]]:
    return list(
        in_app(
            client,
            lambda: (
                AuditEvent.select()
                .where(
                    (AuditEvent.actor_id == actor)
                    & (AuditEvent.action == action)
                    & (AuditEvent.outcome == "denied")
                )
                .output(load_json=True)
            ),
        )
    )


def _told(client: TestClient[Litestar], binding: int) -> dict[int, dict[str, Any]]:
    rows = in_app(
        client,
        lambda: (
            Notification.select()
            .where((Notification.kind == "role.granted") & (Notification.object_id == binding))
            .output(load_json=True)
        ),
    )
    return {row["recipient"]: row for row in rows}


def test_the_roles_that_read_case_data_come_from_the_policy() -> None:
    assert {Role.SOCIAL_WORKER, Role.SPECIALIST, Role.COORDINATOR} == CASE_DATA_ROLES


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_an_administrator_cannot_grant_themself_a_role(
    client: TestClient[Litestar], ids: dict[str, int], role: str
) -> None:
    me = ids[ADMIN]
    before = _roles(client, me)
    denied_before = len(_denied(client, me, "role.grant"))
    response = client.post(f"/api/v1/users/{me}/roles", json={"role": role, "county": "17"})
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["field"] == "user_id"
    assert "own role" in response.json()["detail"]
    assert _roles(client, me) == before
    denied = _denied(client, me, "role.grant")
    assert len(denied) == denied_before + 1
    assert (denied[-1]["object_type"], denied[-1]["object_id"]) == ("user", str(me))
    assert (denied[-1]["county_code"], denied[-1]["detail"]["role"]) == ("17", role)
    # So an administrator still cannot read cases.
    assert client.get("/api/v1/consultations").status_code == 403


def test_nor_through_the_page_a_removal_or_a_new_user_with_their_own_e_mail(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    me = ids[ADMIN]
    before = _roles(client, me)
    page = client.post(f"/admin/users/{me}/roles", data={"role": "coordinator", "place": "17"})
    assert page.status_code == 403
    assert 'role="alert"' in page.text
    # Said in the page's language, without the API's field name.
    assert "Du kan inte ändra dina egna roller" in page.text
    assert "user_id" not in page.text

    own_binding = before[0]["id"]
    removal = client.delete(f"/api/v1/users/{me}/roles/{own_binding}")
    assert removal.status_code == 403, removal.text
    assert removal.json()["errors"][0]["field"] == "user_id"
    removed = client.post(f"/admin/users/{me}/roles/{own_binding}/remove")
    assert removed.status_code == 403
    assert _denied(client, me, "role.revoke")

    for email in (ADMIN, ADMIN.upper()):
        myself = client.post(
            "/api/v1/users",
            json={
                "email": email,
                "display_name": "Jag igen",
                "role": "coordinator",
                "municipality": KARLSTAD,
            },
        )
        assert myself.status_code == 403, myself.text
        assert myself.json()["errors"][0]["field"] == "email"
    assert _denied(client, me, "user.create")
    assert _roles(client, me) == before


def test_a_case_role_granted_is_audited_and_told_to_the_places_other_administrators(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    granted = client.post(
        f"/api/v1/users/{ids[WORKER]}/roles", json={"role": "coordinator", "municipality": KARLSTAD}
    )
    assert granted.status_code == 201, granted.text
    binding = next(r["id"] for r in granted.json()["roles"] if r["role"] == "coordinator")
    audit = in_app(
        client,
        lambda: (
            AuditEvent.select()
            .where((AuditEvent.action == "role.grant") & (AuditEvent.object_id == str(binding)))
            .output(load_json=True)
            .first()
        ),
    )
    assert audit is not None
    assert (audit["actor_id"], audit["municipality_code"], audit["county_code"]) == (
        ids[ADMIN],
        KARLSTAD,
        "17",
    )
    assert audit["detail"]["role"] == "coordinator"
    assert audit["detail"]["reads_case_data"] is True
    # The county's other administrator and Karlstad's own; not the one who granted it,
    # not Arvika's, not another county's, not a disabled one.
    told = _told(client, binding)
    assert set(told) == {ids[SECOND], ids[TOWN_ADMIN]}
    assert audit["detail"]["administrators_told"] == 2
    notice = told[ids[SECOND]]
    assert notice["params"] == {"role": "coordinator", "place": "Karlstad (1780)"}
    assert notice["link"].startswith("/admin/users?q=")

    sign_in(client, SECOND)
    inbox = client.get("/inbox", params={"lang": "sv"})
    assert "En roll som läser ärendeuppgifter har getts: Samordnare i Karlstad (1780)" in (
        inbox.text
    )
    english = client.get("/inbox", params={"lang": "en"})
    assert "A role that reads case data was granted: " in english.text
    assert " in Karlstad (1780)" in english.text
    # The other administrator can take it away again.
    assert client.delete(f"/api/v1/users/{ids[WORKER]}/roles/{binding}").status_code == 204


def test_a_new_user_with_a_case_role_is_told_too_and_other_roles_are_not(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    created = client.post(
        "/api/v1/users",
        json={
            "email": NEWCOMER,
            "display_name": "Ny",
            "role": "social_worker",
            "municipality": KARLSTAD,
        },
    )
    assert created.status_code == 201, created.text
    first = created.json()["roles"][0]["id"]
    assert set(_told(client, first)) == {ids[SECOND], ids[TOWN_ADMIN]}

    analyst = client.post(
        f"/api/v1/users/{created.json()['id']}/roles", json={"role": "analyst", "county": "17"}
    )
    assert analyst.status_code == 201, analyst.text
    binding = next(r["id"] for r in analyst.json()["roles"] if r["role"] == "analyst")
    assert _told(client, binding) == {}

    county_wide = client.post(
        f"/api/v1/users/{created.json()['id']}/roles", json={"role": "specialist", "county": "17"}
    )
    assert county_wide.status_code == 201, county_wide.text
    binding = next(r["id"] for r in county_wide.json()["roles"] if r["role"] == "specialist")
    assert set(_told(client, binding)) == {ids[SECOND]}  # the county: not one town's admin

"""The administrator's pages: users a page at a time, one "add role" form on the
user's own page, disabling only after a confirmation and never one's own account,
a success banner after each save, and the audit log with filters and CSV.
Uses county 19 (Västmanland), which no other test touches."""

from __future__ import annotations

import asyncio
import csv
import io
import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from tests.support import SharedApp, sign_in
from tests.support.people import create_user

ADMIN = "vastmanland.admin@demo.invalid"
TARGET = "vastmanland.worker@demo.invalid"
VASTERAS = "1980"
MANY = 30  # more than one page of users (25 a page)


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        found = {
            "admin": await create_user(ADMIN, Role.ADMIN, county="19"),
            "target": await create_user(TARGET, Role.SOCIAL_WORKER, municipality=VASTERAS),
        }
        for n in range(MANY):
            await create_user(f"vm.user{n:02}@demo.invalid", Role.SOCIAL_WORKER, county="19")
        return found

    return asyncio.run(create())


@pytest.fixture
def client(people: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, ADMIN)
    return test_client


def _emails(html: str) -> list[str]:
    return re.findall(r'<tr data-user="([^"]+)"', html)


def test_users_come_a_page_at_a_time_and_keep_the_search(client: TestClient[Litestar]) -> None:
    first = client.get("/admin/users")
    assert first.status_code == 200
    shown = _emails(first.text)
    assert len(shown) == 25
    assert 'data-testid="next-page"' in first.text
    second = client.get("/admin/users", params={"page": 2})
    rest = _emails(second.text)
    assert len(rest) == MANY + 2 - 25
    assert not set(shown) & set(rest)
    assert 'data-testid="next-page"' not in second.text
    # The search narrows the list and the pager keeps it.
    found = client.get("/admin/users", params={"q": "vm.user"})
    assert len(_emails(found.text)) == 25
    assert 'href="/admin/users?q=vm.user&amp;page=2"' in found.text
    assert len(_emails(client.get("/admin/users", params={"q": "vm.user", "page": 2}).text)) == 5


@pytest.mark.parametrize("page", ["0", "x", "100001"])
def test_a_bad_page_number_is_refused_naming_the_field(
    client: TestClient[Litestar], page: str
) -> None:
    answer = client.get("/admin/users", params={"page": page}, headers={"accept": "text/html"})
    assert answer.status_code == 400
    assert "Sida" in answer.text  # the field, by its label


def test_the_list_has_no_forms_per_row_and_the_user_page_has_one(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    page = client.get("/admin/users").text
    assert "/roles" not in page  # the old page had an "add role" form on every row
    assert "/active" not in page  # and a disable button on every row
    assert f'href="/admin/users/{people["target"]}"' in page
    own = client.get(f"/admin/users/{people['target']}").text
    assert own.count(f'action="/admin/users/{people["target"]}/roles"') == 1


def test_disabling_needs_the_confirmation_box(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    user = people["target"]
    page = client.get(f"/admin/users/{user}").text
    # A secondary, danger-coloured link to a confirmation step, not a primary button.
    link = re.search(r'<a class="ds-button"[^>]*data-testid="disable"[^>]*>', page)
    assert link is not None
    assert 'data-variant="secondary"' in link[0]
    assert 'data-color="danger"' in link[0]
    confirm = client.get(f"/admin/users/{user}/disable")
    assert confirm.status_code == 200
    assert 'name="confirm"' in confirm.text
    assert "required" in confirm.text
    refused = client.post(f"/admin/users/{user}/active", data={"active": "false"})
    assert refused.status_code == 400
    assert 'href="#f-confirm"' in refused.text  # the error summary names the box
    assert 'data-testid="user-status"' not in refused.text
    assert "Aktiv" in client.get(f"/admin/users/{user}").text
    done = client.post(
        f"/admin/users/{user}/active",
        data={"active": "false", "confirm": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/admin/users/{user}?notice=disabled"
    shown = client.get(done.headers["location"]).text
    assert 'data-testid="success"' in shown
    assert "Inaktiverat" in shown or "Inaktiverad" in shown
    again = client.post(
        f"/admin/users/{user}/active", data={"active": "true"}, follow_redirects=False
    )
    assert again.headers["location"] == f"/admin/users/{user}?notice=enabled"


def test_ones_own_account_cannot_be_disabled_and_shows_no_button(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    me = people["admin"]
    page = client.get(f"/admin/users/{me}").text
    assert 'data-testid="disable"' not in page
    assert 'data-testid="own-account"' in page
    refused = client.post(f"/admin/users/{me}/active", data={"active": "false", "confirm": "yes"})
    assert refused.status_code == 409
    assert "ditt eget konto" in refused.text
    assert client.get(f"/admin/users/{me}/disable").status_code == 409
    unconfirmed = client.post(f"/admin/users/{me}/active", data={"active": "false"})
    assert unconfirmed.status_code == 409


def test_each_save_shows_a_banner(client: TestClient[Litestar], people: dict[str, int]) -> None:
    user = people["target"]
    granted = client.post(
        f"/admin/users/{user}/roles",
        data={"role": "coordinator", "place": VASTERAS},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    assert granted.headers["location"] == f"/admin/users/{user}?notice=granted"
    page = client.get(granted.headers["location"]).text
    assert 'data-testid="success"' in page
    binding = re.search(rf'action="/admin/users/{user}/roles/(\d+)/remove"', page)
    assert binding is not None
    revoked = client.post(f"/admin/users/{user}/roles/{binding[1]}/remove", follow_redirects=False)
    assert revoked.headers["location"] == f"/admin/users/{user}?notice=revoked"
    added = client.post(
        "/admin/users/add",
        data={"email": "vm.added@demo.invalid", "role": "analyst", "place": "19"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert re.fullmatch(r"/admin/users/\d+\?notice=added", added.headers["location"])
    assert 'data-testid="success"' in client.get(added.headers["location"]).text
    # A refused add keeps what was typed.
    refused = client.post(
        "/admin/users/add",
        data={"email": "not-an-address", "display_name": "Kvar", "role": "analyst", "place": "19"},
    )
    assert refused.status_code == 400
    assert 'value="Kvar"' in refused.text
    assert 'href="/admin/users?page=2"' in refused.text  # the pager of the list, not the form
    assert 'data-testid="success"' not in refused.text


def test_the_audit_log_page_filters_pages_and_exports_what_it_shows(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    user = people["target"]
    for _ in range(2):  # two disable/enable pairs on the target, by this administrator
        client.post(f"/admin/users/{user}/active", data={"active": "false", "confirm": "yes"})
        client.post(f"/admin/users/{user}/active", data={"active": "true"})
    page = client.get(
        "/admin/audit", params={"action": "user.disable", "object_type": "user", "object": user}
    )
    assert page.status_code == 200, page.text
    rows = re.findall(r'<tr data-action="([^"]+)"', page.text)
    assert len(rows) >= 2
    assert set(rows) == {"user.disable"}
    assert "Konto inaktiverat" in page.text  # the action in words, never its code
    assert ">user.disable<" not in page.text
    denied = client.get("/admin/audit", params={"outcome": "denied", "actor": ADMIN.upper()})
    assert set(re.findall(r'<tr data-action="([^"]+)"', denied.text)) <= {"user.disable"}
    # The CSV holds the filtered rows, all of them, and is streamed as text/csv.
    export = client.get(
        "/admin/audit/export.csv",
        params={"action": "user.enable", "object_type": "user", "object": user},
    )
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(export.text)))
    assert len(table) >= 2
    assert {r["action"] for r in table} == {"user.enable"}
    assert {r["object_id"] for r in table} == {str(user)}
    # The API takes the same filters.
    api = client.get(
        "/api/v1/audit",
        params={"action": "user.enable", "object_type": "user", "object_id": str(user)},
    ).json()
    assert api["total"] >= 2
    assert {e["action"] for e in api["items"]} == {"user.enable"}
    me = people["admin"]  # a refusal of one's own account, audited as denied
    client.post(f"/admin/users/{me}/active", data={"active": "false", "confirm": "yes"})
    denied_csv = client.get("/api/v1/audit/export.csv", params={"outcome": "denied"})
    assert denied_csv.status_code == 200
    outcomes = {r["outcome"] for r in csv.DictReader(io.StringIO(denied_csv.text))}
    assert outcomes == {"denied"}
    # The export link on the page carries the filter.
    assert 'href="/admin/audit/export.csv?action=user.disable&amp;object_type=user' in page.text


def test_the_audit_log_pages_at_fifty(client: TestClient[Litestar]) -> None:
    for _ in range(3):  # each reading of the page is itself an entry
        client.get("/admin/audit")
    first = client.get("/admin/audit", params={"action": "audit.read"})
    shown = re.findall(r'<tr data-action="', first.text)
    assert len(shown) >= 4
    for _ in range(50):
        client.get("/admin/audit", params={"actor": ADMIN})
    many = client.get("/admin/audit", params={"action": "audit.read"})
    assert len(re.findall(r'<tr data-action="', many.text)) == 50
    assert 'data-testid="next-page"' in many.text
    second = client.get("/admin/audit", params={"action": "audit.read", "page": 2})
    assert len(re.findall(r'<tr data-action="', second.text)) >= 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-13-01"}, "f-since"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "f-until"),
        ({"outcome": "maybe"}, "f-outcome"),
        ({"action": "DROP TABLE"}, "f-action"),
        ({"page": "-1"}, None),
    ],
)
def test_a_bad_audit_filter_is_refused_naming_the_field(
    client: TestClient[Litestar], params: dict[str, str], field: str | None
) -> None:
    answer = client.get("/admin/audit", params=params, headers={"accept": "text/html"})
    assert answer.status_code == 400
    if field:
        assert f'href="#{field}"' in answer.text
        if "since" in params:  # the dates come back as typed
            assert f'value="{params["since"]}"' in answer.text
    api = client.get("/api/v1/audit", params={k: v for k, v in params.items() if k != "page"})
    if field in ("f-outcome", "f-action"):
        assert api.status_code == 400
        assert api.json()["errors"][0]["field"] == field[2:]


def test_only_administrators_have_the_audit_log_page(
    people: dict[str, int], shared_app: SharedApp
) -> None:
    worker = shared_app.client()
    sign_in(worker, TARGET)
    assert worker.get("/admin/audit", headers={"accept": "text/html"}).status_code == 403
    assert worker.get("/admin/audit/export.csv").status_code == 403
    assert worker.get("/api/v1/audit").status_code == 200  # their own entries, as before

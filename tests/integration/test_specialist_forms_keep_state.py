"""A refused form on the specialist's page changes nothing the other forms show.

Each section's form (hours, absence, profile) is submitted with one bad field. The
page that comes back must show every other section exactly as stored; then the
profile form, posted back as the browser would send it from that page, must save the
profile unchanged. (A refused hours form once came back with the profile's meeting
modes and "accepts new" unticked, and saving it switched the specialist off.)
"""

from __future__ import annotations

import asyncio
from html.parser import HTMLParser

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from network.specialists.tables import SpecialistProfile
from tests.support import SharedApp, in_app, sign_in
from tests.support.people import create_specialist_profile, create_user

OWNER = "keepstate.owner@demo.invalid"


class _Forms(HTMLParser):
    """The fields each form of a page would submit, by the form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._action: str | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._action = a.get("action", "")
            self.forms.setdefault(self._action, [])
        elif self._action is None:
            return
        elif tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[self._action].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[self._action].append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")

    def handle_data(self, data: str) -> None:
        if self._textarea and self._action is not None:
            self.forms[self._action].append((self._textarea, data))
            self._textarea = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> dict[str, list[tuple[str, str]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture(scope="module")
def specialist(migrated: None) -> int:
    async def create() -> int:
        owner = await create_user(OWNER, Role.SPECIALIST, municipality="0581")
        profile = await create_specialist_profile(owner, "0581")
        await SpecialistProfile.update(
            {
                SpecialistProfile.offers_phone: True,
                SpecialistProfile.offers_video: False,
                SpecialistProfile.offers_on_site: True,
                SpecialistProfile.accepts_new: True,
                SpecialistProfile.title: "Familjebehandlare",
            }
        ).where(SpecialistProfile.id == profile)
        return profile

    return asyncio.run(create())


@pytest.fixture
def client(specialist: int, shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, OWNER)
    return test_client


def _stored(client: TestClient[Litestar], specialist: int) -> dict[str, object]:
    async def query() -> dict[str, object]:
        row = (
            await SpecialistProfile.select(
                SpecialistProfile.offers_phone,
                SpecialistProfile.offers_video,
                SpecialistProfile.offers_on_site,
                SpecialistProfile.accepts_new,
                SpecialistProfile.title,
                SpecialistProfile.consultations_per_week,
                SpecialistProfile.languages,
            )
            .where(SpecialistProfile.id == specialist)
            .first()
        )
        assert row is not None
        return dict(row)

    return in_app(client, query)


BAD = {
    "hours": {"hours_0": "08:00-12:00, 11:00-13:00"},  # overlapping intervals
    "absences": {"starts_at": "2026-12-10T10:00", "ends_at": "2026-12-09T10:00"},
    "profile": {"consultations_per_week": "-3"},
}


@pytest.mark.parametrize("section", sorted(BAD))
def test_a_refused_form_changes_nothing_else(
    client: TestClient[Litestar], specialist: int, section: str
) -> None:
    before = _stored(client, specialist)
    page = client.get(f"/specialists/{specialist}")
    assert page.status_code == 200
    action = f"/specialists/{specialist}/{'absences' if section == 'absences' else section}"
    fields = dict(forms_of(page.text)[action])
    refused = client.post(action, data={**fields, **BAD[section]}, follow_redirects=False)
    assert refused.status_code == 400, refused.text[:300]
    assert _stored(client, specialist) == before

    shown = forms_of(refused.text)
    profile_fields = shown[f"/specialists/{specialist}/profile"]
    names = [name for name, _ in profile_fields]
    if section != "profile":
        # The profile form shows what is stored: its modes and "accepts new" ticked.
        assert "phone" in names
        assert "on_site" in names
        assert "video" not in names
        assert "accepts_new" in names
    # Saving the profile form as that page shows it (the bad value corrected)
    # changes nothing that was not touched.
    corrected = [
        (name, str(before["consultations_per_week"]) if name == "consultations_per_week" else v)
        for name, v in profile_fields
    ]
    saved = client.post(
        f"/specialists/{specialist}/profile", data=dict(corrected), follow_redirects=False
    )
    assert saved.status_code == 303, saved.text[:300]
    assert _stored(client, specialist) == before

"""The bad-input corpus for the HTML forms: every form route the authorization
matrix lists gets, in each of its fields, a NUL byte, a 1 MB value and bytes that
are not UTF-8, posted by a role the route allows. Each must be refused with a 4xx
(a form shown again with its error, or 404 for an object that does not exist),
never a server error, and every table hashed before and after is identical."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.app import create_app
from tests.integration.test_authorization_matrix import MATRIX, OWN
from tests.integration.test_bad_input import ROLE_ORDER, snapshot
from tests.support import csrf_ready, in_app, in_app_seeing_all
from tests.support.people import create_role_users

BAD_VALUES = {
    "NUL byte": b"a%00b",
    "1 MB value": b"x" * 1_000_000,
    "invalid UTF-8": b"caf%E9%FF",
}


@dataclass(frozen=True)
class BadForm:
    path: str
    role: str
    field: str
    kind: str
    body: bytes


def _corpus() -> list[BadForm]:
    corpus = []
    for (method, _), cases in sorted(MATRIX.items()):
        for case in cases:
            if method != "POST" or case.form is None or not case.form:
                continue
            role = next((r for r in ROLE_ORDER if r in case.allowed), None)
            if role is None:
                continue
            for name in sorted(case.form):
                others = b"&".join(f"{k}={v}".encode() for k, v in case.form.items() if k != name)
                for kind, value in BAD_VALUES.items():
                    body = name.encode() + b"=" + value + (b"&" + others if others else b"")
                    corpus.append(BadForm(case.path, role, name, kind, body))
    return corpus


CORPUS = _corpus()


@pytest.fixture(scope="module")
def client(migrated: None) -> Iterator[TestClient[Litestar]]:
    create_role_users("forms", OWN)
    with TestClient(create_app(), base_url="https://testserver.local") as test_client:
        yield csrf_ready(test_client)


def _sign_in_every_role(client: TestClient[Litestar]) -> dict[str, dict[str, str]]:
    """A cookie jar per role of the corpus, each signed in."""
    jars = {}
    for role in sorted({b.role for b in CORPUS}):
        client.cookies.clear()
        client.get("/api/v1/areas")
        signed_in = client.post("/auth/dev-login", json={"email": f"forms.{role}@demo.invalid"})
        assert signed_in.status_code == 200, signed_in.text
        jars[role] = dict(client.cookies)
    return jars


def test_the_corpus_covers_the_form_routes() -> None:
    assert len({b.path for b in CORPUS}) >= 10
    assert {b.kind for b in CORPUS} == set(BAD_VALUES)


def test_bad_form_input_is_refused_and_nothing_is_stored(client: TestClient[Litestar]) -> None:
    jars = _sign_in_every_role(client)
    before = in_app_seeing_all(client, snapshot)
    problems = []
    for bad in CORPUS:
        client.cookies.clear()
        client.cookies.update(jars[bad.role])
        response = client.post(
            bad.path,
            content=bad.body,
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        if not 400 <= response.status_code < 500:
            problems.append(
                f"POST {bad.path} {bad.field} ({bad.kind}): {response.status_code}"
                f" {response.text[:120]}"
            )
    assert not problems, f"{len(problems)} of {len(CORPUS)}:\n" + "\n".join(problems[:40])
    assert in_app_seeing_all(client, snapshot) == before


# A personal identity number as people paste it into forms (no-break space, en dash,
# zero-width space, fullwidth digits, a mistyped check digit), percent-encoded.
DISGUISED_FORM_VALUES = [
    quote("Pojken 121212\u00a01212 och syster"),
    quote("Barnet 20121212 \u2013 1213"),
    quote("1212\u200b72-1214"),
    quote("\uff11\uff12\uff11\uff12\uff11\uff12-1212"),
]


def _stored_text() -> str:
    async def dump() -> str:
        from piccolo.conf.apps import Finder

        from network.kernel.case_scope import system_transaction

        tables = Finder().get_table_classes()
        texts = []
        async with system_transaction(tables[0]._meta.db):
            for table in tables:
                for row in await table.select():
                    # What a form could have written: text and JSON, not the digits of
                    # timestamps' microseconds or of ids (a chance "121212" there made
                    # this test fail once in a few runs).
                    texts.extend(
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                        for value in row.values()
                        if isinstance(value, str | dict | list)
                    )
        return "\n".join(texts)

    return dump()  # type: ignore[return-value]


def test_no_form_stores_an_identity_number_in_any_field(client: TestClient[Litestar]) -> None:
    """Every field of every form route, with a disguised number: refused (4xx) or, where
    the field is not stored at all, accepted, but the number is in no table after."""
    jars = _sign_in_every_role(client)
    problems = []
    sent = 0
    for bad in {(b.path, b.role, b.field): b for b in CORPUS}.values():
        others = b"&".join(
            pair for pair in bad.body.split(b"&")[1:] if not pair.startswith(b"_csrf")
        )
        for value in DISGUISED_FORM_VALUES:
            client.cookies.clear()
            client.cookies.update(jars[bad.role])
            body = bad.field.encode() + b"=" + value.encode() + (b"&" + others if others else b"")
            response = client.post(
                bad.path,
                content=body,
                headers={"content-type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
            sent += 1
            if response.status_code >= 500:
                problems.append(f"POST {bad.path} {bad.field}: {response.status_code}")
    assert sent >= 40
    assert not problems, "\n".join(problems)
    stored = in_app(client, _stored_text)
    for number in ("121212", "１２１２１２", "1212\u200b72"):
        assert number not in stored


def test_a_refused_form_names_every_finding_and_keeps_the_text(
    client: TestClient[Litestar],
) -> None:
    client.cookies.clear()
    client.get("/api/v1/areas")
    client.post("/auth/dev-login", json={"email": "forms.social_worker@demo.invalid"})
    summary = (
        "Flicka 12 år, pnr 121212\u00a01212, mamma nås på 070.123 45 67 och "
        "mamma＠exempel.se. Pappa 20121212 \u2013 1213."
    )
    page = client.get("/consultations/new")
    assert page.status_code == 200
    response = client.post(
        "/consultations/new",
        data={"area": "lvu_investigation", "kind": "meeting", "summary": summary},
        follow_redirects=False,
    )
    assert response.status_code == 400, response.text[:300]
    html = response.text
    # Every finding marked in place, and the whole text kept in the form.
    assert html.count("<mark>") == 4
    for piece in ("121212\u00a01212", "070.123 45 67", "mamma＠exempel.se", "20121212 \u2013 1213"):
        assert f"<mark>{piece}</mark>" in html
    assert summary.replace("＠", "＠") in html

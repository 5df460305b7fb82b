"""The bad-input corpus for the HTML forms: every form route the authorization
matrix lists gets, in each of its fields, a NUL byte, a 1 MB value and bytes that
are not UTF-8, posted by a role the route allows. Each must be refused with a 4xx
(a form shown again with its error, or 404 for an object that does not exist),
never a server error, and every table hashed before and after is identical."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.app import create_app
from tests.integration.test_authorization_matrix import MATRIX, OWN
from tests.integration.test_bad_input import ROLE_ORDER, snapshot
from tests.support import csrf_ready, in_app
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


def test_the_corpus_covers_the_form_routes() -> None:
    assert len({b.path for b in CORPUS}) >= 10
    assert {b.kind for b in CORPUS} == set(BAD_VALUES)


def test_bad_form_input_is_refused_and_nothing_is_stored(client: TestClient[Litestar]) -> None:
    jars = {}
    for role in sorted({b.role for b in CORPUS}):
        client.cookies.clear()
        client.get("/api/v1/areas")
        signed_in = client.post("/auth/dev-login", json={"email": f"forms.{role}@demo.invalid"})
        assert signed_in.status_code == 200, signed_in.text
        jars[role] = dict(client.cookies)
    before = in_app(client, snapshot)
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
    assert in_app(client, snapshot) == before

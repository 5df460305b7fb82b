"""A bad-input corpus over every JSON write endpoint, derived from the app's own
OpenAPI document: each property of each request body gets the bad values its type
invites (wrong types, 1 MB strings, NUL bytes, invalid UTF-8, personal identity
numbers, integers beyond the database's columns, unknown codes and enum values,
dates that are not dates, times without a time zone, unknown fields), sent by a
role that may use the route.

Each must answer 400 with an error that names the property, and a snapshot of every
table taken before and after the whole corpus must be identical: nothing is stored.

Service-level rules that need real objects (dates in the wrong order, unknown
municipality or area codes, the wider de-identification of case text: names, phone
numbers, e-mail addresses) are covered by the flows' own tests;
``docs/reliability.md`` lists them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.app import create_app
from network.lib.schema import PLAIN_TEXT
from tests.integration.test_authorization_matrix import MATRIX, OWN
from tests.support import csrf_ready, in_app
from tests.support.people import create_role_users

MEGABYTE = "x" * 1_000_000
# Preferred signer per route: the first role in this order that the route allows.
ROLE_ORDER = ("coordinator", "social_worker", "specialist", "admin", "analyst")


@dataclass(frozen=True)
class Bad:
    """One request body with one bad property."""

    method: str
    route: str  # as the OpenAPI document writes it
    path: str
    role: str
    field: str
    kind: str
    body: bytes
    content_type: str | None = "application/json"


# Identity numbers as people write and paste them: the body guard must see through
# every disguise, whatever field they are in.
DISGUISED = [
    ("personal identity number, no-break space", "Pojken 121212\u00a01212 och syster"),
    ("personal identity number, en dash", "Pojken 20121212 \u2013 1212"),
    ("coordination number, zero-width space", "Barnet 1212\u200b72-1214 bor hos"),
    ("mistyped personal identity number", "Pojken 19121212-1213"),
    ("fullwidth personal identity number", "\uff11\uff12\uff11\uff12\uff11\uff12-1212"),
    ("glued personal identity number", "pnr121212-1212x"),
]
# The same plain number sent under a Content-Type that is not JSON, or none at all.
OTHER_CONTENT_TYPES = ["text/plain", None, "application/octet-stream"]


def _spec() -> dict[str, Any]:
    schema: dict[str, Any] = create_app().openapi_schema.to_schema()
    return schema


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    return schema


def _options(spec: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a property's schema."""
    schema = _resolve(spec, schema)
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if alternatives:
        return [_resolve(spec, s) for s in alternatives if _types([_resolve(spec, s)])]
    return [schema]


def _types(options: list[dict[str, Any]]) -> set[str]:
    """The JSON types the alternatives admit, null aside."""
    found: set[str] = set()
    for option in options:
        kind = option.get("type")
        found |= set(kind) if isinstance(kind, list) else {kind} if kind else set()
    return found - {"null"}


def _bad_values(spec: dict[str, Any], schema: dict[str, Any]) -> list[tuple[str, Any]]:
    """(kind, value) pairs that no alternative of ``schema`` admits."""
    options = _options(spec, schema)
    types = _types(options)
    found: list[tuple[str, Any]] = []
    if types == {"string"}:
        found += [
            ("1 MB string", MEGABYTE),
            ("NUL byte", "a\x00b"),
            ("wrong type", [12]),
            ("personal identity number", "Pojken 19121212-1212 och hans syster"),
        ]
        formats = {o.get("format") for o in options}
        if formats & {"date", "date-time"}:
            found.append(("not a date", "2026-13-45"))
        if formats == {"date-time"}:
            found.append(("no time zone", "2026-12-01T10:00:00"))
        if all("enum" in o or o.get("pattern", PLAIN_TEXT) != PLAIN_TEXT for o in options):
            found.append(("unknown code", "'; DROP TABLE x; --<script>"))
    elif types <= {"integer", "number"} and types:
        found += [
            ("beyond 32 bits", 2**31),
            ("beyond 64 bits", 2**64),
            ("wrong type", "twelve"),
        ]
        if types == {"integer"}:
            found.append(("fraction", 1.5))
    elif types == {"boolean"}:
        found.append(("wrong type", "yes"))
    elif types == {"array"}:
        found += [("wrong type", "x"), ("1 MB item", [MEGABYTE])]
    elif types == {"object"}:
        found.append(("wrong type", ["x"]))
    return found


def _corpus() -> list[Bad]:
    spec = _spec()
    corpus: list[Bad] = []
    for (method, route), cases in sorted(MATRIX.items()):
        if method not in ("POST", "PUT", "PATCH") or not route.startswith(("/api/", "/auth/")):
            continue
        template = _openapi_path(route)
        operation = spec["paths"].get(template, {}).get(method.lower(), {})
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        allowed = set().union(*(c.allowed for c in cases))
        role = next((r for r in ROLE_ORDER if r in allowed), None)
        if role is None:
            continue
        path = next(c.path for c in cases if role in c.allowed)
        body = _resolve(spec, content["application/json"]["schema"])
        properties = body.get("properties", {})
        for name, schema in sorted(properties.items()):
            for kind, value in _bad_values(spec, schema):
                raw = json.dumps({name: value}).encode()
                corpus.append(Bad(method, template, path, role, name, kind, raw))
            if _types(_options(spec, schema)) == {"string"}:
                for kind, value in DISGUISED:
                    raw = json.dumps({name: value}).encode()
                    corpus.append(Bad(method, template, path, role, name, kind, raw))
                raw = json.dumps({name: "Pojken 19121212-1212"}).encode()
                for content_type in OTHER_CONTENT_TYPES:
                    kind = f"personal identity number as {content_type or 'no content type'}"
                    corpus.append(Bad(method, template, path, role, name, kind, raw, content_type))
                raw = b'{"' + name.encode() + b'": "caf\xe9 \xff"}'
                corpus.append(Bad(method, template, path, role, name, "invalid UTF-8", raw))
        unknown = b'{"no_such_field": 1}'
        corpus.append(Bad(method, template, path, role, "no_such_field", "unknown field", unknown))
        if body.get("required"):
            required = "|".join(body["required"])
            corpus.append(Bad(method, template, path, role, required, "missing", b"{}"))
    return corpus


def _openapi_path(route: str) -> str:
    """``/a/{id:int}`` as the OpenAPI document writes it: ``/a/{id}``."""
    return "/".join(
        part.split(":", 1)[0] + "}" if part.startswith("{") else part for part in route.split("/")
    )


CORPUS = _corpus()


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, str]:
    return create_role_users("corpus", OWN)


class Send(Protocol):
    client: TestClient[Litestar]

    def __call__(self, role: str, method: str, path: str, **request: Any) -> httpx.Response: ...


@pytest.fixture(scope="module")
def send(people: dict[str, str]) -> Iterator[Send]:
    """``send(role, method, path, **request)`` through the app as ``role``: one app
    (PostgreSQL allows one pool a process) and a cookie jar per role, every role
    signed in before any snapshot is taken; ``send.client`` is the app's client."""
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        csrf_ready(client)
        jars = {}
        for role in sorted({b.role for b in CORPUS}):
            client.cookies.clear()
            client.get("/api/v1/areas")  # a CSRF cookie of this jar's own
            signed_in = client.post("/auth/dev-login", json={"email": people[role]})
            assert signed_in.status_code == 200, signed_in.text
            jars[role] = dict(client.cookies)

        def as_role(role: str, method: str, path: str, **request: Any) -> httpx.Response:
            client.cookies.clear()
            client.cookies.update(jars[role])
            return client.request(method, path, **request)

        as_role.client = client  # type: ignore[attr-defined]
        yield as_role  # type: ignore[misc]


async def snapshot() -> dict[str, str]:
    """Every table's rows, hashed (row-level security lifted: the system's view)."""
    from piccolo.conf.apps import Finder

    from network.kernel.case_scope import system_transaction

    found: dict[str, str] = {}
    tables = Finder().get_table_classes()
    async with system_transaction(tables[0]._meta.db):
        for table in tables:
            rows = await table.select().order_by(table._meta.primary_key)
            if table._meta.tablename == "audit_event":
                # A refusal is audited by design (a missing object's too): not data stored.
                rows = [row for row in rows if row["outcome"] != "denied"]
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            found[table._meta.tablename] = f"{len(rows)}:{digest}"
    return found


def test_the_corpus_covers_every_json_write_endpoint() -> None:
    spec = _spec()
    writes = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch")
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    }
    assert {(b.method, b.route) for b in CORPUS} == writes
    kinds = {b.kind for b in CORPUS}
    assert {
        "1 MB string",
        "NUL byte",
        "invalid UTF-8",
        "beyond 32 bits",
        "no time zone",
        "personal identity number",
        "personal identity number as text/plain",
        "personal identity number as no content type",
        *(kind for kind, _ in DISGUISED),
    } <= kinds


def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(send: Send) -> None:
    before = in_app(send.client, snapshot)
    problems: list[str] = []
    for bad in CORPUS:
        response = send(
            bad.role,
            bad.method,
            bad.path,
            content=bad.body,
            headers={"content-type": bad.content_type} if bad.content_type else {},
        )
        label = f"{bad.method} {bad.path} {bad.field} ({bad.kind})"
        if response.status_code != 400:
            problems.append(f"{label}: {response.status_code} {response.text[:160]}")
            continue
        named = {e.get("field") or "" for e in response.json().get("errors", [])}
        wanted = bad.field.split("|")
        if not any(n == w or n.startswith((f"{w}.", f"{w}[")) for n in named for w in wanted):
            problems.append(f"{label}: names {sorted(named)}: {response.json()['detail'][:120]}")
    assert not problems, f"{len(problems)} of {len(CORPUS)}:\n" + "\n".join(problems[:60])
    assert in_app(send.client, snapshot) == before


def test_a_body_beyond_the_limit_is_refused_before_anything_reads_it(send: Send) -> None:
    from network.app import MAX_BODY_BYTES

    body = json.dumps({"area": "lvu_investigation", "summary": "x" * MAX_BODY_BYTES}).encode()
    response = send(
        "social_worker",
        "POST",
        "/api/v1/consultations",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413, response.text

"""Response compression: the app-wide gzip level, and what is left uncompressed."""

from __future__ import annotations

import gzip
import json

from litestar import Litestar
from litestar.testing import TestClient

from network.app import create_app
from network.server.compression import MINIMUM_SIZE

# RFC 1952's XFL byte (the gzip header's ninth): 2 when the compressor used its
# slowest level (9), 4 its fastest (1), 0 otherwise.
SLOWEST, FASTEST, BETWEEN = 2, 4, 0


def _raw(client: TestClient[Litestar], path: str, encoding: str) -> tuple[bytes, str | None]:
    with client.stream("GET", path, headers={"accept-encoding": encoding}) as response:
        assert response.status_code == 200
        return b"".join(response.iter_raw()), response.headers.get("content-encoding")


def test_large_json_is_gzipped_at_the_app_level(migrated: None) -> None:
    with TestClient(create_app()) as client:
        raw, encoding = _raw(client, "/api/v1/municipalities", "gzip, deflate, br")
        plain, none = _raw(client, "/api/v1/municipalities", "identity")
    assert encoding == "gzip"
    assert none is None
    assert len(plain) > MINIMUM_SIZE
    assert raw[:3] == b"\x1f\x8b\x08"
    # Level 6: neither zlib's slowest (9, as before) nor its fastest.
    assert raw[8] == BETWEEN
    assert json.loads(gzip.decompress(raw)) == json.loads(plain)
    assert len(raw) < len(plain) / 3


def test_small_bodies_stay_plain(migrated: None) -> None:
    with TestClient(create_app()) as client:
        small, encoding = _raw(client, "/health", "gzip")
    assert encoding is None
    assert len(small) < MINIMUM_SIZE
    assert json.loads(small)

"""The export routes' own gzip: what counts as accepting it, and the stream itself."""

from __future__ import annotations

import gzip
import zlib

import pytest
from litestar.connection import ASGIConnection

from network.server.compression import EXPORT_GZIP_LEVEL, accepts_gzip, gzip_pieces


def _connection(accept_encoding: str | None) -> ASGIConnection:  # type: ignore[type-arg]
    headers = [] if accept_encoding is None else [(b"accept-encoding", accept_encoding.encode())]
    return ASGIConnection({"type": "http", "headers": headers, "path": "/", "method": "GET"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, GZIP;q=0.5", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0, identity", False),
        ("deflate, br", False),
        ("identity", False),
        ("", False),
        (None, False),
    ],
)
def test_accepts_gzip(header: str | None, accepted: bool) -> None:
    assert accepts_gzip(_connection(header)) is accepted


def test_gzip_pieces_is_one_gzip_stream_at_the_fastest_level() -> None:
    pieces = [b'{"edges": [', *(b'{"request": %d, "score": 7},' % i for i in range(5000)), b"0]}"]
    out = list(gzip_pieces(iter(pieces)))
    body = b"".join(out)
    assert EXPORT_GZIP_LEVEL == 1
    assert body[8] == 4  # RFC 1952 XFL: the fastest algorithm
    assert gzip.decompress(body) == b"".join(pieces)
    assert len(out) < len(pieces)  # compressed as it goes, not one piece per piece
    assert zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body) == b"".join(pieces)

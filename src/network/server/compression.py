"""Response compression: the app-wide level, and the large exports that compress
themselves at a faster one.

Litestar's compression middleware compresses every response of at least
``MINIMUM_SIZE`` bytes that the client accepts gzip for, at ``GZIP_LEVEL``. Level 6
(zlib's own default) compresses JSON within a few per cent of level 9 at a fraction
of its time on large bodies. A route whose body is tens of megabytes (a national
round's problem export) opts out with ``opt={OWN_COMPRESSION: True}`` and streams
its pieces through :func:`gzip_pieces` at ``EXPORT_GZIP_LEVEL``: zlib's level 1 is
about ten times faster than level 9 on such text and about 15 % larger.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from litestar.config.compression import CompressionConfig
from litestar.connection import ASGIConnection

__all__ = (
    "EXPORT_GZIP_LEVEL",
    "GZIP_LEVEL",
    "MINIMUM_SIZE",
    "OWN_COMPRESSION",
    "accepts_gzip",
    "compression_config",
    "gzip_pieces",
)

GZIP_LEVEL = 6
EXPORT_GZIP_LEVEL = 1
MINIMUM_SIZE = 1024
OWN_COMPRESSION = "own_compression"  # a route's opt key: the middleware leaves it alone


def compression_config() -> CompressionConfig:
    return CompressionConfig(
        backend="gzip",
        minimum_size=MINIMUM_SIZE,
        gzip_compress_level=GZIP_LEVEL,
        exclude_opt_key=OWN_COMPRESSION,
    )


def accepts_gzip(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether the client's ``Accept-Encoding`` names gzip (and not with ``q=0``)."""
    for entry in connection.headers.get("accept-encoding", "").split(","):
        name, _, params = entry.partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            quality = params.strip().lower().replace(" ", "")
            return quality not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def gzip_pieces(pieces: Iterable[bytes], level: int = EXPORT_GZIP_LEVEL) -> Iterator[bytes]:
    """``pieces`` as one gzip stream (RFC 1952), compressed piece by piece."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for piece in pieces:
        if out := compressor.compress(piece):
            yield out
    yield compressor.flush()

"""Who is asking: the client's address behind trusted proxies, and a bounded request id.

``X-Forwarded-For`` is anybody's to write, so it counts only when the connection
comes from a proxy the operator lists in ``NETWORK_TRUSTED_PROXIES`` (none by
default). Then the client is the right-most address in the header that is not a
trusted proxy itself: each trusted proxy appends the address it saw, and whatever
stands to the left of the first untrusted one was written by that client. The
middleware puts the result in the ASGI scope, so the rate limits, the audit log and
everything else that reads ``request.client`` see the same address.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterable

from litestar.enums import ScopeType
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = ("TrustedProxies", "client_address_middleware", "request_id")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def request_id(header: str | None) -> str:
    """The caller's ``X-Request-ID`` when it is a plain token (``[A-Za-z0-9._-]``, at
    most 64 characters); anything else (control characters, a line break, 10 kB) is
    dropped for a fresh id, so the audit log never stores what a client wrote there."""
    if header is not None and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _address(text: str) -> _Address | None:
    """An IP address, as a peer or an ``X-Forwarded-For`` entry may write it
    (``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:443``)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = found.ipv4_mapped if isinstance(found, ipaddress.IPv6Address) else None
    return mapped or found


class TrustedProxies:
    """The proxies whose ``X-Forwarded-For`` is believed (IP addresses or CIDR ranges)."""

    def __init__(self, networks: Iterable[str]) -> None:
        self.networks: tuple[_Network, ...] = tuple(ipaddress.ip_network(n) for n in networks)

    def trusts(self, address: _Address) -> bool:
        return any(address in network for network in self.networks)

    def client(self, peer: str | None, forwarded_for: Iterable[str]) -> str | None:
        """The client's address: ``peer`` unless it is a trusted proxy; then the
        right-most untrusted entry of ``forwarded_for`` (its headers in order). A
        malformed entry stops the walk at the last address known good."""
        address = None if peer is None else _address(peer)
        if address is None or not self.trusts(address):
            return peer
        entries = [e for value in forwarded_for for e in value.split(",") if e.strip()]
        for entry in reversed(entries):
            hop = _address(entry)
            if hop is None:
                break
            address = hop
            if not self.trusts(hop):
                break
        return str(address)


def client_address_middleware(networks: Iterable[str]) -> DefineMiddleware:
    """Middleware that sets the scope's client to :meth:`TrustedProxies.client`."""
    return DefineMiddleware(ClientAddressMiddleware, proxies=TrustedProxies(networks))


class ClientAddressMiddleware:
    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in (ScopeType.HTTP, ScopeType.WEBSOCKET) and self.proxies.networks:
            peer = scope.get("client")
            forwarded = [
                value.decode("latin-1")
                for name, value in scope["headers"]
                if name == b"x-forwarded-for"
            ]
            if peer is not None and forwarded:
                client = self.proxies.client(peer[0], forwarded)
                if client is not None and client != peer[0]:
                    scope["client"] = (client, 0)
        await self.app(scope, receive, send)

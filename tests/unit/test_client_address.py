"""Who is asking: X-Forwarded-For only from listed proxies (the right-most untrusted
address), NETWORK_TRUSTED_PROXIES validated, and X-Request-ID kept only when plain."""

from __future__ import annotations

import re

import pytest

from network.server.clients import TrustedProxies, request_id
from network.settings import Settings, SettingsError

PROXIES = TrustedProxies(["10.0.0.0/24", "2001:db8::/64"])


def test_by_default_no_proxy_is_trusted() -> None:
    settings = Settings.from_env({})
    assert settings.trusted_proxies == ()
    nobody = TrustedProxies(settings.trusted_proxies)
    assert nobody.client("127.0.0.1", ["203.0.113.7"]) == "127.0.0.1"


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # From an untrusted peer the header is anybody's: ignored.
        ("198.51.100.4", ["203.0.113.7"], "198.51.100.4"),
        ("testclient", ["203.0.113.7"], "testclient"),
        # From a trusted proxy: the right-most address that is not a trusted proxy.
        ("10.0.0.1", ["203.0.113.7"], "203.0.113.7"),
        ("10.0.0.1", ["1.1.1.1, 203.0.113.7, 10.0.0.2"], "203.0.113.7"),  # 1.1.1.1 spoofed
        ("10.0.0.1", ["1.1.1.1", "203.0.113.7"], "203.0.113.7"),  # two header lines
        ("10.0.0.1", ["203.0.113.7:5123"], "203.0.113.7"),
        ("10.0.0.1", ["[2001:db8:1::5]:443"], "2001:db8:1::5"),
        ("::ffff:10.0.0.1", ["203.0.113.7"], "203.0.113.7"),  # IPv4-mapped peer
        ("2001:db8::9", ["203.0.113.7"], "203.0.113.7"),
        # Every hop trusted: the left-most (an inside client).
        ("10.0.0.1", ["10.0.0.9, 10.0.0.2"], "10.0.0.9"),
        # Something that is no address stops the walk at the last address known good.
        ("10.0.0.1", ["203.0.113.7, evil\r\nX-Admin: 1"], "10.0.0.1"),
        ("10.0.0.1", ["<script>, 10.0.0.2"], "10.0.0.2"),
        ("10.0.0.1", ["", " , "], "10.0.0.1"),
    ],
)
def test_the_client_behind_trusted_proxies(peer: str, forwarded: list[str], client: str) -> None:
    assert PROXIES.client(peer, forwarded) == client


def test_trusted_proxies_are_read_and_normalised() -> None:
    settings = Settings.from_env({"NETWORK_TRUSTED_PROXIES": " 10.0.0.5, 10.1.0.0/16 ,::1,"})
    assert settings.trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16", "::1/128")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("proxy.internal", "'proxy.internal' is not an IP address or CIDR range"),
        ("10.0.0.1/8", "host bits set (did you mean 10.0.0.0/8?)"),
        ("10.0.0.0/33", "not an IP address or CIDR range"),
    ],
)
def test_a_bad_proxy_names_the_variable(value: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"NETWORK_TRUSTED_PROXIES": value})
    assert caught.value.variable == "NETWORK_TRUSTED_PROXIES"
    assert str(caught.value).startswith("NETWORK_TRUSTED_PROXIES: ")
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("value", ["abc-123", "f" * 64, "req.2026_01-05"])
def test_a_plain_request_id_is_kept(value: str) -> None:
    assert request_id(value) == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "f" * 65,
        "x" * 10_000,
        "abc\r\nX-Injected: 1",
        "abc\nforged audit line",
        "".join(map(chr, range(32))),
        "abc def",
        "abc;drop",
        "åäö",
    ],
)
def test_anything_else_gets_a_fresh_request_id(value: str | None) -> None:
    fresh = request_id(value)
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert fresh != request_id(value)

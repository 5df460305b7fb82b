"""The test command's own check of what the suite needs beside Python."""

from __future__ import annotations

import socket

import pytest

from tests.support import provision


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_service_that_does_not_answer_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    port = _closed_port()
    monkeypatch.setenv("NETWORK_TEST_REDIS_URL", f"redis://127.0.0.1:{port}/1")
    monkeypatch.delenv("NETWORK_REDIS_URL", raising=False)
    assert provision.missing() == [f"Redis at 127.0.0.1:{port}"]


def test_without_leave_to_install_the_run_stops_naming_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = _closed_port()
    monkeypatch.setenv("NETWORK_TEST_REDIS_URL", f"redis://127.0.0.1:{port}/1")
    monkeypatch.delenv("NETWORK_REDIS_URL", raising=False)
    monkeypatch.setenv("NETWORK_TEST_PROVISION", "0")
    with pytest.raises(SystemExit) as stopped:
        provision.ensure()
    message = str(stopped.value)
    assert f"Redis at 127.0.0.1:{port}" in message
    assert "infra/test-services" in message


def test_this_machine_has_what_the_suite_needs() -> None:
    # The suite ran its own check before this test: nothing is missing now.
    assert provision.missing() == []

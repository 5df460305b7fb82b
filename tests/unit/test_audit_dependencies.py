"""The dependency audit (infra/audit_dependencies.py): skipped with one line when the
vulnerability service does not answer with vulnerability data, never failing for
it; run on the whole lock, failing on findings, when it does."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.server import free_port

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def service() -> Iterator[tuple[str, list[Any]]]:
    """A local stand-in for the service: answers with the JSON in the list's last item."""
    answers: list[Any] = [{"vulnerabilities": [{"id": "PYSEC-2019-217"}]}]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(answers[-1]).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/pypi/jinja2/2.10/json", answers
    finally:
        server.shutdown()
        server.server_close()


def test_a_service_with_vulnerability_data_is_usable(
    audit: ModuleType, service: tuple[str, list[Any]]
) -> None:
    url, _ = service
    assert audit.probe(audit.Canary(url, "vulnerabilities"), timeout=5) is None


def test_a_mirror_without_vulnerability_data_is_not(
    audit: ModuleType, service: tuple[str, list[Any]]
) -> None:
    # What a package proxy gives: the release's JSON with the advisories left out.
    url, answers = service
    answers.append({"info": {"name": "Jinja2"}, "vulnerabilities": []})
    reason = audit.probe(audit.Canary(url, "vulnerabilities"), timeout=5)
    assert reason == f"{url}: answers without vulnerability data"


def test_no_network_is_a_reason(audit: ModuleType) -> None:
    url = f"http://127.0.0.1:{free_port()}/pypi/jinja2/2.10/json"  # nothing listens
    reason = audit.probe(audit.Canary(url, "vulnerabilities"), timeout=2)
    assert reason is not None
    assert reason.startswith(url)


def test_without_the_service_the_audit_is_skipped_with_one_line(
    audit: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(audit, "probe", lambda canary, timeout: "api.example: timed out")

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("nothing runs without the service")

    monkeypatch.setattr(subprocess, "run", never)
    assert audit.main([]) == 0
    assert capsys.readouterr().out == (
        "dependency audit skipped: no network (api.example: timed out)\n"
    )


@pytest.mark.parametrize("found", [0, 1])
def test_with_the_service_pip_audit_decides(
    audit: ModuleType, monkeypatch: pytest.MonkeyPatch, found: int
) -> None:
    monkeypatch.setattr(audit, "probe", lambda canary, timeout: None)
    calls: list[list[str]] = []
    exported: list[str] = []

    def export(target: Path) -> None:
        target.write_text("jinja2==3.1.6 --hash=sha256:00\n")
        exported.append(str(target))

    def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(command, found)

    monkeypatch.setattr(audit, "export_requirements", export)
    monkeypatch.setattr(subprocess, "run", run)
    assert audit.main(["--service", "osv", "--ignore-vuln", "GHSA-xxxx"]) == found
    (command,) = calls
    assert command[:4] == ["uv", "run", "--frozen", "pip-audit"]
    assert command[command.index("--requirement") + 1] == exported[0]
    for option in ("--require-hashes", "--disable-pip", "--strict"):
        assert option in command
    assert command[command.index("--vulnerability-service") + 1] == "osv"
    assert command[-2:] == ["--ignore-vuln", "GHSA-xxxx"]  # passed on to pip-audit


def test_the_export_pins_every_locked_package_with_hashes(
    audit: ModuleType, tmp_path: Path
) -> None:
    target = tmp_path / "requirements.txt"
    audit.export_requirements(target)  # offline: uv reads uv.lock only
    text = target.read_text()
    pins = [line for line in text.splitlines() if line and line[0].isalnum()]
    assert len(pins) > 50
    assert all("==" in line for line in pins)
    assert any(line.startswith("litestar==") for line in pins)
    assert "--hash=sha256:" in text
    assert "-e " not in text  # the project itself is not audited against PyPI

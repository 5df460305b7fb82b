"""The deployment files, checked statically: every Kubernetes manifest against the
Kubernetes schemas (strict: an unknown field fails), the wiring between them, and the
compose file against the Compose specification; a broken copy of each must fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

INFRA = Path(__file__).resolve().parents[2] / "infra"
K8S = INFRA / "k8s"
KUBERNETES = "1.30.0"


def manifests() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    found: list[dict[str, Any]] = []
    for name in kustomization["resources"]:
        found.extend(d for d in yaml.safe_load_all((K8S / name).read_text()) if d)
    return found


def by_kind(kind: str) -> dict[str, Any]:
    (found,) = [m for m in manifests() if m["kind"] == kind]
    return found


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize(
    "manifest", manifests(), ids=lambda m: f"{m['kind']}-{m['metadata']['name']}"
)
def test_each_manifest_is_valid(manifest: dict[str, Any]) -> None:
    kubernetes_validate.validate(manifest, KUBERNETES, strict=True)


def test_a_broken_manifest_is_refused() -> None:
    broken = by_kind("Deployment")
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)
    unknown = by_kind("Service")
    unknown["spec"]["colour"] = "blue"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(unknown, KUBERNETES, strict=True)


def test_the_pieces_point_at_each_other() -> None:
    deployment = by_kind("Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"] == labels
    assert by_kind("Service")["spec"]["selector"] == labels
    assert by_kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == labels
    target = by_kind("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    port = container["ports"][0]["containerPort"]
    assert by_kind("ConfigMap")["data"]["NETWORK_PORT"] == str(port)
    assert by_kind("ConfigMap")["data"]["NETWORK_ENV"] == "prod"
    secrets = {m["metadata"]["name"]: m["stringData"] for m in manifests() if m["kind"] == "Secret"}
    assert set(secrets["specialistnatet"]) == {
        "NETWORK_SECRET_KEY",
        "NETWORK_DATABASE_URL",
        "NETWORK_REDIS_URL",
    }
    assert set(secrets["specialistnatet-owner"]) == {"NETWORK_DATABASE_OWNER_URL"}
    backend = by_kind("Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == by_kind("Service")["metadata"]["name"]
    (job,) = by_kind("Job")["spec"]["template"]["spec"]["containers"]
    assert "network migrate" in " ".join(job["command"])
    assert job["image"] == container["image"]
    # Only the migration Job holds the schema owner's URL; the app serves as a role
    # that row-level security binds, never as the owner or a superuser.
    assert {"specialistnatet", "specialistnatet-owner"} <= _secret_refs(job)
    assert "specialistnatet-owner" not in _secret_refs(container)
    assert secrets["specialistnatet"]["NETWORK_DATABASE_URL"].startswith(
        "postgresql://network_app:"
    )


def _secret_refs(container: dict[str, Any]) -> set[str]:
    return {e["secretRef"]["name"] for e in container.get("envFrom", []) if "secretRef" in e}


def _compose_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_compose_file_follows_the_compose_specification(tmp_path: Path) -> None:
    checked = _compose_check(INFRA / "docker-compose.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    broken = yaml.safe_load((INFRA / "docker-compose.yml").read_text())
    broken["services"]["redis"]["colour"] = "blue"  # no such service key
    copy = tmp_path / "docker-compose.yml"
    copy.write_text(yaml.safe_dump(broken))
    assert _compose_check(copy).returncode != 0


def test_the_compose_install_runs_two_apps_after_migrating() -> None:
    compose = yaml.safe_load((INFRA / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "app1", "app2", "proxy"} <= set(services)
    for name in ("app1", "app2"):
        app = services[name]
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert app["environment"]["NETWORK_ENV"] == "prod"
        # The apps serve as the role `network migrate` makes, without the owner's URL.
        assert app["environment"]["NETWORK_DATABASE_URL"].startswith("postgresql://network_app:")
        assert "NETWORK_DATABASE_OWNER_URL" not in app["environment"]
        assert app["environment"]["NETWORK_REDIS_URL"].startswith("redis://redis:")
        assert "/ready" in " ".join(app["healthcheck"]["test"])
    assert "network migrate" in " ".join(services["migrate"]["command"])
    owner = services["migrate"]["environment"]["NETWORK_DATABASE_OWNER_URL"]
    assert owner.startswith("postgresql://network:")  # the image's superuser: the owner
    caddyfile = (INFRA / "Caddyfile").read_text()
    assert "app1:8000" in caddyfile
    assert "app2:8000" in caddyfile
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        env = INFRA / "env.example"
        config = subprocess.run(
            [
                "docker",
                "compose",
                "-f",
                str(INFRA / "docker-compose.yml"),
                "--env-file",
                str(env),
                "config",
                "-q",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert config.returncode == 0, config.stderr

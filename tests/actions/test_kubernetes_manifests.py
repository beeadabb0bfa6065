"""kubernetes:manifests through the action API; each manifest is checked against Kubernetes 1.30."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from ruamel.yaml import YAML

from scaffolder.action import ActionContext
from scaffolder.actions.kubernetes_manifests import action
from scaffolder.errors import ActionError, RenderError
from tests.actions.context import make_ctx

K8S_VERSION = "1.30.0"


@pytest.fixture
def ctx(tmp_path: Path) -> ActionContext:
    return make_ctx(tmp_path / "ws")


def load_all(workspace: Path, files: list[str]) -> dict[str, Any]:
    """kind -> document, validating each one strictly."""
    docs = {}
    for rel in files:
        for doc in YAML(typ="safe").load_all((workspace / rel).read_text()):
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            docs[doc["kind"]] = doc
    return docs


BASE = {"name": "orders-api", "image": "registry.example.com/orders-api:1.0.0"}

COMBINATIONS: list[dict[str, Any]] = [
    BASE,
    {**BASE, "liveness_path": "/healthz", "readiness_path": "/readyz", "port": 9000},
    {**BASE, "autoscaling": {}},
    {
        **BASE,
        "namespace": "payments",
        "replicas": 0,
        "service_port": 8080,
        "resources": {
            "requests": {"cpu": "0.25", "memory": "1Gi"},
            "limits": {"cpu": "2", "memory": "2G"},
        },
        "labels": {"team": "payments", "example.com/tier": "gold"},
        "env": {"LOG_LEVEL": "debug", "PORT": 9000, "DEBUG": False, "RATIO": 0.5},
        "autoscaling": {"min_replicas": 3, "max_replicas": 12, "cpu_utilization": 150},
        "liveness_path": "/healthz",
        "part_of": "checkout",
        "component": "api",
        "version": "1.0.0",
        "run_as_non_root": False,
        "directory": "k8s/base",
    },
]


@pytest.mark.parametrize("inp", COMBINATIONS, ids=["minimal", "probes", "hpa-defaults", "everything"])
def test_manifests_are_valid_kubernetes(tmp_path: Path, inp: dict[str, Any]) -> None:
    ctx = make_ctx(tmp_path)
    out = action.run(ctx, inp)
    directory = inp.get("directory", "deploy/kubernetes")
    names = ["deployment.yaml", "service.yaml"] + (["hpa.yaml"] if "autoscaling" in inp else [])
    assert out.files == [f"{directory}/{n}" for n in names]
    docs = load_all(tmp_path, out.files)
    assert set(docs) == {"Deployment", "Service"} | ({"HorizontalPodAutoscaler"} if "autoscaling" in inp else set())
    for doc in docs.values():
        labels = doc["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "orders-api"
        assert labels["backstage.io/kubernetes-id"] == "orders-api"
        assert labels["app.kubernetes.io/part-of"] == inp.get("part_of", "orders-api")
        assert doc["metadata"].get("namespace") == inp.get("namespace")
    deployment, service = docs["Deployment"], docs["Service"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["selector"] == selector
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= pod_labels.items()
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == inp["image"]
    assert container["ports"][0]["containerPort"] == inp.get("port", 8080)
    assert service["spec"]["ports"][0]["port"] == inp.get("service_port", 80)


def test_defaults(ctx: ActionContext) -> None:
    docs = load_all(ctx.workspace, action.run(ctx, BASE).files)
    spec = docs["Deployment"]["spec"]
    assert spec["replicas"] == 2
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    container = pod["containers"][0]
    assert container["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"cpu": "500m", "memory": "256Mi"},
    }
    assert "livenessProbe" not in container and "readinessProbe" not in container
    assert "env" not in container


def test_probes_env_and_labels(ctx: ActionContext) -> None:
    inp = {
        **BASE,
        "liveness_path": "/healthz",
        "readiness_path": "/readyz",
        "env": {"B": "2", "A": True},
        "labels": {"team": "payments"},
    }
    docs = load_all(ctx.workspace, action.run(ctx, inp).files)
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["env"] == [{"name": "A", "value": "true"}, {"name": "B", "value": "2"}]
    for doc in docs.values():
        assert doc["metadata"]["labels"]["team"] == "payments"


def test_hpa_replaces_fixed_replicas(ctx: ActionContext) -> None:
    inp = {
        **BASE,
        "replicas": 4,
        "autoscaling": {"min_replicas": 2, "max_replicas": 8, "cpu_utilization": 70},
    }
    docs = load_all(ctx.workspace, action.run(ctx, inp).files)
    assert "replicas" not in docs["Deployment"]["spec"]
    hpa = docs["HorizontalPodAutoscaler"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "orders-api",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 8)
    assert hpa["spec"]["metrics"][0]["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": 70,
    }


def test_deterministic_and_dry_run_identical(tmp_path: Path) -> None:
    inp = COMBINATIONS[-1]
    a, b = make_ctx(tmp_path / "a"), make_ctx(tmp_path / "b")
    b.dry_run = True
    files = action.run(a, inp).files
    shuffled = {k: (dict(reversed(list(v.items()))) if isinstance(v, dict) else v) for k, v in inp.items()}
    assert action.run(b, dict(reversed(list(shuffled.items())))).files == files
    for rel in files:
        text = (tmp_path / "a" / rel).read_text()
        assert text == (tmp_path / "b" / rel).read_text()
        assert "&id" not in text


def test_every_problem_is_named_and_nothing_is_written(ctx: ActionContext) -> None:
    bad = {
        "name": "1-Orders",
        "namespace": "Payments",
        "image": "has space:1",
        "liveness_path": "healthz",
        "resources": {"limits": {"memory": "lots"}},
        "labels": {"bad key!": "ok", "ok": "bad value!"},
        "env": {"1=bad": "x"},
        "autoscaling": {"min_replicas": 5, "max_replicas": 2},
    }
    with pytest.raises(ActionError) as err:
        action.run(ctx, bad)
    wheres = [p.where.removeprefix("kubernetes:manifests ") for p in err.value.problems]
    for expected in (
        "name",
        "namespace",
        "image",
        "liveness_path",
        "resources.limits.memory",
        "labels.bad key!",
        "labels.ok",
        "env.1=bad",
        "autoscaling",
    ):
        assert expected in wheres, (expected, wheres)
    assert not (ctx.workspace / "deploy").exists()


def test_name_too_long(ctx: ActionContext) -> None:
    with pytest.raises(ActionError, match="DNS-1035"):
        action.run(ctx, {**BASE, "name": "a" * 64})


def test_refuses_a_directory_outside_the_workspace(ctx: ActionContext) -> None:
    with pytest.raises(RenderError):
        action.run(ctx, {**BASE, "directory": "../outside"})


@pytest.mark.parametrize("example", action.examples, ids=lambda e: e.description)
def test_examples_run_and_validate(ctx: ActionContext, example: Any) -> None:
    out = action.run(ctx, example.input)
    assert load_all(ctx.workspace, out.files)


def test_the_validator_catches_a_broken_manifest() -> None:
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "x"},
                "spec": {"prots": []},
            },
            K8S_VERSION,
            strict=True,
        )

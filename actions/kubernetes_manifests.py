"""`kubernetes:manifests`: write a Deployment, a Service and optionally a HorizontalPodAutoscaler.

One file per kind under `directory` (default `deploy/kubernetes/`): `deployment.yaml`,
`service.yaml` and, when `autoscaling` is given, `hpa.yaml`; `kubectl apply -f deploy/kubernetes/`
applies them all. With autoscaling the Deployment leaves `replicas` to the autoscaler.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scaffolder.action import ActionContext, ActionError, ActionInput, ActionOutput, Example, Problem, define_action

from ._entity import (
    DNS_1035_LABEL,
    DNS_1123_LABEL,
    LABEL_VALUE,
    annotation_key_problems,
    dump_yaml,
    sorted_items,
    write_text,
)

QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Requests(_Strict):
    cpu: str = Field("100m", description="CPU the scheduler reserves, e.g. 100m")
    memory: str = Field("128Mi", description="Memory the scheduler reserves, e.g. 128Mi")


class Limits(_Strict):
    cpu: str = Field("500m", description="CPU ceiling, e.g. 500m")
    memory: str = Field("256Mi", description="Memory ceiling; the container is killed above it")


class Resources(_Strict):
    requests: Requests = Field(default_factory=Requests)
    limits: Limits = Field(default_factory=Limits)


class Autoscaling(_Strict):
    min_replicas: int = Field(2, ge=1, description="Fewest pods")
    max_replicas: int = Field(5, ge=1, description="Most pods")
    cpu_utilization: int = Field(80, ge=1, le=1000, description="Target average CPU, % of requests")


class KubernetesManifestsInput(ActionInput):
    directory: str = Field("deploy/kubernetes", description="Folder for the manifests, relative to the workspace")
    name: str = Field(description="DNS-1035 label: names the Deployment, Service, container and labels")
    namespace: str | None = Field(None, description="Namespace; omitted from the manifests if absent")
    image: str = Field(description="Container image, e.g. registry.example.com/orders-api:1.0.0")
    port: int = Field(8080, ge=1, le=65535, description="Port the container listens on")
    service_port: int = Field(80, ge=1, le=65535, description="Port the Service exposes")
    replicas: int = Field(2, ge=0, le=1000, description="Pods to run (ignored with autoscaling)")
    resources: Resources = Field(default_factory=Resources, description="CPU and memory requests/limits")
    liveness_path: str | None = Field(None, description="HTTP path of the liveness probe, e.g. /healthz")
    readiness_path: str | None = Field(None, description="HTTP path of the readiness probe, e.g. /readyz")
    component: str = Field("server", description="app.kubernetes.io/component label")
    part_of: str | None = Field(None, description="app.kubernetes.io/part-of label; defaults to name")
    version: str | None = Field(None, description="app.kubernetes.io/version label")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels on every object")
    env: dict[str, str | int | float | bool] = Field(default_factory=dict, description="Container env")
    run_as_non_root: bool = Field(True, description="Refuse to start a container running as root")
    autoscaling: Autoscaling | None = Field(None, description="Adds an autoscaling/v2 HPA on CPU")


class KubernetesManifestsOutput(ActionOutput):
    files: list[str] = Field(description="Manifests written, relative to the workspace")


def _label_problems(labels: dict[str, str]) -> list[tuple[str, str]]:
    found = [(f"labels.{k}", m) for k in labels for m in annotation_key_problems(k)]
    for key, value in labels.items():
        if len(value) > 63 or not LABEL_VALUE.match(value):
            found.append((f"labels.{key}", f"value {value!r} is not a valid label value"))
    return found


def _problems(inp: KubernetesManifestsInput) -> list[Problem]:
    found: list[tuple[str, str]] = []
    if len(inp.name) > 63 or not DNS_1035_LABEL.match(inp.name):
        found.append(
            (
                "name",
                f"{inp.name!r} must be a DNS-1035 label: a-z, 0-9 and '-', starting with a letter",
            )
        )
    if inp.namespace is not None and (len(inp.namespace) > 63 or not DNS_1123_LABEL.match(inp.namespace)):
        found.append(("namespace", f"{inp.namespace!r} must be a DNS-1123 label"))
    if not inp.image.strip() or any(c.isspace() for c in inp.image):
        found.append(("image", f"{inp.image!r} must be a non-empty image reference without spaces"))
    for probe in ("liveness_path", "readiness_path"):
        path = getattr(inp, probe)
        if path is not None and not path.startswith("/"):
            found.append((probe, f"{path!r} must start with '/'"))
    for section in ("requests", "limits"):
        for res in ("cpu", "memory"):
            value = getattr(getattr(inp.resources, section), res)
            if not QUANTITY.match(value):
                found.append((f"resources.{section}.{res}", f"{value!r} is not a Kubernetes quantity"))
    found += _label_problems({**_standard_labels(inp), **inp.labels})
    found += [(f"env.{k}", "is not a valid environment variable name") for k in inp.env if not ENV_NAME.match(k)]
    scaling = inp.autoscaling
    if scaling is not None and scaling.min_replicas > scaling.max_replicas:
        found.append(
            (
                "autoscaling",
                f"min_replicas {scaling.min_replicas} > max_replicas {scaling.max_replicas}",
            )
        )
    return [Problem(f"kubernetes:manifests {where}", msg) for where, msg in found]


def _standard_labels(inp: KubernetesManifestsInput) -> dict[str, str]:
    labels = {
        "app.kubernetes.io/name": inp.name,
        "app.kubernetes.io/instance": inp.name,
        "app.kubernetes.io/component": inp.component,
        "app.kubernetes.io/part-of": inp.part_of or inp.name,
    }
    if inp.version:
        labels["app.kubernetes.io/version"] = inp.version
    labels["backstage.io/kubernetes-id"] = inp.name
    return labels


def _metadata(inp: KubernetesManifestsInput, labels: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": inp.name}
    if inp.namespace:
        meta["namespace"] = inp.namespace
    meta["labels"] = labels
    return meta


def _env_value(value: str | int | float | bool) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _container(inp: KubernetesManifestsInput) -> dict[str, Any]:
    res = inp.resources
    container: dict[str, Any] = {
        "name": inp.name,
        "image": inp.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": inp.port, "protocol": "TCP"}],
    }
    if inp.env:
        container["env"] = [{"name": k, "value": _env_value(v)} for k, v in sorted_items(inp.env)]
    container["resources"] = {
        "requests": {"cpu": res.requests.cpu, "memory": res.requests.memory},
        "limits": {"cpu": res.limits.cpu, "memory": res.limits.memory},
    }
    for key, path, delay in (
        ("livenessProbe", inp.liveness_path, 10),
        ("readinessProbe", inp.readiness_path, 2),
    ):
        if path:
            container[key] = {
                "httpGet": {"path": path, "port": "http"},
                "initialDelaySeconds": delay,
                "periodSeconds": 10,
                "timeoutSeconds": 2,
                "failureThreshold": 3,
            }
    container["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
    }
    return container


def manifests(inp: KubernetesManifestsInput) -> dict[str, dict[str, Any]]:
    """File name -> manifest, for every object this input describes."""
    problems = _problems(inp)
    if problems:
        raise ActionError(f"kubernetes:manifests cannot describe {inp.name!r}", problems)
    labels = {**_standard_labels(inp), **dict(sorted_items(inp.labels))}
    selector = {k: labels[k] for k in ("app.kubernetes.io/name", "app.kubernetes.io/instance")}
    pod_security: dict[str, Any] = {"seccompProfile": {"type": "RuntimeDefault"}}
    if inp.run_as_non_root:
        pod_security = {"runAsNonRoot": True, **pod_security}
    spec: dict[str, Any] = {} if inp.autoscaling else {"replicas": inp.replicas}
    spec |= {
        "selector": {"matchLabels": selector},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"securityContext": pod_security, "containers": [_container(inp)]},
        },
    }
    out = {
        "deployment.yaml": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": _metadata(inp, labels),
            "spec": spec,
        },
        "service.yaml": {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _metadata(inp, labels),
            "spec": {
                "type": "ClusterIP",
                "selector": selector,
                "ports": [
                    {
                        "name": "http",
                        "port": inp.service_port,
                        "targetPort": "http",
                        "protocol": "TCP",
                    }
                ],
            },
        },
    }
    if inp.autoscaling:
        out["hpa.yaml"] = {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": _metadata(inp, labels),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": inp.name},
                "minReplicas": inp.autoscaling.min_replicas,
                "maxReplicas": inp.autoscaling.max_replicas,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {
                                "type": "Utilization",
                                "averageUtilization": inp.autoscaling.cpu_utilization,
                            },
                        },
                    }
                ],
            },
        }
    return out


def write_manifests(ctx: ActionContext, inp: KubernetesManifestsInput) -> KubernetesManifestsOutput:
    files = []
    for file_name, doc in manifests(inp).items():
        rel = (PurePosixPath(inp.directory) / file_name).as_posix()
        write_text(ctx, rel, dump_yaml(doc))
        files.append(rel)
    return KubernetesManifestsOutput(files=files)


action = define_action(
    id="kubernetes:manifests",
    description="Write a Kubernetes Deployment, Service and optional autoscaler (HPA).",
    input=KubernetesManifestsInput,
    output=KubernetesManifestsOutput,
    handler=write_manifests,
    supports_dry_run=True,
    examples=(
        Example(
            "An HTTP service with probes and two replicas",
            {
                "name": "orders-api",
                "image": "registry.example.com/orders-api:1.0.0",
                "port": 8080,
                "liveness_path": "/healthz",
                "readiness_path": "/readyz",
                "env": {"LOG_LEVEL": "info"},
            },
        ),
        Example(
            "A service in its own namespace, scaled on CPU between 2 and 10 pods",
            {
                "name": "orders-api",
                "namespace": "payments",
                "image": "registry.example.com/orders-api:1.0.0",
                "part_of": "checkout",
                "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
                "autoscaling": {"min_replicas": 2, "max_replicas": 10, "cpu_utilization": 70},
            },
        ),
    ),
)

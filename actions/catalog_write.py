"""`catalog:write`: write a Backstage `catalog-info.yaml` describing the generated Component.

Names, tags, owner and annotation keys are checked against Backstage's rules first, and every
violation is reported at once; nothing is written when any is found.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scaffolder.action import (
    ActionContext,
    ActionError,
    ActionInput,
    ActionOutput,
    Example,
    Problem,
    RepoSpec,
    define_action,
    entity_ref,
)

from ._entity import (
    annotation_key_problems,
    dump_yaml,
    name_problems,
    owner_problems,
    sorted_items,
    tag_problems,
    write_text,
)

SOURCE_TEMPLATE = "backstage.io/source-template"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LinkInput(_Strict):
    url: str = Field(description="Absolute URL")
    title: str | None = Field(None, description="Text shown in the catalog")
    icon: str | None = Field(None, description="Backstage icon id, e.g. docs or dashboard")


class RepoInput(_Strict):
    name: str = Field(description="Repository name on the forge")
    owner: str | None = Field(None, description="Forge user or organisation; the forge default if absent")


class CatalogWriteInput(ActionInput):
    file_path: str = Field("catalog-info.yaml", description="Where to write, relative to the workspace")
    entity: dict[str, Any] | None = Field(
        None,
        description="An entity written as given, as Backstage's catalog:write writes it (with the annotation "
        "backstage.io/source-template added); the other fields are then not used",
    )
    name: str = Field("", description="metadata.name: 1-63 chars of [A-Za-z0-9] runs joined by - _ .")
    title: str | None = Field(None, description="Human-friendly display name")
    description: str = Field("", description="One sentence about the component")
    owner: str = Field("", description="Owning group or user, e.g. group:payments or user:jane")
    lifecycle: str = Field("production", description="experimental, production or deprecated")
    type: str = Field("service", description="Component type: service, website, pipeline, ...")
    system: str | None = Field(None, description="The system the component belongs to")
    tags: list[str] = Field(default_factory=list, description="Lowercase tags, e.g. python")
    annotations: dict[str, str] = Field(default_factory=dict, description="Extra annotations")
    links: list[LinkInput] = Field(default_factory=list, description="Links shown on the entity")
    repo: RepoInput | None = Field(None, description="The repo holding the component; adds source-location annotations")
    kubernetes_id: str | None = Field(None, description="Adds backstage.io/kubernetes-id")


class CatalogWriteOutput(ActionOutput):
    file_path: str = Field(description="The file written, relative to the workspace")
    entity_ref: str = Field(description="The component's ref, e.g. component:default/orders-api")


def _problems(inp: CatalogWriteInput) -> list[Problem]:
    found = [("name", m) for m in name_problems(inp.name)]
    found += [("owner", m) for m in owner_problems(inp.owner)]
    found += [(f"tags[{i}]", m) for i, tag in enumerate(inp.tags) for m in tag_problems(tag)]
    found += [("annotations", m) for key in inp.annotations for m in annotation_key_problems(key)]
    if inp.system:
        found += [("system", m) for m in name_problems(inp.system, "system")]
    if inp.kubernetes_id:
        found += [("kubernetes_id", m) for m in name_problems(inp.kubernetes_id, "kubernetes_id")]
    if not inp.lifecycle.strip():
        found.append(("lifecycle", "must not be empty"))
    if not inp.type.strip():
        found.append(("type", "must not be empty"))
    return [Problem(f"catalog:write {where}", msg) for where, msg in found]


def _annotations(ctx: ActionContext, inp: CatalogWriteInput) -> dict[str, str]:
    found: dict[str, str] = {}
    if inp.repo is not None:
        repo = ctx.forge.planned_repo(RepoSpec(name=inp.repo.name, owner=inp.repo.owner))
        source = f"url:{repo.url.rstrip('/')}/tree/{repo.default_branch}/"
        found["backstage.io/source-location"] = source
        if ctx.forge.kind == "github":
            found["github.com/project-slug"] = repo.full_name
    if inp.kubernetes_id:
        found["backstage.io/kubernetes-id"] = inp.kubernetes_id
    found[SOURCE_TEMPLATE] = source_template(ctx)
    found["scaffold.dev/template"] = ctx.template.name
    found["scaffold.dev/template-version"] = ctx.template.version
    found.update(inp.annotations)
    return dict(sorted_items(found))


def entity(ctx: ActionContext, inp: CatalogWriteInput) -> dict[str, Any]:
    """The Component entity as plain data, keys in Backstage's usual order."""
    metadata: dict[str, Any] = {"name": inp.name}
    if inp.title:
        metadata["title"] = inp.title
    if inp.description:
        metadata["description"] = inp.description
    metadata["annotations"] = _annotations(ctx, inp)
    if inp.tags:
        metadata["tags"] = list(inp.tags)
    if inp.links:
        metadata["links"] = [link.model_dump(exclude_none=True) for link in inp.links]
    spec: dict[str, Any] = {"type": inp.type, "lifecycle": inp.lifecycle, "owner": inp.owner}
    if inp.system:
        spec["system"] = inp.system
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": metadata,
        "spec": spec,
    }


def source_template(ctx: ActionContext) -> str:
    """Backstage's reference to the template an entity came from: `template:NAMESPACE/NAME`."""
    doc = ctx.template.doc
    namespace = doc.get("metadata", {}).get("namespace") if isinstance(doc, dict) else None
    return f"template:{namespace or 'default'}/{ctx.template.name}"


def given_entity(ctx: ActionContext, entity: dict[str, Any]) -> dict[str, Any]:
    """A given entity as Backstage's catalog:write writes it: as it is, with
    `backstage.io/source-template` naming the template added last to its annotations."""
    metadata = entity.get("metadata") if isinstance(entity.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    annotations = {**(metadata.get("annotations") or {}), SOURCE_TEMPLATE: source_template(ctx)}
    return {**entity, "metadata": {**metadata, "annotations": annotations}}


def write_catalog_info(ctx: ActionContext, inp: CatalogWriteInput) -> CatalogWriteOutput:
    if inp.entity is not None:
        doc = given_entity(ctx, inp.entity)
        write_text(ctx, inp.file_path, dump_yaml(doc))
        return CatalogWriteOutput(file_path=inp.file_path, entity_ref=entity_ref(doc))
    problems = _problems(inp)
    if problems:
        raise ActionError(f"catalog:write cannot describe {inp.name!r}", problems)
    doc = entity(ctx, inp)
    write_text(ctx, inp.file_path, dump_yaml(doc))
    return CatalogWriteOutput(file_path=inp.file_path, entity_ref=entity_ref(doc))


action = define_action(
    id="catalog:write",
    description="Write a Backstage catalog-info.yaml for the generated component.",
    input=CatalogWriteInput,
    output=CatalogWriteOutput,
    handler=write_catalog_info,
    supports_dry_run=True,
    examples=(
        Example(
            "A service owned by a group, with its repo and Kubernetes id",
            {
                "name": "orders-api",
                "description": "Takes and tracks orders",
                "owner": "group:payments",
                "system": "checkout",
                "tags": ["python", "http"],
                "repo": {"name": "orders-api"},
                "kubernetes_id": "orders-api",
                "links": [{"url": "https://runbooks.example.com/orders-api", "title": "Runbook"}],
            },
        ),
        Example(
            "An experimental website owned by a user",
            {
                "name": "team-site",
                "owner": "user:jane",
                "type": "website",
                "lifecycle": "experimental",
            },
        ),
    ),
)

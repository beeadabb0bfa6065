"""One way for action tests to build an `ActionContext` around a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaffolder import render
from scaffolder.action import ActionContext
from scaffolder.template import Template, TemplateModel


def make_ctx(
    workspace: Path,
    *,
    forge: Any = None,
    catalog: Any = None,
    name: str = "t",
    version: str = "1.0.0",
    parameters: dict[str, Any] | None = None,
) -> ActionContext:
    """A context for a minimal golden path; forge and catalog only where the action uses them."""
    workspace.mkdir(parents=True, exist_ok=True)
    model = TemplateModel.model_validate(
        {
            "apiVersion": "scaffold/v1",
            "kind": "GoldenPath",
            "metadata": {"name": name, "owner": "group:g"},
            "spec": {"version": version},
        }
    )
    return ActionContext(
        workspace=workspace,
        template_dir=workspace,
        template=Template(model, workspace),
        parameters=parameters or {},
        forge=forge,
        catalog=catalog,
        run_id="test-run",
        renderer=render,
    )

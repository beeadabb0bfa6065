"""Names already taken, found while the wizard is still asking: a repo on the forge, an entry in the catalog.

Without this, a taken name shows only after every question and the confirm. Right after an
answer that a publishing step's name depends on (`repo:create`, `publish:github`) that step's
input is rendered from the answers so far and given to the runner's own preflight (the checks a
run makes before anything happens); a `catalog:write` step's entity name is looked up in the
catalog. A step whose name still depends on unanswered questions waits for them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaffolder import config
from scaffolder.errors import Problem, ScaffoldError
from scaffolder.expressions import render_value, truthy
from scaffolder.parameters import Answers, default_for
from scaffolder.plan import PlannedStep, expression_context
from scaffolder.runner import Runner
from scaffolder.template import Step, Template

# The input keys that name what a step creates, per action.
NAME_KEYS = {"repo:create": ("name", "owner"), "publish:github": ("repoUrl",), "catalog:write": ("name",)}
REFERENCE = re.compile(r"parameters\.([A-Za-z_][A-Za-z0-9_]*)")


def _references(step: Step) -> set[str]:
    """The parameters the step's name keys are computed from."""
    keys = NAME_KEYS.get(step.action, ())
    return {m for key in keys if key in step.input for m in REFERENCE.findall(repr(step.input[key]))}


class NameCheck:
    """The wizard's `check`: called with a parameter just answered and every answer so far, it
    returns the problems (a taken repo or catalog name) that answer causes; [] when none."""

    def __init__(self, template: Template, settings: config.Settings) -> None:
        self.template = template
        self.settings = settings
        self._runner: Runner | None = None
        self._groups: list[str] | None = None

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            self._runner = Runner(config.open_forge(self.settings), config.open_catalog(self.settings))
        return self._runner

    def __call__(self, answered: str, values: Mapping[str, Any]) -> list[Problem]:
        steps = [
            s
            for s in self.template.steps
            if answered in (refs := _references(s)) and refs <= {k for k, v in values.items() if v is not None}
        ]
        if not steps:
            return []
        filled = self._filled(values)
        context = expression_context(self.template, filled, {}, "name-check")
        planned: list[PlannedStep] = []
        problems: list[Problem] = []
        for step in steps:
            try:
                if not truthy(step.if_, context, f"steps.{step.id}.if"):
                    continue
                rendered = render_value(step.input, context, f"steps.{step.id}.input")
                if step.action == "catalog:write":
                    problems += self._in_catalog(rendered)
                else:
                    self.runner.registry[step.action].parse(rendered)
                    planned.append(PlannedStep(step, step.action, True, rendered))
            except (ScaffoldError, ValueError):
                continue  # not decidable from these answers; the run's own checks decide later
        if planned:
            problems += self._preflight(filled, planned)
        return problems

    def _filled(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The answers so far, with the defaults (or None) of the questions not asked yet."""
        filled = dict(values)
        for param in self.template.parameters:
            if param.id not in filled:
                try:
                    filled[param.id] = default_for(param, filled, self.template)
                except ScaffoldError:
                    filled[param.id] = None
        return filled

    def _preflight(self, values: dict[str, Any], planned: list[PlannedStep]) -> list[Problem]:
        secret = frozenset(p.id for p in self.template.parameters if p.secret)
        with tempfile.TemporaryDirectory(prefix="scaffold-name-check-") as tmp:
            try:
                self.runner.preflight(self.template, Answers(values, secret), planned, Path(tmp), dry_run=True)
            except ScaffoldError as exc:
                return list(exc.problems) or [Problem("", exc.message)]
        return []

    def _in_catalog(self, rendered: Mapping[str, Any]) -> list[Problem]:
        name = rendered.get("name")
        if not isinstance(name, str) or not name:
            return []
        ref = f"component:default/{name}"
        if self.runner.catalog.get(ref) is None:
            return []
        return [Problem(ref, "the catalog already has an entry of that name; choose another name")]

    def candidates(self, owner_param: bool) -> list[str]:
        """Catalog groups as owner references (`group:NAME`), for a "did you mean"; [] if unreachable."""
        if not owner_param:
            return []
        if self._groups is None:
            try:
                groups = self.runner.catalog.list(kind="group")
            except ScaffoldError:
                groups = []
            self._groups = sorted(f"group:{g['metadata']['name']}" for g in groups if g.get("metadata", {}).get("name"))
        return self._groups

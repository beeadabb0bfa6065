"""Finding actions: every action, built-in or not, comes from the `scaffold.actions` entry points.

Loading validates each plugin: the object must be an `Action`, and an id registered twice is an
error naming both distributions, as pluggy does for hook implementations.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from scaffolder.action import Action, AnyAction
from scaffolder.errors import ActionError, Problem

GROUP = "scaffold.actions"


def _origin(ep: EntryPoint) -> str:
    dist = ep.dist.name if ep.dist is not None else "?"
    return f"{ep.value} (from {dist})"


def load_actions(eps: Iterable[EntryPoint]) -> dict[str, AnyAction]:
    """Load and validate actions from entry points; every bad plugin is named in one error."""
    found: dict[str, AnyAction] = {}
    origins: dict[str, str] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for ep in eps:
        if ep.value in seen:  # the same distribution seen twice on sys.path
            continue
        seen.add(ep.value)
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not hide the others
            problems.append(Problem(_origin(ep), f"cannot be loaded: {exc}"))
            continue
        if not isinstance(obj, Action):
            problems.append(Problem(_origin(ep), "is not an Action (use scaffolder.define_action)"))
            continue
        if obj.id in found:
            problems.append(Problem(_origin(ep), f"action id {obj.id!r} is already registered by {origins[obj.id]}"))
            continue
        found[obj.id] = obj
        origins[obj.id] = _origin(ep)
    if problems:
        raise ActionError("some action plugins are broken", problems)
    return found


@cache
def registry() -> dict[str, AnyAction]:
    """All installed actions by id (loaded once per process)."""
    return load_actions(entry_points(group=GROUP))


def get_action(action_id: str) -> AnyAction:
    actions = registry()
    if action_id not in actions:
        raise ActionError(f"unknown action {action_id!r}; installed: {', '.join(sorted(actions))}")
    return actions[action_id]

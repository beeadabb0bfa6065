"""Finding actions: every action, built-in or not, comes from the `scaffold.actions` entry points.

Loading validates each plugin: the object must be an `Action`, and an id registered twice is an
error naming both distributions, as pluggy does for hook implementations. The result is a
`Registry`, an immutable object handed to the runner, the planner, upgrades and lint, so a test or
a library user runs with other actions by passing another registry (`Registry.replace`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType

from scaffolder.action import Action, AnyAction
from scaffolder.errors import ActionError, Problem

GROUP = "scaffold.actions"


def _origin(ep: EntryPoint) -> str:
    dist = ep.dist.name if ep.dist is not None else "?"
    return f"{ep.value} (from {dist})"


class Registry(Mapping[str, AnyAction]):
    """Installed actions by id: read-only, a mapping (`get`, `in`, iteration over ids) plus `action`,
    which names the installed ids when one is unknown."""

    def __init__(self, actions: Iterable[AnyAction] = ()) -> None:
        self._actions: Mapping[str, AnyAction] = MappingProxyType({a.id: a for a in actions})

    def __getitem__(self, action_id: str) -> AnyAction:
        return self._actions[action_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

    def __repr__(self) -> str:
        return f"Registry({', '.join(sorted(self._actions))})"

    def ids(self) -> list[str]:
        """The installed action ids, sorted."""
        return sorted(self._actions)

    def action(self, action_id: str) -> AnyAction:
        """The action `action_id`; ActionError listing the installed ids when there is none."""
        if action_id not in self._actions:
            raise ActionError(f"unknown action {action_id!r}; installed: {', '.join(self.ids())}")
        return self._actions[action_id]

    def replace(self, *actions: AnyAction) -> Registry:
        """A new registry with `actions` added, or standing in for the ones with the same id."""
        return Registry([*(a for a in self.values() if a.id not in {b.id for b in actions}), *actions])


def load_actions(eps: Iterable[EntryPoint]) -> Registry:
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
    return Registry(found.values())


@cache
def load_registry() -> Registry:
    """All installed actions (loaded once per process): the registry used when none is passed."""
    return load_actions(entry_points(group=GROUP))

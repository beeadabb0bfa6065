"""Finding actions: every action, built-in or not, comes from the `scaffold.actions` entry points.

The installed registry loads lazily: asking for one id imports only the entry points named after
it (`fetch-template` or `fetch:template` for `fetch:template`), so `scaffold new` imports the
actions its template uses and no other; listing the ids, or asking for one no entry point is
named after, loads and validates every plugin. Validation is the same either way: the object
must be an `Action`, and an id registered twice is an error naming both distributions, as pluggy
does for hook implementations. The result is a `Registry`, an immutable mapping handed to the
runner, the planner, upgrades and lint, so a test or a library user runs with other actions by
passing another registry (`Registry.replace`).
"""

from __future__ import annotations

import threading
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


def _key(name: str) -> str:
    """An entry point's name or an action id, compared without the ':' / '-' difference."""
    return name.strip().replace(":", "-")


class _Plugins:
    """The entry points of the group, each loaded and checked once, on first use (thread-safe)."""

    def __init__(self, eps: Iterable[EntryPoint]) -> None:
        seen: set[str] = set()
        self._pending: list[EntryPoint] = []
        for ep in eps:
            if ep.value not in seen:  # the same distribution seen twice on sys.path
                seen.add(ep.value)
                self._pending.append(ep)
        self._found: dict[str, AnyAction] = {}
        self._origins: dict[str, str] = {}
        self._problems: list[Problem] = []
        self._failed: dict[str, list[Problem]] = {}  # ids whose lookup met a broken plugin
        self._lock = threading.RLock()  # a plugin that looks up another while it loads must not deadlock

    def _load(self, ep: EntryPoint) -> None:
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not hide the others
            self._problems.append(Problem(_origin(ep), f"cannot be loaded: {exc}"))
            return
        if not isinstance(obj, Action):
            self._problems.append(Problem(_origin(ep), "is not an Action (use scaffolder.define_action)"))
        elif obj.id in self._found:
            where = self._origins[obj.id]
            self._problems.append(Problem(_origin(ep), f"action id {obj.id!r} is already registered by {where}"))
        else:
            self._found[obj.id] = obj
            self._origins[obj.id] = _origin(ep)

    def _take(self, which: list[EntryPoint]) -> list[Problem]:
        """Load `which` (pending entry points); the problems they added."""
        before = len(self._problems)
        taken = {id(ep) for ep in which}  # by identity: an entry point's equality reads its private fields
        self._pending = [ep for ep in self._pending if id(ep) not in taken]
        for ep in which:
            self._load(ep)
        return self._problems[before:]

    def get(self, action_id: str) -> AnyAction | None:
        """The action `action_id`, importing only the entry points named after it when one is;
        ActionError when a plugin it may come from is broken (every plugin when none is named so)."""
        with self._lock:
            if action_id not in self._found and action_id not in self._failed:
                problems = self._take([ep for ep in self._pending if _key(ep.name) == _key(action_id)])
                if action_id not in self._found:  # named otherwise: only loading them all finds it
                    self._take(list(self._pending))
                    problems = problems if action_id in self._found else list(self._problems)
                if problems:
                    self._failed[action_id] = problems
            if action_id in self._failed:
                raise ActionError("some action plugins are broken", list(self._failed[action_id]))
            return self._found.get(action_id)

    def all(self) -> Mapping[str, AnyAction]:
        """Every action, every plugin loaded and checked; one ActionError naming every broken one."""
        with self._lock:
            self._take(list(self._pending))
            if self._problems:
                raise ActionError("some action plugins are broken", list(self._problems))
            return dict(self._found)


class Registry(Mapping[str, AnyAction]):
    """Installed actions by id: read-only, a mapping (`get`, `in`, iteration over ids) plus `action`,
    which names the installed ids when one is unknown. Lookups by id load only what they need;
    iterating, `len` and `ids` load and validate every plugin."""

    def __init__(self, actions: Iterable[AnyAction] = (), plugins: _Plugins | None = None) -> None:
        self._own: Mapping[str, AnyAction] = MappingProxyType({a.id: a for a in actions})
        self._plugins = plugins

    def _everything(self) -> Mapping[str, AnyAction]:
        return {**(self._plugins.all() if self._plugins is not None else {}), **self._own}

    def __getitem__(self, action_id: str) -> AnyAction:
        found = self._own.get(action_id)
        if found is None and self._plugins is not None:
            found = self._plugins.get(action_id)
        if found is None:
            raise KeyError(action_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())

    def __repr__(self) -> str:
        return f"Registry({', '.join(sorted(self._everything()))})"

    def ids(self) -> list[str]:
        """The installed action ids, sorted (every plugin loaded and validated)."""
        return sorted(self._everything())

    def validated(self) -> Registry:
        """This registry with every plugin loaded and checked: ActionError naming each broken one."""
        return Registry(self._everything().values())

    def action(self, action_id: str) -> AnyAction:
        """The action `action_id`; ActionError listing the installed ids when there is none."""
        found = self.get(action_id)
        if found is None:
            raise ActionError(f"unknown action {action_id!r}; installed: {', '.join(self.ids())}")
        return found

    def replace(self, *actions: AnyAction) -> Registry:
        """A new registry with `actions` added, or standing in for the ones with the same id."""
        return Registry([*self._own.values(), *actions], self._plugins)


def load_actions(eps: Iterable[EntryPoint]) -> Registry:
    """Load and validate actions from entry points now; every bad plugin is named in one error."""
    return Registry(_Plugins(eps).all().values())


@cache
def load_registry() -> Registry:
    """The installed actions (one registry per process), each loaded when first asked for: the
    registry used when none is passed. `.validated()` checks every plugin (`scaffold actions`, lint)."""
    return Registry(plugins=_Plugins(entry_points(group=GROUP)))

"""`scaffold upgrade` as a library: move one generated repo from template version A to B.

1. Read the repo's record (`.scaffold/record.yaml`): version and answers (required secrets are given
   again) (`repo.upgrade_repo` also finds both versions and checks the work tree is clean).
2. Resolve the answers for both versions (parameters the new version added: given, asked or default)
   (`answers`).
3. Render A and B with those answers into temporary folders (`Runner.render`: the steps as a dry
   run, a catalog that touches nothing), byte for byte what `scaffold new` made (`trees`).
4. Run the migrations whose `to` lies in (A, B], in version order, on a copy of the repo and on
   the render of A, so a file the template renamed is merged under its new name (`migrations`).
5. Merge every path the template changed, three ways (`scaffolder.merge`); paths it did not change
   are not even read from the repo (`driver`).
6. Write the new record; compute the unified diff of the work tree (`diff`); unless `dry_run`, apply it.

Everything is computed before the first write, so a failing migration or render leaves the repo
untouched.

The names below load on first use (PEP 562), so `scaffold upgrade` reads the record and the golden
path before the runner, the actions' contract and Jinja are imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.upgrade.driver import upgrade_tree
    from scaffolder.upgrade.migrations import crossed_migrations, version_key
    from scaffolder.upgrade.repo import upgrade_repo
    from scaffolder.upgrade.result import UpgradeResult, files_changed
    from scaffolder.upgrade.trees import collect

_WHERE = {
    "UpgradeResult": "result",
    "collect": "trees",
    "crossed_migrations": "migrations",
    "files_changed": "result",
    "upgrade_repo": "repo",
    "upgrade_tree": "driver",
    "version_key": "migrations",
}

__all__ = [
    "UpgradeResult",
    "collect",
    "crossed_migrations",
    "files_changed",
    "upgrade_repo",
    "upgrade_tree",
    "version_key",
]


def __getattr__(name: str) -> Any:
    """Import the submodule that defines `name` when it is first asked for."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value

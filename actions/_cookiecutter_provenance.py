"""The provenance values cookiecutter puts in its context (`_template`, `_repo_dir`, `_checkout`,
`_output_dir`), as cookiecutter gives them for the template source the user named, never the
scratch and cache folders scaffold renders from, so they are the same on every render.

- `_template`: the source the record names (the template's path, or its git URL);
- `_repo_dir`: that path; for a URL, the folder cookiecutter clones it into
  (`~/.cookiecutters/NAME`, named as cookiecutter names it);
- `_checkout`: the release tag for a URL (`cookiecutter URL --checkout TAG`), else none;
- `_output_dir`: the folder scaffold runs in (cookiecutter's default output folder, `.`), made
  absolute, as cookiecutter does.
"""

# cookiecutter builds these strings with os.path; the same calls give the same strings.
# ruff: noqa: PTH100, PTH118

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

_VALUES: ContextVar[dict[str, Any] | None] = ContextVar("cookiecutter_provenance", default=None)


def provenance(source: str, ref: str | None, directory: str = ".", cwd: str | None = None) -> dict[str, Any]:
    """cookiecutter's `_template`, `_repo_dir`, `_checkout` and `_output_dir` for the template in
    `directory` of `source` at `ref` (cookiecutter's `--directory`)."""
    from cookiecutter.config import BUILTIN_ABBREVIATIONS, DEFAULT_CONFIG
    from cookiecutter.repository import expand_abbreviations, is_repo_url

    url = expand_abbreviations(source, BUILTIN_ABBREVIATIONS)
    output_dir = os.path.abspath(cwd or ".")
    sub = "" if directory in ("", ".") else directory
    if not is_repo_url(url):
        local = os.path.join(source, sub) if sub else source
        return {"_template": local, "_output_dir": output_dir, "_repo_dir": local, "_checkout": None}
    # cookiecutter.vcs.clone's naming of the folder it clones into
    name = os.path.split(url.rstrip("/"))[1].split(":")[-1].rsplit(".git")[0]
    clone_to = Path(str(DEFAULT_CONFIG["cookiecutters_dir"])).expanduser()
    repo_dir = os.path.normpath(os.path.join(clone_to, name))
    repo_dir = os.path.join(repo_dir, sub) if sub else repo_dir
    return {"_template": source, "_output_dir": output_dir, "_repo_dir": repo_dir, "_checkout": ref}


@contextmanager
def stamped(values: dict[str, Any]) -> Iterator[None]:
    """While it lasts, cookiecutter's context gets `values` instead of the paths scaffold rendered
    from: cookiecutter sets them just before it writes its replay (`cookiecutter.main.dump`), the
    last moment before it renders, so that is where they are replaced."""
    import cookiecutter.main

    if not getattr(cookiecutter.main.dump, "_scaffold", False):
        original = cookiecutter.main.dump

        def dump(replay_dir: Any, template_name: str, context: dict[str, Any]) -> None:
            stamp = _VALUES.get()
            if stamp is not None and isinstance(context.get("cookiecutter"), dict):
                context["cookiecutter"].update(stamp)
            original(replay_dir, template_name, context)

        dump._scaffold = True  # type: ignore[attr-defined]
        cookiecutter.main.dump = dump
    token = _VALUES.set(values)
    try:
        yield
    finally:
        _VALUES.reset(token)

"""Backstage v1beta3 templates rendered by scaffold and by Backstage's own scaffolder engine
(`tests/servers/backstage_engine.py`) with the same values: the trees must be identical (bytes,
exec bit, symlinks), `.scaffold/` aside.

Each fixture under `fixtures/backstage_native/` is hand-written and exercises one feature real
templates use. scaffold runs it for real (`Runner.start`, a local forge, no catalog) and its
workspace is compared; Backstage renders with `NunjucksWorkflowRunner` and its built-in actions.
"""

from __future__ import annotations

import difflib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scaffolder.catalogs.null import NullCatalog
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from tests.formats.conftest import FIXTURES
from tests.servers.backstage_engine import BackstageEngine

NATIVE = FIXTURES / "backstage_native"
IGNORED = {".scaffold"}  # scaffold's record (docs/formats.md), not part of the project

Entry = tuple[str, bytes | str | None, bool]  # kind, content (bytes, or a symlink's target), exec bit


def tree(root: Path) -> dict[str, Entry]:
    """Every path under `root`: ("dir", None, False), ("file", bytes, exec) or ("link", target, False)."""
    entries: dict[str, Entry] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not (base == root and d in IGNORED)]
        for name in dirnames + filenames:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[rel] = ("link", str(path.readlink()), False)
            elif path.is_dir():
                entries[rel] = ("dir", None, False)
            else:
                entries[rel] = ("file", path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR))
    return entries


def describe(ours: dict[str, Entry], theirs: dict[str, Entry]) -> str:
    """The differences, readable: missing and extra paths, then a diff per differing file."""
    lines: list[str] = []
    for rel in sorted(set(ours) | set(theirs)):
        a, b = ours.get(rel), theirs.get(rel)
        if a == b:
            continue
        if a is None and b is not None:
            lines.append(f"{rel}: only Backstage has it ({b[0]})")
        elif b is None and a is not None:
            lines.append(f"{rel}: only scaffold has it ({a[0]})")
        elif a is None or b is None:
            continue
        elif a[0] != b[0] or a[2] != b[2]:
            lines.append(f"{rel}: scaffold {a[0]} exec={a[2]}, Backstage {b[0]} exec={b[2]}")
        elif isinstance(a[1], bytes) and isinstance(b[1], bytes):
            diff = difflib.unified_diff(
                b[1].decode(errors="replace").splitlines(keepends=True),
                a[1].decode(errors="replace").splitlines(keepends=True),
                f"backstage/{rel}",
                f"scaffold/{rel}",
            )
            lines.append("".join(repr(line)[1:-1] + "\n" for line in diff))
        else:
            lines.append(f"{rel}: scaffold -> {a[1]!r}, Backstage -> {b[1]!r}")
    return "\n".join(lines)


def scaffold_values(template: Template, values: dict[str, Any]) -> dict[str, Any]:
    """The same answers as scaffold takes them: a free list of strings is comma-separated text."""
    kinds = {p.id: p.type for p in template.parameters}
    return {
        key: ",".join(value) if isinstance(value, list) and kinds.get(key) != "multi-choice" else value
        for key, value in values.items()
    }


def render_both(
    engine: BackstageEngine,
    tmp_path: Path,
    fixture: str,
    values: dict[str, Any],
    prepare: Callable[[Path], None] | None = None,
) -> tuple[dict[str, Entry], dict[str, Entry]]:
    """Render a copy of the fixture with scaffold and with Backstage; return both trees."""
    source = shutil.copytree(NATIVE / fixture, tmp_path / "templates" / fixture, symlinks=True)
    if prepare is not None:
        prepare(source)
    theirs = tmp_path / "backstage"
    engine.render(source / "template.yaml", values, theirs)
    template = load_template(source)
    answers = resolve(template, scaffold_values(template, values))
    runner = Runner(LocalForge(tmp_path / "forge"), NullCatalog())
    outcome = runner.start(template, str(source), answers, tmp_path / "runs", "test")
    assert outcome.status == "done" and outcome.workspace is not None, outcome
    return tree(outcome.workspace), tree(theirs)


def assert_same(ours: dict[str, Entry], theirs: dict[str, Entry]) -> None:
    assert ours == theirs, "scaffold and Backstage differ:\n" + describe(ours, theirs)


# --- what real templates use --------------------------------------------------------------------


def test_nested_skeleton_names_contents_and_target_path(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    values = {"name": "orders-api", "docs": True, "tags": ["python", "http"]}
    ours, theirs = render_both(backstage_engine, tmp_path, "nested", values)
    assert theirs["service/orders-api/src/orders-api.py"][1] == (
        b'"""ORDERS-API: {{ not a nunjucks variable }} stays."""\n\nNAME = "orders-api"\n'
    )
    assert b"- http (2)" in (theirs["service/orders-api/README.md"][1] or b"")
    assert_same(ours, theirs)


def test_copy_without_templating_globs_and_a_github_workflow(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "globs", {"name": "web"})
    assert b"${{ github.sha }}" in (theirs[".github/workflows/ci.yml"][1] or b"")
    assert theirs["top.txt"][1] == b"top ${{ values.name }}\n"  # *.txt: the top folder only
    assert theirs["sub/nested.txt"][1] == b"nested web\n"
    assert theirs["assets/keep.md"][1] == b"keep web\n"  # excluded again by `!`
    assert_same(ours, theirs)


def test_deprecated_copy_without_render_is_ignored(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "render", {"name": "web"})
    assert theirs["raw/notes.md"][1] == b"raw web\n"
    assert_same(ours, theirs)


def test_fetch_plain_and_fetch_plain_file(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "plain", {"name": "svc"})
    assert theirs["docs/index.md"][1] == b"${{ values.name }} stays as written\n"
    assert theirs["LICENSE"][1] == b"Copyright ${{ values.year }}\n"
    assert_same(ours, theirs)


def test_fetch_template_file(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "templatefile", {"name": "svc"})
    assert theirs["config/svc.cfg"][1] == b"name=svc\nupper=SVC\n"
    assert_same(ours, theirs)


def _crlf_and_exec(source: Path) -> None:
    (source / "skeleton" / "windows.bat").write_bytes(b"@echo off\r\necho ${{ values.name }}\r\n")
    (source / "skeleton" / "bin" / "run.sh").chmod(0o755)


def test_crlf_and_the_exec_bit_are_kept(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "bytes", {"name": "svc"}, _crlf_and_exec)
    assert theirs["windows.bat"] == ("file", b"@echo off\r\necho svc\r\n", False)
    assert theirs["bin/run.sh"][2] is True
    assert_same(ours, theirs)


def test_backstage_filters(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    values = {"repoUrl": "github.com?owner=acme&repo=orders-api", "owner": "group:default/payments"}
    ours, theirs = render_both(backstage_engine, tmp_path, "filters", values)
    text = theirs["catalog-info.yaml"][1] or b""
    assert b"github.com/project-slug: acme/orders-api" in text and b"owner: payments" in text
    assert b"host=github.com owner=acme kind=group ns=default default-kind=group" in text
    assert_same(ours, theirs)


def test_replace_overwrites_and_its_absence_keeps(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "replace", {"name": "svc"})
    assert theirs["README.md"][1] == b"overlay svc-2\n" and theirs["config.txt"][1] == b"base config\n"
    assert_same(ours, theirs)


@pytest.mark.parametrize("with_docs", [True, False])
def test_each_and_if_on_steps(backstage_engine: BackstageEngine, tmp_path: Path, with_docs: bool) -> None:
    values = {"services": ["api", "worker"], "withDocs": with_docs}
    ours, theirs = render_both(backstage_engine, tmp_path, "steps", values)
    assert theirs["services/worker/README.md"][1] == b"service worker #1\n"
    assert theirs["envs/prod/README.md"][1] == b"service prod #1\n"  # `each` over a literal YAML list
    assert ("docs/README.md" in theirs) is with_docs and ("no-docs/README.md" in theirs) is not with_docs
    assert_same(ours, theirs)


def test_nunjucks_builtin_filters(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "builtins", {"name": "orders-api", "tags": ["a", "b"]})
    assert theirs["filters.txt"][1] == (
        b"title=Orders-api\ncapitalize=Orders-api\nreplace=orders_api\nlower=orders-api\ntrim=[padded]\n"
        b"default=fallback\njoin=a, b\nlength=2\nfirst=a\n"
    )
    assert_same(ours, theirs)


# --- what Backstage does that an approximation gets wrong ----------------------------------------


def test_undefined_values_render_empty(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "undefined", {"name": "svc"})
    assert theirs["README.md"][1] == b"# svc\nNo component name.\n\nDescription: []\nNested: []\n"
    assert b'echo "ref="' in (theirs[".github/workflows/ci.yml"][1] or b"")  # `github` is undefined too
    assert_same(ours, theirs)


@pytest.mark.parametrize(
    ("kind", "public"), [("api", False), ("api", True), ("web", True)], ids=["private-api", "public-api", "web"]
)
def test_strict_equality_operators_in_expressions(
    backstage_engine: BackstageEngine, tmp_path: Path, kind: str, public: bool
) -> None:
    """`===` and `!==` (with nunjucks' `and`, `or`, `not`) in step inputs and in `if:`."""
    values = {"name": "svc", "kind": kind, "public": public}
    ours, theirs = render_both(backstage_engine, tmp_path, "operators", values)
    assert ("private-api/flags.txt" in theirs) is (kind == "api" and not public)
    assert_same(ours, theirs)


def test_logical_javascript_operators_stay_as_written(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    """nunjitsu cannot parse `&&`, `||`, `!`: Backstage keeps such an input as written, and an `if:`
    holding one is a non-empty string, so its step runs."""
    values = {"name": "svc", "kind": "api", "public": False}
    ours, theirs = render_both(backstage_engine, tmp_path, "jsoperators", values)
    assert theirs["flags.txt"][1] == (
        b"name=svc\nisApi=true\nnotApi=false\nboth=${{ parameters.public && parameters.kind === 'api' }}\n"
        b"either=${{ parameters.public || parameters.kind === 'web' }}\nprivate=${{ !parameters.public }}\n"
    )
    assert "private-web/flags.txt" in theirs
    assert_same(ours, theirs)


def test_an_undefined_value_in_a_javascript_expression_prints_undefined(
    backstage_engine: BackstageEngine, tmp_path: Path
) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "jsundefined", {"name": "svc"})
    assert theirs["paths.txt"][1] == b"path=undefined/svc\njoined=undefined/svc\nnumber=svc1\n"
    assert_same(ours, theirs)


def _symlinks(source: Path) -> None:
    skeleton = source / "skeleton"
    (skeleton / "bin" / "tool").chmod(0o755)
    (skeleton / "tool").symlink_to("bin/tool")
    (skeleton / "docs").symlink_to(".")
    (skeleton / "bin" / "readme").symlink_to("../README.md")


def test_symlinks_inside_the_skeleton_are_kept(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "symlinks", {"name": "svc"}, _symlinks)
    assert theirs["tool"] == ("link", "bin/tool", False) and theirs["bin/readme"] == ("link", "../README.md", False)
    assert_same(ours, theirs)


def test_fetch_cookiecutter(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    """Backstage's fetch:cookiecutter module runs the `cookiecutter` on PATH (the venv's); the
    template folder is the project, so its cookiecutter.json is copied into the output too."""
    values = {"name": "svc", "description": "Orders"}
    ours, theirs = render_both(backstage_engine, tmp_path, "cookiecutter", values)
    assert theirs["with-json/README.md"][1] == b"# svc\n\nOrders\n\nLicense: MIT\n"
    assert theirs["with-json/src/svc.py"][1] == b'NAME = "svc"\n' and "with-json/cookiecutter.json" in theirs
    assert_same(ours, theirs)


def test_fetch_cookiecutter_without_cookiecutter_json(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "cookiecutter_bare", {"name": "svc"})
    assert theirs["without-json/README.md"][1] == b"# svc\n"
    assert_same(ours, theirs)


def test_workspace_actions_and_catalog_write(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    """fs:rename, fs:delete, debug:log and catalog:write; Backstage adds the source-template annotation."""
    ours, theirs = render_both(backstage_engine, tmp_path, "workspace", {"name": "svc", "owner": "group:web"})
    assert theirs["new/svc.txt"][1] == b"name svc\n" and "drop.md" not in theirs
    assert b"backstage.io/source-template: template:default/workspace-actions" in (
        theirs["catalog-info.yaml"][1] or b""
    )
    assert_same(ours, theirs)


def test_cookiecutter_compat_and_template_file_extension(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "options", {"name": "svc"})
    assert theirs["compat/svc/main.py"][1] == b'x = "svc"\n'
    assert theirs["njk/app.cfg"][1] == b"name=svc\n  \nset\n  \n"
    assert theirs["njk/raw.cfg"][1] == b"raw=${{ values.name }}\n"
    assert_same(ours, theirs)


def test_trim_blocks_and_lstrip_blocks(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "blocks", {"name": "svc"})
    assert theirs["blocks/app.cfg.njk"][1] == b"name=svc\nset\n"
    assert_same(ours, theirs)

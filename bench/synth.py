"""One synthetic template, written in scaffold's, cookiecutter's and copier's formats.

`Shape` describes it once: FOLDERS x FILES text files of about LINES lines, each using the five
variables once (`project_name`, `package`, `author`, `version`, `description`), the first folder
named after `package` (a templated path). Version 2 changes `CHANGED` files upstream (a line
replaced near the top, a templated line appended). The three generators emit the same files with
the same variables; only the syntax around them differs:

- scaffold: a golden path (`template.yaml`, `skeleton/`, `{{ values.x }}`), 1.0.0 as a release
  snapshot and 2.0.0 as the current folder, in a folder library;
- cookiecutter (and cruft): `cookiecutter.json` and `{{cookiecutter.project_name}}/...`, in a git
  repo tagged v1 and v2;
- copier: `copier.yml` and `*.jinja` files, in a git repo tagged v1 and v2.

The Jinja-heavy variant (`Shape.jinja`, `--templates jinja`) puts conditionals, a loop, filters,
`{% set %}` and a comment into five more lines of four files in five, as real golden paths do
(the suite's plain template is only bare `{{ x }}` tags, which scaffold substitutes without
Jinja). Every tag sits inside a line, text before and after it, so the output is the same
whatever the tool's whitespace options (`trim_blocks`, `lstrip_blocks`); what each line must
render to is written out here.

`human_edits` are the same edits made by hand to each generated repo before an upgrade: some in
files upstream did not change, some in files it did (in other lines, so every tool merges cleanly).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

VARIABLES = {
    "project_name": "bench-project",
    "package": "bench_pkg",
    "author": "Ada Lovelace",
    "version": "0.1.0",
    "description": "A synthetic project for benchmarks",
}
NAME = "bench-template"
OWNER = "group:bench"
# Where (0-based line index) each of the five variables appears in every file.
VARIABLE_LINES = {3: "project_name", 11: "package", 19: "author", 27: "version", 35: "description"}
UPSTREAM_LINE = 6  # version 2 replaces this line in the changed files
EDIT_LINE = 30  # the human edit replaces this line (far enough from the upstream one to merge)

Var = Callable[[str], str]  # variable name -> its use in one format's syntax
Ref = Callable[[str], str]  # variable name -> the expression naming it (`values.x`, `cookiecutter.x`, `x`)


def _jinja_lines(index: int) -> dict[int, tuple[str, Callable[[dict[str, str]], str]]]:
    """The Jinja-heavy lines of file `index`: line number -> (template text with `$` standing for
    the variables' prefix, what it renders to given the values). Six block tags and eight
    expressions a file, about what the heaviest built-in skeleton files hold (a README's)."""
    return {
        1: (
            "{% if $author %}written by {{ $author | upper }}{% else %}anonymous{% endif %}",
            lambda v: f"written by {v['author'].upper()}",
        ),
        5: (
            "modules{% for m in ['core', 'api', 'cli'] %} {{ $package }}.{{ m }}{% endfor %}",
            lambda v: "modules" + "".join(f" {v['package']}.{m}" for m in ("core", "api", "cli")),
        ),
        9: (
            "slug {{ $project_name | replace('-', '_') | lower }} in {{ $package | length }} letters",
            lambda v: f"slug {v['project_name'].replace('-', '_').lower()} in {len(v['package'])} letters",
        ),
        25: (
            "{% set mail = $author | lower | replace(' ', '.') %}contact {{ mail }}@example.com"
            f"{{# file {index} #}}",
            lambda v: f"contact {v['author'].lower().replace(' ', '.')}@example.com",
        ),
        33: (
            "{{ [$package, $version, $author | default('nobody')] | join(' / ') }}",
            lambda v: " / ".join([v["package"], v["version"], v["author"]]),
        ),
    }


@dataclass(frozen=True)
class Shape:
    folders: int = 30
    files: int = 10
    lines: int = 40
    changed: int = 20  # files changed upstream between version 1 and 2
    jinja: bool = False  # conditionals, loops and filters in four files of five

    @property
    def total(self) -> int:
        return self.folders * self.files

    @property
    def label(self) -> str:
        return f"{self.total} files" + (", Jinja-heavy" if self.jinja else "")

    def heavy(self, index: int) -> bool:
        """Whether file `index` has the Jinja-heavy lines (four files in five)."""
        return self.jinja and index % 5 != 4

    def paths(self, var: Var) -> list[str]:
        """Every file's relative path, the first folder named by the `package` variable."""
        out = []
        for d in range(self.folders):
            folder = var("package") if d == 0 else f"mod_{d:03d}"
            for f in range(self.files):
                ext = (".py", ".md", ".yaml", ".txt", ".toml")[f % 5]
                out.append(f"{folder}/file_{f:03d}{ext}")
        return out

    def changed_indexes(self) -> list[int]:
        """The files version 2 changes, spread over the tree."""
        step = max(1, self.total // self.changed)
        return [i * step for i in range(self.changed)]

    def edited_indexes(self) -> list[int]:
        """Files a human edited: three upstream left alone and two it changed."""
        changed = self.changed_indexes()
        untouched = [i for i in range(1, self.total, max(1, self.total // 7)) if i not in changed][:3]
        return untouched + changed[1:3]

    def content(self, index: int, version: int, var: Var, ref: Ref | None = None) -> str:
        """File `index` of `version`: the template text when `ref` names the variables, else
        (`ref` None, `var` giving the values) what every tool must render."""
        heavy = _jinja_lines(index) if self.heavy(index) else {}
        lines = []
        for n in range(self.lines):
            if n in heavy:
                text, value = heavy[n]
                shown = text.replace("$", ref("")) if ref else value({k: var(k) for k in VARIABLES})
                lines.append(f"line {n:02d} of file {index}: {shown}; end")  # never a tag at the end
            elif n in VARIABLE_LINES:
                lines.append(f"line {n:02d} of file {index}: {VARIABLE_LINES[n]} is {var(VARIABLE_LINES[n])}")
            else:
                lines.append(f"line {n:02d} of file {index}: some plain text that stays the same in every render")
        if version == 2 and index in self.changed_indexes():
            lines[UPSTREAM_LINE] = f"line {UPSTREAM_LINE:02d} of file {index}: changed upstream in version 2"
            lines.append(f"added upstream in version 2 for {var('project_name')}")
        return "\n".join(lines) + "\n"

    def files_for(self, version: int, var: Var, ref: Ref | None = None) -> dict[str, str]:
        return {path: self.content(i, version, var, ref) for i, path in enumerate(self.paths(var))}


SHAPES = {"300": Shape(30, 10), "3000": Shape(100, 30), "tiny": Shape(3, 4, changed=2)}  # tiny: the smoke test
TEMPLATES = ("plain", "jinja")  # the plain template (bare `{{ x }}` tags) and the Jinja-heavy one


def shape(size: str, template: str = "plain") -> Shape:
    """The shape of `size` files, Jinja-heavy when `template` is `jinja`."""
    return replace(SHAPES[size], jinja=template == "jinja")


def rendered(shape: Shape, version: int) -> dict[str, str]:
    """What every tool should generate: the files with the variables' default values."""
    return shape.files_for(version, lambda name: VARIABLES[name])


def _edit(shape: Shape, files: dict[str, str]) -> list[str]:
    paths = shape.paths(lambda name: VARIABLES[name])
    edited = []
    for index in shape.edited_indexes():
        lines = files[paths[index]].splitlines(keepends=True)
        lines[EDIT_LINE] = f"line {EDIT_LINE:02d} of file {index}: edited by a human after generation\n"
        files[paths[index]] = "".join(lines)
        edited.append(paths[index])
    return edited


def human_edit(shape: Shape, root: Path) -> list[str]:
    """Apply the same hand edits to a generated tree at `root`; returns the edited paths."""
    files = {rel: (root / rel).read_text(encoding="utf-8") for rel in shape.paths(lambda name: VARIABLES[name])}
    edited = _edit(shape, files)
    for rel in edited:
        (root / rel).write_text(files[rel], encoding="utf-8")
    return edited


def upgraded(shape: Shape) -> dict[str, str]:
    """What every tool's upgrade should leave: version 2 with the human edits merged in."""
    files = rendered(shape, 2)
    _edit(shape, files)
    return files


def _write(root: Path, files: dict[str, str], suffix: str = "") -> None:
    for rel, text in files.items():
        path = root / f"{rel}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def git(args: list[str], cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(root: Path, message: str, tag: str | None = None) -> None:
    if not (root / ".git").exists():
        git(["init", "-q", "-b", "main"], root)
    git(["add", "-A"], root)
    git(["commit", "-q", "--no-gpg-sign", "-m", message], root)
    if tag:
        git(["tag", tag], root)


# --- scaffold --------------------------------------------------------------------------------


def _scaffold_template_yaml(version: str) -> str:
    params = "\n".join(
        f"    - id: {key}\n      default: '{value}'"
        + ("\n      pattern: '^[a-z][a-z0-9-]{1,61}[a-z0-9]$'" if key == "project_name" else "")
        for key, value in VARIABLES.items()
    )
    return f"""apiVersion: scaffold/v1
kind: GoldenPath
metadata:
  name: {NAME}
  title: Benchmark template
  description: A synthetic template (bench/synth.py)
  owner: {OWNER}
  lifecycle: experimental
spec:
  version: {version}
  type: service
  parameters:
{params}
  steps:
    - id: skeleton
      action: fetch:template
      input:
        path: skeleton
    - id: catalog
      action: catalog:write
      input:
        name: '${{{{ parameters.project_name }}}}'
        description: '${{{{ parameters.description }}}}'
        owner: {OWNER}
        lifecycle: experimental
    - id: publish
      action: repo:create
      input:
        name: '${{{{ parameters.project_name }}}}'
        description: '${{{{ parameters.description }}}}'
    - id: register
      action: catalog:register
      input:
        target: '${{{{ steps.publish.output.catalog_info_url }}}}'
"""


def _changelog(versions: list[str]) -> str:
    entries = "".join(f"## [{v}] - 2026-11-21\n\n- Version {v} of the synthetic template.\n\n" for v in versions[::-1])
    return f"# Changelog\n\n{entries}"


CUT_RELEASE = (
    "import sys; from pathlib import Path; from scaffolder.sources import cut_release; cut_release(Path(sys.argv[1]))"
)


def _scaffold_version(shape: Shape, folder: Path, number: int) -> None:
    """Write version `number` of the golden path into `folder` (its skeleton replaced)."""

    def var(name: str) -> str:
        return f"{{{{ values.{name} }}}}"

    def ref(name: str) -> str:
        return f"values.{name}"

    for child in ("skeleton", "template.yaml", "CHANGELOG.md"):
        target = folder / child
        if target.is_dir():
            shutil.rmtree(target)
    _write(folder / "skeleton", shape.files_for(number, var, ref))
    (folder / "template.yaml").write_text(_scaffold_template_yaml(f"{number}.0.0"), encoding="utf-8")
    (folder / "CHANGELOG.md").write_text(_changelog(["1.0.0", "2.0.0"][:number]), encoding="utf-8")


def write_scaffold(shape: Shape, library: Path, python: Path) -> Path:
    """A folder library holding the golden path: 1.0.0 as a release snapshot (cut by scaffold
    itself, run with `python`), 2.0.0 current."""
    folder = library / NAME
    shutil.rmtree(folder, ignore_errors=True)
    for number in (1, 2):
        _scaffold_version(shape, folder, number)
        if number == 1:
            subprocess.run([str(python), "-c", CUT_RELEASE, str(folder)], check=True)
    return folder


def write_scaffold_git(shape: Shape, root: Path) -> str:
    """A git library (a repository, as a platform team keeps its golden paths) holding the golden
    path, its releases tagged `NAME/v1.0.0` and `NAME/v2.0.0`; returns its `git+file://` URL."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "README.md").write_text("Golden paths for the benchmarks (bench/synth.py).\n", encoding="utf-8")
    for number in (1, 2):
        _scaffold_version(shape, root / NAME, number)
        commit_all(root, f"{NAME} {number}.0.0", tag=f"{NAME}/v{number}.0.0")
    return f"git+{root.resolve().as_uri()}"


# --- cookiecutter / cruft ------------------------------------------------------------------


def write_cookiecutter(shape: Shape, root: Path) -> Path:
    """A git repo of a cookiecutter template, tagged v1 and v2."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)

    def var(name: str) -> str:
        return f"{{{{ cookiecutter.{name} }}}}"

    def ref(name: str) -> str:
        return f"cookiecutter.{name}"

    top = "{{ cookiecutter.project_name }}"
    (root / "cookiecutter.json").write_text(json.dumps(VARIABLES, indent=2) + "\n", encoding="utf-8")
    for number in (1, 2):
        if (root / top).exists():
            shutil.rmtree(root / top)
        _write(root / top, shape.files_for(number, var, ref))
        commit_all(root, f"version {number}", tag=f"v{number}")
    return root


# --- copier --------------------------------------------------------------------------------


def write_copier(shape: Shape, root: Path) -> Path:
    """A git repo of a copier template (`.jinja` suffix, answers file), tagged v1 and v2."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)

    def var(name: str) -> str:
        return f"{{{{ {name} }}}}"

    def ref(name: str) -> str:
        return name

    questions = "".join(f"{key}:\n  type: str\n  default: {json.dumps(value)}\n" for key, value in VARIABLES.items())
    (root / "copier.yml").write_text(questions, encoding="utf-8")
    (root / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml }}\n", encoding="utf-8"
    )
    for number in (1, 2):
        for child in root.iterdir():
            if child.is_dir() and child.name != ".git":
                shutil.rmtree(child)
        _write(root, shape.files_for(number, var, ref), suffix=".jinja")
        commit_all(root, f"version {number}", tag=f"v{number}")
    return root


def compare(expected: dict[str, str], root: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """Differences between the files under `root` and `expected` (paths listed), for checks."""
    found = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith((".git/", *ignore)):
            found[rel] = path.read_text(encoding="utf-8")
    problems = [f"missing {p}" for p in sorted(expected.keys() - found.keys())]
    problems += [f"unexpected {p}" for p in sorted(found.keys() - expected.keys())]
    problems += [f"differs {p}" for p in sorted(expected.keys() & found.keys()) if expected[p] != found[p]]
    return problems

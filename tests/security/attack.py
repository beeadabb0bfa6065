"""The attack corpus's shared harness: hostile templates of the four formats, written inline, and
the checks every attack test makes (no marker anywhere, the exit code, no traceback, nothing
created: no repo, no catalog entry, no run folder, nothing outside).

A test builds a hostile template with one of the `*_template` writers, runs it through the CLI
with `Scene.run`, then calls `Scene.assert_harmless`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import Result

from tests.cli.conftest import Invoke

FORMATS = ("native", "backstage", "cookiecutter", "copier")
MARKER_NAME = "PWNED-by-template"


def _files(root: Path) -> set[str]:
    out: set[str] = set()
    if root.is_dir():
        for dirpath, dirnames, filenames in os.walk(root):
            for name in filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
                out.add(str(Path(dirpath, name).relative_to(root)))
    return out


@dataclass
class Scene:
    """One attack: where scaffold keeps state (`home`), a folder outside every workspace that a
    hostile template aims at (`outside`), and what was there before the attack."""

    home: Path
    outside: Path
    invoke: Invoke
    before_home: set[str] = field(default_factory=set)
    before_outside: dict[str, bytes] = field(default_factory=dict)

    @property
    def marker(self) -> Path:
        """The file a hostile template tries to create (or overwrite) when its code runs."""
        return self.outside / MARKER_NAME

    def snapshot(self) -> None:
        self.before_home = _files(self.home)
        self.before_outside = {p: (self.outside / p).read_bytes() for p in _files(self.outside)}

    def run(self, *args: str, code: int = 1) -> Result:
        """`scaffold ARGS` in-process; asserts the exit code and that no traceback was printed."""
        self.snapshot()
        result = self.invoke(*args, code=code)
        for text in (result.stdout, result.stderr):
            assert "Traceback" not in text, text
        return result

    def assert_harmless(self, result: Result | None = None, *, secrets: tuple[str, ...] = ()) -> None:
        """No marker file, nothing written outside, no repo, no catalog entry, no run folder."""
        assert not self.marker.exists(), "the template's code ran"
        now_outside = {p: (self.outside / p).read_bytes() for p in _files(self.outside)}
        assert now_outside == self.before_outside, "something outside the workspace changed"
        forge = self.home / "forge"
        repos = [p for p in forge.rglob("*.git")] if forge.is_dir() else []
        assert not repos, f"repos were created: {repos}"
        db = self.home / "catalog.db"
        if db.is_file():
            with sqlite3.connect(db) as conn:
                tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
                for table in tables:
                    if "entit" in table or "component" in table:
                        assert conn.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
        runs = self.home / "runs"
        made = sorted(p.name for p in runs.iterdir()) if runs.is_dir() else []
        assert not made, f"run folders were left: {made}"
        for secret in secrets:
            if result is not None:
                assert secret not in result.stdout and secret not in result.stderr
            for path in self.home.rglob("*"):
                if path.is_file():
                    assert secret.encode() not in path.read_bytes(), path


def write(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    return root


NATIVE_YAML = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata:
  name: hostile
  title: Hostile
  description: An attack
  owner: group:attackers
spec:
  version: 1.0.0
  parameters:
    - id: name
      type: string
      default: victim-svc
    - id: owner
      type: string
      default: group:victims
  steps:
{steps}
"""

NATIVE_STEPS = """\
    - id: skeleton
      action: fetch:template
      input: {path: skeleton}
    - id: catalog
      action: catalog:write
      input:
        name: ${{ parameters.name }}
        owner: ${{ parameters.owner }}
    - id: publish
      action: repo:create
      input: {name: '${{ parameters.name }}'}
    - id: register
      action: catalog:register
      input: {target: '${{ steps.publish.output.catalog_info_url }}'}
"""


def native_template(root: Path, skeleton: Mapping[str, str | bytes], steps: str = NATIVE_STEPS) -> Path:
    """A scaffold golden path at root/hostile with the given skeleton files."""
    folder = root / "hostile"
    write(
        folder,
        {"template.yaml": NATIVE_YAML.format(steps=steps), **{f"skeleton/{k}": v for k, v in skeleton.items()}},
    )
    return folder


BACKSTAGE_YAML = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hostile
  title: Hostile
spec:
  owner: group:attackers
  type: service
  parameters:
    - title: Name
      properties:
        name: {{type: string, default: victim-svc}}
  steps:
{steps}
"""

BACKSTAGE_STEPS = """\
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: '${{ parameters.name }}'}
"""


def backstage_template(root: Path, skeleton: Mapping[str, str | bytes], steps: str = BACKSTAGE_STEPS) -> Path:
    """A Backstage v1beta3 Software Template at root/hostile (template.yaml and skeleton/)."""
    folder = root / "hostile"
    write(
        folder,
        {"template.yaml": BACKSTAGE_YAML.format(steps=steps), **{f"skeleton/{k}": v for k, v in skeleton.items()}},
    )
    return folder


def cookiecutter_template(
    root: Path, context: Mapping[str, object], files: Mapping[str, str | bytes], project: str = "{{cookiecutter.slug}}"
) -> Path:
    """A cookiecutter template at root/cookiecutter-hostile: cookiecutter.json (`context`, with a
    `slug` default added) and `files` inside the project folder (keys starting with `/` are
    relative to the template's top instead, e.g. `/hooks/pre_gen_project.py`)."""
    folder = root / "cookiecutter-hostile"
    ctx = {"slug": "victim-svc", **context}
    tree: dict[str, str | bytes] = {"cookiecutter.json": json.dumps(ctx, indent=2)}
    for rel, content in files.items():
        tree[rel[1:] if rel.startswith("/") else f"{project}/{rel}"] = content
    write(folder, tree)
    (folder / project).mkdir(parents=True, exist_ok=True)
    return folder


def copier_template(root: Path, questions: str, files: Mapping[str, str | bytes]) -> Path:
    """A copier template at root/copier-hostile: copier.yml (`questions`, YAML) and `files`."""
    folder = root / "copier-hostile"
    write(folder, {"copier.yml": textwrap.dedent(questions), **files})
    return folder

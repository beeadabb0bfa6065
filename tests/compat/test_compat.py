"""The compatibility suite (compat/): its tree comparison, and a run on a local snapshot of a hand-written
cookiecutter template, rendered by scaffold and by cookiecutter, with the table written into a page."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _trees() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compat_trees", ROOT / "compat" / "trees.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["compat_trees"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_differences_see_content_exec_bit_symlinks_and_ignore_only_the_record(tmp_path: Path) -> None:
    trees = _trees()
    same = {"README.md": "hi\n", "src/app.py": "x = 1\n", "run.sh": "#!/bin/sh\n"}
    ours = _tree(tmp_path / "ours", {**same, ".scaffold/record.yaml": "r", "catalog-info.yaml": "kind: Component\n"})
    theirs = _tree(tmp_path / "theirs", same)
    (ours / "empty").mkdir()
    assert trees.differences(ours, theirs) == []  # record, added catalog entity and empty folders are ignored
    (theirs / "catalog-info.yaml").write_text("kind: System\n")
    assert trees.differences(ours, theirs) == ["catalog-info.yaml (content)"]  # the template's own one counts
    (theirs / "catalog-info.yaml").unlink()
    (ours / "run.sh").chmod(0o755)
    (ours / "src/app.py").write_text("x = 2\n")
    (ours / "docs").symlink_to("src")
    (theirs / "docs").symlink_to("src/app.py")
    (theirs / "LICENSE").write_text("MIT\n")
    assert trees.differences(ours, theirs) == [
        "LICENSE (missing in scaffold)",
        "docs (symlink target 'src' vs 'src/app.py')",
        "run.sh (exec bit)",
        "src/app.py (content)",
    ]


SLUG = "{{ cookiecutter.project_name.lower().replace(' ', '-') }}"
COOKIECUTTER_JSON = {"project_name": "Orders API", "project_slug": SLUG, "license": ["MIT", "BSD"], "use_docs": True}


DOCS = "{% if cookiecutter.use_docs %}docs{% endif %}"
CATALOG_INFO = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {{ cookiecutter.project_slug }}
spec:
  type: service
  lifecycle: experimental
  owner: group:payments
"""


def _snapshot(tmp_path: Path) -> Path:
    """A snapshot folder holding one repository, acme+templates, with a cookiecutter template in `pyservice/`."""
    work = tmp_path / "acme-templates"
    skeleton = "{{cookiecutter.project_slug}}"
    _tree(work / "pyservice", {
        "cookiecutter.json": json.dumps(COOKIECUTTER_JSON),
        f"{skeleton}/README.md": "# {{ cookiecutter.project_name }}\n\nLicense: {{ cookiecutter.license }}\n",
        f"{skeleton}/catalog-info.yaml": CATALOG_INFO,
        f"{skeleton}/{DOCS}/index.md": "Docs of {{ cookiecutter.project_name }}\n",
        f"{skeleton}/bin/run": "#!/bin/sh\necho {{ cookiecutter.project_slug }}\n",
    })  # fmt: skip
    (work / "pyservice" / skeleton / "bin" / "run").chmod(0o755)
    hooked = _tree(work / "hooked", {"cookiecutter.json": json.dumps(COOKIECUTTER_JSON)})
    _tree(
        hooked,
        {
            "hooks/post_gen_project.py": "print('hi')\n",
            "{{cookiecutter.project_slug}}/a.txt": "a\n",
            "{{cookiecutter.project_slug}}/catalog-info.yaml": CATALOG_INFO,
        },
    )
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test", "PATH": "/usr/bin:/bin"}  # fmt: skip
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "templates"], ["tag", "v1.0.0"]):
        subprocess.run(["git", "-C", str(work), *cmd], check=True, env=env)
    snapshots = tmp_path / "snapshots"
    subprocess.run(
        ["git", "clone", "-q", "--mirror", str(work), str(snapshots / "acme+templates" / "repo")], check=True
    )
    return snapshots


def test_a_run_renders_with_both_tools_and_writes_the_table(tmp_path: Path) -> None:
    snapshots = _snapshot(tmp_path)
    manifest = tmp_path / "templates.yaml"
    manifest.write_text(
        "templates:\n"
        "  - {id: pyservice, repo: acme/templates, ref: v1.0.0, path: pyservice, format: cookiecutter,\n"
        "     answers: {project_name: Billing API, license: BSD}}\n"
        "  - {id: hooked, repo: acme/templates, ref: v1.0.0, path: hooked, format: cookiecutter, trust: false}\n"
        "  - {id: missing, repo: acme/elsewhere, ref: v1.0.0, format: copier}\n"
    )
    page = tmp_path / "formats.md"
    page.write_text("# Formats\n\n<!-- compat:start -->\nold table\n<!-- compat:end -->\n\nAfter.\n")
    cmd = [sys.executable, str(ROOT / "compat" / "run.py"), "--snapshots", str(snapshots), "--manifest", str(manifest),
           "--work", str(tmp_path / "work"), "--output", "json", "--write-docs", "--docs", str(page)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = {r["id"]: r for r in json.loads(done.stdout)["rows"]}
    assert rows["pyservice"]["result"] == "identical", rows["pyservice"]
    assert len(rows["pyservice"]["commit"]) == 40
    hooked = rows["hooked"]["result"]
    assert hooked.startswith("scaffold refused: ") and "would run" in hooked and "--trust" in hooked, hooked
    assert rows["missing"]["result"].startswith("no snapshot: no snapshot acme+elsewhere")
    text = page.read_text()
    assert "old table" not in text and text.endswith("<!-- compat:end -->\n\nAfter.\n")
    assert "| acme/templates `pyservice` | " in text and "| cookiecutter | identical |" in text


@pytest.mark.parametrize("field", ["upgrade_from: v1", "format: mustache"])
def test_a_bad_manifest_is_refused(tmp_path: Path, field: str) -> None:
    manifest = tmp_path / "templates.yaml"
    manifest.write_text(f"templates:\n  - {{id: x, repo: a/b, ref: v1, format: cookiecutter, {field}}}\n")
    cmd = [sys.executable, str(ROOT / "compat" / "run.py"), "--manifest", str(manifest), "--snapshots", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 1 and str(manifest) in done.stderr

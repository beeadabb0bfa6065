"""Symlinks inside a generated project: kept when they lead to something the render makes, refused
(naming link and target) otherwise, in all four formats; the same trees as the native tools make."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scaffolder import git, record
from scaffolder.cli import cli as scaffold_cli
from scaffolder.paths import link_problems
from tests.cli.conftest import Invoke, as_json

OWNER = ("--set", "owner=group:payments")


@pytest.fixture
def invoke() -> Invoke:
    """`scaffold ARGS` in-process, asserting the exit code (as the CLI tests' fixture does)."""
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Any:
        result = runner.invoke(scaffold_cli, list(args), catch_exceptions=False)
        assert result.exit_code == code, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        return result

    return run


def tree(root: Path, ignore: tuple[str, ...] = (".scaffold", ".git")) -> dict[str, tuple[str, object]]:
    """Every file and symlink under `root`: ("link", target text) or ("file", (bytes, executable))."""
    out: dict[str, tuple[str, object]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*filenames, *dirnames]:
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if rel.split("/")[0] in ignore:
                continue
            if path.is_symlink():
                out[rel] = ("link", path.readlink().as_posix())
            elif path.is_file():
                out[rel] = ("file", (path.read_bytes(), bool(path.stat().st_mode & 0o100)))
        dirnames[:] = [d for d in dirnames if not Path(dirpath, d).is_symlink()]
    return out


def links(root: Path) -> dict[str, str]:
    return {rel: str(v) for rel, (kind, v) in tree(root).items() if kind == "link"}


def write(root: Path, files: dict[str, str], symlinks: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    for rel, target in symlinks.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(target)
    return root


# --- the rule --------------------------------------------------------------------------------------

FILES = ["README.md", "docs/guide.md", "src/app/main.py"]


@pytest.mark.parametrize(
    ("symlinks", "expected"),
    [
        ({"alias.md": "README.md"}, []),
        ({"docs/readme.md": "../README.md"}, []),
        ({"app": "src/app", "main.py": "app/main.py"}, []),  # a chain through a linked folder
        ({"here": "."}, []),
        ({"up": "../README.md"}, ["up: is a symlink to ../README.md, which leads out of the generated project"]),
        ({"abs": "/etc/passwd"}, ["abs: is a symlink to /etc/passwd, an absolute path"]),
        ({"g": ".git/config"}, ["g: is a symlink to .git/config, which names .git"]),
        ({"g": "docs/../.GIT./hooks"}, ["g: is a symlink to docs/../.GIT./hooks, which names .git"]),
        ({"win": "docs\\guide.md"}, ["win: is a symlink to 'docs\\\\guide.md', which is not a portable"]),
        ({"here": ".", "esc": "here/../x"}, ["esc: is a symlink to here/../x, which leads out"]),
        ({"a": "b", "b": "missing"}, ["a: is a symlink to b, which is not in the generated project", "b: is a"]),
        ({"a": "b", "b": "a"}, ["a: is a symlink to b, which is a cycle of links", "b: is a symlink to a, which is"]),
        ({"docs": "src"}, ["docs/guide.md: would be written through the symlink docs -> src"]),
    ],
)
def test_a_link_must_lead_to_something_inside_what_is_generated(symlinks: dict[str, str], expected: list[str]) -> None:
    got = [f"{p.where}: {p.message}" for p in link_problems([f for f in FILES if f not in symlinks], symlinks)]
    assert len(got) == len(expected) and all(g.startswith(e) for g, e in zip(got, expected, strict=True)), got


# --- native and Backstage skeletons ---------------------------------------------------------------

NATIVE = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata: {name: linked, owner: group:guild}
spec:
  version: 1.0.0
  parameters:
    - id: name
  steps:
    - {id: skeleton, action: fetch:template, input: {path: skeleton}}
    - id: publish
      action: repo:create
      input: {name: '${{ parameters.name }}'}
"""

BACKSTAGE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: linked}
spec:
  owner: group:guild
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input: {url: ./skeleton, values: {name: '${{ parameters.name }}'}}
    - id: plain
      action: fetch:plain
      input: {url: ./plain, targetPath: plain}
    - id: publish
      action: repo:create
      input: {name: '${{ parameters.name }}'}
"""

SKELETON = {"README.md": "# ${{ values.name }}\n", "docs/guide.md": "guide\n"}
SKELETON_LINKS = {"docs/readme.md": "../README.md", "${{ values.name }}.md": "README.md", "manual": "docs"}


@pytest.mark.parametrize("fmt", ["native", "backstage"])
def test_a_skeleton_s_inside_links_are_written_as_links_and_recorded(
    fmt: str,
    invoke: Invoke,
    tmp_path: Path,
    scaffold_home: Path,
) -> None:
    folder = tmp_path / "linked"
    files = {k: v.replace("${{", "{{") if fmt == "native" else v for k, v in SKELETON.items()}
    symlinks = {k.replace("${{", "{{") if fmt == "native" else k: v for k, v in SKELETON_LINKS.items()}
    write(folder, {"template.yaml": NATIVE if fmt == "native" else BACKSTAGE}, {})
    write(folder / "skeleton", files, symlinks)
    if fmt == "backstage":
        write(folder / "plain", {"a.txt": "a\n"}, {"b.txt": "a.txt"})
    result = invoke("new", str(folder), "--no-input", "--set", "name=orders", "-o", "json")
    clone = git.clone(as_json(result)["repository"]["clone_url"], tmp_path / "clone")
    expected = {"docs/readme.md": "../README.md", "orders.md": "README.md", "manual": "docs"}
    if fmt == "backstage":
        expected["plain/b.txt"] = "a.txt"
    assert links(clone) == expected
    assert (clone / "manual" / "guide.md").read_text() == "guide\n"
    dry = as_json(invoke("new", str(folder), "--no-input", "--set", "name=orders2", "--dry-run", "-o", "json"))
    listed = {"docs/readme.md", "orders2.md", "manual"} | ({"plain/b.txt"} if fmt == "backstage" else set())
    assert listed <= set(dry["files"])  # a dry run lists links, to folders too
    rec = record.read(clone)
    assert {k: v for k, v in rec.files.items() if v.startswith("symlink:")} == {
        k: f"symlink:{v}" for k, v in expected.items()
    }


def test_a_skeleton_link_leading_out_is_refused_before_anything_runs(
    invoke: Invoke,
    tmp_path: Path,
    scaffold_home: Path,
) -> None:
    folder = write(tmp_path / "linked", {"template.yaml": NATIVE, "skeleton/README.md": "hi\n"}, {})
    (folder / "skeleton" / "spec.yaml").symlink_to("../template.yaml")  # inside the template, not the project
    result = invoke("new", str(folder), "--no-input", "--set", "name=orders", code=1)
    assert "spec.yaml: is a symlink to ../template.yaml, which leads out of the generated project" in result.stderr
    assert not (scaffold_home / "forge").exists() or not list((scaffold_home / "forge").rglob("*.git"))
    assert not (scaffold_home / "runs").exists() or not list((scaffold_home / "runs").iterdir())


# --- copier and cookiecutter, against their own API ----------------------------------------------

COPIER_YML = """\
name:
  type: str
  default: orders
_preserve_symlinks: true
_templates_suffix: .jinja
"""


def copier_fixture(root: Path) -> Path:
    folder = write(
        root / "copier-linked",
        {"copier.yml": COPIER_YML, "README.md.jinja": "# {{ name }}\n", "docs/guide.md": "guide\n"},
        {"docs/readme.md": "../README.md", "{{ name }}.md": "README.md", "manual": "docs"},
    )
    (folder / "current.jinja").symlink_to("{{ name }}.md")  # copier renders a .jinja link's target
    return folder


def test_copier_preserved_symlinks_match_copier(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    from copier import run_copy

    folder = copier_fixture(tmp_path)
    result = invoke("new", str(folder), "--no-input", "--set", "repo_name=orders", *OWNER, "-o", "json")
    clone = git.clone(as_json(result)["repository"]["clone_url"], tmp_path / "clone")
    run_copy(str(folder), tmp_path / "native", data={"name": "orders"}, defaults=True, quiet=True)
    ours = tree(clone, ignore=(".scaffold", ".git", "catalog-info.yaml"))
    assert ours == tree(tmp_path / "native")
    assert links(clone) == {"docs/readme.md": "../README.md", "orders.md": "README.md", "manual": "docs",
                            "current": "orders.md"}  # fmt: skip


def test_copier_links_leading_out_of_the_project_are_refused_before_anything_runs(
    invoke: Invoke,
    tmp_path: Path,
    scaffold_home: Path,
) -> None:
    folder = copier_fixture(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("../../copier-linked/README.md.jinja")  # inside the template only
    yml = COPIER_YML + "_subdirectory: sub\n"
    (folder / "copier.yml").write_text(yml)
    (folder / "sub" / "x.txt").write_text("x\n")
    result = invoke("new", str(folder), "--no-input", "--set", "repo_name=orders", *OWNER, code=1)
    assert "is a symlink to ../../copier-linked/README.md.jinja, which leads out" in result.stderr
    assert "scaffold resume" not in result.stderr


HOOK = """\
import os

os.symlink("README.md", "made.md")
os.makedirs("deep/er")
os.symlink("../../README.md", "deep/er/up.md")
"""


def test_cookiecutter_links_match_cookiecutter(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    from cookiecutter.main import cookiecutter

    folder = write(
        tmp_path / "cookiecutter-linked",
        {
            "cookiecutter.json": json.dumps({"slug": "orders"}),
            "{{cookiecutter.slug}}/README.md": "# {{ cookiecutter.slug }}\n",
            "hooks/post_gen_project.py": HOOK,
        },
        {"{{cookiecutter.slug}}/alias.md": "README.md"},  # cookiecutter copies what it points to
    )
    result = invoke("new", str(folder), "--no-input", "--trust", *OWNER, "-o", "json")
    clone = git.clone(as_json(result)["repository"]["clone_url"], tmp_path / "clone")
    native = cookiecutter(str(folder), no_input=True, output_dir=str(tmp_path / "native"), accept_hooks=True)
    assert tree(clone, ignore=(".scaffold", ".git", "catalog-info.yaml")) == tree(Path(native))
    assert links(clone) == {"made.md": "README.md", "deep/er/up.md": "../../README.md"}


def test_a_cookiecutter_hook_making_a_link_out_is_refused(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    folder = write(
        tmp_path / "cookiecutter-linked",
        {
            "cookiecutter.json": json.dumps({"slug": "orders"}),
            "{{cookiecutter.slug}}/README.md": "hi\n",
            "hooks/post_gen_project.py": 'import os\n\nos.symlink("/etc/passwd", "passwd")\n',
        },
        {},
    )
    result = invoke("new", str(folder), "--no-input", "--trust", *OWNER, code=1)
    assert "passwd: is a symlink to /etc/passwd, an absolute path (cookiecutter generated it)" in result.stderr
    assert "nothing was created" in result.stderr and "resume" not in result.stderr  # the hook runs in the run


def test_a_release_of_a_golden_path_holding_links_is_cut_and_checked_by_the_links_targets(tmp_path: Path) -> None:
    from scaffolder.sources import cut_release
    from scaffolder.sources.snapshots import verify_snapshot

    folder = write(tmp_path / "linked", {"template.yaml": NATIVE, "skeleton/docs/guide.md": "guide\n"}, {})
    write(folder / "skeleton", {}, {"manual": "docs", "guide.md": "docs/guide.md"})
    release = cut_release(folder)
    assert links(release / "skeleton") == {"manual": "docs", "guide.md": "docs/guide.md"}
    assert verify_snapshot(release) == []
    (release / "skeleton" / "guide.md").unlink()
    (release / "skeleton" / "guide.md").symlink_to("manual/guide.md")  # the same content, another link
    assert [p.message for p in verify_snapshot(release)] == ["changed after the release was cut"]


UPGRADED_YML = COPIER_YML + "_answers_file: .copier-answers.yml\n"


def test_scaffold_upgrade_and_copier_update_move_links_alike(
    invoke: Invoke, tmp_path: Path, scaffold_home: Path
) -> None:
    from copier import run_copy, run_update

    from scaffolder.sources import cache
    from tests.formats.conftest import commit_and_tag

    repo = write(
        tmp_path / "copier-linked",
        {
            "copier.yml": UPGRADED_YML,
            "README.md.jinja": "# {{ name }}\n",
            "docs/guide.md": "guide\n",
            "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
        },
        {"current.md": "README.md", "keep.md": "README.md", "gone.md": "README.md"},
    )
    commit_and_tag(repo, "v1.0.0")
    url = f"file://{repo}"
    data = as_json(invoke("new", url, "--no-input", "--set", "repo_name=orders", *OWNER, "-o", "json"))
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone")
    native = tmp_path / "native"
    run_copy(str(repo), native, data={"name": "orders"}, defaults=True, quiet=True, vcs_ref="v1.0.0")
    git.init(native)
    git.commit_all(native, "copier copy", "2026-03-04T00:00:00+00:00")

    for rel, target in {"current.md": "docs/guide.md", "added.md": "README.md"}.items():
        (repo / rel).unlink(missing_ok=True)
        (repo / rel).symlink_to(target)
    (repo / "gone.md").unlink()
    git.commit_all(repo, "1.1.0", "2026-03-05T00:00:00+00:00")
    git.tag(repo, "v1.1.0")

    cache._fetched.clear()  # each command is a process of its own: it fetches the URL again
    result = as_json(invoke("upgrade", str(clone), "-o", "json"))
    assert result["added"] == ["added.md"] and result["deleted"] == ["gone.md"] and not result["conflicts"]
    run_update(native, defaults=True, overwrite=True, quiet=True, vcs_ref="v1.1.0", unsafe=False)
    # the answers file's provenance (`_commit`, `_src_path`) is the copier part's of issue 13
    ignore = (".scaffold", ".git", "catalog-info.yaml", ".copier-answers.yml")
    theirs = tree(native, ignore=ignore)
    # the one difference, documented (docs/upgrades.md): copier update deletes a file the template
    # removed but keeps a removed symlink; scaffold removes both alike
    assert theirs.pop("gone.md") == ("link", "README.md")
    assert tree(clone, ignore=ignore) == theirs
    assert links(clone) == {"current.md": "docs/guide.md", "keep.md": "README.md", "added.md": "README.md"}

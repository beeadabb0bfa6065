"""git never reads what a template wrote: no template of any format may write `.git` (any spelling,
from a skeleton folder, a rendered name, an answer, a `targetPath`, `fs:rename`), escapes through
`targetPath`/`fs:rename` are refused before the run, and every git process scaffold runs keeps a
repository's own config from running commands (fsmonitor, hooks, filters)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.errors import ForgeError
from tests.security.attack import (
    BACKSTAGE_STEPS,
    NATIVE_STEPS,
    Scene,
    backstage_template,
    cookiecutter_template,
    copier_template,
    native_template,
)

DRY = [pytest.param((), id="run"), pytest.param(("--dry-run",), id="dry-run")]


# what scaffold asks a foreign template for besides its own questions
FOREIGN = {
    "cookiecutter-hostile": ("--set", "owner=group:victims"),
    "copier-hostile": ("--set", "owner=group:victims", "--set", "repo_name=victim-svc"),
}


def new(folder: Path, *extra: str) -> tuple[str, ...]:
    return ("new", str(folder), "--no-input", *FOREIGN.get(folder.name, ()), *extra)


def hostile_config(scene: Scene) -> str:
    """A `.git/config` whose settings run a command that creates the marker."""
    return (
        f'[core]\n\tfsmonitor = "touch {scene.marker}"\n\thooksPath = hooks\n'
        f'[filter "x"]\n\tclean = "touch {scene.marker}; cat"\n\tsmudge = "touch {scene.marker}; cat"\n'
    )


def git_folder(scene: Scene, prefix: str) -> dict[str, str | bytes]:
    """A whole hostile `.git` (HEAD, config, a hook) under `prefix`, and a `.gitattributes` naming the filter."""
    return {
        f"{prefix}/HEAD": "ref: refs/heads/main\n",
        f"{prefix}/config": hostile_config(scene),
        f"{prefix}/hooks/pre-commit": f"#!/bin/sh\ntouch {scene.marker}\n",
        ".gitattributes": "* filter=x\n",
        "README.md": "hello\n",
    }


def refused(scene: Scene, result_text: str) -> None:
    reasons = (".git", ".GIT", "escapes", "climbs", "must be a relative path")
    assert any(reason in result_text for reason in reasons), result_text
    assert "scaffold resume" not in result_text


# --- native skeletons ---------------------------------------------------------------------------


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("name", [".git", ".GIT", ".Git.", "sub/.git"])
def test_native_skeleton_with_a_git_folder(scene: Scene, tmp_path: Path, name: str, dry: tuple[str, ...]) -> None:
    folder = native_template(tmp_path, git_folder(scene, name))
    result = scene.run(*new(folder, *dry), code=1)
    refused(scene, result.stderr)
    scene.assert_harmless(result)


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("answer", [".git", ".GIT", "x/../.git"])
def test_native_skeleton_folder_named_by_an_answer(
    scene: Scene, tmp_path: Path, answer: str, dry: tuple[str, ...]
) -> None:
    skeleton = {"{{ values.name }}/config": hostile_config(scene), "README.md": "hello\n"}
    folder = native_template(tmp_path, skeleton, steps=NATIVE_STEPS.split("    - id: catalog")[0])
    result = scene.run(*new(folder, "--set", f"name={answer}", *dry), code=1)
    refused(scene, result.stderr)
    scene.assert_harmless(result)


# --- Backstage: fetch:template / fetch:plain targetPath, fs:rename ------------------------------

FETCH = """\
    - id: fetch
      action: {action}
      input:
        url: ./skeleton
        targetPath: '{target}'
        {values}
"""


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("target", [".git", "sub/.git", ".GIT", "../x", "/tmp/x"])
@pytest.mark.parametrize("action", ["fetch:template", "fetch:plain"])
def test_backstage_target_path(scene: Scene, tmp_path: Path, action: str, target: str, dry: tuple[str, ...]) -> None:
    values = "values: {name: x}" if action == "fetch:template" else ""
    steps = FETCH.format(action=action, target=target, values=values)
    folder = backstage_template(tmp_path, {"config": hostile_config(scene), "HEAD": "ref: refs/heads/main\n"}, steps)
    result = scene.run(*new(folder, *dry), code=1)
    refused(scene, result.stderr)
    assert f"targetPath {target!r}" in result.stderr
    scene.assert_harmless(result)


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("action", ["fetch:template", "fetch:plain"])
def test_backstage_skeleton_holding_a_git_folder(
    scene: Scene, tmp_path: Path, action: str, dry: tuple[str, ...]
) -> None:
    values = "values: {name: x}" if action == "fetch:template" else ""
    steps = FETCH.format(action=action, target="app", values=values)
    folder = backstage_template(tmp_path, git_folder(scene, ".git"), steps)
    result = scene.run(*new(folder, *dry), code=1)
    refused(scene, result.stderr)
    scene.assert_harmless(result)


RENAME = """\
    - id: rename
      action: fs:rename
      input:
        files: [{{from: config, to: '{to}'}}]
"""


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("to", [".git/config", "sub/.GIT/config", "../x", "/tmp/x"])
def test_backstage_fs_rename(scene: Scene, tmp_path: Path, to: str, dry: tuple[str, ...]) -> None:
    folder = backstage_template(tmp_path, {"config": hostile_config(scene)}, BACKSTAGE_STEPS + RENAME.format(to=to))
    result = scene.run(*new(folder, *dry), code=1)
    refused(scene, result.stderr)
    assert to in result.stderr
    scene.assert_harmless(result)


# --- cookiecutter and copier --------------------------------------------------------------------


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("name", [".git", ".GIT", "sub/.git"])
def test_cookiecutter_project_holding_a_git_folder(
    scene: Scene, tmp_path: Path, name: str, dry: tuple[str, ...]
) -> None:
    folder = cookiecutter_template(tmp_path, {}, git_folder(scene, name))
    result = scene.run(*new(folder, *dry), code=1)
    refused(scene, result.stderr)
    scene.assert_harmless(result)


@pytest.mark.parametrize("dry", DRY)
def test_cookiecutter_folder_named_git_by_an_answer(scene: Scene, tmp_path: Path, dry: tuple[str, ...]) -> None:
    folder = cookiecutter_template(
        tmp_path, {"dir": "docs"}, {"{{cookiecutter.dir}}/config": hostile_config(scene), "README.md": "hi\n"}
    )
    result = scene.run(*new(folder, "--set", "dir=.git", *dry), code=1)
    refused(scene, result.stderr)
    scene.assert_harmless(result)


COPIER = """\
dir:
  type: str
  default: docs
"""


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize(
    "layout",
    [
        pytest.param("folder", id="GIT-folder"),
        pytest.param("file", id="GIT-file"),
        pytest.param("answer", id="folder-named-by-an-answer"),
    ],
)
def test_copier_template_holding_git(scene: Scene, tmp_path: Path, layout: str, dry: tuple[str, ...]) -> None:
    files: dict[str, str | bytes] = {"README.md": "hi\n"}
    extra: tuple[str, ...] = ()
    if layout == "folder":
        files.update(git_folder(scene, ".GIT"))
    elif layout == "file":
        files["sub/.GIT"] = f"gitdir: {scene.outside}\n"
    else:  # `.GIT`: copier's own default `_exclude` drops a `.git` (see the test below)
        files["{{ dir }}/config"] = hostile_config(scene)
        extra = ("--set", "dir=.GIT")
    folder = copier_template(tmp_path, COPIER, files)
    result = scene.run(*new(folder, *extra, *dry), code=1)
    refused(scene, result.stderr)
    scene.assert_harmless(result)


def test_copier_folder_answered_dot_git_is_dropped_by_copier(scene: Scene, tmp_path: Path) -> None:
    """copier leaves `.git` out of every render (its default `_exclude`): nothing reaches the repo."""
    folder = copier_template(tmp_path, COPIER, {"README.md": "hi\n", "{{ dir }}/config": hostile_config(scene)})
    scene.run(*new(folder, "--set", "dir=.git"), code=0)
    clone = git.clone((scene.home / "forge" / "local" / "victim-svc.git").as_uri(), tmp_path / "clone")
    assert (clone / "README.md").is_file() and not (clone / ".git" / "config").read_text().count("touch")
    assert not scene.marker.exists()


# --- every git helper on a repository whose config a template wrote -----------------------------


@pytest.fixture
def planted(scene: Scene, tmp_path: Path) -> Path:
    """A work tree with a committed file whose `.git` holds hostile config, hooks and a filter."""
    repo = tmp_path / "planted"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "README.md").write_text("hello\n")
    subprocess.run(["git", "-C", str(repo), "add", "README.md"], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"], check=True
    )
    (repo / ".git" / "config").write_text(hostile_config(scene) + (repo / ".git" / "config").read_text())
    (repo / ".git" / "hooks").mkdir(exist_ok=True)
    for hook in ("pre-commit", "post-checkout", "pre-push", "reference-transaction", "post-index-change"):
        (repo / ".git" / "hooks" / hook).write_text(f"#!/bin/sh\ntouch {scene.marker}\n")
        (repo / ".git" / "hooks" / hook).chmod(0o755)
    (repo / ".gitattributes").write_text("* filter=x\n")
    (repo / "README.md").write_text("changed\n")
    (repo / "new.txt").write_text("new\n")
    return repo


def test_git_helpers_on_a_planted_repository_run_nothing(scene: Scene, planted: Path, tmp_path: Path) -> None:
    assert git.toplevel(planted) == planted
    assert set(git.dirty_paths(planted)) >= {"README.md", "new.txt"}
    assert git.changed_paths(planted, "HEAD")["README.md"] == "M"
    assert "new.txt" in git.list_files(planted)
    assert git.show(planted, "HEAD", "README.md") == b"hello\n"
    git.checkout_new(planted, "scaffold/upgrade")
    sha = git.commit_all(planted, "two", "2026-01-01T00:00:00+00:00")
    assert git.rev_parse(planted, "HEAD") == sha
    git.tag(planted, "v1", sha, "release")
    assert "v1" in git.list_tags(planted)
    git.archive(planted, sha, ".", tmp_path / "archive")
    bare = tmp_path / "remote.git"
    git.init_bare(bare)
    git.push(planted, bare.as_uri(), ["HEAD:refs/heads/main"])
    git.fetch(planted, bare.as_uri(), ["refs/heads/main:refs/remotes/r/main"])
    clone = git.clone(bare.as_uri(), tmp_path / "clone")
    assert (clone / "README.md").read_text() == "changed\n"
    assert not scene.marker.exists()
    # the same config without scaffold's switches does run the planted command: the test can fail
    subprocess.run(["git", "-C", str(planted), "status", "--porcelain"], capture_output=True, check=False)
    assert scene.marker.exists()


def test_a_folder_that_looks_like_a_bare_repository_is_not_one(scene: Scene, tmp_path: Path) -> None:
    """A template's `HEAD`, `config` and `objects/` at a folder's top never make git read that config."""
    ws = tmp_path / "ws"
    (ws / "objects").mkdir(parents=True)
    (ws / "refs").mkdir()
    (ws / "HEAD").write_text("ref: refs/heads/main\n")
    (ws / "config").write_text(
        f"[core]\n\tbare = false\n\tworktree = {tmp_path}\n" + hostile_config(scene).split("\n", 1)[1]
    )
    assert git.toplevel(ws) is None
    assert not scene.marker.exists()


def test_ext_urls_are_refused(scene: Scene, tmp_path: Path) -> None:
    with pytest.raises(ForgeError):
        git.clone(f"ext::sh -c touch% {scene.marker}", tmp_path / "c")
    assert not scene.marker.exists()


COOKIECUTTER_STEP = """\
    - id: fetch
      action: {action}
      input: {{path: {path}, targetPath: '{target}'}}
"""


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("target", [".git", "sub/.GIT", "../x"])
@pytest.mark.parametrize("action", ["fetch:cookiecutter", "fetch:copier"])
def test_foreign_fetch_actions_target_path(
    scene: Scene, tmp_path: Path, action: str, target: str, dry: tuple[str, ...]
) -> None:
    """Every action's `targetPath` is checked before the run, the foreign renderers' too."""
    if action == "fetch:cookiecutter":
        cookiecutter_template(tmp_path / "hostile", {}, {"README.md": "hi\n"})
        path = "cookiecutter-hostile"
    else:
        copier_template(tmp_path / "hostile", COPIER, {"README.md": "hi\n"})
        path = "copier-hostile"
    folder = backstage_template(tmp_path, {}, COOKIECUTTER_STEP.format(action=action, path=path, target=target))
    result = scene.run(*new(folder, *dry), code=1)
    refused(scene, result.stderr)
    assert f"targetPath {target!r}" in result.stderr
    scene.assert_harmless(result)

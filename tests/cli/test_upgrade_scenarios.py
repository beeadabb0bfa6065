"""Upgrade scenarios through `scaffold upgrade`: two releases of a golden path, a repo made by `scaffold new`
and edited by its team, checked for the tree, the report, the exit code and git's index, and against a
plain `git merge` (diff3 style) of the same three trees."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scaffolder import config, git, record, sources
from scaffolder.catalogs.null import NullCatalog
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.runner import Runner
from scaffolder.upgrade.trees import collect
from tests.cli.conftest import Invoke, as_json
from tests.cli.test_upgrade import NEW, _release
from tests.test_upgrade import GIVEN

TEXT = "".join(f"line {i} of the service's configuration\n" for i in range(1, 21))
FAR_T = TEXT.replace("line 20 of", "line 20 (template) of")  # the template's edit at the end
FAR_U = TEXT.replace("line 1 of", "line 1 (team) of")  # the team's edit at the start
BOTH = TEXT.replace("line 20 of", "line 20 (template) of").replace("line 1 of", "line 1 (team) of")
NEAR_T = TEXT.replace("line 10 of", "line 10 (template) of")
NEAR_U = TEXT.replace("line 10 of", "line 10 (team) of")
OTHER = "".join(f"step {i}: build, test and ship the container image\n" for i in range(1, 13))
OTHER_T = OTHER.replace("step 6:", "step 6 (template):")
OTHER_U = OTHER.replace("step 6:", "step 6 (team):")
BIN = [b"\x89PNG\r\n\x1a\n\x00" + bytes([i]) * 64 for i in range(3)]
Edit = Callable[[Path], None]


def write(rel: str, data: str | bytes) -> Edit:
    def edit(repo: Path) -> None:
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data.encode() if isinstance(data, str) else data)

    return edit


def delete(rel: str) -> Edit:
    return lambda repo: (repo / rel).unlink()


def move(old: str, new: str, data: str | None = None) -> Edit:
    def edit(repo: Path) -> None:
        (repo / new).parent.mkdir(parents=True, exist_ok=True)
        (repo / old).rename(repo / new)
        if data is not None:
            (repo / new).write_text(data)

    return edit


@dataclass
class Scenario:
    v1: dict[str, str | bytes]
    v2: dict[str, str | bytes]
    edits: list[Edit]
    code: int
    tree: dict[str, str | bytes | None]  # expected content (None: absent)
    kinds: dict[str, str] = field(default_factory=dict)
    stages: dict[str, list[int]] = field(default_factory=dict)
    renamed: list[list[str]] = field(default_factory=list)
    git_differs: tuple[str, ...] = ()  # paths where scaffold's tree differs from git's on purpose
    git_stages: dict[str, list[int]] | None = None  # git's index, where it differs on purpose


SCENARIOS = {
    "edits-far-apart-merge": Scenario({"f.txt": TEXT}, {"f.txt": FAR_T}, [write("f.txt", FAR_U)], 0, {"f.txt": BOTH}),
    "same-lines-conflict": Scenario(
        {"f.txt": TEXT},
        {"f.txt": NEAR_T},
        [write("f.txt", NEAR_U)],
        4,
        {},
        kinds={"f.txt": "content"},
        stages={"f.txt": [1, 2, 3]},
    ),
    "template-renames-an-edited-file": Scenario(
        {"f.txt": TEXT},
        {"conf/f.txt": FAR_T},
        [write("f.txt", FAR_U)],
        0,
        {"f.txt": None, "conf/f.txt": BOTH},
        renamed=[["f.txt", "conf/f.txt"]],
    ),
    "template-renames-an-untouched-file": Scenario(
        {"f.txt": TEXT}, {"g.txt": TEXT}, [], 0, {"f.txt": None, "g.txt": TEXT}, renamed=[["f.txt", "g.txt"]]
    ),
    "team-renamed-a-file-the-template-changes": Scenario(
        {"f.txt": TEXT}, {"f.txt": FAR_T}, [move("f.txt", "mine/h.txt", FAR_U)], 0, {"f.txt": None, "mine/h.txt": BOTH}
    ),
    "both-renamed-it-differently": Scenario(
        {"f.txt": TEXT},
        {"g.txt": FAR_T},
        [move("f.txt", "h.txt", FAR_U)],
        4,
        {"f.txt": None, "g.txt": BOTH, "h.txt": BOTH},
        kinds={"g.txt": "rename/rename", "h.txt": "rename/rename"},
        stages={"f.txt": [1], "h.txt": [2], "g.txt": [3]},
    ),
    "team-deleted-a-file-the-template-changes": Scenario(
        {"f.txt": TEXT},
        {"f.txt": FAR_T},
        [delete("f.txt")],
        4,
        {"f.txt": None},
        kinds={"f.txt": "modify/delete"},
        stages={"f.txt": [1, 3]},
        git_differs=("f.txt",),  # git leaves the template's version in the tree; scaffold keeps it deleted
    ),
    "template-deleted-a-file-the-team-changed": Scenario(
        {"f.txt": TEXT, "keep.txt": "kept\n"},
        {"keep.txt": "kept\n"},
        [write("f.txt", FAR_U)],
        4,
        {"f.txt": FAR_U},
        kinds={"f.txt": "delete/modify"},
        stages={"f.txt": [1, 2]},
    ),
    "both-added-it": Scenario(
        {"keep.txt": "kept\n"},
        {"keep.txt": "kept\n", "n.txt": "theirs\n"},
        [write("n.txt", "mine\n")],
        4,
        {},
        kinds={"n.txt": "add/add"},
        stages={"n.txt": [2, 3]},
    ),
    "team-renamed-a-file-the-template-deleted": Scenario(
        {"f.txt": TEXT, "keep.txt": "kept\n"},
        {"keep.txt": "kept\n"},
        [move("f.txt", "mine/h.txt")],
        4,
        {"f.txt": None, "mine/h.txt": TEXT},
        kinds={"mine/h.txt": "delete/modify"},
        stages={"mine/h.txt": [1, 2]},  # git: rename/delete, "deleted by them"
    ),
    "template-renamed-a-file-the-team-deleted": Scenario(
        {"f.txt": TEXT},
        {"g.txt": TEXT},
        [delete("f.txt")],
        0,
        {"f.txt": None, "g.txt": None},
        # the template did not change the file you deleted: it stays deleted, quietly; git calls it a
        # rename/delete conflict and puts the moved file back
        git_differs=("g.txt",),
        git_stages={"g.txt": [1, 3]},
    ),
    "template-renamed-and-changed-a-file-the-team-deleted": Scenario(
        {"f.txt": TEXT},
        {"g.txt": FAR_T},
        [delete("f.txt")],
        4,
        {"f.txt": None, "g.txt": None},
        kinds={"g.txt": "modify/delete"},
        stages={"g.txt": [1, 3]},
        git_differs=("g.txt",),
    ),
    "a-release-mixing-several-kinds-of-change": Scenario(
        {"a.txt": TEXT, "b.txt": OTHER, "c.txt": "retired\n", "logo.bin": BIN[0], "keep.txt": "kept\n"},
        {"docs/a.txt": FAR_T, "b.txt": OTHER_T, "d.txt": "new\n", "logo.bin": BIN[1], "keep.txt": "kept\n"},
        [write("a.txt", FAR_U), write("b.txt", OTHER_U), write("keep.txt", "kept, and ours\n")],
        4,
        {
            "a.txt": None,
            "docs/a.txt": BOTH,
            "c.txt": None,
            "d.txt": "new\n",
            "logo.bin": BIN[1],
            "keep.txt": "kept, and ours\n",
        },
        kinds={"b.txt": "content"},
        stages={"b.txt": [1, 2, 3]},
        renamed=[["a.txt", "docs/a.txt"]],
    ),
    "binary-changed-on-both-sides": Scenario(
        {"logo.bin": BIN[0]},
        {"logo.bin": BIN[1]},
        [write("logo.bin", BIN[2])],
        4,
        {"logo.bin": BIN[2]},
        kinds={"logo.bin": "binary"},
        stages={"logo.bin": [1, 2, 3]},
    ),
}


@pytest.fixture
def setup(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Scenario], Path]:
    """Release the scenario's two versions, make the repo with `scaffold new` and apply the team's edits."""

    def make(case: Scenario) -> Path:
        lib = tmp_path / "lib"
        _release(lib, "1.0.0", case.v1)
        _release(lib, "2.0.0", case.v2)
        monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
        data = as_json(invoke(*NEW[:1], "svc@1.0.0", *NEW[1:]))
        repo = git.clone(data["repository"]["clone_url"], tmp_path / "orders-api")
        for edit in case.edits:
            edit(repo)
        git.commit_all(repo, "team edits", "2026-02-01T00:00:00+00:00")
        return repo

    return make


def _run(repo: Path, *args: str, ok: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    assert done.returncode in ok, done.stderr
    return done.stdout


def stages(repo: Path) -> dict[str, list[int]]:
    """The index's unmerged paths and their stages (`git ls-files -u`)."""
    found: dict[str, list[int]] = {}
    for line in _run(repo, "ls-files", "-u").splitlines():
        info, path = line.split("\t", 1)
        found.setdefault(path, []).append(int(info.split()[2]))
    return found


def _normal(data: bytes) -> bytes:
    """Content with conflict markers' labels dropped (git and scaffold name the sides differently)."""
    marks = (b"<<<<<<<", b"|||||||", b">>>>>>>")
    return b"".join(line[:7] + b"\n" if line[:7] in marks else line for line in data.splitlines(keepends=True))


def _tree(root: Path) -> dict[str, bytes]:
    return {rel: s.data for rel, s in collect(root).items() if hasattr(s, "data") and not rel.startswith(".scaffold/")}


def git_merge(repo: Path, tmp: Path) -> Path:
    """Plain `git merge` (diff3 markers) of the three trees: the old render, the repo, the new render."""
    rec = record.read(repo)
    runner = Runner(LocalForge(tmp / "forge2"), NullCatalog())
    scratch = tmp / "git-merge"
    _run(tmp, "init", "-q", "-b", "base", str(scratch))
    _run(scratch, "config", "user.email", "t@example.com")
    _run(scratch, "config", "user.name", "t")

    def commit(files: dict[str, bytes], message: str) -> None:
        for child in scratch.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        write_all(scratch, files)
        _run(scratch, "add", "-A")
        _run(scratch, "commit", "-q", "--allow-empty", "-m", message)

    for version, branch in (("1.0.0", "base"), ("2.0.0", "theirs")):
        template = sources.resolve(f"svc@{version}", config.load()).template
        out = tmp / f"render-{version}"
        runner.render(template, resolve(template, GIVEN), out, run_id=rec.run_id, started_at=rec.created_at)
        if branch == "theirs":
            _run(scratch, "checkout", "-q", "-b", "theirs", "base")
        commit(_tree(out), version)
    _run(scratch, "checkout", "-q", "-b", "ours", "base")
    commit(_tree(repo), "ours")
    _run(scratch, "-c", "merge.conflictStyle=diff3", "merge", "-q", "theirs", "-m", "merge", ok=(0, 1))
    return scratch


def write_all(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(name: str, setup: Callable[[Scenario], Path], invoke: Invoke, tmp_path: Path) -> None:
    case = SCENARIOS[name]
    repo = setup(case)
    merged = git_merge(repo, tmp_path)  # the same three trees through a plain git merge
    data = as_json(invoke("upgrade", str(repo), "-o", "json", code=case.code))
    for rel, want in case.tree.items():
        path = repo / rel
        if want is None:
            assert not path.exists(), rel
        else:
            assert path.read_bytes() == (want.encode() if isinstance(want, str) else want), rel
    assert data["conflict_kinds"] == case.kinds
    assert data["conflicts"] == sorted(case.kinds)
    assert stages(repo) == case.stages
    assert data["renamed"] == case.renamed
    files = record.read(repo).files
    assert all((repo / rel).exists() or (repo / rel).is_symlink() for rel in files)  # true to the tree
    assert stages(merged) == (case.stages if case.git_stages is None else case.git_stages)
    assert set(_run(repo, "diff", "--name-only").split()) >= set(case.stages)  # git diff shows each
    ours, theirs = _tree(repo), _tree(merged)
    for rel in case.git_differs:
        ours.pop(rel, None), theirs.pop(rel, None)
    assert {k: _normal(v) for k, v in ours.items()} == {k: _normal(v) for k, v in theirs.items()}

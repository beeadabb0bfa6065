"""Snapshots of public template repositories, and the checkouts both tools render from.

A snapshot is a git repository (bare or not) named `owner+name` in the snapshots folder, as the
`fetch` tool makes them (`owner+name/repo`, sometimes `owner+name/repo/.git`). Each entry is checked
out once at its ref under the work folder and reused by later runs.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

_LOCK = threading.Lock()


class SnapshotMissing(Exception):
    """No snapshot of a repository in the snapshots folder."""


def git_dir(snapshots: Path, name: str) -> Path:
    """The git directory of snapshot `name` (owner+name) under `snapshots`."""
    for candidate in (
        snapshots / name / "repo",
        snapshots / name / "repo" / ".git",
        snapshots / name,
        snapshots / f"{name}.git",
        snapshots / name / ".git",
    ):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    raise SnapshotMissing(f"no snapshot {name} in {snapshots} (make one with the fetch tool; see compat/README.md)")


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SnapshotMissing(f"git {' '.join(args)}: {done.stderr.strip().splitlines()[-1:] or done.returncode}")
    return done.stdout.strip()


def commit_of(snapshots: Path, name: str, ref: str) -> str:
    """The commit `ref` (a tag, branch or commit) names in snapshot `name`."""
    return _git("--git-dir", str(git_dir(snapshots, name)), "rev-parse", "--verify", f"{ref}^{{commit}}")


def checkout(snapshots: Path, name: str, ref: str, work: Path) -> Path:
    """A clone of snapshot `name` with `ref` checked out (detached) under `work`, made once and reused.

    A clone, not an export, so copier sees the tags and the commit as it would on the template's own repository.
    """
    commit = commit_of(snapshots, name, ref)
    dest = work / "src" / f"{name}@{commit[:12]}" / name.split("+", 1)[-1]  # named as the repository, as a clone is
    with _LOCK:
        if (dest / ".git").is_dir():
            return dest
        tmp = dest.with_name(dest.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        _git("clone", "--quiet", "--no-checkout", str(git_dir(snapshots, name)), str(tmp))
        _git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit, cwd=tmp)
        tmp.rename(dest)
    return dest

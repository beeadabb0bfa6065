"""commit_all stages through git's bulk check-in: one pack, the same objects as a plain `git add`."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffolder import git


def _tree(path: Path) -> None:
    files = {
        "README.md": b"# hi\n",
        "src/app.py": b"print(1)\n" * 50,
        "empty.txt": b"",
        "crlf.txt": b"one\r\ntwo\r\n",
        ".gitattributes": b"crlf.txt text eol=lf\n",
        ".gitignore": b"ignored.log\n",
        "ignored.log": b"not committed\n",
        "bin/run.sh": b"#!/bin/sh\necho hi\n",
    }
    for rel, data in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_bytes(data)
    (path / "bin/run.sh").chmod(0o755)
    (path / "link").symlink_to("README.md")


def test_the_tree_is_what_a_plain_git_add_gives_and_goes_into_a_pack(tmp_path: Path) -> None:
    ours, plain = tmp_path / "ours", tmp_path / "plain"
    for work in (ours, plain):
        work.mkdir()
        _tree(work)
        git.init(work)
    git.commit_all(ours, "m", "2026-01-01T00:00:00+00:00")
    subprocess.run(["git", "add", "--all"], cwd=plain, check=True)
    expected = subprocess.run(["git", "write-tree"], cwd=plain, check=True, capture_output=True, text=True).stdout
    assert git.tree_sha(ours) == expected.strip()
    assert list((ours / ".git/objects/pack").glob("*.pack"))

    def loose(rel: str) -> bool:
        sha = subprocess.run(["git", "hash-object", rel], cwd=ours, check=True, capture_output=True, text=True)
        return (ours / ".git/objects" / sha.stdout[:2] / sha.stdout.strip()[2:]).exists()

    assert not loose("src/app.py") and not loose("README.md") and not loose("bin/run.sh")  # packed
    assert loose("crlf.txt")  # git converts it (eol), so it takes the usual way
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=ours, capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stderr

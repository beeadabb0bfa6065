"""git processes and the process-wide working folder that foreign renderers change."""

from __future__ import annotations

import os
from pathlib import Path

from scaffolder import git
from scaffolder.git_process import pinned_cwd


def test_git_started_while_a_render_moved_the_working_folder_still_runs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git.init(repo)
    (repo / "a.txt").write_text("a\n")
    git.commit_all(repo, "first", "2026-01-01T00:00:00+00:00")
    bare = tmp_path / "bare.git"
    git.init_bare(bare)
    git.push(repo, str(bare), ["main"])
    gone = tmp_path / "task-folder"
    gone.mkdir()
    home = Path.cwd()
    with pinned_cwd():
        os.chdir(gone)  # what a copier task or cookiecutter hook does to the whole process...
        gone.rmdir()  # ...and then its temporary folder is deleted while another thread runs git
        try:
            assert git.rev_parse(repo, "HEAD") is not None
            assert git.rev_parse(bare, "HEAD", bare=True) is not None
        finally:
            os.chdir(home)

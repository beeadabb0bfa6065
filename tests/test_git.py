"""The git helpers against real git: deterministic commits, bare repos, pushes and clean errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.errors import ForgeError

DATE = "2026-01-01T00:00:00+00:00"


def make_tree(path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    return path


def test_same_content_and_date_give_the_same_commit(tmp_path: Path) -> None:
    shas = []
    for name in ("a", "b"):
        work = make_tree(tmp_path / name, {"README.md": "# hi\n", "src/app.py": "print(1)\n"})
        assert git.init(work) is True
        shas.append(git.commit_all(work, "Create app", DATE))
    assert shas[0] == shas[1]
    assert git.head_branch(tmp_path / "a", bare=False) == "main"


def test_different_date_or_content_gives_another_commit(tmp_path: Path) -> None:
    def commit(name: str, text: str, date: str) -> str:
        work = make_tree(tmp_path / name, {"f.txt": text})
        git.init(work)
        return git.commit_all(work, "m", date)

    base = commit("a", "x", DATE)
    assert commit("b", "x", "2026-01-02T00:00:00+00:00") != base
    assert commit("c", "y", DATE) != base


def test_commit_all_is_a_no_op_when_nothing_changed(tmp_path: Path) -> None:
    work = make_tree(tmp_path / "w", {"f.txt": "x"})
    git.init(work)
    first = git.commit_all(work, "m", DATE)
    assert git.init(work) is False
    assert git.commit_all(work, "m", DATE) == first
    (work / "g.txt").write_text("new")
    second = git.commit_all(work, "m2", DATE)
    assert second != first
    assert git.is_ancestor(work, first, second, bare=False)


def test_commit_uses_the_given_date_and_identity(tmp_path: Path) -> None:
    work = make_tree(tmp_path / "w", {"f.txt": "x"})
    git.init(work)
    who = git.Identity("Ada", "ada@example.test")
    sha = git.commit_all(work, "m", "2026-03-04T05:06:07+02:00", author=who, committer=who)
    shown = subprocess.run(
        ["git", "-C", str(work), "show", "-s", "--format=%an <%ae>|%aI|%cI", sha],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == "Ada <ada@example.test>|2026-03-04T05:06:07+02:00|2026-03-04T05:06:07+02:00"


def test_identity_prefers_env_then_git_config_then_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert git.identity() == git.Identity("Test Engineer", "engineer@example.test")  # conftest env
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(var)
    assert git.identity() == git.Identity("scaffold", "scaffold@localhost")
    work = make_tree(tmp_path / "w", {"f": "x"})
    git.init(work)
    subprocess.run(["git", "-C", str(work), "config", "user.name", "Configured"], check=True)
    subprocess.run(["git", "-C", str(work), "config", "user.email", "c@example.test"], check=True)
    assert git.identity(worktree=work) == git.Identity("Configured", "c@example.test")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "From Env")  # as in git itself, env beats config
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "env@example.test")
    assert git.identity(worktree=work) == git.Identity("From Env", "env@example.test")


def test_bare_repo_push_read_and_branches(tmp_path: Path) -> None:
    bare = tmp_path / "r.git"
    git.init_bare(bare)
    assert git.head_branch(bare) == "main"
    assert git.list_branches(bare) == []
    work = make_tree(tmp_path / "w", {"README.md": "hello\n", "docs/a.md": "a"})
    git.init(work)
    sha = git.commit_all(work, "m", DATE)
    git.push(work, bare.as_uri(), ["HEAD:refs/heads/main", "HEAD:refs/heads/feature"])
    assert git.list_branches(bare) == ["feature", "main"]
    assert git.rev_parse(bare, "refs/heads/main", bare=True) == sha
    assert git.tree_sha(bare, "main", bare=True) == git.tree_sha(work)
    assert git.read_file(bare, "main", "README.md") == b"hello\n"
    assert git.read_file(bare, "main", "docs/a.md") == b"a"
    assert git.read_file(bare, "main", "docs") is None  # a tree, not a file
    assert git.read_file(bare, "main", "missing") is None
    assert git.read_file(bare, "nope", "README.md") is None
    clone = git.clone(bare.as_uri(), tmp_path / "clone", branch="feature")
    assert (clone / "README.md").read_text() == "hello\n"


def test_rejected_push_is_a_one_line_forge_error_without_secrets(tmp_path: Path) -> None:
    bare = tmp_path / "r.git"
    git.init_bare(bare)
    for name, text in (("a", "one"), ("b", "two")):
        work = make_tree(tmp_path / name, {"f": text})
        git.init(work)
        git.commit_all(work, "m", DATE)
    git.push(tmp_path / "a", bare.as_uri(), ["HEAD:refs/heads/main"])
    env = git.extra_header_env("Authorization: Bearer s3cr3t-token-value")
    with pytest.raises(ForgeError) as info:
        git.push(tmp_path / "b", bare.as_uri(), ["HEAD:refs/heads/main"], env=env)
    message = str(info.value)
    assert message.startswith("git push failed: ! [rejected]")
    assert "\n" not in message
    assert "s3cr3t" not in message


def test_errors_never_show_url_credentials(tmp_path: Path) -> None:
    with pytest.raises(ForgeError) as info:
        git.clone("https://user:hunter2@127.0.0.1:1/missing.git", tmp_path / "c")  # refused
    assert "hunter2" not in str(info.value)
    assert git._redact("fatal: https://bot:tok123@host/x", ["Bearer abcdefgh"]) == ("fatal: https://***@host/x")


def test_work_tree_helpers_refuse_a_folder_that_is_not_a_repo(tmp_path: Path) -> None:
    # Even inside another repository, a plain folder is not treated as part of it.
    outer = make_tree(tmp_path / "outer", {"f": "x"})
    git.init(outer)
    inner = make_tree(outer / "inner", {"g": "y"})
    with pytest.raises(ForgeError, match="not a git work tree"):
        git.commit_all(inner, "m", DATE)


def test_bad_date_is_a_forge_error(tmp_path: Path) -> None:
    work = make_tree(tmp_path / "w", {"f": "x"})
    git.init(work)
    with pytest.raises(ForgeError, match="ISO 8601"):
        git.commit_all(work, "m", "yesterday")
    assert git.git_date("2026-01-01T00:00:00") == "1767225600 +0000"
    assert git.git_date("2026-01-01T00:00:00-05:30") == "1767245400 -0530"


def test_commits_between_names_authors_and_committers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = make_tree(tmp_path / "w", {"f": "1"})
    git.init(work)
    base = git.commit_all(work, "base", DATE)
    (work / "f").write_text("2")
    bot = git.Identity("bot", "bot@example.test")
    first = git.commit_all(work, "by the bot", DATE, author=bot, committer=bot)
    (work / "f").write_text("3")
    second = git.commit_all(work, "by a human", DATE)
    assert git.commits_between(work, base, "HEAD", bare=False) == [
        (first, "bot@example.test", "bot@example.test"),
        (second, "engineer@example.test", "engineer@example.test"),
    ]
    assert git.commits_between(work, "HEAD", "HEAD", bare=False) == []
    with pytest.raises(ForgeError, match="git log failed"):
        git.commits_between(work, "nope", "HEAD", bare=False)


def test_a_git_dir_beside_the_work_tree_gives_the_same_commit(tmp_path: Path) -> None:
    """repo:create's way: the repository lives outside the folder it records; nothing is written in it."""
    plain = make_tree(tmp_path / "plain", {"README.md": "# hi\n", "src/app.py": "print(1)\n"})
    git.init(plain)
    expected = git.commit_all(plain, "Create app", DATE)
    work = make_tree(tmp_path / "ws", {"README.md": "# hi\n", "src/app.py": "print(1)\n"})
    git_dir = tmp_path / "ws.git"
    assert git.init(work, git_dir=git_dir) is True and git.is_repository(git_dir)
    assert git.commit_all(work, "Create app", DATE, git_dir=git_dir) == expected
    assert git.init(work, git_dir=git_dir) is False  # kept when whole
    assert sorted(p.name for p in work.iterdir()) == ["README.md", "src"]
    bare = tmp_path / "remote.git"
    git.init_bare(bare)
    git.push(git_dir, bare.as_uri(), ["HEAD:refs/heads/main"])
    assert git.rev_parse(bare, "refs/heads/main", bare=True) == expected


def test_an_inherited_git_dir_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a git hook, scaffold still works on the repository each helper names."""
    other = make_tree(tmp_path / "other", {"x": "x\n"})
    git.init(other)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    work = make_tree(tmp_path / "work", {"f.txt": "f\n"})
    git.init(work)
    sha = git.commit_all(work, "m", DATE)
    assert git.rev_parse(work, "HEAD") == sha and git.rev_parse(other, "HEAD") is None


def test_a_repository_whose_config_runs_commands_runs_none(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    work = make_tree(tmp_path / "work", {"f.txt": "f\n", ".gitattributes": "* filter=evil\n"})
    git.init(work)
    with (work / ".git" / "config").open("a") as config:
        config.write(f'[core]\n\tfsmonitor = "touch {marker}"\n[filter "evil"]\n\tclean = "touch {marker}; cat"\n')
        config.write(f'\trequired = true\n[url "ext::sh -c touch% {marker}% #"]\n\tinsteadOf = file://\n')
    sha = git.commit_all(work, "m", DATE)
    assert git.dirty_paths(work) == [] and git.changed_paths(work, sha) == {}
    with pytest.raises(ForgeError):  # the push URL is rewritten to ext::, which is refused
        git.push(work, (tmp_path / "r.git").as_uri(), ["HEAD:refs/heads/main"])
    assert not marker.exists()

"""Trees on disk: write a scenario's files, read a result back, compare it with the expectation, and
find what a tool flagged for a human (markers, `.rej` files, unmerged index entries)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from upgrades_corpus.model import Conflicted, Expected, File, Tree

# What each tool keeps about its origin; not part of the project's files.
IGNORED_PREFIXES = (".git/", ".scaffold/", ".cruft.json", ".copier-answers.yml")
REPORT_SUFFIXES = (".rej", ".orig")  # how cruft (and `git apply --reject`) reports a hunk it could not apply
MARKER = b"<<<<<<< "


def write(root: Path, files: Mapping[str, File], suffix_for: dict[str, str] | None = None) -> None:
    """Write `files` under `root` with their modes (a suffix per path when the format needs one)."""
    for rel, f in files.items():
        path = root / f"{rel}{(suffix_for or {}).get(rel, '')}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.data)
        path.chmod(0o755 if f.exec else 0o644)


def clear(root: Path) -> None:
    """Remove every file under `root` but `.git/` (a template's next version is written from scratch)."""
    for path in sorted(root.rglob("*"), reverse=True):
        rel = path.relative_to(root).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()


def read(root: Path) -> tuple[Tree, list[str]]:
    """The project's files under `root` and the reject files beside them (tool bookkeeping left out)."""
    files: Tree = {}
    rejects: list[str] = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel.startswith(IGNORED_PREFIXES):
            continue
        if rel.endswith(REPORT_SUFFIXES):
            rejects.append(rel)
            continue
        files[rel] = File(path.read_bytes(), bool(path.stat().st_mode & 0o100))
    return files, sorted(rejects)


def has_markers(f: File) -> bool:
    return any(line.startswith(MARKER) for line in f.data.splitlines(keepends=True))


def compare(expected: Expected, found: Tree) -> list[str]:
    """Differences between a result and the expectation: paths, bytes, exec bits; an expected conflict
    matches any content holding conflict markers."""
    problems = [f"missing {p}" for p in sorted(expected.keys() - found.keys())]
    problems += [f"unexpected {p}" for p in sorted(found.keys() - expected.keys())]
    for path in sorted(expected.keys() & found.keys()):
        want, got = expected[path], found[path]
        if isinstance(want, Conflicted):
            if not has_markers(got):
                problems.append(f"no markers in {path}")
        elif want.data != got.data:
            problems.append(f"bytes differ in {path}")
        elif want.exec != got.exec:
            problems.append(f"exec bit differs on {path}")
    return problems


def git_env(home: Path) -> dict[str, str]:
    """An environment where git, scaffold and the peers see no user configuration."""
    drop = {"PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "PYTHONPATH"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("SCAFFOLD_", "GIT_"))}
    home.mkdir(parents=True, exist_ok=True)
    gitconfig = home / ".gitconfig"
    if not gitconfig.exists():
        gitconfig.write_text("[user]\n\tname = corpus\n\temail = corpus@example.com\n[init]\n\tdefaultBranch = main\n")
    (home / "no-config.toml").touch()
    env.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        SCAFFOLD_CONFIG=str(home / "no-config.toml"),
        SCAFFOLD_HOME=str(home / "scaffold-home"),
    )
    return env


def git(args: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check)


def commit_all(root: Path, env: dict[str, str], message: str, tag: str | None = None) -> None:
    if not (root / ".git").exists():
        git(["init", "-q", "-b", "main"], root, env)
    git(["add", "-A"], root, env)
    git(["commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", message], root, env)
    if tag:
        git(["tag", tag], root, env)


def unmerged(root: Path, env: dict[str, str]) -> list[str]:
    """Paths git's index holds unmerged with a side (stage 2 or 3): what `git status` shows as needing a
    merge (a rename's old path, held only at stage 1, is left out)."""
    out = git(["ls-files", "-u", "-z"], root, env, check=False).stdout
    entries = [entry.split("\t", 1) for entry in out.split("\0") if "\t" in entry]
    return sorted({path for meta, path in entries if meta.split()[-1] in ("2", "3")})


def flagged(root: Path, env: dict[str, str], files: Tree, rejects: list[str]) -> set[str]:
    """Paths any tool made visible as needing a human: markers, a reject file, an unmerged index entry."""
    out = {p for p, f in files.items() if not f.binary and has_markers(f)}
    out |= {r.rsplit(".", 1)[0] for r in rejects}
    if (root / ".git").exists():
        out |= set(unmerged(root, env))
    return out

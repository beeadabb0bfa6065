"""Thin helpers over git for work trees and bare repos: scaffold's one git layer (the forges push
and clone through it too).

Each helper runs one `git` process directly (`subprocess`), with git's messages in English
(`LC_ALL=C`); see docs/architecture.md for why scaffold does not use GitPython.

Every git process runs through `scaffolder.git_process`: each failure becomes a one-line
`ForgeError` (the subcommand and git's most telling stderr line, credentials redacted), and
everything in a repository's config that could run a command is switched off (see there).
Besides, scaffold never runs git in a repository a template could have written: no rendered path
may name `.git` (`scaffolder.paths`), and the workspace is committed through a git dir scaffold
makes beside it (`init`/`commit_all` with `git_dir`, see `ActionContext.git_dir`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from scaffolder.errors import ForgeError
from scaffolder.git_process import GitFailed, _bare, _git, _no_filters, _wt, repo_args
from scaffolder.git_process import _redact as _redact  # re-exported: tests check the redaction here

__all__ = ["GitFailed"]

DEFAULT_NAME = "scaffold"
DEFAULT_EMAIL = "scaffold@localhost"


@dataclass(frozen=True)
class Identity:
    """A commit author or committer."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def is_worktree(path: Path) -> bool:
    """True when `path` itself is the top of a git work tree."""
    return (path / ".git").exists()


def init(worktree: Path, branch: str = "main", git_dir: Path | None = None) -> bool:
    """Make `worktree` a git work tree on `branch` unless it is one; True when it was created.

    With `git_dir`, the repository is made there instead (a bare-layout folder, never inside the
    work tree) and used with `--work-tree`; a folder that is not a whole repository (one left half
    made by a full disk or a kill) is made again, so a resumed run can always commit.
    """
    if git_dir is not None:
        worktree.mkdir(parents=True, exist_ok=True)
        if is_repository(git_dir):
            return False
        if git_dir.exists():
            import shutil

            shutil.rmtree(git_dir)
        init_bare(git_dir, branch)
        _git(["--git-dir", str(git_dir), "config", "core.bare", "false"])
        return True
    if is_worktree(worktree):
        return False
    worktree.mkdir(parents=True, exist_ok=True)
    _git(["-C", str(worktree), "init", "--quiet", "-b", branch])
    return True


def is_repository(git_dir: Path) -> bool:
    """True when `git_dir` is a whole git repository git can read (HEAD, config, objects, refs)."""
    if not (git_dir / "HEAD").is_file():
        return False
    status, _ = _git(["--git-dir", str(git_dir), "rev-parse", "--git-dir"], ok=(0, 128))
    if status != 0:
        return False
    status, _ = _git(
        ["--git-dir", str(git_dir), "fsck", "--connectivity-only", "--no-dangling", "--no-progress"], ok=range(256)
    )
    return status == 0


def init_bare(path: Path, branch: str = "main") -> None:
    """Create a bare repository at `path` whose HEAD names `branch`."""
    _git(["init", "--quiet", "--bare", "-b", branch, str(path)])


def _config(key: str, cwd: Path | None) -> str | None:
    args = ["-C", str(cwd)] if cwd is not None and cwd.is_dir() else []
    _, out = _git([*args, "config", "--get", key], ok=(0, 1))
    value = str(out).strip()
    return value or None


def identity(role: str = "author", worktree: Path | None = None) -> Identity:
    """Commit identity in git's own order: `GIT_AUTHOR_*` (or `GIT_COMMITTER_*`) from the
    environment, else git config `user.*`, else `scaffold <scaffold@localhost>`."""
    prefix = "GIT_COMMITTER" if role == "committer" else "GIT_AUTHOR"
    name = os.environ.get(f"{prefix}_NAME") or _config("user.name", worktree) or DEFAULT_NAME
    email = os.environ.get(f"{prefix}_EMAIL") or _config("user.email", worktree) or DEFAULT_EMAIL
    return Identity(name, email)


def git_date(iso: str) -> str:
    """ISO 8601 (naive means UTC) to git's internal `<unix seconds> <+hhmm>` date format."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        raise ForgeError(f"not an ISO 8601 date: {iso!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    return f"{int(when.timestamp())} {sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def rev_parse(path: Path, rev: str, bare: bool = False) -> str | None:
    """The object a revision names, or None when it does not resolve."""
    where = _bare(path) if bare else _wt(path)
    args = [*where, "rev-parse", "--verify", "--quiet", "--end-of-options", rev]
    status, out = _git(args, ok=(0, 1))
    return str(out).strip() if status == 0 else None


def tree_sha(path: Path, ref: str = "HEAD", bare: bool = False) -> str | None:
    """The tree SHA of a commit-ish in a work tree (or a bare repo), or None when it is absent."""
    return rev_parse(path, f"{ref}^{{tree}}", bare=bare)


def commit_all(
    worktree: Path,
    message: str,
    date: str,
    author: Identity | None = None,
    committer: Identity | None = None,
    git_dir: Path | None = None,
) -> str:
    """Stage everything and commit on HEAD with a fixed date; returns the commit SHA.

    When the staged tree equals HEAD's tree nothing is committed and HEAD is returned, so a rerun
    is a no-op. The same tree, message, identities, date and parent always give the same SHA.
    With `git_dir` (see `init`), that repository records `worktree`'s files.
    """
    where = _wt(worktree, git_dir)
    # Files above core.bigFileThreshold are streamed into one pack instead of a loose object each
    # (git's bulk check-in; a file git would convert, e.g. for line endings, still goes the usual
    # way): the same objects, far fewer files to create, and a push that reuses the pack as it is.
    _git([*where, "-c", "core.bigFileThreshold=1", "add", "--all"])
    _, tree = _git([*where, "write-tree"])
    # HEAD's commit and tree in one process (none yet: exit 128); `--` makes both revisions, never paths.
    status, out = _git([*where, "rev-parse", "HEAD^{commit}", "HEAD^{tree}", "--"], ok=(0, 128))
    head = [line for line in str(out).split() if line != "--"] if status == 0 else []
    parent = head[0] if len(head) >= 2 else None
    if parent is not None and head[1] == str(tree).strip():
        return parent
    author = author or identity("author", None if git_dir else worktree)
    committer = committer or identity("committer", None if git_dir else worktree)
    stamp = git_date(date)
    env = {
        "GIT_AUTHOR_NAME": author.name,
        "GIT_AUTHOR_EMAIL": author.email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": committer.name,
        "GIT_COMMITTER_EMAIL": committer.email,
        "GIT_COMMITTER_DATE": stamp,
    }
    parents = ["-p", parent] if parent else []
    args = [*where, "commit-tree", "--no-gpg-sign", str(tree).strip(), *parents, "-m", message]
    _, sha = _git(args, env=env)
    commit = str(sha).strip()
    _git([*where, "update-ref", "HEAD", commit, *([parent] if parent else [])])
    return commit


def push(
    worktree: Path,
    url: str,
    refspecs: Sequence[str],
    env: Mapping[str, str] | None = None,
    force: bool = False,
    lease: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> None:
    """Push refspecs from a work tree (or a git dir scaffold made) to `url`; `env` carries auth
    (see `extra_header_env`), never the URL. A failed push raises `GitFailed` (with git's output).

    `lease` maps a ref to the commit it must still point at ("" = must not exist) for the push
    to overwrite it (`--force-with-lease`): a commit someone pushed meanwhile is never lost.
    """
    if not refspecs:
        raise ForgeError("nothing to push: no refspecs given")
    if any(r.startswith("-") for r in refspecs):
        raise ForgeError(f"invalid refspec in {list(refspecs)!r}")
    flags = lease_flags(lease) if lease else (["--force"] if force else [])
    _git([*repo_args(worktree), "push", "--quiet", *flags, url, *refspecs], env=env, timeout=timeout)


def lease_flags(lease: Mapping[str, str]) -> list[str]:
    """`--force-with-lease=REF:EXPECTED` flags (an empty EXPECTED means the ref must not exist)."""
    return [f"--force-with-lease={ref}:{expected}" for ref, expected in lease.items()]


def fetch(worktree: Path, url: str, refspecs: Sequence[str], env: Mapping[str, str] | None = None) -> None:
    """Fetch refspecs from `url` into the work tree's repository."""
    _git([*repo_args(worktree), "fetch", "--quiet", "--no-tags", url, *refspecs], env=env)


def clone(
    url: str,
    dest: Path,
    branch: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Path:
    """Clone `url` into `dest` (which must not exist or be empty); returns `dest`."""
    args = ["clone", "--quiet", *(["--branch", branch] if branch else []), "--", url, str(dest)]
    _git(args, env=env, timeout=timeout)
    return dest


def extra_header_env(header: str) -> dict[str, str]:
    """Environment that adds one HTTP header (e.g. `Authorization: ...`) to git's requests.

    Uses `GIT_CONFIG_COUNT`, so the secret lives only in the child process's environment.
    """
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": header,
    }


def read_file(repo: Path, ref: str, path: str) -> bytes | None:
    """One file's bytes at `ref` in a bare repo, or None when the ref or the file is absent or not a
    file. One git process (`cat-file --batch`; the name comes on stdin, never as an option):
    `migrate status` reads a record from every repo of a fleet."""
    spec = f"{ref}:{path.lstrip('/')}"
    if "\n" in spec:
        return None
    _, out = _git([*_bare(repo), "cat-file", "--batch"], binary=True, stdin=spec.encode() + b"\n")
    data = out if isinstance(out, bytes) else out.encode()
    header, _, rest = data.partition(b"\n")
    fields = header.split(b" ")
    if len(fields) != 3 or fields[1] != b"blob" or not fields[2].isdigit():
        return None  # `NAME missing`, `NAME ambiguous`, or a tree
    return rest[: int(fields[2])]


def list_branches(repo: Path, bare: bool = True) -> list[str]:
    """Branch names (without `refs/heads/`), sorted."""
    where = _bare(repo) if bare else _wt(repo)
    _, out = _git([*where, "for-each-ref", "--format=%(refname:strip=2)", "refs/heads/"])
    return sorted(line for line in str(out).splitlines() if line)


def head_branch(repo: Path, bare: bool = True) -> str | None:
    """The branch HEAD points at (even when it has no commit yet), or None when detached. A bare
    repo's HEAD file is read as git writes it (`ref: refs/heads/NAME`) without starting git: a
    campaign looks up every repo of the fleet."""
    if bare:
        try:
            text = (repo / "HEAD").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        name = text.removeprefix("ref: refs/heads/").removesuffix("\n")
        if text.startswith("ref: refs/heads/") and text.endswith("\n") and name and not any(c in name for c in "\n\r "):
            return name
    where = _bare(repo) if bare else _wt(repo)
    status, out = _git([*where, "symbolic-ref", "--quiet", "--short", "HEAD"], ok=(0, 1))
    return str(out).strip() if status == 0 else None


def is_ancestor(repo: Path, ancestor: str, descendant: str, bare: bool = True) -> bool:
    """True when commit `ancestor` is reachable from `descendant` (or equal to it)."""
    where = _bare(repo) if bare else _wt(repo)
    status, _ = _git([*where, "merge-base", "--is-ancestor", ancestor, descendant], ok=(0, 1))
    return status == 0


def merge_into(repo: Path, base: str, head_sha: str, message: str, who: Identity | None = None) -> str:
    """Merge `head_sha` into branch `base` of a bare repo with a real merge commit; returns it.

    Uses `git merge-tree --write-tree` (no work tree needed); a conflicting merge raises
    ForgeError naming the conflicted files and changes nothing.
    """
    where = _bare(repo)
    base_sha = rev_parse(repo, f"refs/heads/{base}", bare=True)
    if base_sha is None:
        raise ForgeError(f"cannot merge: no branch {base} in {repo}")
    status, out = _git([*where, "merge-tree", "--write-tree", "--name-only", base_sha, head_sha], ok=(0, 1))
    lines = str(out).splitlines()
    if status == 1:
        files = [line for line in lines[1:] if line and not line.startswith(("Auto-merging", "CONFLICT"))]
        raise ForgeError(f"cannot merge into {base}: conflicts in {', '.join(files) or 'some files'}")
    who = who or identity("committer")
    env = {
        "GIT_AUTHOR_NAME": who.name,
        "GIT_AUTHOR_EMAIL": who.email,
        "GIT_COMMITTER_NAME": who.name,
        "GIT_COMMITTER_EMAIL": who.email,
    }
    _, sha = _git(
        [*where, "commit-tree", "--no-gpg-sign", lines[0], "-p", base_sha, "-p", head_sha, "-m", message], env=env
    )
    commit = str(sha).strip()
    _git([*where, "update-ref", f"refs/heads/{base}", commit, base_sha])
    return commit


def merges_cleanly(repo: Path, base: str, head: str) -> bool:
    """Whether commit `head` merges into commit `base` of a bare repo without conflicts."""
    status, _ = _git([*_bare(repo), "merge-tree", "--write-tree", "--name-only", base, head], ok=(0, 1))
    return status == 0


def commits_between(repo: Path, base: str, head: str, bare: bool = True) -> list[tuple[str, str, str]]:
    """(sha, author email, committer email) of each commit in `head` not in `base`, oldest first."""
    where = _bare(repo) if bare else _wt(repo)
    _, out = _git(
        [*where, "log", "--no-show-signature", "--reverse", "--format=%H%x00%ae%x00%ce", f"{base}..{head}", "--"]
    )
    return [(sha, author, committer) for sha, author, committer in (line.split("\0") for line in str(out).splitlines())]


def checkout_new(worktree: Path, branch: str) -> None:
    """Create (or reset) `branch` at HEAD and check it out, keeping the work tree's changes."""
    _git([*_wt(worktree), "checkout", "--quiet", "-B", branch])


def merge_file(
    ours: bytes,
    base: bytes,
    theirs: bytes,
    labels: tuple[str, str, str] = ("ours", "base", "theirs"),
    style: Literal["merge", "diff3", "zdiff3"] = "merge",
) -> tuple[bytes, int]:
    """Three-way merge of one file's contents with `git merge-file -p`; returns (merged, conflicts).

    `conflicts` is the number of conflicting hunks (0: a clean merge); they are marked in the result
    with git's standard `<<<<<<<`, `=======`, `>>>>>>>` lines, labelled with `labels` (ours, base,
    theirs). `style` `diff3` (or `zdiff3`) adds the base between `|||||||` and `=======`.
    Text only: callers keep binary files out.
    """
    import tempfile

    flags = [] if style == "merge" else [f"--{style}"]
    with tempfile.TemporaryDirectory(prefix="scaffold-merge-") as tmp:
        paths = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_bytes(data)
            paths.append(str(path))
        label_args = [arg for label in labels for arg in ("-L", label)]
        status, out = _git(["merge-file", "-p", *flags, *label_args, *paths], ok=range(0, 128), binary=True)
    merged = out if isinstance(out, bytes) else out.encode()
    return merged, status


def list_files(worktree: Path) -> list[str]:
    """Files git tracks or would track in a work tree (ignored ones left out), as POSIX paths.

    Tracked files deleted from the work tree are listed too; callers check what exists.
    """
    _, out = _git([*_wt(worktree), "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    return sorted(set(p for p in str(out).split("\0") if p))


def dirty_paths(worktree: Path) -> list[str]:
    """Paths with uncommitted changes, untracked (not ignored) files included; empty when clean."""
    _, out = _git([*_wt(worktree), "status", "--porcelain=v1", "-z", "--untracked-files=all"])
    entries = str(out).split("\0")
    paths: list[str] = []
    skip = False
    for entry in entries:
        if skip:  # the source path of a rename or copy
            skip = False
            continue
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        skip = entry[0] in "RC"
    return paths


# --- template libraries: release tags, archives, mirrors (scaffolder.sources)

MIRROR_HEAD = "refs/scaffold/head"  # where `mirror` keeps the remote's HEAD


def list_tags(repo: Path, prefix: str = "", bare: bool = False) -> dict[str, tuple[str, str | None]]:
    """Tags under `refs/tags/PREFIX` -> (commit SHA, date YYYY-MM-DD); annotated tags are peeled."""
    where = _bare(repo) if bare else _wt(repo)
    fmt = "%(refname:strip=2) %(objectname) %(*objectname) %(creatordate:short)"
    _, out = _git([*where, "for-each-ref", f"--format={fmt}", "refs/tags/"])
    tags: dict[str, tuple[str, str | None]] = {}
    for line in str(out).splitlines():
        parts = line.split(" ")
        if len(parts) != 4 or not parts[0].startswith(prefix):
            continue
        name, obj, peeled, date = parts
        tags[name] = (peeled or obj, date or None)
    return tags


def tree_dirs(repo: Path, rev: str, bare: bool = False) -> list[str]:
    """Names of the top-level folders of commit `rev`."""
    where = _bare(repo) if bare else _wt(repo)
    _, out = _git([*where, "ls-tree", "-d", "--name-only", rev])
    return [line for line in str(out).splitlines() if line]


def tree_files(repo: Path, rev: str, paths: Sequence[str], bare: bool = False, recursive: bool = False) -> list[str]:
    """Which of `paths` (exact paths, no patterns) are files or folders in commit `rev` (with
    `recursive`, the files under them), in one process."""
    if not paths:
        return []
    where = _bare(repo) if bare else _wt(repo)
    _, out = _git([*where, "ls-tree", *(["-r"] if recursive else []), "--name-only", "--full-tree", rev, "--", *paths])
    return [line for line in str(out).splitlines() if line]


def archive(repo: Path, rev: str, path: str, dest: Path, bare: bool = False, subtree: bool = False) -> None:
    """Extract folder `path` of commit `rev` (with `git archive`) under `dest`, as `dest/PATH`.

    With `subtree`, git archives the folder's own tree (`REV:PATH`), so a partial clone fetches
    the files of that folder only; the repository's top `.gitattributes` then does not apply.
    """
    import io
    import tarfile

    where = [*_bare(repo), *_no_filters(_bare(repo), repo / "config")] if bare else _wt(repo)
    folder = path.strip("/")
    if not subtree:
        what = [rev, folder + "/"]
    elif folder in ("", "."):
        what = [f"{rev}^{{tree}}"]
    else:
        what = [f"--prefix={folder}/", f"{rev}:{folder}"]
    _, out = _git([*where, "archive", "--format=tar", *what], binary=True)
    data = out if isinstance(out, bytes) else out.encode()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


# --- comparing a work tree with a ref (scaffolder.lint's --base) ---------------------------------


def toplevel(path: Path) -> Path | None:
    """The top folder of the git work tree holding `path`, or None when it is in none."""
    status, out = _git(["-C", str(path), "rev-parse", "--show-toplevel"], ok=(0, 128))
    return Path(str(out).strip()) if status == 0 and str(out).strip() else None


def show(worktree: Path, ref: str, path: str) -> bytes | None:
    """One file's bytes at `ref` in a work tree's repository, or None when the ref or file is absent."""
    sha = rev_parse(worktree, f"{ref}:{path.lstrip('/')}")
    if sha is None:
        return None
    _, kind = _git([*_wt(worktree), "cat-file", "-t", sha])
    if str(kind).strip() != "blob":
        return None
    _, out = _git([*_wt(worktree), "cat-file", "blob", sha], binary=True)
    return out if isinstance(out, bytes) else out.encode()


def changed_paths(worktree: Path, ref: str, subdir: str = ".") -> dict[str, str]:
    """Paths under `subdir` that differ between commit `ref` and the work tree, untracked (not
    ignored) files included, each with its status: `A` added, `D` deleted, `M` modified (`T` a
    type change). Paths are relative to the work tree's top; renames count as a deletion and an
    addition."""
    where = _wt(worktree)
    diff = ["diff", "--no-renames", "--no-ext-diff", "--no-textconv", "--name-status", "-z", ref, "--", subdir]
    _, out = _git([*where, *diff])
    parts = [p for p in str(out).split("\0") if p]
    changed = {parts[i + 1]: parts[i][0] for i in range(0, len(parts) - 1, 2)}
    _, untracked = _git([*where, "ls-files", "-z", "--others", "--exclude-standard", "--", subdir])
    changed.update({p: "A" for p in str(untracked).split("\0") if p})
    return changed


# --- release tags (scaffolder.guild.release) -----------------------------------------------------


def tag(worktree: Path, name: str, rev: str = "HEAD", message: str | None = None) -> str:
    """Create the tag `name` on commit `rev` (annotated when `message` is given) and return the
    commit. An existing tag is an error: release tags are never moved."""
    commit = rev_parse(worktree, f"{rev}^{{commit}}")
    if commit is None:
        raise ForgeError(f"{rev} is not a commit in {worktree}")
    who = identity("committer", worktree)
    env = {"GIT_COMMITTER_NAME": who.name, "GIT_COMMITTER_EMAIL": who.email}
    annotate = ["-a", "--no-sign", "-m", message] if message else []
    _git([*_wt(worktree), "tag", *annotate, "--", name, commit], env=env)
    return commit

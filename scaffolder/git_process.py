"""Running one git process: English messages, no prompt, no pager, and nothing from a repository's
config that runs a command; every failure becomes a one-line `ForgeError`.

git runs on template content (the workspace, clones and mirrors of template libraries, a folder
the user pointed at), and a repository's own config and files can make git run commands. Every
git process scaffold starts (`_git`) therefore gets, on its command line (which outranks every
config file), the switches that turn those off:

- `core.fsmonitor=false`: no file-system monitor command (status, diff, add run it otherwise);
- `core.hooksPath=/dev/null`: no hook runs, whatever `.git/hooks` or the config says;
- `protocol.ext.allow=never`: no `ext::` URL (a command line) as a remote, even through `insteadOf`;
- `safe.bareRepository=explicit`: a folder that merely looks like a bare repository (a template's
  `HEAD`, `config`, `objects/`) is never taken for one; scaffold names its repositories (`--git-dir`);
- `core.alternateRefsCommand=true`: no command from a repository that borrows another's objects;
- `diff.external` and diff drivers: every diff runs with `--no-ext-diff --no-textconv`;
- filter drivers (`filter.X.clean`/`smudge`/`process`, named by a template's `.gitattributes`):
  every command on a work tree (and `archive`) switches off each driver the repository's own
  config (`--local`) defines (`_no_filters`, asked once per repository and config change);
  drivers from the user's global config (e.g. git-lfs) stay, as does `core.sshCommand`;
- `GIT_DIR`, `GIT_WORK_TREE` and the like are dropped from the environment, so a repository is
  always the one the helper names, never one inherited from a calling hook.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from scaffolder.errors import ForgeError

_USERINFO = re.compile(r"(://)[^/@\s]+@")
# Never prompt for credentials and never run a pager, whatever the machine's config says.
_BASE_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GCM_INTERACTIVE": "never"}
# git's messages in English, whatever the user's locale, so `_one_line` finds "fatal:" and "! [".
_LOCALE_ENV = {"LANGUAGE": "C", "LC_ALL": "C"}
# Settings that would otherwise let a repository's config run commands (see the module docstring).
_SAFE_CONFIG = (
    "core.fsmonitor=false",
    f"core.hooksPath={os.devnull}",
    "protocol.ext.allow=never",
    "safe.bareRepository=explicit",
    "core.alternateRefsCommand=true",
)
SAFE_ARGS = tuple(arg for setting in _SAFE_CONFIG for arg in ("-c", setting))
# Where git processes start while a foreign render runs (see `pinned_cwd`); None: the process's.
_pinned: str | None = None


@contextmanager
def pinned_cwd() -> Iterator[None]:
    """While the block lasts, git processes start in the working folder the block began in.

    cookiecutter's hooks and copier's tasks change the whole process's working folder to a
    temporary one that is deleted afterwards; a git started meanwhile by another thread (a
    campaign's) would inherit it and fail with "Unable to read current working directory".
    """
    global _pinned
    saved = _pinned
    try:
        _pinned = str(Path.cwd())
    except FileNotFoundError:
        _pinned = "/"
    try:
        yield
    finally:
        _pinned = saved


# Variables that would point git at another repository than the one a helper names.
_REPO_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


def _redact(text: str, secrets: Sequence[str] = ()) -> str:
    text = _USERINFO.sub(r"\1***@", text)
    for secret in secrets:
        for part in (secret, *secret.split()[1:]):  # the whole value, and e.g. a header's token
            if len(part) >= 6:
                text = text.replace(part, "***")
    return text


def _one_line(stderr: str) -> str:
    """The most telling line git wrote: a push rejection, else the first error, else the last."""
    lines = [" ".join(ln.split()) for ln in stderr.splitlines() if ln.strip()]
    for prefixes in (("! [",), ("fatal:", "error:")):
        picked = [ln for ln in lines if ln.startswith(prefixes)]
        if picked:
            return picked[0]
    return lines[-1] if lines else ""


def _subcommand(args: Sequence[str]) -> str:
    skip = False
    for arg in args:
        if skip or arg.startswith("-"):
            skip = not skip and arg in ("-C", "-c", "--git-dir", "--work-tree")
            continue
        return arg
    return "command"


class GitFailed(ForgeError):
    """A git process that ran and failed; `output` is everything it wrote (credentials redacted),
    for callers that tell failures apart (a rejected push, a refused token)."""

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


def _git(
    args: Sequence[str],
    env: Mapping[str, str] | None = None,
    ok: Sequence[int] = (0,),
    binary: bool = False,
    timeout: float | None = None,
    stdin: bytes | None = None,
) -> tuple[int, str | bytes]:
    """Run `git ARGS` (fed `stdin`, else nothing); returns (status, stdout). Statuses outside `ok` raise
    GitFailed, and a process still running after `timeout` seconds is stopped with a ForgeError.

    stdout is text (one trailing newline stripped) or, with `binary`, bytes as git wrote them.
    """
    inherited = {k: v for k, v in os.environ.items() if k not in _REPO_ENV}
    full_env = {**inherited, **_LOCALE_ENV, **_BASE_ENV, **(env or {})}
    command = ["git", *SAFE_ARGS, *args]
    try:
        done = subprocess.run(
            command,
            env=full_env,
            cwd=_pinned,
            input=stdin if stdin is not None else b"",
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except FileNotFoundError:
        raise ForgeError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise ForgeError(f"git {_subcommand(args)} took more than {timeout:.0f}s") from None
    status = done.returncode
    if status not in ok:
        err = done.stderr.decode("utf-8", "surrogateescape")
        detail = _one_line(err) or f"exit status {status}"
        secrets = list((env or {}).values())
        output = done.stdout.decode("utf-8", "surrogateescape") + "\n" + err if not binary else err
        raise GitFailed(f"git {_subcommand(args)} failed: {_redact(detail, secrets)}", _redact(output, secrets))
    if binary:
        return status, done.stdout
    out = done.stdout.decode("utf-8", "surrogateescape")
    return status, out[:-1] if out.endswith("\n") else out


def _wt(worktree: Path, git_dir: Path | None = None) -> list[str]:
    """Arguments that pin git to this work tree (no discovery of an enclosing repository), with
    the repository's own filter drivers off (`_no_filters`); with `git_dir`, to that repository
    (one scaffold made, so it has none) and this work tree, whatever it holds."""
    if git_dir is not None:
        if not (git_dir / "HEAD").is_file():
            raise ForgeError(f"no git repository at {git_dir}")
        return ["--git-dir", str(git_dir), "--work-tree", str(worktree)]
    if not (worktree / ".git").exists():
        raise ForgeError(f"{worktree} is not a git work tree")
    where = ["-C", str(worktree)]
    return [*where, *_no_filters(where, worktree / ".git" / "config")]


def repo_args(path: Path) -> list[str]:
    """Arguments for a repository given either as a work tree (holding `.git`) or as a git dir
    scaffold made (`ActionContext.git_dir`, named `*.git`), e.g. to push from."""
    if not (path / ".git").exists() and path.suffix == ".git" and (path / "HEAD").is_file():
        return ["--git-dir", str(path)]
    return _wt(path)


# _no_filters' answers by repository, while its config file is unchanged (inode, size, mtime).
_FILTERS_SEEN: dict[tuple[object, ...], list[str]] = {}


def _no_filters(where: Sequence[str], config: Path) -> list[str]:
    """`-c` switches turning off every filter driver the repository's own config (`config`)
    defines: a `.gitattributes` names a driver, the config runs it whenever git reads or writes a
    work-tree file (add, status, diff, write-tree, checkout, archive)."""
    try:
        st = config.stat()
        key: tuple[object, ...] | None = (*where, st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        key = None  # a `.git` file pointing elsewhere: asked every time
    if key is not None and key in _FILTERS_SEEN:
        return _FILTERS_SEEN[key]
    _, out = _git([*where, "config", "--local", "--name-only", "--get-regexp", r"^filter\."], ok=(0, 1))
    drivers = sorted({key.removeprefix("filter.").rpartition(".")[0] for key in str(out).splitlines()} - {""})
    keys = ("clean=", "smudge=", "process=", "required=false")
    switches = [arg for name in drivers for k in keys for arg in ("-c", f"filter.{name}.{k}")]
    if key is not None:
        if len(_FILTERS_SEEN) >= 256:
            _FILTERS_SEEN.clear()
        _FILTERS_SEEN[key] = switches
    return switches


def _bare(repo: Path) -> list[str]:
    if not repo.is_dir():
        raise ForgeError(f"no git repository at {repo}")
    return ["--git-dir", str(repo)]

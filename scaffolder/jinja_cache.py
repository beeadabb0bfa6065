"""Compiled Jinja templates kept on disk across runs (`$SCAFFOLD_HOME/cache/jinja/`), so a
skeleton file is parsed and compiled once per machine instead of once per run.

An entry is found by a key that hashes everything its code depends on: the file's text and name,
the environment's configuration (sandbox class, delimiters, whitespace options, newline, undefined,
finalize, extensions, the filter and test names, intercepted operators, policies), the jinja2,
scaffold and Python versions, and the size and time of the modules defining the sandbox and its
extensions. A template can only ever reach entries made from its own text under the same
configuration, so what one template's render wrote never changes how another renders. The entry
repeats its key and a hash of its code: a file under another key's name, truncated, corrupt or
written by another tool is ignored and compiled afresh. Files are written whole (a temporary file
renamed); the folder is 0700 and used only when it is this user's own and no one else can write
to it or to an entry. Entries live in a folder per software (`software()`: jinja2, scaffold,
Python, scaffold's sandbox modules); a folder no run has used for `UNUSED_DAYS` is removed.
`SCAFFOLD_JINJA_CACHE=0` switches the cache off; removing the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import marshal
import os
import shutil
import stat
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2 import Environment

MAGIC = b"scaffold-jinja-code 1\n"
_DIGEST = 64  # hex characters of a sha256
UNUSED_DAYS = 30  # a folder of entries no run has used for this long is removed


def enabled() -> bool:
    """Whether the disk cache is on (`SCAFFOLD_JINJA_CACHE=0` switches it off; off where files
    have no owner to check, as on Windows)."""
    if not hasattr(os, "getuid"):
        return False
    return os.environ.get("SCAFFOLD_JINJA_CACHE", "1").strip().lower() not in ("0", "false", "no", "off")


def _name(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, type) or callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


def _module_stamp(cls: type) -> str:
    """Size and modification time of the file defining `cls` (a changed sandbox or extension
    compiles differently even when no version number moved)."""
    try:
        path = inspect.getsourcefile(cls)
        st = Path(path).stat() if path else None
    except (OSError, TypeError):
        return f"{_name(cls)}:?"
    return f"{_name(cls)}:{st.st_size}:{st.st_mtime_ns}" if st else f"{_name(cls)}:?"


def _policies(env: Environment) -> list[str]:
    return sorted(f"{key}={_name(value)}" for key, value in env.policies.items())


@lru_cache(maxsize=64)
def fingerprint(env: Environment) -> bytes:
    """Everything about `env` (and the software around it) that its compiled code depends on."""
    from scaffolder import __version__

    classes = [type(env), env.code_generator_class, env.undefined, *(type(e) for e in env.extensions.values())]
    parts = [
        f"jinja2 {jinja2.__version__}",
        f"scaffold {__version__}",
        f"python {sys.implementation.cache_tag} {sys.version}",
        *(_module_stamp(cls) for cls in classes),
        *(
            f"{attr}={_name(getattr(env, attr, None))}"
            for attr in (
                "block_start_string",
                "block_end_string",
                "variable_start_string",
                "variable_end_string",
                "comment_start_string",
                "comment_end_string",
                "line_statement_prefix",
                "line_comment_prefix",
                "trim_blocks",
                "lstrip_blocks",
                "newline_sequence",
                "keep_trailing_newline",
                "autoescape",
                "optimized",
                "finalize",
                "is_async",
            )
        ),
        "extensions=" + ",".join(sorted(env.extensions)),
        "filters=" + ",".join(sorted(env.filters)),
        "tests=" + ",".join(sorted(env.tests)),
        "binops=" + ",".join(sorted(getattr(env, "intercepted_binops", ()))),
        "unops=" + ",".join(sorted(getattr(env, "intercepted_unops", ()))),
        *_policies(env),
    ]
    return "\n".join(parts).encode("utf-8", "surrogatepass")


@lru_cache(maxsize=64)
def _keyed(env: Environment) -> Any:
    """A sha256 that has read `env`'s fingerprint (copied for each key: it is the same each time)."""
    digest = hashlib.sha256()
    _add(digest, fingerprint(env))
    return digest


def _add(digest: Any, part: bytes) -> None:
    digest.update(len(part).to_bytes(8, "big"))
    digest.update(part)


def key(env: Environment, source: str, name: str) -> str:
    """The cache key of `source` compiled as `name` in `env` (hex sha256, parts length-prefixed)."""
    digest = _keyed(env).copy()
    _add(digest, name.encode("utf-8", "surrogatepass"))
    _add(digest, source.encode("utf-8", "surrogatepass"))
    return str(digest.hexdigest())


def _own_private_dir(path: Path) -> bool:
    """Whether `path` is a real folder (not a link) of this user that no one else may write to."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        return False
    if st.st_mode & 0o077:
        try:
            path.chmod(0o700)
        except OSError:
            return False
    return True


@lru_cache(maxsize=1)
def software() -> str:
    """Which software compiles (jinja2, scaffold, Python, and the modules shaping scaffold's
    sandbox): entries of other software live in other folders, pruned once unused for a while."""
    from scaffolder import __version__, filters, nunjucks, sandbox

    stamps = []
    for module in (filters, nunjucks, sandbox):
        try:
            st = Path(module.__file__ or "").stat()
            stamps.append(f"{module.__name__}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            stamps.append(f"{module.__name__}:?")
    text = "\n".join([jinja2.__version__, __version__, sys.version, *stamps])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _prune(top: Path, keep: str) -> None:
    """Remove the folders of other software not used for `UNUSED_DAYS` (an upgraded scaffold or
    jinja2 leaves its old entries behind)."""
    cutoff = time.time() - UNUSED_DAYS * 86400
    for child in top.iterdir():
        try:
            if child.name != keep and child.is_dir() and not child.is_symlink() and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


@lru_cache(maxsize=8)
def _folder(home: str) -> Path | None:
    """`home`/cache/jinja/`software()`, made 0700 if missing and marked used now; None when it
    cannot be trusted or made."""
    top = Path(home) / "cache" / "jinja"
    path = top / software()
    try:
        top.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _own_private_dir(top):
            return None
        path.mkdir(mode=0o700, exist_ok=True)
        os.utime(path)
        _prune(top, path.name)
    except OSError:
        return None
    return path if _own_private_dir(path) else None


def folder() -> Path | None:
    """The cache folder under `$SCAFFOLD_HOME`, or None when the cache is off or unusable."""
    if not enabled():
        return None
    from scaffolder.config import home

    return _folder(str(home()))


def load(root: Path, entry: str) -> CodeType | None:
    """The code stored under key `entry`, or None when there is none or it is not to be trusted
    (another key's, corrupt, foreign, not this user's, writable by others)."""
    try:
        fd = os.open(f"{root}/{entry}", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if st.st_uid != os.getuid() or st.st_mode & 0o022 or not stat.S_ISREG(st.st_mode):
            return None
        data = fh.read()
    head = MAGIC + entry.encode("ascii") + b"\n"
    body = len(head) + _DIGEST + 1
    if not data.startswith(head) or len(data) < body:
        return None
    payload = data[body:]
    if data[len(head) : body - 1] != hashlib.sha256(payload).hexdigest().encode("ascii"):
        return None
    try:
        code = marshal.loads(payload)  # our own file, its hash checked above
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(root: Path, entry: str, code: CodeType) -> None:
    """Keep `code` under key `entry`, written whole or not at all (a temporary file of this
    process and thread, renamed); a failure only loses the entry."""
    payload = marshal.dumps(code)
    head = MAGIC + entry.encode("ascii") + b"\n" + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n"
    target = f"{root}/{entry}"
    tmp = f"{root}/.tmp-{os.getpid()}-{threading.get_ident()}-{entry}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(head + payload)
        os.replace(tmp, target)  # noqa: PTH105 (a Path per entry costs more than writing it)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # noqa: PTH108

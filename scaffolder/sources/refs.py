"""How golden paths and libraries are named, as text: `NAME[@VERSION]`, a path or git URL with
`@VERSION`, and a configured library (a folder or `git+SCHEME://…`). Pure string work, no I/O.

Template URLs are written as cookiecutter takes them: `https://…`, `http://…`, `ssh://…`,
`git://…`, `file://…`, `git@HOST:PATH`, and the abbreviations `gh:OWNER/REPO` (GitHub), `gl:`
(GitLab), `bb:` (Bitbucket).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

GIT_SCHEMES = ("file", "http", "https", "ssh")
# A configured library: a folder, or a git URL written `git+SCHEME://…`.
LibrarySpec = Path | str
ABBREVIATIONS = {
    "gh": "https://github.com/{}.git",
    "gl": "https://gitlab.com/{}.git",
    "bb": "https://bitbucket.org/{}",
}
_URL = re.compile(r"^(?:git\+)?(?:[A-Za-z][A-Za-z0-9+.-]*://|[\w.-]+@[\w.-]+:)")
_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$")


def split_ref(ref: str) -> tuple[str, str | None]:
    """`backend-service@1.2.0` -> ("backend-service", "1.2.0")."""
    name, sep, version = ref.partition("@")
    return name, (version or None) if sep else None


def split_version(ref: str) -> tuple[str, str | None]:
    """`gh:acme/svc@v1.2.0` -> ("gh:acme/svc", "1.2.0"); an `@` that names no version stays."""
    base, sep, version = ref.rpartition("@")
    if sep and base and _VERSION.match(version):
        return base, version.removeprefix("v")
    return ref, None


def expand(ref: str) -> str | None:
    """The git URL `ref` names (abbreviations expanded, `git+` dropped), or None for other refs."""
    prefix, sep, rest = ref.partition(":")
    if sep and prefix in ABBREVIATIONS and rest and not rest.startswith("//"):
        return ABBREVIATIONS[prefix].format(rest.strip("/"))
    if _URL.match(ref):
        return ref.removeprefix("git+")
    return None


def git_url(spec: str) -> str | None:
    """The URL of a `git+SCHEME://…` library, or None for a folder.

    Paths collapse `//`, so `Path("git+file:///srv/lib")` reads `git+file:/srv/lib`: both forms
    give `file:///srv/lib`.
    """
    if not spec.startswith("git+"):
        return None
    scheme, sep, rest = spec[4:].partition(":")
    if not sep or scheme not in GIT_SCHEMES or not rest.strip("/"):
        return None
    rest = rest.lstrip("/")
    return f"file:///{rest}" if scheme == "file" else f"{scheme}://{rest}"


def library_specs(extra: Iterable[LibrarySpec]) -> list[str]:
    """Configured libraries as text, rejoining a `git+SCHEME` URL that a split on ':' broke apart
    (`SCAFFOLD_LIBRARY` is split on os.pathsep, which is ':' on POSIX)."""
    items = [str(p) for p in extra]
    out: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if item in {f"git+{s}" for s in GIT_SCHEMES} and i + 1 < len(items):
            out.append(f"{item}://{'/' if item == 'git+file' else ''}{items[i + 1].lstrip('/')}")
            i += 2
            continue
        out.append(item)
        i += 1
    return out

"""The folders the server was given (`--root`): every path a tool takes must resolve inside one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import ConfigError, Problem, ScaffoldError
from scaffolder.sources.refs import expand, split_version


class OutsideRoots(ScaffoldError):
    """A path resolves (symlinks followed) outside every root the server was started with."""


@dataclass(frozen=True)
class Roots:
    """Resolved root folders; the first one is where relative paths start."""

    folders: tuple[Path, ...]

    @classmethod
    def of(cls, given: list[Path]) -> Roots:
        """The roots `given` (default: the current directory), each resolved and required to exist."""
        folders = tuple(p.expanduser().resolve() for p in given or [Path.cwd()])
        missing = [Problem(str(p), "is not a folder") for p in folders if not p.is_dir()]
        if missing:
            raise ConfigError("scaffold mcp: a --root is not a folder", missing)
        return cls(folders)

    def confine(self, path: str | Path) -> Path:
        """`path` (relative to the first root) resolved with its symlinks, if it is inside a root."""
        resolved = (self.folders[0] / Path(path).expanduser()).resolve()
        if any(resolved == root or root in resolved.parents for root in self.folders):
            return resolved
        allowed = ", ".join(str(root) for root in self.folders)
        raise OutsideRoots(f"{path} is outside the folders this server may touch ({allowed}); start it with --root")

    def golden_path_ref(self, ref: str) -> str:
        """A golden path ref as `sources.resolve` takes it: a name or URL unchanged, a path confined."""
        base, version = split_version(ref)
        if expand(base) is not None or not _looks_like_path(base):
            return ref
        folder = str(self.confine(base))
        return f"{folder}@{version}" if version else folder


def _looks_like_path(base: str) -> bool:
    return "/" in base or "\\" in base or base.startswith((".", "~"))

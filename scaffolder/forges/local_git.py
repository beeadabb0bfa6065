"""Cloning from and pushing to a bare repo on this machine (the embedded forge) without git's pack
protocol: a campaign clones and pushes once per repo, and each protocol round costs several git
processes (clone: upload-pack, pack-objects, index-pack; push: receive-pack, pack-objects,
unpack-objects, rev-list, for-each-ref, gc).

A clone borrows the bare repo's objects (`git clone --shared`: no object is copied), so what it
commits is all it holds of its own. A push with a lease copies those objects (git's own files,
named by their content, so a file already there is the same file) into the bare repo, then moves
the refs with one `git update-ref --stdin` transaction that checks each ref is still where the
lease says: the same guarantee as `git push --force-with-lease`, all refs or none.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from scaffolder.git_process import GitFailed, _bare, _git, _wt

ZERO = "0" * 40


def clone_shared(bare: Path, dest: Path, branch: str | None = None) -> Path:
    """Clone the bare repo at `bare` into `dest`, borrowing its objects (`--shared`); the clone
    must not outlive the objects it borrows (a campaign's scratch clone, removed after the push)."""
    args = ["clone", "--quiet", "--shared", *(["--branch", branch] if branch else []), "--", str(bare), str(dest)]
    _git(args)
    return dest


def _own_objects(objects: Path) -> list[Path]:
    """The object files a repo holds itself (loose objects, then packs with their `.idx` last:
    git finds a pack by its index, so the pack is complete before it can be seen)."""
    loose = sorted(p for p in objects.glob("[0-9a-f][0-9a-f]/*") if p.is_file())
    packs = sorted(objects.glob("pack/pack-*.pack"))
    extras = [p.with_suffix(ext) for p in packs for ext in (".rev", ".idx")]
    return loose + packs + [p for p in extras if p.is_file()]


def _copy_objects(source: Path, bare: Path) -> None:
    """Every object file of `source` (a git dir) not yet in the bare repo, hard-linked or copied."""
    into = bare / "objects"
    for path in _own_objects(source / "objects"):
        target = into / path.relative_to(source / "objects")
        if target.exists():
            continue  # the same name is the same content
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copyfile(path, tmp)
        tmp.replace(target)


def push_leased(worktree: Path, bare: Path, refspecs: Sequence[str], lease: Mapping[str, str]) -> None:
    """`git push --force-with-lease` of `SRC:refs/...` refspecs from a clone to the bare repo at
    `bare` on this machine; a ref no longer where `lease` says (\"\": must not exist) fails the
    whole push with GitFailed, changing no ref."""
    lines = []
    for spec in refspecs:
        src, sep, dst = spec.partition(":")
        if not sep or not src or src.startswith("+") or not dst.startswith("refs/") or dst not in lease:
            raise GitFailed(f"git push failed: unsupported refspec {spec!r}", "")
        _, sha = _git([*_wt(worktree), "rev-parse", "--verify", "--end-of-options", f"{src}^{{commit}}"])
        lines.append(f"update {dst} {str(sha).strip()} {lease[dst] or ZERO}\n")
    _copy_objects(worktree / ".git", bare)
    status, _ = _git([*_bare(bare), "update-ref", "--stdin"], stdin="".join(lines).encode(), ok=(0, 128))
    if status != 0:
        raise GitFailed(f"git push failed: ! [rejected] {', '.join(refspecs)} (stale info)", "")

"""The description of a migration pull request: why (the changelog between the versions), what
changed (files added, changed, removed, renamed), what conflicts remain and how to resolve them,
and the machine-readable metadata block bots read back (`fleet.metadata`).

Bodies stay under GitHub's limit of 65,536 characters: long file lists are cut with a count of
what was left out, then the changelog; the metadata block always closes the body.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

MAX_BODY = 65_536  # GitHub refuses longer pull request bodies
_LIST_LIMITS = (200, 50, 10, 3, 0)  # entries per list, tried in turn until the body fits
_CHANGELOG_LIMITS = (30_000, 8_000, 1_000)


class UpgradeOutcome(Protocol):
    """What the body reads from an upgrade result (`scaffolder.upgrade.result.UpgradeResult`)."""

    added: list[str]
    modified: list[str]
    deleted: list[str]
    renamed: list[tuple[str, str]]
    conflicts: list[str]
    kept_deleted: list[str]


def pr_body(
    name: str,
    old: str,
    new: str,
    result: UpgradeOutcome,
    changelog: str,
    *,
    branch: str | None = None,
    base: str = "main",
    asked: Sequence[str] = (),
) -> str:
    """The PR description, at most MAX_BODY characters. `asked`: everyone requested so far
    (kept in the metadata block so a rerun asks nobody twice)."""
    meta = _metadata(name, old, new, result, asked)
    for changelog_limit in _CHANGELOG_LIMITS:
        for limit in _LIST_LIMITS:
            where = (branch or f"scaffold/{name}", base)
            text = _render(name, old, new, result, changelog, where, limit, changelog_limit)
            body = text + _meta_line(meta)
            if len(body) <= MAX_BODY:
                return body
    return _shrunk(text, meta)


def _shrunk(text: str, meta: dict[str, Any]) -> str:
    """The last resort for a huge conflict list: the metadata keeps a count instead of every path."""
    paths = list(meta.get("conflicts") or [])
    meta = {**meta, "conflicts": paths[:100], "conflicts_total": len(paths)}
    meta["conflict_kinds"] = {p: k for p, k in (meta.get("conflict_kinds") or {}).items() if p in meta["conflicts"]}
    line = _meta_line(meta)
    return text[: MAX_BODY - len(line) - 2] + "\n\n" + line


def _metadata(name: str, old: str, new: str, result: UpgradeOutcome, asked: Sequence[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"template": name, "from": old, "to": new, "conflicts": list(result.conflicts)}
    kinds = getattr(result, "conflict_kinds", None)
    if kinds:
        meta["conflict_kinds"] = dict(kinds)
    if asked:
        meta["asked"] = sorted(asked)
    return meta


def _meta_line(meta: dict[str, Any]) -> str:
    return f"<!-- scaffold-metadata {json.dumps(meta, sort_keys=True)} -->\n"


def _render(
    name: str,
    old: str,
    new: str,
    result: UpgradeOutcome,
    changelog: str,
    where: tuple[str, str],
    limit: int,
    log_limit: int,
) -> str:
    lines = [
        f"This pull request upgrades this repository from the **{name}** golden path "
        f"**{old}** to **{new}**, made by `scaffold migrate`.",
        "",
        "Human edits are kept: each file was merged three ways (the old template, your repo, the new template).",
        "",
        "## Changelog",
        "",
        f"Why: the golden path's owners released {new}; the entries from {old} up to it say what it brings.",
        "",
        _cut(_demoted(changelog.strip()), log_limit) or "(no changelog entries between these versions)",
        "",
        "## What changed",
        "",
    ]
    groups = (
        ("added", [f"`{f}`" for f in result.added]),
        ("changed", [f"`{f}`" for f in result.modified]),
        ("removed", [f"`{f}`" for f in result.deleted]),
        ("renamed", [f"`{a}` -> `{b}`" for a, b in result.renamed]),
    )
    counts = ", ".join(f"{len(files)} {label}" for label, files in groups if files)
    lines.append(f"Files: {counts or 'none besides the record'}.")
    for label, files in groups:
        if files:
            lines += ["", f"**{label.capitalize()}**", "", *_listing(files, limit)]
    if result.kept_deleted:
        kept = [f"`{f}`" for f in result.kept_deleted]
        lines += ["", "Files you had deleted stay deleted:", "", *_listing(kept, limit)]
    if result.conflicts:
        lines += ["", *_conflicts(result, where, new, limit)]
    return "\n".join(lines) + "\n\n"


def _conflicts(result: UpgradeOutcome, where: tuple[str, str], new: str, limit: int) -> list[str]:
    """The conflicts left, each with its kind, and the commands that resolve them."""
    from scaffolder.merge import CONFLICT_KINDS

    branch, base = where
    kinds: dict[str, str] = getattr(result, "conflict_kinds", {}) or {}
    items = []
    for f in result.conflicts:
        kind = kinds.get(f, "content")
        items.append(f"`{f}` ({kind}: {CONFLICT_KINDS.get(kind, 'needs a look')})")
    found = {kinds.get(f, "content") for f in result.conflicts}
    lines = [
        "## Needs a human",
        "",
        f"{len(result.conflicts)} file(s) need a look before merging:",
        "",
        *_listing(items, limit),
        "",
        "### How to resolve",
        "",
        "```sh",
        f"git fetch origin {branch}",
        f"git switch {branch}",
    ]
    if found & {"content", "add/add"}:
        lines += [
            "# in each file with markers keep what you want between <<<<<<< and >>>>>>>",
            "# (the old template's lines are between ||||||| and =======), and remove the markers",
            f"git diff --check origin/{base}   # lists every conflict marker still in the branch",
        ]
    if found - {"content", "add/add"}:
        lines.append("# where yours was kept (see the kind above), take what you want of the new version by hand")
    lines += [
        "git add -A",
        f'git commit -m "Resolve the upgrade to {new}"',
        f"git push origin {branch}",
        "```",
        "",
        "Once you commit to this branch the bot leaves it alone: merge when the checks pass. Or close "
        f"this pull request and run `scaffold upgrade --to {new}` in a clone (see scaffold's upgrade docs).",
    ]
    return lines


def _listing(items: list[str], limit: int) -> list[str]:
    """One bullet per item, the first `limit` of them, then how many were left out."""
    shown = [f"- {item}" for item in items[:limit]]
    if len(items) > limit:
        shown.append(f"- … and {len(items) - limit} more")
    return shown


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + f"\n\n… (changelog cut: {len(text) - limit} more characters)"


def _demoted(changelog: str) -> str:
    """The changelog with its headings one level down, so they sit under the body's own."""
    lines, fenced = [], False
    for line in changelog.splitlines():
        fenced ^= line.lstrip().startswith("```")
        lines.append("#" + line if line.startswith("#") and not fenced else line)
    return "\n".join(lines)

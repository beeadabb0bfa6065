"""`scaffold template release` as a library function: lint, test, then cut the immutable release.

Where the release goes is decided by the library, as `scaffolder.sources` reads it: a folder
library gets the snapshot `NAME/releases/VERSION/` (`sources.cut_release`); a git library (the
golden path's library folder is the top of a git work tree) gets the tag `NAME/vVERSION` on HEAD,
which must hold the golden path as it is on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder import git
from scaffolder.errors import Problem, TemplateError
from scaffolder.guild.testing import GoldenPathReport, Progress, golden_path_folder, run_template_test
from scaffolder.sources import CHANGELOG, RELEASES_DIR, GoldenPathSource, cut_release, parse_changelog, resolve_folder


@dataclass
class Released:
    """A cut release: where it lives and the checks it passed."""

    golden_path: str
    version: str
    kind: str  # snapshot | tag
    ref: str  # releases/VERSION or NAME/vVERSION
    path: Path  # the snapshot folder, or the work tree holding the tag
    commit: str | None  # the tagged commit
    lint: list[str]  # what lint found (nothing, or there would be no release)
    test: GoldenPathReport

    def to_json(self) -> dict[str, Any]:
        return {
            "golden_path": self.golden_path,
            "version": self.version,
            "kind": self.kind,
            "ref": self.ref,
            "path": str(self.path),
            "commit": self.commit,
            "lint": {"findings": self.lint},
            "test": self.test.to_json(),
        }


def tag_name(name: str, version: str) -> str:
    return f"{name}/v{version}"


def run_lint(folder: Path) -> list[str]:
    """`scaffold template lint` of one golden path: its findings, one line each."""
    from scaffolder.guild.lint import lint_path

    return [str(finding) for finding in lint_path(folder)]


def _already_released(source: GoldenPathSource) -> list[Problem]:
    template, repo = source.template, _repo(source)
    found = [
        Problem(r.ref, f"{template.name}@{template.version} is already released there")
        for r in source.versions()
        if r.version == template.version and r.kind != "current"
    ]
    snapshot = template.path / RELEASES_DIR / template.version
    if snapshot.exists() and not found:
        found.append(Problem(str(snapshot), "a release folder for this version exists"))
    if repo is not None and git.rev_parse(repo, f"refs/tags/{tag_name(template.name, template.version)}"):
        found.append(Problem(tag_name(template.name, template.version), "the release tag exists"))
    return found


def _repo(source: GoldenPathSource) -> Path | None:
    """The git work tree of the golden path's library, where its release tags go (None: a folder)."""
    return source.owner.repo if source.owner is not None else None


def _preconditions(source: GoldenPathSource) -> list[Problem]:
    template, repo = source.template, _repo(source)
    problems = []
    changelog = template.path / CHANGELOG
    entries = parse_changelog(changelog.read_text(encoding="utf-8")) if changelog.is_file() else {}
    if template.version not in entries:
        heading = f"## [{template.version}] - DATE"
        problems.append(Problem(str(changelog), f"has no entry for {template.version} ({heading})"))
    if repo is not None:
        if template.path.name != template.name:
            problems.append(Problem(str(template.path), f"must be named {template.name} to be tagged in a git library"))
        dirty = [p for p in git.dirty_paths(repo) if p.startswith(f"{template.path.name}/")]
        problems += [Problem(p, "uncommitted: the release tag would not hold it (commit first)") for p in dirty[:10]]
    return problems


def _failures(report: GoldenPathReport) -> list[Problem]:
    problems = list(report.problems)
    problems += [Problem(s, "has no example") for s in report.stale_snapshots]
    for example in report.examples:
        if example.ok(report.strict):
            continue
        reasons = []
        if example.error:
            reasons.append(example.error.splitlines()[0])
        elif example.snapshot not in ("ok", "updated"):
            reasons.append(f"snapshot {example.snapshot} ({', '.join(d.path for d in example.differences)})")
        reasons += [f"check {c.name} failed (exit {c.exit_code})" for c in example.checks if not c.ok]
        up = example.upgrade
        if up is not None and up.error:
            reasons.append(f"upgrade from {up.from_version} failed")
        elif up is not None and not all(c.ok for c in up.checks):
            reasons.append(f"checks fail after the upgrade from {up.from_version}")
        elif up is not None and report.strict and up.conflicts:
            reasons.append(f"upgrade from {up.from_version} conflicts: {', '.join(up.conflicts)}")
        problems.append(Problem(example.file, "; ".join(reasons) or "failed"))
    return problems


def release_golden_path(
    path: Path, *, strict: bool = False, checks: bool = True, progress: Progress | None = None
) -> Released:
    """Lint and test the golden path at `path`, then cut its release. Raises TemplateError, with
    nothing released, when the version is released already or a check fails."""
    folder = golden_path_folder(path)
    source = resolve_folder(folder)
    template, repo = source.template, _repo(source)
    who = f"{template.name}@{template.version}"
    released = _already_released(source)
    if released:
        raise TemplateError(f"{who} is already released; released versions are immutable (bump spec.version)", released)
    problems = _preconditions(source)
    if problems:
        raise TemplateError(f"{who} cannot be released yet", problems)
    findings = run_lint(template.path)
    if findings:
        raise TemplateError(
            f"{who} does not pass scaffold template lint; nothing was released",
            [Problem("", f) for f in findings],
        )
    report = run_template_test(template.path, strict=strict, checks=checks, progress=progress)
    if not report.ok:
        raise TemplateError(
            f"{who} does not pass scaffold template test (see: scaffold template test {path}); nothing was released",
            _failures(report),
        )
    if repo is None:
        dest = cut_release(template.path)
        ref = f"{RELEASES_DIR}/{template.version}"
        return Released(template.name, template.version, "snapshot", ref, dest, None, findings, report)
    tag = tag_name(template.name, template.version)
    commit = git.tag(repo, tag, "HEAD", f"{template.name} {template.version}")
    return Released(template.name, template.version, "tag", tag, repo, commit, findings, report)

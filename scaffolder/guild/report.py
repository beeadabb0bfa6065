"""Reports of `scaffold template test`: plain text for the terminal, Markdown for a pull request's
job summary (`--report FILE`, appended to `$GITHUB_STEP_SUMMARY` by the library's workflow)."""

from __future__ import annotations

from collections.abc import Iterable

from scaffolder.guild.checks import CheckResult
from scaffolder.guild.impact import Impact
from scaffolder.guild.testing import ExampleReport, GoldenPathReport

SHOWN = 12  # files listed per category before "and N more"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _listed(items: list[str], limit: int = SHOWN) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line if line else prefix.rstrip() for line in text.rstrip("\n").splitlines()]


def _upgrade_summary(up: Impact) -> str:
    if up.error:
        return f"from {up.from_version}: FAILED"
    if up.skipped:
        return f"from {up.from_version}: skipped ({up.skipped})"
    edits = f", after {_count(up.edits, 'team edit')}" if up.edits else ""
    count = len(up.conflicts)
    conflicts = f"{count} CONFLICT{'S' if count != 1 else ''}" if count else "no conflicts"
    checked = ""
    if up.checks:
        checked = "; checks pass on the upgraded repo" if all(c.ok for c in up.checks) else "; CHECKS FAIL after it"
    return f"from {up.from_version}: {_count(len(up.files_changed), 'file')} changed, {conflicts}{edits}{checked}"


def _checks_text(checks: list[CheckResult], prefix: str) -> list[str]:
    lines = []
    for check in checks:
        state = "ok" if check.ok else f"FAILED (exit {check.exit_code})"
        lines.append(f"{prefix}{check.name}: {state} in {check.seconds:.1f} s")
        if not check.ok:
            lines.append(f"              $ {' '.join(check.command)}")
            lines += _indent(check.output, "              | ")
    return lines


def _example_text(example: ExampleReport, strict: bool) -> list[str]:
    mark = "ok" if example.ok(strict) else "FAILED"
    lines = [f"  {example.name} ({example.file}): {mark}"]
    if example.error:
        lines += _indent(example.error, "    error     ")
        return lines
    if example.snapshot in ("ok", "updated"):
        lines.append(f"    snapshot  {example.snapshot} ({_count(example.files, 'file')})")
    elif example.snapshot == "missing":
        lines.append("    snapshot  MISSING: write it with --update-snapshots")
    else:
        count = len(example.differences)
        lines.append(f"    snapshot  MISMATCH: {_count(count, 'file')} differ (accept with --update-snapshots)")
        for diff in example.differences:
            lines.append(f"              {diff.kind} {diff.path}")
            lines += _indent(diff.diff, "                ")
    lines += _checks_text(example.checks, "    check     ")
    up = example.upgrade
    if up is not None:
        lines.append(f"    upgrade   {_upgrade_summary(up)}")
        if up.error:
            lines += _indent(up.error, "              ")
        for title, items in (
            ("added", up.changes.added),
            ("modified", up.changes.modified),
            ("deleted", up.changes.deleted),
            ("renamed", [f"{a} -> {b}" for a, b in up.changes.renamed]),
            ("kept deleted", up.changes.kept_deleted),
        ):
            if items:
                lines.append(f"              {title}: {_listed(items)}")
        for rel in up.conflicts:
            lines.append(f"              CONFLICT {rel}")
            if rel in up.excerpts:
                lines += _indent(up.excerpts[rel], "                ")
        lines += _checks_text([c for c in up.checks if not c.ok], "              after the upgrade: ")
    return lines


def text(reports: Iterable[GoldenPathReport]) -> str:
    """The report for people at a terminal."""
    out: list[str] = []
    reports = list(reports)
    for report in reports:
        since = f", upgrades from {report.previous}" if report.previous else ", no earlier release"
        out.append(f"{report.golden_path} {report.version} ({report.path}{since})")
        for problem in report.problems:
            out.append(f"  problem: {problem}")
        for stale in report.stale_snapshots:
            out.append(f"  problem: {stale} has no example (remove it, or run with --update-snapshots)")
        for example in report.examples:
            out += _example_text(example, report.strict)
        if not report.checks_run:
            out.append("  (checks not run: --no-checks)")
    failed = [r.golden_path for r in reports if not r.ok]
    out.append("")
    out.append(f"FAILED: {', '.join(failed)}" if failed else f"ok: {_count(len(reports), 'golden path')} passed")
    return "\n".join(out)


# --- Markdown ------------------------------------------------------------------------------------


def _md_checks(example: ExampleReport) -> str:
    if not example.checks:
        return "-"
    return "<br>".join(f"{'✅' if c.ok else '❌'} {c.name} ({c.seconds:.1f} s)" for c in example.checks)


def _md_snapshot(example: ExampleReport) -> str:
    if example.error:
        return "❌ error"
    if example.snapshot == "mismatch":
        return f"❌ {_count(len(example.differences), 'file')} differ"
    if example.snapshot == "missing":
        return "❌ missing"
    return f"✅ {example.snapshot} ({_count(example.files, 'file')})"


def _md_upgrade(up: Impact | None) -> str:
    if up is None:
        return "-"
    if up.error:
        return "❌ failed"
    if up.skipped:
        return "skipped"
    checked = ""
    if up.checks:
        checked = ", checks pass after it" if all(c.ok for c in up.checks) else ", ❌ **checks fail after it**"
    if up.conflicts:
        return (
            f"⚠️ {_count(len(up.files_changed), 'file')} changed, **{_count(len(up.conflicts), 'conflict')}**{checked}"
        )
    mark = "✅" if all(c.ok for c in up.checks) else "❌"
    return f"{mark} {_count(len(up.files_changed), 'file')} changed, no conflicts{checked}"


def _fence(body: str, lang: str = "") -> list[str]:
    fence = "````" if "```" in body else "```"
    return [f"{fence}{lang}", body.rstrip("\n"), fence]


def _md_example_details(example: ExampleReport, previous: str | None) -> list[str]:
    out: list[str] = []
    if example.error:
        out += [f"#### `{example.name}`: error", "", *_fence(example.error), ""]
    if example.differences:
        body = "".join(d.diff if d.diff.endswith("\n") else d.diff + "\n" for d in example.differences)
        out += [f"#### `{example.name}`: snapshot differs", "", *_fence(body, "diff"), ""]
    for check in example.checks:
        if not check.ok:
            out += [f"#### `{example.name}`: check {check.name} failed", "", f"`{' '.join(check.command)}`", ""]
            out += [*_fence(check.output), ""]
    up = example.upgrade
    if up is None:
        return out
    if up.error:
        out += [f"#### `{example.name}`: upgrade from {previous} failed", "", *_fence(up.error), ""]
        return out
    if up.skipped:
        return out
    out.append(f"#### `{example.name}`: upgrade from {up.from_version}")
    out.append("")
    for check in up.checks:
        if not check.ok:
            out += [f"Check {check.name} fails on the upgraded repo: `{' '.join(check.command)}`", ""]
            out += [*_fence(check.output), ""]
    if up.edits:
        out.append(f"After {_count(up.edits, 'team edit')} from `examples/edits/{example.name}.yaml`.")
        out.append("")
    if up.conflicts:
        out.append("Conflicts a repo made from this example would meet:")
        out.append("")
        for rel in up.conflicts:
            out.append(f"- `{rel}`")
        out.append("")
        for rel, excerpt in up.excerpts.items():
            out += [f"<details><summary><code>{rel}</code></summary>", "", *_fence(excerpt), "", "</details>", ""]
    items = [
        *(f"- added `{p}`" for p in up.changes.added),
        *(f"- modified `{p}`" for p in up.changes.modified),
        *(f"- deleted `{p}`" for p in up.changes.deleted),
        *(f"- renamed `{a}` → `{b}`" for a, b in up.changes.renamed),
        *(f"- kept deleted `{p}`" for p in up.changes.kept_deleted),
    ]
    if items:
        summary = f"<details><summary>{_count(len(up.files_changed), 'file')} changed</summary>"
        out += [summary, "", *items, "", "</details>", ""]
    return out


def markdown(reports: Iterable[GoldenPathReport]) -> str:
    """The report as Markdown: a table per golden path, then the details that need a look."""
    out: list[str] = ["# Golden paths: template test", ""]
    for report in reports:
        mark = "✅" if report.ok else "❌"
        out.append(f"## {mark} `{report.golden_path}` {report.version}")
        out.append("")
        if report.previous:
            out.append(
                f"Upgrade impact: every example is made with {report.previous} (the previous release), "
                f"edited as teams do, and upgraded to {report.version}: "
                f"**{_count(report.conflicts, 'conflict')}** in {_count(len(report.examples), 'example')}."
            )
        else:
            out.append("No earlier release: nothing to upgrade from.")
        out.append("")
        for problem in report.problems:
            out.append(f"- ❌ {problem}")
        for stale in report.stale_snapshots:
            out.append(f"- ❌ `{stale}` has no example")
        if report.problems or report.stale_snapshots:
            out.append("")
        since = f" from {report.previous}" if report.previous else ""
        out += [f"| example | snapshot | checks | upgrade{since} |", "| --- | --- | --- | --- |"]
        for example in report.examples:
            row = [f"`{example.name}`", _md_snapshot(example), _md_checks(example), _md_upgrade(example.upgrade)]
            out.append("| " + " | ".join(row) + " |")
        out.append("")
        for example in report.examples:
            out += _md_example_details(example, report.previous)
    return "\n".join(out).rstrip("\n") + "\n"

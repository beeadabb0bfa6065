"""`scaffold template test|new|release`: the guild workflow's commands (library: `scaffolder.guild`)."""

from __future__ import annotations

from pathlib import Path

import click

from scaffolder.cli._common import emit, output_option
from scaffolder.cli._console import spinner


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--update-snapshots", is_flag=True, help="Accept what the examples render now as their snapshots.")
@click.option("--no-checks", is_flag=True, help="Do not run the generated projects' own checks (spec.checks).")
@click.option("--no-upgrade", is_flag=True, help="Do not upgrade the examples from the previous release.")
@click.option("--strict", is_flag=True, help="Conflicts of the upgrade from the previous release fail the test.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the report as Markdown (e.g. for $GITHUB_STEP_SUMMARY).",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Examples tested at once (default: up to 4).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
@output_option
def test_cmd(
    paths: tuple[Path, ...],
    update_snapshots: bool,
    no_checks: bool,
    no_upgrade: bool,
    strict: bool,
    report_file: Path | None,
    jobs: int | None,
    quiet: bool,
    output: str,
) -> None:
    """Test golden paths: render every example, compare with its snapshot, run the generated
    project's checks, and upgrade each example from the previous release.

    PATH is a golden path's folder (or its template.yaml), or a library folder (every golden path
    in it). Renders are dry runs: nothing reaches a forge or a catalog. Conflicts the upgrade
    meets are reported; they fail the test only with --strict.

    \b
    Exit codes: 0 every golden path passed, 1 a snapshot differs, a check or
    an upgrade failed (or the golden path does not load).
    """
    from scaffolder.guild import report as reports
    from scaffolder.guild.testing import expand, run_template_test

    with spinner(quiet) as say:  # on a terminal a spinner shows the latest step
        results = [
            run_template_test(
                path,
                update_snapshots=update_snapshots,
                checks=not no_checks,
                upgrade=not no_upgrade,
                strict=strict,
                progress=say,
                jobs=jobs,
            )
            for path in expand(list(paths))
        ]
    if report_file is not None:
        report_file.write_text(reports.markdown(results), encoding="utf-8")
    emit(output, [r.to_json() for r in results], lambda: reports.text(results))
    if not all(r.ok for r in results):
        click.get_current_context().exit(1)


@click.command("new")
@click.argument("name")
@click.option("--owner", required=True, metavar="group:GUILD", help="The owning guild, e.g. group:backend-guild.")
@click.option(
    "--dir",
    "library",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("golden_paths"),
    show_default=True,
    help="The template library folder to create it in.",
)
@output_option
def new_cmd(name: str, owner: str, library: Path, output: str) -> None:
    """Create a new golden path NAME: template.yaml, a skeleton with a README and a test,
    CHANGELOG (0.1.0), examples/minimal.yaml and its snapshot. Refuses an existing folder."""
    from scaffolder.guild.new import create_golden_path

    created = create_golden_path(name, owner, library)

    def text() -> str:
        lines = [f"Created the golden path {created.name} {created.version} in {created.path} (owner {owner}):"]
        lines += [f"  {rel}" for rel in created.files]
        lines += [
            "",
            "Next: edit the skeleton and template.yaml, then",
            f"  scaffold template lint {created.path}",
            f"  scaffold template test {created.path} --update-snapshots",
            f"and give it to its guild in .github/CODEOWNERS: /{created.path.as_posix().lstrip('/')}/ @ORG/TEAM",
        ]
        return "\n".join(lines)

    emit(output, created.to_json(), text)


@click.command("release")
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option("--strict", is_flag=True, help="Conflicts of the upgrade from the previous release refuse the release.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
@output_option
def release_cmd(path: Path, strict: bool, quiet: bool, output: str) -> None:
    """Lint and test the golden path at PATH, then cut its release: the snapshot
    releases/VERSION/ in a folder library, the tag NAME/vVERSION in a git library.

    Refuses (exit 1, nothing released) when the version is released already, the CHANGELOG has
    no entry for it, or lint or test fails.
    """
    from scaffolder.guild.release import release_golden_path

    with spinner(quiet) as say:
        done = release_golden_path(path, strict=strict, progress=say)

    def text() -> str:
        where = f"tag {done.ref} on {done.commit}" if done.kind == "tag" else str(done.path)
        lines = [f"Released {done.golden_path} {done.version}: {where} (lint and test passed)."]
        if done.kind == "snapshot":
            message = f"{done.golden_path}: release {done.version}"
            lines.append(f"Commit it on its own: git add {done.path} && git commit -m '{message}'")
        else:
            lines.append(f"Publish it: git push origin {done.ref}")
        return "\n".join(lines)

    emit(output, done.to_json(), text)


def register(group: click.Group) -> None:
    """Add the commands to `scaffold template`."""
    for command in (test_cmd, new_cmd, release_cmd):
        group.add_command(command)

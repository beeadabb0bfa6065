"""`scaffold forge repos`: what is on the configured forge."""

from __future__ import annotations

from typing import Any

import click

from scaffolder.cli._common import emit, output_option, profile_option, table


@click.group("forge")
def forge_group() -> None:
    """Look at the forge (embedded: bare git repos under $SCAFFOLD_HOME/forge)."""


@forge_group.command("repos")
@click.option("--owner", default=None, help="Only this owner's repos.")
@profile_option
@output_option
def repos_cmd(owner: str | None, profile: str | None, output: str) -> None:
    """List repositories on the forge."""
    from scaffolder import config

    repos = config.open_forge(config.load(profile)).list_repos(owner)
    data = [
        {"full_name": r.full_name, "url": r.url, "clone_url": r.clone_url, "description": r.description} for r in repos
    ]
    emit(output, data, lambda: table([[d["full_name"], d["clone_url"]] for d in data], ["REPO", "CLONE URL"]))


def _reviewable(profile: str | None) -> tuple[Any, Any]:
    from scaffolder import config
    from scaffolder.errors import ForgeError
    from scaffolder.forges.base import ReviewableForge

    forge = config.open_forge(config.load(profile))
    if not isinstance(forge, ReviewableForge):
        raise ForgeError(f"the {forge.kind} forge's pull requests are reviewed and merged on the forge itself")
    return forge, forge


def _repo(forge: Any, ref: str) -> Any:
    from scaffolder.errors import ForgeError

    owner, _, name = ref.rpartition("/")
    repo = forge.get_repo(owner or forge.default_owner(), name)
    if repo is None:
        raise ForgeError(f"no repo {ref!r} on the forge")
    return repo


def _pr_json(repo: Any, pr: Any) -> dict[str, Any]:
    return {
        "repo": repo.full_name,
        "number": pr.number,
        "state": pr.state,
        "title": pr.title,
        "head": pr.head,
        "base": pr.base,
        "head_sha": pr.head_sha,
        "labels": list(pr.labels),
        "reviewers": [*pr.reviewers, *(f"team:{t}" for t in pr.team_reviewers)],
        "assignees": list(pr.assignees),
        "url": pr.url,
    }


@forge_group.command("prs")
@click.argument("repo", required=False, metavar="[OWNER/]REPO")
@click.option(
    "--state",
    type=click.Choice(["open", "merged", "closed", "all"]),
    default="all",
    show_default=True,
    help="Only pull requests in this state.",
)
@profile_option
@output_option
def prs_cmd(repo: str | None, state: str, profile: str | None, output: str) -> None:
    """List pull requests on the embedded forge (of one repo, or of every repo)."""
    forge, reviewable = _reviewable(profile)
    repos = [_repo(forge, repo)] if repo else forge.list_repos()
    data = [_pr_json(r, pr) for r in repos for pr in reviewable.pull_requests(r) if state == "all" or pr.state == state]
    emit(
        output,
        data,
        lambda: table(
            [[d["repo"], f"#{d['number']}", d["state"], d["head"], d["title"]] for d in data],
            ["REPO", "PR", "STATE", "BRANCH", "TITLE"],
        ),
    )


@forge_group.command("merge")
@click.argument("repo", metavar="[OWNER/]REPO")
@click.argument("number", type=int)
@profile_option
@output_option
def merge_cmd(repo: str, number: int, profile: str | None, output: str) -> None:
    """Merge a pull request on the embedded forge (a real git merge into the bare repo)."""
    from scaffolder import config
    from scaffolder.catalogs.sync import refresh_repo

    forge, reviewable = _reviewable(profile)
    target = _repo(forge, repo)
    pr = reviewable.merge_pull_request(target, number)
    refreshed = refresh_repo(config.open_catalog(config.load(profile)), forge, target)
    data = {**_pr_json(target, pr), "catalog": refreshed.to_json() if refreshed else None}
    lines = [f"merged {target.full_name}#{number} into {pr.base}"]
    if refreshed is not None and refreshed.state != "failed":
        version = f" (template version {refreshed.version})" if refreshed.version else ""
        lines.append(f"catalog: {refreshed.entity_ref} {refreshed.state}{version}")
    emit(output, data, lambda: "\n".join(lines))
    if refreshed is not None and refreshed.state == "failed":  # the merge stands; say how to retry
        first = (refreshed.error or "").partition("\n")[0]
        click.echo(f"warning: the catalog was not refreshed: {first}", err=True)
        click.echo(f"  retry with: scaffold catalog refresh {refreshed.entity_ref}", err=True)


@forge_group.command("close")
@click.argument("repo", metavar="[OWNER/]REPO")
@click.argument("number", type=int)
@profile_option
@output_option
def close_cmd(repo: str, number: int, profile: str | None, output: str) -> None:
    """Close (decline) a pull request on the embedded forge without merging it."""
    forge, reviewable = _reviewable(profile)
    target = _repo(forge, repo)
    pr = reviewable.close_pull_request(target, number)
    emit(output, _pr_json(target, pr), lambda: f"closed {target.full_name}#{number} ({pr.state})")


COMMANDS = [forge_group]

"""Who a migration pull request asks: reviewers and assignees from the repo's owning team in the
catalog, plus the refs a golden path names in `spec.campaign.reviewers`/`assignees`.

`owner` stands for the repo's owner: the `spec.owner` of its catalog entity (the entity its
`catalog-info.yaml` describes; the file's own `spec.owner` when the catalog does not hold it). A
group becomes, on GitHub, its team (Backstage's `github.com/team-slug` annotation, `org/slug` or
`slug`) as a team reviewer, or its members when it carries no team of the repo's organisation; on
the embedded forge, its members. Members are the catalog's User entities related to the group
(`spec.memberOf` / the group's `spec.members`); a user's GitHub login is its `github.com/user-login`
annotation, else its name. Whoever cannot be resolved is left out with a note saying why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from scaffolder import yamlio
from scaffolder.catalogs.base import annotation, entity_ref, parse_ref
from scaffolder.errors import ScaffoldError
from scaffolder.forges.base import Forge, PeopleForge, Repo

OWNER = "owner"
TEAM_SLUG = "github.com/team-slug"
USER_LOGIN = "github.com/user-login"
CATALOG_INFO = "catalog-info.yaml"


class Directory(Protocol):
    """What reviewers are looked up in: a catalog (`scaffolder.catalogs.base.Catalog`) or `Lookups`."""

    def get(self, ref: str) -> dict[str, Any] | None: ...

    def members(self, group: str) -> list[dict[str, Any]]: ...


class Lookups:
    """A catalog's answers kept for one campaign: its repos share a few owning groups, so each
    group and its members are looked up once, not once per repo (threads share it)."""

    def __init__(self, catalog: Directory) -> None:
        self._catalog = catalog
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str], Any] = {}

    def _once(self, key: tuple[str, str], look: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._answers:
                return self._answers[key]
        answer = look()
        with self._lock:
            return self._answers.setdefault(key, answer)

    def get(self, ref: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self._once(("get", ref), lambda: self._catalog.get(ref))
        return found

    def members(self, group: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._once(("members", group), lambda: self._catalog.members(group))
        return found


@dataclass
class People:
    """Who to ask on one pull request, in forge names, and why anyone wanted is missing."""

    reviewers: list[str] = field(default_factory=list)  # users
    teams: list[str] = field(default_factory=list)  # team slugs (GitHub)
    assignees: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def asked(self) -> list[str]:
        """Everyone asked, as the metadata block records them: `user`, `team:slug`, `assignee:user`."""
        return sorted({*self.reviewers, *(f"team:{t}" for t in self.teams), *(f"assignee:{a}" for a in self.assignees)})

    def without(self, done: Iterable[str]) -> People:
        """These people minus those already asked (entries of an earlier `asked()`)."""
        seen = set(done)
        return People(
            [u for u in self.reviewers if u not in seen],
            [t for t in self.teams if f"team:{t}" not in seen],
            [a for a in self.assignees if f"assignee:{a}" not in seen],
            list(self.notes),
        )

    def __bool__(self) -> bool:
        return bool(self.reviewers or self.teams or self.assignees)


def owner_of(catalog_info: bytes | None, catalog: Directory | None) -> str | None:
    """The repo's owner ref: the `spec.owner` of the catalog's entity for its `catalog-info.yaml`
    (the file's own when the catalog does not hold it), or None."""
    if catalog_info is None:
        return None
    try:
        entity = yamlio.plain(yamlio.load(Path(CATALOG_INFO), catalog_info.decode("utf-8")))
    except (yamlio.YamlSyntaxError, UnicodeDecodeError):
        return None
    if not isinstance(entity, dict):
        return None
    stored = catalog.get(entity_ref(entity)) if catalog is not None else None
    owner = ((stored or entity).get("spec") or {}).get("owner")
    return str(owner) if owner else None


def resolve(
    reviewers: list[str],
    assignees: list[str],
    *,
    owner: str | None,
    catalog: Directory | None,
    forge_kind: str,
    org: str,
) -> People:
    """Turn the golden path's refs into forge names (`org`: the repo's owner on the forge)."""
    people = People()
    for ref, as_assignee in [*((r, False) for r in reviewers), *((a, True) for a in assignees)]:
        if ref == OWNER:
            if owner is None:
                people.notes.append("the repo names no owner (catalog-info.yaml spec.owner): nobody asked")
                continue
            ref = owner
        kind, namespace, name = parse_ref(ref, "group")
        full = f"{kind}:{namespace}/{name}"
        if kind == "user":
            user = catalog.get(full) if catalog is not None else None
            _add(people.assignees if as_assignee else people.reviewers, [_login(user, name, forge_kind)])
            continue
        group = catalog.get(full) if catalog is not None else None
        if group is None:
            people.notes.append(f"{full} is not in the catalog: nobody asked for it")
            continue
        team = _team(group, org) if forge_kind == "github" and not as_assignee else None
        if team is not None:
            _add(people.teams, [team])
            continue
        members = catalog.members(full) if catalog is not None else []
        if not members:
            people.notes.append(f"{full} has no members in the catalog: nobody asked for it")
        names = [_login(m, str((m.get("metadata") or {}).get("name", "")), forge_kind) for m in members]
        _add(people.assignees if as_assignee else people.reviewers, names)
    return people


def _add(into: list[str], names: Iterable[str]) -> None:
    into.extend(n for n in names if n and n not in into)


def _login(user: Mapping[str, Any] | None, name: str, forge_kind: str) -> str:
    """A user's name on the forge: its GitHub login annotation on GitHub, else its entity name."""
    if forge_kind == "github":
        return annotation(user, USER_LOGIN) or name
    return name


def _team(group: Mapping[str, Any], org: str) -> str | None:
    """The group's GitHub team slug when it names one in the repo's organisation."""
    value = annotation(group, TEAM_SLUG)
    if not value:
        return None
    team_org, _, slug = value.rpartition("/")
    if team_org and team_org.lower() != org.lower():
        return None
    return slug or None


def people_for(
    forge: Forge,
    repo: Repo,
    catalog: Directory | None,
    policy: tuple[list[str], list[str]],
    catalog_info: bytes | None,
) -> People:
    """Who to ask on this repo's migration PR (`policy`: the reviewers and assignees refs;
    `catalog_info`: the repo's catalog-info.yaml); a catalog failure becomes a note, never an error."""
    reviewers, assignees = policy
    try:
        owner = owner_of(catalog_info, catalog) if OWNER in (*reviewers, *assignees) else None
        return resolve(reviewers, assignees, owner=owner, catalog=catalog, forge_kind=forge.kind, org=repo.owner)
    except ScaffoldError as exc:
        return People(notes=[f"reviewers not resolved: {exc.render().splitlines()[0]}"])


def ask(forge: Forge, repo: Repo, number: int, people: People) -> tuple[list[str], list[str]]:
    """Request the reviewers and assignees in `people` on PR `number`. GitHub refuses a whole
    request for one bad name, so a refused request is retried name by name. Returns the entries
    (as in `People.asked`) the forge refused, and why."""
    if not people:
        return [], []
    if not isinstance(forge, PeopleForge):
        return people.asked(), [f"the {forge.kind} forge cannot request reviewers"]
    refused: list[str] = []
    why: list[str] = []
    people_forge: PeopleForge = forge
    request, assign = people_forge.request_reviewers, people_forge.add_assignees
    batches: list[tuple[list[tuple[str, Callable[[], object]]], Callable[[], object]]] = [
        (
            [
                *((u, partial(request, repo, number, [u], [])) for u in people.reviewers),
                *((f"team:{t}", partial(request, repo, number, [], [t])) for t in people.teams),
            ],
            partial(request, repo, number, people.reviewers, people.teams),
        ),
        (
            [(f"assignee:{a}", partial(assign, repo, number, [a])) for a in people.assignees],
            partial(assign, repo, number, people.assignees),
        ),
    ]
    for singles, together in batches:
        if singles and _refused(together) is not None:
            for entry, one in singles:
                if (problem := _refused(one)) is not None:
                    refused.append(entry)
                    why.append(f"{entry} not asked: {problem}")
    return refused, why


def _refused(call: Callable[[], object]) -> str | None:
    """Why the forge refused `call`, or None when it went through."""
    try:
        call()
    except ScaffoldError as exc:
        return exc.render().splitlines()[0]
    return None

"""Templates named by a path or a git URL instead of a name in a library, with `@VERSION`.

- a path: a folder holding `template.yaml` (scaffold's or Backstage's), `cookiecutter.json` or
  `copier.yml`, or a `template.yaml` file;
- a git URL (see `scaffolder.sources.refs`): the repository is mirrored into
  `$SCAFFOLD_HOME/cache/templates/` (tags are kept) and the template read from its HEAD;
- `@VERSION` after either (`./svc@1.2.0`, `gh:acme/svc@v1.2.0`): the release tagged `vVERSION` or
  `VERSION` in the template's repository (`NAME/vVERSION` for the folder NAME of a git library).

A release is extracted (`git archive`) into the cache, keyed by commit, so it never changes. The
record of a repo made this way names the path or URL as its source and the tag as its ref, so
`scaffold upgrade` finds both versions again there.
"""

from __future__ import annotations

import re
from pathlib import Path

from scaffolder import git
from scaffolder.errors import TemplateNotFound
from scaffolder.formats.versions import content_hash, location, release_tags
from scaffolder.sources.cache import cache_dir, extract, mirror_once, slug
from scaffolder.sources.foreign import is_template_dir, load_template
from scaffolder.sources.refs import expand, split_version
from scaffolder.template import TEMPLATE_FILE, Template

# (template, source label, record ref): what a path or URL resolves to
Located = tuple[Template, str, str]


def as_folder(ref: str) -> Path | None:
    """The template folder a path names; None when `ref` is not a path (a name, then). A path
    that holds no template is TemplateNotFound."""
    candidate = Path(ref).expanduser()
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():  # template.yaml, or a Backstage my-template.yaml
        candidate = candidate.parent
    if "/" in ref or ref.startswith(".") or (candidate.is_dir() and is_template_dir(candidate)):
        if not is_template_dir(candidate):
            raise TemplateNotFound(
                f"no golden path at {ref} (no {TEMPLATE_FILE}, cookiecutter.json or copier.yml there)"
            )
        return candidate
    return None


def _cache(key: str) -> Path:
    return cache_dir("templates") / slug(key, "template")


def _unknown(ref: str, version: str, known: list[str], current: str | None) -> TemplateNotFound:
    listed = [f"{current} (current)"] if current else []
    listed += [v for v in known if v != current]
    return TemplateNotFound(f"{ref}@{version} is not a release; available: {', '.join(listed) or 'none'}")


def _release(repo: Path, commit: str, rel: str, dest: Path, bare: bool, name: str | None, version: str) -> Template:
    """The template at a release's commit of a repository, in whatever format it has there:
    PATH@VERSION and URL@VERSION both load through here, never from the folder's HEAD."""
    return load_template(extract(repo, commit, rel, dest, bare=bare), name=name, version=version)


def _from_folder(ref: str, folder: Path, version: str | None) -> Located:
    label = str(folder.resolve())
    where = location(folder)
    if version is not None and where is not None:  # the release, read at its tag (its format there)
        top, rel, prefix = where
        found = next(((t, c) for v, t, c in release_tags(top, prefix) if v == version), None)
        if found is not None and git.rev_parse(top, f"{found[1]}:{'' if rel == '.' else rel}") is not None:
            dest = _cache(label) / found[1] / folder.resolve().name
            template = _release(top, found[1], rel, dest, False, None, version)
            return _at_origin(template, label if rel == "." else None, found[0]), label, found[0]
    current = load_template(folder)
    where = where if current.format != "scaffold" or version is not None else None
    tags = release_tags(where[0], where[2]) if where is not None else []
    if version is None or version == current.version:
        tag = next((t for v, t, _ in tags if v == current.version), None)
        top_level = where is not None and where[1] == "."
        return _at_origin(current, label if tag and top_level else None, tag or ""), label, tag or current.version
    raise _unknown(ref, version, [v for v, _, _ in tags], current.version)


def _from_url(url: str, version: str | None, source: str | None = None) -> Located:
    cache = _cache(url)
    mirror = mirror_once(url, cache)
    name = re.sub(r"\.git$", "", url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]) or "template"
    tags = release_tags(mirror, "", bare=True)
    if version is not None:
        found = next(((t, c) for v, t, c in tags if v == version), None)
        if found is None:
            raise _unknown(url, version, [v for v, _, _ in tags], None)
        tag, commit = found
        template = _release(mirror, commit, ".", cache / commit / name, True, name, version)
        return _at_origin(template, source or url, tag), url, tag
    else:
        head = git.rev_parse(mirror, f"{git.MIRROR_HEAD}^{{commit}}", bare=True)
        if head is None:
            raise TemplateNotFound(f"{url} has no commits")
        commit = head
        tree = git.tree_sha(mirror, commit, bare=True)
        match = next(((v, t) for v, t, c in tags if git.tree_sha(mirror, c, bare=True) == tree), None)
        hint: str | None
        hint, tag = (match[0], match[1]) if match else (None, "")
    dest = extract(mirror, commit, ".", cache / commit / name, bare=True)
    if hint is None and tags:  # an untagged HEAD: the development version after the newest tag
        hint = _next_dev(tags[0][0], content_hash(dest))
    template = load_template(dest, name=name, version=hint)
    return _at_origin(template, source or url, tag or commit), url, tag or template.version


def _at_origin(template: Template, source: str | None, ref: str) -> Template:
    """A copier template learns the git source and ref it came from, so copier renders from there
    (its `_src_path` and `_commit` are then what `copier copy SOURCE --vcs-ref REF` gives)."""
    if template.questions is not None and source is not None:
        template.questions.origin = (source, ref)
    return template


def _next_dev(newest: str, digest: str) -> str:
    major, minor, rest = newest.split(".", 2)
    patch = re.match(r"\d+", rest)
    assert patch is not None
    return f"{major}.{minor}.{int(patch[0]) + 1}-dev+{digest[:12]}"


def locate(ref: str) -> Located | None:
    """(template, source label, record ref) for a path or URL ref; None for a name."""
    base, version = split_version(ref)
    url = expand(base)
    if url is not None:
        return _from_url(url, version, base)
    folder = as_folder(base)
    if folder is None:
        return None
    return _from_folder(ref, folder, version)


def is_outside(source: str) -> bool:
    """Whether a record's source names a path or URL (a template outside any library)."""
    return expand(source) is not None or (Path(source).is_absolute() and is_template_dir(Path(source)))


def repository(ref: str) -> tuple[Path, str, bool] | None:
    """(repository, tag prefix, bare) where the releases of a path or URL template are tagged;
    None when the template is not in a git repository."""
    base, _ = split_version(ref)
    url = expand(base)
    if url is not None:
        return mirror_once(url, _cache(url)), "", True
    folder = as_folder(base)
    where = location(folder) if folder is not None else None
    return None if where is None else (where[0], where[2], False)

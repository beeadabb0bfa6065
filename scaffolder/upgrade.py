"""`scaffold upgrade` as a library function: move one generated repo from template version A to B.

1. Read the repo's record (`.scaffold/record.yaml`): version and answers (required secrets are given again).
2. Resolve the answers for both versions (parameters the new version added: given, asked or default).
3. Render A and B with those answers into temporary folders (`Runner.render`: the steps as a dry
   run, a catalog that touches nothing), byte for byte what `scaffold new` made.
4. Run the migrations whose `to` lies in (A, B], in version order, on a copy of the repo and on
   the render of A, so a file the template renamed is merged under its new name.
5. Merge every path the template changed, three ways (`scaffolder.merge`); paths it did not change
   are not even read from the repo.
6. Write the new record; compute the unified diff of the work tree; unless `dry_run`, apply it.

Everything is computed before the first write, so a failing migration or render leaves the repo
untouched.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import shlex
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scaffolder import git, redact
from scaffolder import record as records
from scaffolder.action import ActionContext, AnyAction
from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import ActionError, AnswersError, Problem, RenderError, ScaffoldError, TemplateError
from scaffolder.expressions import render_value
from scaffolder.forges.base import Forge
from scaffolder.merge import OTHER, Decision, FileState, Labels, Other, Ours, decide
from scaffolder.parameters import Answers, resolve
from scaffolder.plan import expression_context
from scaffolder.registry import registry
from scaffolder.releases import SemverKey, semver_key
from scaffolder.render import SHM, scratch_dir
from scaffolder.runner import Runner
from scaffolder.template import MigrationStep, Template

Ask = Callable[[Template, Mapping[str, Any]], Answers]
RECORD = records.RECORD_PATH
_TREES = {"old-render": "the render of the old version", "repo": "a copy of the repo"}


def files_changed(
    added: list[str], modified: list[str], deleted: list[str], renamed: list[tuple[str, str]]
) -> list[str]:
    """Every file an upgrade adds, modifies, deletes or renames (`a -> b`), sorted."""
    return sorted([*added, *modified, *deleted, *(f"{a} -> {b}" for a, b in renamed)])


@dataclass
class UpgradeResult:
    """What an upgrade did (or, in a dry run, would do) to one work tree."""

    template: str
    from_version: str
    to_version: str
    added: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # conflict markers, or kept because both sides changed
    kept_deleted: list[str] = field(default_factory=list)  # changed by the template, deleted by the user
    answers: dict[str, Any] = field(default_factory=dict)  # the answers used (no secrets)
    diff: str = ""  # unified diff (git style) of the work tree, before -> after; secrets masked
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """Whether the work tree changes (the record included)."""
        return bool(self.diff)

    @property
    def files_changed(self) -> list[str]:
        return files_changed(self.added, self.modified, self.deleted, self.renamed)

    def to_json(self, include_diff: bool = True) -> dict[str, Any]:
        """The stable JSON shape (documented in docs/upgrades.md)."""
        data: dict[str, Any] = {
            "template": self.template,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "added": self.added,
            "modified": self.modified,
            "deleted": self.deleted,
            "renamed": [list(pair) for pair in self.renamed],
            "conflicts": self.conflicts,
            "kept_deleted": self.kept_deleted,
            "changed": self.changed,
            "dry_run": self.dry_run,
        }
        if include_diff:
            data["diff"] = self.diff
        return data


# --- versions -----------------------------------------------------------------------------------


def version_key(version: str) -> SemverKey:
    """A sort key giving semantic-version order (a pre-release sorts before its release)."""
    return semver_key(version)


def crossed_migrations(old: Template, new: Template) -> list[tuple[int, str, list[MigrationStep]]]:
    """(index, to, steps) of the new version's migrations with old < to <= new, in version order."""
    low, high = version_key(old.version), version_key(new.version)
    found = [
        (index, m.to, m.steps) for index, m in enumerate(new.model.spec.migrations) if low < version_key(m.to) <= high
    ]
    return sorted(found, key=lambda item: version_key(item[1]))


# --- answers ------------------------------------------------------------------------------------


def _needs_value(template: Template, pid: str) -> bool:
    param = template.parameter(pid)
    return param is not None and param.required and param.default is None


def _secrets_error(ids: Iterable[str]) -> AnswersError:
    return AnswersError(
        "secret answers are never recorded: give them again",
        [Problem(s, f"secret; pass it again (--set {s}=...)") for s in sorted(ids)],
    )


def _answers(
    rec: records.Record, old: Template, new: Template, given: Mapping[str, Any], ask: Ask | None
) -> tuple[Answers, Answers]:
    """(old answers, new answers): the recorded ones, plus secrets and new parameters.

    A secret is never recorded: a required one must be given again (or asked); an optional one
    not given is left out, as `scaffold new` would without it.
    """
    recorded = dict(rec.answers)
    new_given = {**{k: v for k, v in recorded.items() if new.parameter(k) is not None}, **given}
    open_ids = [p.id for p in new.parameters if p.id not in new_given]
    if ask is not None and open_ids:
        asked = ask(new, new_given)
        if asked is None:
            raise AnswersError("cancelled; nothing was changed")
        new_answers = asked
    else:
        missing = [
            s for s in rec.secret_parameters if s not in given and (_needs_value(new, s) or _needs_value(old, s))
        ]
        if missing:
            raise _secrets_error(missing)
        new_answers = resolve(new, new_given)
    old_given = {k: v for k, v in recorded.items() if old.parameter(k) is not None}
    for param in old.parameters:
        if not param.secret:
            continue
        if param.id in given:
            old_given[param.id] = given[param.id]
        elif param.id in new_answers.secret and new_answers.values.get(param.id) is not None:
            old_given[param.id] = new_answers.values[param.id]
    missing = [s for s in rec.secret_parameters if s not in old_given and _needs_value(old, s)]
    if missing:
        raise _secrets_error(missing)
    try:
        old_answers = resolve(old, old_given)
    except AnswersError as exc:
        raise AnswersError(f"the recorded answers do not fit {old.name}@{old.version} any more", exc.problems) from None
    return old_answers, new_answers


# --- trees --------------------------------------------------------------------------------------


def _inside(root: Path, rel: str) -> bool:
    """Whether `root/rel`'s folder, symlinks followed, stays inside root."""
    parent = (root / rel).parent.resolve()
    return parent == root or root in parent.parents


def read_state(root: Path, rel: str) -> Ours:
    """What is at `root/rel`: a regular file's state, OTHER (symlink, folder, escape) or None."""
    path = root / rel
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return OTHER  # a file stands where a folder on the way should be
    if not stat.S_ISREG(st.st_mode) or not _inside(root, rel):
        return OTHER
    return FileState(path.read_bytes(), bool(st.st_mode & stat.S_IXUSR))


def collect(root: Path) -> dict[str, FileState]:
    """Every regular file under `root` (no `.git`, no record), by POSIX path."""
    out: dict[str, FileState] = {}
    pending = [("", str(root))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name != ".git":
                    pending.append((rel + "/", entry.path))
            elif entry.is_file(follow_symlinks=False) and rel != RECORD:
                with open(entry.path, "rb") as fh:  # noqa: PTH123 (cheaper than a Path per file)
                    data = fh.read()
                    executable = bool(os.fstat(fh.fileno()).st_mode & stat.S_IXUSR)
                out[rel] = FileState(data, executable)
    return out


def _tree_files(worktree: Path) -> list[str]:
    """The files of the repo a migration may touch: what git tracks or would track."""
    if git.is_worktree(worktree):
        return git.list_files(worktree)
    return sorted(
        p.relative_to(worktree).as_posix()
        for p in worktree.rglob("*")
        if ".git" not in p.relative_to(worktree).parts and (p.is_file() or p.is_symlink())
    )


def _copy_tree(worktree: Path, files: Iterable[str], dest: Path) -> None:
    for rel in files:
        src = worktree / rel
        if not (src.is_symlink() or src.is_file()):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)


class _Disk:
    """The repo as it is on disk, read lazily and at most once per path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, Ours] = {}

    def get(self, rel: str) -> Ours:
        if rel not in self._cache:
            self._cache[rel] = read_state(self.root, rel)
        return self._cache[rel]


# --- migrations ---------------------------------------------------------------------------------


@dataclass
class _MigrationStep:
    label: str
    action: AnyAction | None  # None for a script
    input: dict[str, Any] = field(default_factory=dict)
    script: list[str] | None = None


def _plan_migrations(
    old: Template, new: Template, answers: Answers, run_id: str, trusted: bool
) -> list[_MigrationStep]:
    """Render and validate every crossed migration step before any runs; one error lists all problems.

    Without trust, a crossed `script` step is an error naming exactly what would run.
    """
    actions = registry()
    context = expression_context(new, answers.public(), {}, run_id)  # secrets stay out of migrations
    planned: list[_MigrationStep] = []
    problems: list[Problem] = []
    untrusted: list[Problem] = []
    for index, to, steps in crossed_migrations(old, new):
        for number, step in enumerate(steps):
            where = new.where("spec", "migrations", index, "steps", number)
            label = f"migration to {to}, step {step.id or number + 1} ({step.action or 'script'})"
            if step.script is not None:
                try:
                    argv = [str(a) for a in render_value(step.script, context, f"migrations[{index}].script")]
                except RenderError as exc:
                    problems.extend(Problem(where, f"{label}: {p}") for p in exc.problems)
                    continue
                if not trusted:
                    untrusted.append(Problem(where, f"{label} would run: {shlex.join(argv)}"))
                planned.append(_MigrationStep(label, None, script=argv))
                continue
            action = actions.get(step.action or "")
            if action is None:
                known = ", ".join(sorted(actions))
                problems.append(Problem(where, f"{label}: unknown action (installed: {known})"))
                continue
            try:
                raw = render_value(step.input, context, f"migrations[{index}].steps[{number}].input")
                action.parse(raw)
            except RenderError as exc:
                problems.extend(Problem(where, f"{label}: {p}") for p in exc.problems)
                continue
            except ValidationError as exc:
                for err in exc.errors():
                    key = ".".join(str(p) for p in err["loc"])
                    msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
                    problems.append(Problem(where, f"{label}: input {key}: {msg}"))
                continue
            planned.append(_MigrationStep(label, action, raw))
    if problems:
        raise ActionError(f"the migrations of {new.name}@{new.version} cannot run", problems)
    if untrusted:
        raise ActionError(
            f"{new.name}@{new.version} has migration scripts, which run only with trust (--trust); nothing was changed",
            untrusted,
        )
    return planned


def _run_script(step: _MigrationStep, tree: Path, which: str, old: Template, new: Template) -> None:
    argv = step.script or []
    env = {
        **os.environ,
        "SCAFFOLD_TEMPLATE": new.name,
        "SCAFFOLD_TEMPLATE_DIR": str(new.path),
        "SCAFFOLD_FROM_VERSION": old.version,
        "SCAFFOLD_TO_VERSION": new.version,
        "SCAFFOLD_UPGRADE_TREE": which,
    }
    shown = shlex.join(argv)
    try:
        done = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ActionError(f"{step.label} failed on {_TREES[which]}", [Problem(shown, str(exc))]) from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "").strip().splitlines()[-10:]
        raise ActionError(
            f"{step.label} failed on {_TREES[which]}: `{shown}` exited with {done.returncode}",
            [Problem(shown, line) for line in lines],
        )


def _run_migrations(
    steps: list[_MigrationStep],
    tree: Path,
    which: str,
    old: Template,
    new: Template,
    answers: Answers,
    forge: Forge,
    **ctx: Any,
) -> None:
    context = ActionContext(
        workspace=tree,
        template_dir=new.path,
        template=new,
        parameters=answers.values,
        forge=forge,
        catalog=NullCatalog(),
        dry_run=False,
        **ctx,
    )
    for step in steps:
        if step.action is None:
            _run_script(step, tree, which, old, new)
            continue
        try:
            step.action.run(context, step.input)
        except ScaffoldError as exc:
            exc.message = f"{step.label} failed on {_TREES[which]}: {exc.message}"
            raise


def _migration_changes(worktree: Path, files: list[str], copy: Path) -> dict[str, FileState | None]:
    """How the migrations changed the copy of the repo: path -> new state (None: deleted)."""
    after = set(collect(copy)) | {rel for rel in files if (copy / rel).is_symlink()}
    changes: dict[str, FileState | None] = {}
    for rel in sorted(set(files) | after):
        before, now = read_state(worktree, rel), read_state(copy, rel)
        if isinstance(now, Other):
            continue  # a symlink or folder a migration left or made: not ours to write
        if before != now:
            changes[rel] = now
    return changes


def _keep_edited(
    ours: dict[str, FileState | None], disk: _Disk, generated: Mapping[str, FileState], renamed: list[tuple[str, str]]
) -> list[str]:
    """Undo a migration's deletion of a generated file the user had edited (a human edit is never
    lost); returns those paths, reported as conflicts."""
    sources = {a for a, _ in renamed}
    kept = []
    for rel, now in list(ours.items()):
        before = disk.get(rel)
        edited = isinstance(before, FileState) and rel in generated and generated[rel].data != before.data
        if now is None and rel not in sources and edited:
            del ours[rel]
            kept.append(rel)
    return kept


def _renames(changes: Mapping[str, FileState | None], disk: _Disk) -> list[tuple[str, str]]:
    """Deleted and added paths holding the same content: the migrations renamed them."""
    gone: dict[bytes, list[str]] = {}
    for rel, now in changes.items():
        before = disk.get(rel)
        if now is None and isinstance(before, FileState):
            gone.setdefault(before.data, []).append(rel)
    pairs = []
    for rel, now in changes.items():
        if now is not None and disk.get(rel) is None and gone.get(now.data):
            pairs.append((gone[now.data].pop(0), rel))
    return sorted(pairs)


# --- diff ---------------------------------------------------------------------------------------


def _mode(state: FileState) -> str:
    return "100755" if state.executable else "100644"


def _lines(data: bytes) -> list[str] | None:
    """Text lines (each ending in a newline, git's marker after an unterminated last line) or None
    for binary content."""
    from scaffolder.render import is_binary

    if is_binary(data):
        return None
    lines = data.decode("utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def file_diff(old_path: str | None, new_path: str | None, before: Ours, after: Ours) -> str:
    """One file's change in git's diff format (`git apply` takes it)."""
    a, b = old_path or new_path, new_path or old_path
    head = [f"diff --git a/{a} b/{b}"]
    old = before if isinstance(before, FileState) else None
    new = after if isinstance(after, FileState) else None
    if old is None and new is not None:
        head.append(f"new file mode {_mode(new)}")
    elif new is None and old is not None:
        head.append(f"deleted file mode {_mode(old)}")
    elif old is not None and new is not None and old.executable != new.executable:
        head += [f"old mode {_mode(old)}", f"new mode {_mode(new)}"]
    if old_path and new_path and old_path != new_path:
        head += [f"rename from {old_path}", f"rename to {new_path}"]
    old_data, new_data = (old.data if old else b""), (new.data if new else b"")
    if old_data == new_data:
        return "\n".join(head) + "\n" if len(head) > 1 else ""
    old_lines, new_lines = _lines(old_data), _lines(new_data)
    from_name = f"a/{a}" if old is not None else "/dev/null"
    to_name = f"b/{b}" if new is not None else "/dev/null"
    if old_lines is None or new_lines is None:
        return "\n".join([*head, f"Binary files {from_name} and {to_name} differ"]) + "\n"
    body = difflib.unified_diff(old_lines, new_lines, from_name, to_name, n=3)
    text = "".join(line if line.endswith("\n") else line + "\n" for line in body)
    return "\n".join(head) + "\n" + text


# --- the upgrade --------------------------------------------------------------------------------


def _required(template: Template, rel: str) -> bool:
    globs = template.model.spec.required_files
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, g) or ("/" not in g and fnmatch.fnmatchcase(name, g)) for g in globs)


def _record_bytes(rec: records.Record) -> bytes:
    return records.dumps(rec).encode("utf-8")


def _write(root: Path, rel: str, state: FileState, before: Ours) -> None:
    """Write one file: an existing file keeps its mode bits, but for the executable bit."""
    from scaffolder.paths import inside

    target = inside(root, rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(before, FileState):
        mode = target.stat().st_mode & 0o777
        if not mode & 0o200:
            target.chmod(mode | 0o200)
    else:
        mode = 0o644
    mode = mode | ((mode & 0o444) >> 2) if state.executable else mode & ~0o111
    target.write_bytes(state.data)
    target.chmod(mode)


def _remove(root: Path, rel: str) -> None:
    path = root / rel
    if path.is_symlink() or path.is_file():
        path.unlink()
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


@dataclass
class _Trees:
    """The three sides of the merge, after migrations."""

    base: dict[str, FileState]  # the old version's render
    theirs: dict[str, FileState]  # the new version's render
    ours: dict[str, FileState | None] = field(default_factory=dict)  # the repo, where migrations changed it
    renamed: list[tuple[str, str]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited files a migration deleted: kept


def _trees(
    worktree: Path,
    old: Template,
    new: Template,
    answers: tuple[Answers, Answers],
    migrations: list[_MigrationStep],
    forge: Forge,
    rec: records.Record,
    trusted: bool,
    disk: _Disk,
) -> _Trees:
    """Render both versions (once each) and run the migrations on the old render and a copy of the repo."""
    run_id, started_at = rec.run_id, rec.created_at
    with tempfile.TemporaryDirectory(prefix="scaffold-upgrade-", dir=scratch_dir()) as tmp_name:
        tmp = Path(tmp_name)
        runner = Runner(forge, NullCatalog(), trusted=trusted)
        runner.render(old, answers[0], tmp / "old", run_id=run_id, started_at=started_at)
        runner.render(new, answers[1], tmp / "new", run_id=run_id, started_at=started_at)
        if not migrations:
            return _Trees(collect(tmp / "old"), collect(tmp / "new"))
        generated = collect(tmp / "old")
        files = _tree_files(worktree)
        _copy_tree(worktree, files, tmp / "ours")
        extra = {"run_id": run_id, "started_at": started_at, "trusted": trusted}
        _run_migrations(migrations, tmp / "old", "old-render", old, new, answers[1], forge, **extra)
        _run_migrations(migrations, tmp / "ours", "repo", old, new, answers[1], forge, **extra)
        trees = _Trees(collect(tmp / "old"), collect(tmp / "new"), _migration_changes(worktree, files, tmp / "ours"))
    trees.renamed = _renames(trees.ours, disk)
    # A file a migration made that the new version does not generate belongs to the repo from now on.
    for rel in set(trees.base) - set(generated) - set(trees.theirs):
        del trees.base[rel]
    trees.kept = _keep_edited(trees.ours, disk, generated, trees.renamed)
    return trees


def _merge(
    trees: _Trees, disk: _Disk, new: Template, labels: Labels, result: UpgradeResult
) -> dict[str, FileState | None]:
    """The repo's new state where it differs from disk (None: delete), path by path."""
    final: dict[str, FileState | None] = dict(trees.ours)
    result.conflicts += trees.kept
    for rel in sorted(set(trees.base) | set(trees.theirs)):
        b, t = trees.base.get(rel), trees.theirs.get(rel)
        required = t is not None and _required(new, rel)
        if b == t and not required:
            continue  # the template did not change it: the repo's file is not even read
        o: Ours = trees.ours[rel] if rel in trees.ours else disk.get(rel)
        decision: Decision = decide(b, o, t, required=required, labels=labels)
        if decision.conflict:
            result.conflicts.append(rel)
        if decision.kept_deleted:
            result.kept_deleted.append(rel)
        if decision.action == "write":
            final[rel] = decision.result
        elif decision.action == "delete":
            final[rel] = None
    result.conflicts.sort()
    return final


def _report(
    changes: Mapping[str, FileState | None], disk: _Disk, renamed: list[tuple[str, str]], result: UpgradeResult
) -> str:
    """Fill the result's lists from the changes; returns the diff."""
    result.renamed = [(a, b) for a, b in renamed if a in changes and changes[a] is None and changes.get(b)]
    sources = {a for a, _ in result.renamed}
    targets = {b: a for a, b in result.renamed}
    parts: list[str] = []
    for rel in sorted(changes):
        before, after = disk.get(rel), changes[rel]
        if rel in sources:
            continue  # shown under its new name
        if rel in targets:
            origin = disk.get(targets[rel])
            parts.append(file_diff(targets[rel], rel, origin, after))
            if origin != after:
                result.modified.append(rel)
            continue
        parts.append(file_diff(rel, rel, before, after))
        if rel == RECORD:
            continue
        if after is None:
            result.deleted.append(rel)
        elif before is None:
            result.added.append(rel)
        else:
            result.modified.append(rel)
    return "".join(parts)


def upgrade_tree(
    worktree: Path,
    old: Template,
    new: Template,
    *,
    forge: Forge,
    answers: Mapping[str, Any] | None = None,
    ask: Ask | None = None,
    dry_run: bool = False,
    trusted: bool = False,
    source: str | None = None,
    ref: str | None = None,
) -> UpgradeResult:
    """Upgrade the generated repo at `worktree` from `old` (its recorded version) to `new`.

    `answers` overrides recorded answers and gives secrets and new parameters; `ask` is called
    when parameters are still open (None: defaults, and an error for a required one without).
    `trusted` lets migration `script` steps run. `source` and `ref` go to the new record (default:
    the recorded source, no ref). With `dry_run` nothing is written; either way the result's
    `diff` shows the change. Conflicts do not raise: they are listed in the result.
    """
    worktree = worktree.resolve()
    rec = records.read(worktree)
    if rec.template.name != old.name or rec.template.version != old.version:
        raise TemplateError(
            f"{worktree} was made from {rec.template.name}@{rec.template.version}, not from {old.name}@{old.version}"
        )
    if new.name != old.name:
        raise TemplateError(f"cannot upgrade {old.name} to another golden path ({new.name})")
    if version_key(new.version) < version_key(old.version):
        raise TemplateError(
            f"{worktree} is at {old.name}@{old.version}; {new.version} is older (downgrades are not supported)"
        )
    old_answers, new_answers = _answers(rec, old, new, dict(answers or {}), ask)
    migrations = _plan_migrations(old, new, new_answers, rec.run_id, trusted)
    result = UpgradeResult(old.name, old.version, new.version, answers=new_answers.public(), dry_run=dry_run)
    disk = _Disk(worktree)
    trees = _trees(worktree, old, new, (old_answers, new_answers), migrations, forge, rec, trusted, disk)
    labels = Labels("yours", f"{old.name} {old.version}", f"{new.name} {new.version}")
    final = _merge(trees, disk, new, labels, result)

    new_record = records.Record(
        template=records.RecordTemplate(
            name=new.name, version=new.version, source=source or rec.template.source, ref=ref
        ),
        answers=new_answers.public(),
        secret_parameters=sorted(new_answers.secret),
        run_id=rec.run_id,
        created_at=rec.created_at,
        files={rel: records.sha256(state.data) for rel, state in sorted(trees.theirs.items())},
    )
    final[RECORD] = FileState(_record_bytes(new_record))
    changes = {rel: state for rel, state in final.items() if disk.get(rel) != state}
    diff = _report(changes, disk, trees.renamed, result)
    result.diff = redact.text(diff, new_answers.secret_values() + old_answers.secret_values())

    if not dry_run:
        for rel in sorted((r for r, state in changes.items() if state is None), reverse=True):
            _remove(worktree, rel)
        for rel, state in sorted(changes.items()):
            if state is not None:
                _write(worktree, rel, state, disk.get(rel))
    return result


__all__ = ["SHM", "UpgradeResult", "crossed_migrations", "scratch_dir", "upgrade_tree", "version_key"]

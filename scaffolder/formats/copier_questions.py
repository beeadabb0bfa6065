"""copier's own questionnaire for one template: each question's default, `when` and answer parsing
computed by copier's `Question`, in copier's Jinja environment, over the answers given so far.

scaffold's wizard, batch mode and upgrades ask these questions (see `scaffolder.parameters`), so a
default such as `"{{ project_name | lower | replace(' ', '-') }}"` or `"{{ name | slugify }}"` gets
copier's filters and copier's value, recomputed after every earlier answer as copier's own prompt
loop does. The template's `_jinja_extensions` are code: they are loaded only while `trusting(True)`
(`scaffold new --trust`, `scaffold upgrade --trust`); otherwise a question that needs one refuses the
template, in one line, before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from scaffolder import budget
from scaffolder.errors import Problem, RenderError, TemplateError
from scaffolder.foreign_files import copier_file, copier_sandboxed

STR_TYPES = ("str", "path", "yaml", "json")
# Whether the command running now was given trust (`--trust`): a process-wide flag, not a context
# variable, so that a campaign's worker threads see it too.
_trusted = [False]


@contextmanager
def trusting(trusted: bool) -> Iterator[None]:
    """While the block lasts, copier's questions may load the template's Jinja extensions (trust
    given outside the block stays)."""
    saved = _trusted[0]
    _trusted[0] = trusted or saved
    try:
        yield
    finally:
        _trusted[0] = saved


class CopierQuestions:
    """The questions of the copier template in `folder` (its `copier.yml` as `config`)."""

    def __init__(self, folder: Path, config: Mapping[str, Any]) -> None:
        self.folder = folder
        self.config = dict(config)
        self.ids = frozenset(k for k in self.config if not k.startswith("_"))
        # (source, git ref) when the template came from a git repository: copier renders from there
        self.origin: tuple[str, str] | None = None
        self._envs: dict[bool, Any] = {}

    @cached_property
    def questions(self) -> dict[str, dict[str, Any]]:
        """The questions as copier's `Template.questions_data` gives them (imports copier: late)."""
        from copier._template import filter_config

        questions: dict[str, dict[str, Any]] = filter_config(self.config)[1]
        for key in self.config.get("_secret_questions") or []:
            if key in questions:
                questions[key]["secret"] = True
        return questions

    def _environment(self) -> Any:
        """copier's Jinja environment for the template (its `_envops`, copier's filters), with the
        template's own extensions only when trusted."""
        trusted = _trusted[0] and bool(self.config.get("_jinja_extensions"))
        if trusted not in self._envs:
            from copier._main import Worker
            from copier._settings import SettingsModel
            from copier._template import Template

            template = Template(url=str(self.folder))
            template.__dict__.update(_raw_config=self.config, vcs=None, local_abspath=self.folder)
            if not trusted:
                template.__dict__["jinja_extensions"] = ()
            worker = Worker(src_path=str(self.folder), settings=SettingsModel(), unsafe=trusted)
            worker.__dict__["template"] = template
            with copier_sandboxed():
                self._envs[trusted] = worker.jinja_env
        return self._envs[trusted]

    def _question(self, pid: str, answers: Any) -> Any:
        from copier._jinja_ext import UnsetError
        from copier._settings import SettingsModel
        from copier._types import LazyDict
        from copier._user_data import Question
        from jinja2 import StrictUndefined

        conf = LazyDict({"src_path": lambda: self.folder.name, "answers_file": lambda: ".copier-answers.yml"})
        # the project folder is named when the run starts (after the questions): copier's own `UNSET`
        # makes a default that reads it no default here, so copier computes it when it renders
        folder_name = StrictUndefined(name="_folder_name", exc=UnsetError)
        context = {**answers.combined, "_copier_conf": conf, "_folder_name": folder_name, "_copier_answers": {}}
        return Question(
            answers=answers,
            context=context,
            jinja_env=self._environment(),
            settings=SettingsModel(),
            var_name=pid,
            **self.questions[pid],
        )

    def _answers(self, pid: str, values: Mapping[str, Any]) -> Any:
        """copier's answers before `pid`, as its prompt loop makes them: each earlier question takes
        the value given, else its default (a hidden one too: later defaults may read it)."""
        from copier._jinja_ext import UnsetError
        from copier._types import MISSING
        from copier._user_data import AnswersMap
        from jinja2 import StrictUndefined

        answers = AnswersMap()
        for key, spec in self.questions.items():
            if key == pid:
                break
            question = self._question(key, answers)
            if key in values and values[key] is not None:
                answers.user[key] = question.parse_answer(values[key])
                continue
            default = question.get_default()
            if default is not MISSING:
                answers.user[key] = default
            elif "default" in spec:  # computed from `_folder_name`: what reads it is copier's too
                answers.user[key] = StrictUndefined(name=key, exc=UnsetError)
        return answers

    def _ask(self, pid: str, values: Mapping[str, Any], what: str, call: str) -> Any:
        from copier._jinja_ext import UnsetError
        from copier.errors import CopierError
        from jinja2 import TemplateError

        try:
            with copier_sandboxed(), budget.limits(str(copier_file(self.folder) or self.folder)):
                question = self._question(pid, self._answers(pid, values))
                return getattr(question, call)()
        except UnsetError:
            return None  # it reads `_folder_name`: copier computes it when it renders
        except TemplateError as exc:
            if self.config.get("_jinja_extensions") and str(exc).startswith(("No filter named", "No test named")):
                raise self._untrusted() from None  # the template's own extension computes it: code
            raise self._error(pid, what, exc) from None
        except (CopierError, ValueError, TypeError) as exc:
            raise self._error(pid, what, exc) from None

    def _error(self, pid: str, what: str, exc: BaseException) -> RenderError:
        """copier's error computing a question, named by the template's copier.yml."""
        text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        where = str(copier_file(self.folder) or self.folder)
        return RenderError(f"copier cannot compute the {what} of {pid}", [Problem(where, f"{pid} ({what}): {text}")])

    def _untrusted(self) -> TemplateError:
        """The one-line refusal of a template whose questions need its own Jinja extensions."""
        where = str(copier_file(self.folder) or self.folder)
        why = "(_jinja_extensions) would run: it runs only with trust (--trust)"
        problems = [
            Problem(where, f"the Jinja extension {ext} {why}") for ext in self.config.get("_jinja_extensions") or []
        ]
        return TemplateError("the copier template runs code, which needs trust (--trust)", problems)

    def when(self, pid: str, values: Mapping[str, Any]) -> bool:
        """Whether copier asks (and records) `pid`, given the answers so far."""
        shown = self._ask(pid, values, "when", "get_when")
        return True if shown is None else bool(shown)

    def default(self, pid: str, values: Mapping[str, Any]) -> Any:
        """copier's default for `pid` given the answers so far (None: it has none)."""
        from copier._types import MISSING

        result = self._ask(pid, values, "default", "get_default")
        return None if result is MISSING else result

    def keeps_empty(self, pid: str) -> bool:
        """Whether an empty answer is an answer (copier takes `""` for a text question)."""
        spec = self.config.get(pid)
        spec = spec if isinstance(spec, dict) else {"default": spec}
        kind = spec.get("type") or ("str" if isinstance(spec.get("default"), str) else "")
        return kind in STR_TYPES and not spec.get("choices")

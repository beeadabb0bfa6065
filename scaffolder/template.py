"""The golden-path format v1 (`template.yaml`), defined once as typed models.

`scaffold template schema` prints the JSON Schema generated from these models. Validating a template
reports every problem at once, each with the file and line it comes from. This module is the model
only: finding and loading a golden path of any format is `scaffolder.sources`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from scaffolder import versions, yamlio
from scaffolder.errors import Problem, TemplateError
from scaffolder.foreign_files import TEMPLATE_FILE as TEMPLATE_FILE

API_VERSION = "scaffold/v1"
NAME = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
IDENT = r"^[A-Za-z_][A-Za-z0-9_]*$"

ParamType = Literal["string", "integer", "boolean", "choice", "multi-choice"]
Scalar = str | int | bool | float


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class Choice(_Model):
    """One option of a choice parameter: the stored value and the label shown in the wizard."""

    value: str | int | float | bool  # copier's choices may be YAML numbers and booleans too
    label: str | None = None


def _choice_item(value: Any) -> Any:
    return value if isinstance(value, dict | Choice) else {"value": value}


# A choice is written as a plain value or as {value, label}; both forms are in the schema.
ChoiceItem = Annotated[
    Choice,
    BeforeValidator(_choice_item),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "integer"},
                {
                    "type": "object",
                    "properties": {"value": {"type": ["string", "integer"]}, "label": {"type": "string"}},
                    "required": ["value"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class Parameter(_Model):
    """A typed input. `default` and `when` may be `${{ }}` expressions over earlier answers."""

    id: Annotated[str, Field(pattern=IDENT, description="Name used as ${{ parameters.ID }}")]
    type: ParamType = "string"
    title: str | None = Field(None, description="Prompt text; defaults to the id")
    help: str | None = Field(None, description="One sentence shown under the prompt")
    required: bool = Field(True, description="A value must be given unless there is a default")
    default: Scalar | list[Scalar] | None = Field(
        None, description="Default value; a string may be an expression like '${{ parameters.name }}-db'"
    )
    pattern: str | None = Field(None, description="Regular expression a string must match in full")
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = Field(None, alias="minLength")
    max_length: int | None = Field(None, alias="maxLength")
    choices: list[ChoiceItem] | None = Field(None, description="Options for choice and multi-choice")
    when: str | bool | None = Field(None, description="Ask only when this expression is true")
    secret: bool = Field(False, description="Never recorded, logged or shown")

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        if self.type in ("choice", "multi-choice") and not self.choices:
            raise ValueError(f"a {self.type} parameter needs 'choices'")
        if self.type not in ("choice", "multi-choice") and self.choices:
            raise ValueError(f"'choices' only applies to choice and multi-choice, not {self.type}")
        if self.type != "integer" and (self.minimum is not None or self.maximum is not None):
            raise ValueError("'minimum'/'maximum' only apply to integer parameters")
        if self.type != "string" and self.pattern is not None:
            raise ValueError("'pattern' only applies to string parameters")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("'minimum' is greater than 'maximum'")
        return self

    @property
    def prompt(self) -> str:
        return self.title or self.id


class Step(_Model):
    """One use of an action. `input` values may hold `${{ }}` expressions."""

    id: Annotated[str, Field(pattern=IDENT)]
    name: str | None = None
    action: str
    input: dict[str, Any] = Field(default_factory=dict)
    if_: str | bool | None = Field(None, alias="if", description="Run only when true")
    each: str | list[Any] | dict[str, Any] | None = Field(
        None,
        description="Run once per item of this list or mapping (Backstage's `each`); the input sees "
        "${{ each.key }} and ${{ each.value }}, and each output becomes a list",
    )


class Link(_Model):
    title: str
    url: str
    icon: str | None = None


class Output(_Model):
    links: list[Link] = Field(default_factory=list)
    text: str | None = None


class MigrationStep(_Model):
    """One migration step: an action (`fs:rename`, `fs:delete`, ...) or a trusted `script`."""

    id: str | None = None
    action: str | None = Field(None, description="An installed action id, run with `input` in the repo")
    input: dict[str, Any] = Field(default_factory=dict)
    script: list[str] | None = Field(
        None,
        min_length=1,
        description="A command (argv) run in the repo; runs only with trust (scaffold upgrade --trust)",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> MigrationStep:
        if (self.action is None) == (self.script is None):
            raise ValueError("a migration step needs exactly one of 'action' and 'script'")
        if self.script is not None and self.input:
            raise ValueError("'input' only applies to an 'action' step")
        return self


class Migration(_Model):
    """Steps to run when an upgrade crosses `to` (used by `scaffold upgrade`)."""

    to: str = Field(description="The version that introduced the change; runs when an upgrade crosses it")
    steps: list[MigrationStep] = Field(default_factory=list)

    @field_validator("to")
    @classmethod
    def _semver(cls, v: str) -> str:
        if not versions.is_valid(v):
            raise ValueError(f"{v!r} is not a semantic version like 1.2.3")
        return v


class Check(_Model):
    """A command that checks a generated project: `scaffold template test` runs it in each example's render."""

    name: str = Field(min_length=1, description="Shown in reports, e.g. 'unit tests'")
    run: list[str] = Field(
        min_length=1,
        description="The command (argv, no shell), run in the rendered project; `python` is the interpreter "
        "scaffold runs on; items may use ${{ parameters.X }}",
    )
    when: str | bool | None = Field(None, description="Run only when this expression is true")
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment variables")
    timeout: int = Field(600, ge=1, le=3600, description="Seconds before the check is stopped (and fails)")


VersionStep = Literal["patch", "minor", "major"]


class CampaignPolicy(_Model):
    """How migration campaigns treat this golden path's pull requests (`spec.campaign`)."""

    automerge: list[VersionStep] = Field(
        default_factory=lambda: list[VersionStep](["patch", "minor"]),
        description="Version steps a campaign run with --automerge may merge once checks pass "
        "(no conflicts, no human commits)",
    )
    labels: list[str] = Field(default_factory=list, description="Labels added to every migration PR")
    reviewers: list[str] = Field(
        default_factory=lambda: ["owner"],
        description="Who reviews migration PRs: `owner` (the repo's owning team in the catalog), "
        "or entity refs such as group:platform or user:jane",
    )
    assignees: list[str] = Field(default_factory=list, description="Users or groups assigned to migration PRs")
    check_timeout: int = Field(
        1800,
        alias="checkTimeout",
        ge=1,
        le=86400,
        description="Seconds a PR's checks may stay pending before the campaign reports them timed out",
    )


class Metadata(_Model):
    name: Annotated[str, Field(pattern=NAME, description="DNS-safe name of the golden path")]
    title: str | None = None
    description: str = ""
    owner: Annotated[str, Field(min_length=1, description="Owning guild, e.g. group:backend-guild")]
    lifecycle: Literal["experimental", "production", "deprecated"] = "production"
    tags: list[str] = Field(default_factory=list)


class Spec(_Model):
    version: str = Field(description="Semantic version of this release")
    type: str = Field("service", description="Component type written to the catalog")
    parameters: list[Parameter] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    migrations: list[Migration] = Field(default_factory=list)
    required_files: list[str] = Field(
        default_factory=list,
        description="Globs of generated files an upgrade brings back when a repo has deleted them",
    )
    checks: list[Check] = Field(
        default_factory=list,
        description="Commands that check a generated project (its own tests); `scaffold template test` runs them",
    )
    output: Output = Field(default_factory=Output)
    campaign: CampaignPolicy = Field(
        default_factory=CampaignPolicy, description="How migration campaigns treat this golden path's PRs"
    )

    @field_validator("version")
    @classmethod
    def _semver(cls, v: str) -> str:
        if not versions.is_valid(v):
            raise ValueError(f"{v!r} is not a semantic version like 1.2.3")
        return v

    @model_validator(mode="after")
    def _unique(self) -> Spec:
        for what, ids in (("parameter", [p.id for p in self.parameters]), ("step", [s.id for s in self.steps])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} id(s): {', '.join(dupes)}")
        return self


class TemplateModel(_Model):
    """The whole `template.yaml`."""

    api_version: Literal["scaffold/v1"] = Field(alias="apiVersion")
    kind: Literal["GoldenPath"]
    metadata: Metadata
    spec: Spec


@dataclass(frozen=True)
class Template:
    """A loaded golden path: its model and where it lives."""

    model: TemplateModel
    path: Path  # the folder holding template.yaml
    doc: Any = field(default=None, compare=False, repr=False)  # the YAML with line numbers
    # Where the template is defined, in `path`, and in which format (a Backstage, cookiecutter or
    # copier template is converted to this model: see scaffolder.formats).
    file: str = TEMPLATE_FILE
    format: str = "scaffold"
    # (source, ref) as the record names them (the path or URL the user gave, the release tag), set
    # when the golden path is resolved; foreign renderers print them where their tools would.
    origin: tuple[str, str | None] | None = field(default=None, compare=False)
    # A foreign tool's own questionnaire (copier's: `ids`, `when`, `default`, `keeps_empty`), which
    # computes the defaults and conditions of the parameters it names (see scaffolder.parameters).
    questions: Any = field(default=None, compare=False, repr=False)

    def where(self, *loc: str | int) -> str:
        """`template.yaml:LINE` of a key path such as ("spec", "steps", 2, "input")."""
        file = self.path / self.file
        line = yamlio.line_of(self.doc, loc) if self.doc is not None else None
        return f"{file}:{line}" if line else str(file)

    @property
    def name(self) -> str:
        return self.model.metadata.name

    @property
    def version(self) -> str:
        return self.model.spec.version

    @property
    def parameters(self) -> list[Parameter]:
        return self.model.spec.parameters

    @property
    def steps(self) -> list[Step]:
        return self.model.spec.steps

    def parameter(self, pid: str) -> Parameter | None:
        return next((p for p in self.parameters if p.id == pid), None)


def _loc_text(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problems_from_validation(exc: ValidationError, doc: Any, file: Path) -> list[Problem]:
    """One Problem per pydantic error, located at file:line of the offending key."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        line = yamlio.line_of(doc, loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "is required"
        where = f"{file}:{line}" if line else str(file)
        problems.append(Problem(where, f"{_loc_text(loc)}: {msg}" if loc else msg))
    return problems


def read_document(folder: Path) -> Any:
    """The YAML of `folder/template.yaml` with line numbers, checked to be a mapping (any format's)."""
    file = folder / TEMPLATE_FILE
    try:
        doc = yamlio.load(file)
    except yamlio.YamlSyntaxError as exc:
        raise TemplateError(f"cannot load golden path {folder.name}", [exc.problem]) from None
    if not isinstance(doc, dict):
        raise TemplateError(f"cannot load golden path {folder.name}", [Problem(str(file), "must be a mapping")])
    return doc


def from_document(folder: Path, doc: Any) -> Template:
    """A golden path in scaffold's own format from its loaded `template.yaml`; raises TemplateError
    listing every problem, each at its line. Other formats load in `scaffolder.sources.foreign`."""
    try:
        model = TemplateModel.model_validate(yamlio.plain(doc))
    except ValidationError as exc:
        file = folder / TEMPLATE_FILE
        raise TemplateError(f"golden path {folder.name} is invalid", problems_from_validation(exc, doc, file)) from None
    return Template(model=model, path=folder.resolve(), doc=doc)


def json_schema() -> str:
    """The JSON Schema of `template.yaml`, for editors and CI."""
    schema = TemplateModel.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "scaffold golden path (template.yaml)"
    return json.dumps(schema, indent=2, sort_keys=False)

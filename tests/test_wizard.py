"""The wizard, driven in-process: keystrokes go through a prompt_toolkit pipe input."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import questionary
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput

from scaffolder import wizard
from scaffolder.errors import AnswersError, Interrupted, Problem
from scaffolder.parameters import Answers, resolve
from scaffolder.sources import load_template
from scaffolder.template import Template

DOWN = "\x1b[B"
ENTER = "\r"
SPACE = " "
CTRL_C = "\x03"
CLEAR = "\x15"  # ctrl-u: delete the prefilled text before the cursor

HEAD = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata:
  name: demo
  owner: group:test-guild
spec:
  version: 1.2.3
  parameters:
"""


def make(tmp_path: Path, parameters: str) -> Template:
    (tmp_path / "template.yaml").write_text(HEAD + parameters)
    return load_template(tmp_path)


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as inp:
        yield inp


def run_ask(template: Template, pipe: PipeInput, keys: str, given: dict[str, Any] | None = None) -> Answers:
    pipe.send_text(keys)
    return wizard.ask(template, given, input=pipe, output=DummyOutput())


EVERY_TYPE = """\
    - id: name
      type: string
      pattern: '^[a-z][a-z0-9-]+$'
      help: DNS-safe name
    - id: replicas
      type: integer
      minimum: 1
      maximum: 5
    - id: public
      type: boolean
    - id: language
      type: choice
      choices: [python, go, {value: rust, label: Rust (beta)}]
    - id: features
      type: multi-choice
      choices: [db, cache, queue]
"""


def test_every_type(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, EVERY_TYPE)
    keys = "".join(
        [
            "svc-a" + ENTER,  # name
            "3" + ENTER,  # replicas
            "y",  # public (auto-enter)
            DOWN + DOWN + ENTER,  # language: rust
            SPACE + DOWN + DOWN + SPACE + ENTER,  # features: db, queue
        ]
    )
    answers = run_ask(template, pipe, keys)
    assert answers.values == {
        "name": "svc-a",
        "replicas": 3,
        "public": True,
        "language": "rust",
        "features": ["db", "queue"],
    }
    assert answers == resolve(template, answers.values)


def test_when_false_skips_the_dependent_parameter(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(
        tmp_path,
        """\
    - id: kubernetes
      type: boolean
      default: true
    - id: replicas
      type: integer
      default: 2
      when: ${{ parameters.kubernetes }}
    - id: owner
      type: string
""",
    )
    # If replicas were asked, "team-a" would be typed into it and fail as a non-integer.
    answers = run_ask(template, pipe, "n" + "team-a" + ENTER)
    assert answers.values == {"kubernetes": False, "owner": "team-a"}


def test_when_true_asks_the_dependent_parameter(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(
        tmp_path,
        """\
    - id: kubernetes
      type: boolean
      default: true
    - id: replicas
      type: integer
      default: 2
      when: ${{ parameters.kubernetes }}
""",
    )
    answers = run_ask(template, pipe, ENTER + CLEAR + "4" + ENTER)
    assert answers.values == {"kubernetes": True, "replicas": 4}


def test_computed_default_is_prefilled_and_accepted_with_enter(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(
        tmp_path,
        """\
    - id: name
      type: string
    - id: database
      type: string
      default: ${{ parameters.name }}-db
    - id: replicas
      type: integer
      default: 2
""",
    )
    answers = run_ask(template, pipe, "orders" + ENTER + ENTER + ENTER)
    assert answers.values == {"name": "orders", "database": "orders-db", "replicas": 2}


def test_choice_and_multi_choice_defaults(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(
        tmp_path,
        """\
    - id: language
      type: choice
      choices: [python, go, rust]
      default: go
    - id: features
      type: multi-choice
      choices: [db, cache, queue]
      default: [cache, queue]
""",
    )
    answers = run_ask(template, pipe, ENTER + ENTER)
    assert answers.values == {"language": "go", "features": ["cache", "queue"]}


@pytest.mark.parametrize(
    ("param", "keys", "expected"),
    [
        pytest.param(
            "    - id: name\n      type: string\n      pattern: '^[a-z]+$'\n",
            "Bad_Name" + ENTER + CLEAR + "good" + ENTER,
            "good",
            id="pattern-mismatch",
        ),
        pytest.param(
            "    - id: n\n      type: integer\n      minimum: 1\n      maximum: 5\n",
            "9" + ENTER + CLEAR + "0" + ENTER + CLEAR + "5" + ENTER,
            5,
            id="out-of-bounds",
        ),
        pytest.param(
            "    - id: n\n      type: integer\n",
            "three" + ENTER + CLEAR + "3" + ENTER,
            3,
            id="not-an-integer",
        ),
        pytest.param(
            "    - id: name\n      type: string\n",
            ENTER + "x" + ENTER,
            "x",
            id="required-empty",
        ),
    ],
)
def test_invalid_input_is_asked_again(tmp_path: Path, pipe: PipeInput, param: str, keys: str, expected: Any) -> None:
    template = make(tmp_path, param)
    answers = run_ask(template, pipe, keys)
    assert list(answers.values.values()) == [expected]


def test_validation_message_is_the_coerce_reason(
    tmp_path: Path, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The toolbar is not rendered while typeahead is being consumed, so check what the prompt's
    # validator tells the user instead.
    template = make(tmp_path, "    - id: n\n      type: integer\n      maximum: 5\n")
    validators: list[Any] = []
    real_text = questionary.text

    def spy(*args: Any, **kwargs: Any) -> Any:
        validators.append(kwargs["validate"])
        return real_text(*args, **kwargs)

    monkeypatch.setattr(questionary, "text", spy)
    run_ask(template, pipe, "9" + ENTER + CLEAR + "1" + ENTER)
    [validate] = validators
    assert validate("9") == "must be at most 5, got 9"
    assert validate("x") == "expected an integer, got 'x'"
    assert validate("") == "a value is required"
    assert validate("5") is True


def test_multi_choice_required_needs_a_selection(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, "    - id: f\n      type: multi-choice\n      choices: [a, b]\n")
    answers = run_ask(template, pipe, ENTER + DOWN + SPACE + ENTER)
    assert answers.values == {"f": ["b"]}


def test_optional_parameters_accept_an_empty_answer(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(
        tmp_path,
        """\
    - id: description
      type: string
      required: false
    - id: port
      type: integer
      required: false
    - id: tier
      type: choice
      required: false
      choices: [gold, silver]
    - id: extras
      type: multi-choice
      required: false
      choices: [a, b]
""",
    )
    answers = run_ask(template, pipe, ENTER * 4)
    assert answers.values == {"description": None, "port": None, "tier": None, "extras": []}
    assert answers == resolve(template, {})


def test_given_values_are_not_asked(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, EVERY_TYPE)
    given = {"name": "svc-b", "replicas": "2", "public": "false", "language": "go"}
    answers = run_ask(template, pipe, DOWN + SPACE + ENTER, given)
    assert answers.values == {
        "name": "svc-b",
        "replicas": 2,
        "public": False,
        "language": "go",
        "features": ["cache"],
    }


def test_all_given_asks_nothing(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, EVERY_TYPE)
    given = {
        "name": "svc-c",
        "replicas": 1,
        "public": True,
        "language": "rust",
        "features": "db,cache",
    }
    answers = wizard.ask(template, given, input=pipe, output=DummyOutput())
    assert answers == resolve(template, given)


def test_bad_given_value_is_asked_again_with_the_reason(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, "    - id: replicas\n      type: integer\n      minimum: 1\n      maximum: 5\n")
    buffer = io.StringIO()
    pipe.send_text("4" + ENTER)
    answers = wizard.ask(template, {"replicas": "12"}, input=pipe, output=PlainTextOutput(buffer))
    assert answers.values == {"replicas": 4}
    assert "replicas: must be at most 5, got 12" in buffer.getvalue()


def test_unknown_given_parameter_fails_before_asking(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, "    - id: name\n      type: string\n")
    with pytest.raises(AnswersError) as info:
        wizard.ask(template, {"nmae": "x"}, input=pipe, output=DummyOutput())
    assert "nmae: unknown parameter (known: name)" in info.value.render()


SECRET = """\
    - id: name
      type: string
    - id: token
      type: string
      secret: true
      pattern: '^tok-[a-z0-9]+$'
"""


def test_secret_is_asked_with_a_password_prompt_and_never_shown(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, SECRET)
    buffer = io.StringIO()
    pipe.send_text("svc" + ENTER + "tok-s3cr3t" + ENTER + "y")
    out = PlainTextOutput(buffer)
    answers = wizard.ask(template, input=pipe, output=out)
    assert answers.values["token"] == "tok-s3cr3t"
    assert answers.secret == {"token"}
    assert wizard.confirm(template, answers, input=pipe, output=out) is True
    shown = buffer.getvalue()
    assert "tok-s3cr3t" not in shown  # neither while typing (password prompt) nor in the summary
    assert "*" * len("tok-s3cr3t") in shown
    assert "••••••" in shown


def test_bad_given_secret_reason_hides_the_value(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, SECRET)
    buffer = io.StringIO()
    pipe.send_text("tok-ok" + ENTER)
    answers = wizard.ask(
        template,
        {"name": "svc", "token": "Leaked-Value"},
        input=pipe,
        output=PlainTextOutput(buffer),
    )
    assert answers.values["token"] == "tok-ok"
    assert "token:" in buffer.getvalue()
    assert "Leaked-Value" not in buffer.getvalue()


def test_summary_masks_secrets_and_values_derived_from_them(tmp_path: Path) -> None:
    template = make(
        tmp_path,
        SECRET
        + """\
    - id: url
      type: string
      default: https://x:${{ parameters.token }}@host
    - id: public
      type: boolean
      default: false
    - id: features
      type: multi-choice
      choices: [db, cache]
      required: false
""",
    )
    answers = resolve(template, {"name": "svc", "token": "tok-abc"})
    text = wizard.summary(template, answers)
    assert "tok-abc" not in text
    lines = text.splitlines()
    assert lines[0].split() == ["name", "svc"]
    assert lines[1].split() == ["token", "••••••"]
    assert lines[2].split() == ["url", "••••••"]  # computed from the secret: secret too
    assert "url" in answers.secret and "url" not in answers.public()
    assert lines[3].split() == ["public", "no"]
    assert lines[4].split() == ["features", "(none)"]


@pytest.mark.parametrize(("keys", "expected"), [("y", True), ("n", False), (ENTER, True)])
def test_confirm(tmp_path: Path, pipe: PipeInput, keys: str, expected: bool) -> None:
    template = make(tmp_path, SECRET)
    answers = resolve(template, {"name": "svc", "token": "tok-1"})
    buffer = io.StringIO()
    pipe.send_text(keys)
    result = wizard.confirm(template, answers, input=pipe, output=PlainTextOutput(buffer))
    assert result is expected
    assert "Create svc from demo@1.2.3?" in buffer.getvalue()


@pytest.mark.parametrize(
    ("param", "keys"),
    [
        pytest.param("    - id: a\n      type: string\n", "ab" + CTRL_C, id="text"),
        pytest.param("    - id: a\n      type: string\n      secret: true\n", CTRL_C, id="password"),
        pytest.param("    - id: a\n      type: boolean\n", CTRL_C, id="confirm"),
        pytest.param("    - id: a\n      type: choice\n      choices: [x, y]\n", DOWN + CTRL_C, id="select"),
        pytest.param(
            "    - id: a\n      type: multi-choice\n      choices: [x, y]\n",
            SPACE + CTRL_C,
            id="checkbox",
        ),
    ],
)
def test_ctrl_c_raises_interrupted(tmp_path: Path, pipe: PipeInput, param: str, keys: str) -> None:
    template = make(tmp_path, param)
    with pytest.raises(Interrupted) as info:
        run_ask(template, pipe, keys)
    assert info.value.message == "cancelled; nothing was created"
    assert info.value.exit_code == 130


def test_ctrl_c_at_confirm_raises_interrupted(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, "    - id: name\n      type: string\n")
    answers = resolve(template, {"name": "svc"})
    pipe.send_text(CTRL_C)
    with pytest.raises(Interrupted):
        wizard.confirm(template, answers, input=pipe, output=DummyOutput())


def test_wizard_and_batch_mode_agree(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(
        tmp_path,
        """\
    - id: name
      type: string
    - id: kubernetes
      type: boolean
      default: true
    - id: replicas
      type: integer
      default: 2
      when: ${{ parameters.kubernetes }}
    - id: database
      type: string
      default: ${{ parameters.name }}-db
""",
    )
    answers = run_ask(template, pipe, "shop" + ENTER + ENTER + ENTER + ENTER)
    assert answers == resolve(template, {"name": "shop"})


def test_questionary_is_imported_only_by_the_wizard() -> None:
    root = Path(wizard.__file__).parent
    importers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import questionary" in path.read_text() or "from questionary" in path.read_text()
    )
    assert importers == ["wizard.py"]


def test_a_default_computed_from_a_secret_is_asked_as_a_secret(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(
        tmp_path, SECRET + "    - id: header\n      type: string\n      default: x-${{ parameters.token }}\n"
    )
    buffer = io.StringIO()
    pipe.send_text("svc" + ENTER + "tok-s3cr3t" + ENTER + ENTER)
    answers = wizard.ask(template, input=pipe, output=PlainTextOutput(buffer))
    assert answers.values["header"] == "x-tok-s3cr3t" and "header" in answers.secret
    assert "tok-s3cr3t" not in buffer.getvalue()  # not prefilled in the clear


# --- a wizard that forgives: back, review, confirm, Ctrl-C, taken names -------------------------

CTRL_B = "\x02"
THREE = """\
    - id: name
      type: string
    - id: kubernetes
      type: boolean
      default: false
    - id: replicas
      type: integer
      default: 2
      when: ${{ parameters.kubernetes }}
    - id: tier
      type: choice
      choices: [gold, silver]
"""


def run_wizard(template: Template, pipe: PipeInput, keys: str, **kwargs: Any) -> tuple[Answers, str]:
    buffer = io.StringIO()
    pipe.send_text(keys)
    answers = wizard.run(template, input=pipe, output=PlainTextOutput(buffer), **kwargs)
    return answers, buffer.getvalue()


def test_ctrl_b_goes_back_to_the_previous_question(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)
    keys = "".join(
        [
            "svc" + ENTER,  # name
            "n",  # kubernetes: no, so replicas is not asked
            CTRL_B,  # at tier: back to kubernetes
            CTRL_B,  # at kubernetes: back to name, its answer prefilled
            CLEAR + "orders" + ENTER,
            "y",  # kubernetes: yes this time, so replicas is asked
            CLEAR + "3" + ENTER,
            DOWN + ENTER,  # tier: silver
        ]
    )
    answers, shown = run_ask_output(template, pipe, keys)
    assert answers.values == {"name": "orders", "kubernetes": True, "replicas": 3, "tier": "silver"}
    assert shown.count("Ctrl-B goes back") == 1  # the hint is shown once


def run_ask_output(template: Template, pipe: PipeInput, keys: str) -> tuple[Answers, str]:
    buffer = io.StringIO()
    pipe.send_text(keys)
    return wizard.ask(template, input=pipe, output=PlainTextOutput(buffer)), buffer.getvalue()


def test_ctrl_b_at_the_first_question_stays_there(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, "    - id: name\n      type: string\n")
    answers, shown = run_ask_output(template, pipe, CTRL_B + "svc" + ENTER)
    assert answers.values == {"name": "svc"}
    assert "this is the first question" in shown


def test_ctrl_b_skips_given_answers(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)
    pipe.send_text("y" + CTRL_B + "n" + ENTER)  # back from kubernetes: name was given, so it stays put
    answers = wizard.ask(template, {"name": "given"}, input=pipe, output=DummyOutput())
    assert answers.values == {"name": "given", "kubernetes": False, "tier": "gold"}


def test_review_lists_every_answer_and_edits_one(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)
    keys = "".join(
        [
            "svc" + ENTER + "n" + ENTER,  # name, kubernetes, tier: gold
            DOWN + DOWN + ENTER,  # review: change kubernetes
            "y",  # now replicas becomes visible and is asked; tier keeps its answer
            CLEAR + "4" + ENTER,
            DOWN + ENTER,  # review: change name
            CLEAR + "orders" + ENTER,
            ENTER,  # review: create it
            "y",  # confirm
        ]
    )
    answers, shown = run_wizard(template, pipe, keys)
    assert answers.values == {"name": "orders", "kubernetes": True, "replicas": 4, "tier": "gold"}
    assert "Review the answers Change kubernetes: no" in shown and "Review the answers Change name: svc" in shown
    tables = [line.split() for line in shown.splitlines() if line.startswith("  ")]
    assert ["replicas", "4"] in tables and ["tier", "gold"] in tables  # every answer is listed
    assert answers == resolve(template, answers.values)


def test_no_at_the_confirm_returns_to_the_review(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)
    keys = "svc" + ENTER + "n" + ENTER + ENTER + "n" + DOWN + ENTER + CLEAR + "other" + ENTER + ENTER + "y"
    answers, shown = run_wizard(template, pipe, keys)
    assert answers.values["name"] == "other"
    assert "Create svc from demo@1.2.3?" in shown and "Create other from demo@1.2.3?" in shown
    assert "Not created yet" in shown


def test_yes_skips_the_review(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)
    answers, shown = run_wizard(template, pipe, "svc" + ENTER + "n" + ENTER, yes=True)
    assert answers.values["name"] == "svc" and "Review the answers" not in shown


@pytest.mark.parametrize(("save", "saved"), [("n", False), ("y", True)])
def test_ctrl_c_says_how_to_rerun_with_the_answers_so_far(
    tmp_path: Path, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch, save: str, saved: bool
) -> None:
    template = make(tmp_path, SECRET + THREE.replace("    - id: name\n      type: string\n", ""))
    monkeypatch.chdir(tmp_path)
    pipe.send_text("my svc" + ENTER + "tok-abc" + ENTER + "y" + CTRL_C + save)
    with pytest.raises(Interrupted) as info:
        wizard.run(template, ref="demo@1.2.3", input=pipe, output=DummyOutput())
    assert info.value.exit_code == 130 and info.value.message == "cancelled; nothing was created"
    text = info.value.render()
    assert "scaffold new demo@1.2.3 --set 'name=my svc' --set kubernetes=true" in text
    assert "tok-abc" not in text and "secret answers: are never saved or shown" in text
    answers_file = tmp_path / "scaffold-answers.yaml"
    assert answers_file.is_file() is saved
    if saved:
        assert yaml_load(answers_file) == {"name": "my svc", "kubernetes": True}
        assert "scaffold new demo@1.2.3 --values scaffold-answers.yaml" in text


def yaml_load(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("where", ["review", "confirm"])
def test_ctrl_c_at_the_review_or_the_confirm_is_interrupted(tmp_path: Path, pipe: PipeInput, where: str) -> None:
    template = make(tmp_path, "    - id: name\n      type: string\n")
    pipe.send_text("svc" + ENTER + (CTRL_C if where == "review" else ENTER + CTRL_C) + "n")
    with pytest.raises(Interrupted) as info:
        wizard.run(template, ref="demo", input=pipe, output=DummyOutput())
    assert "scaffold new demo --set name=svc" in info.value.render()


def test_a_taken_name_is_asked_again_right_after_it_is_typed(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)
    checked: list[tuple[str, dict[str, Any]]] = []

    def check(pid: str, values: Any) -> list[Problem]:
        checked.append((pid, dict(values)))
        if pid == "name" and values["name"] == "taken":
            return [Problem("local/taken", "a repo of that name already exists on the forge; choose another name")]
        return []

    # "n" would be typed into the name question again if the check ran only at the end
    keys = "taken" + ENTER + CLEAR + "free" + ENTER + "n" + ENTER
    answers, shown = run_ask_checked(template, pipe, keys, check)
    assert answers.values["name"] == "free"
    assert "! name: a repo of that name already exists on the forge; choose another name" in shown
    assert checked[:2] == [("name", {"name": "taken"}), ("name", {"name": "free"})]


def run_ask_checked(template: Template, pipe: PipeInput, keys: str, check: Any) -> tuple[Answers, str]:
    buffer = io.StringIO()
    pipe.send_text(keys)
    answers = wizard.ask(template, input=pipe, output=PlainTextOutput(buffer), check=check)
    return answers, buffer.getvalue()


def test_a_given_name_that_is_taken_is_asked(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, "    - id: name\n      type: string\n")

    def check(pid: str, values: Any) -> list[Problem]:
        return [Problem("x", "taken")] if values[pid] == "taken" else []

    pipe.send_text(CLEAR + "free" + ENTER)  # the taken value is prefilled, to be edited
    answers = wizard.ask(template, {"name": "taken"}, input=pipe, output=DummyOutput(), check=check)
    assert answers.values == {"name": "free"}


OWNER = "    - id: owner\n      type: string\n      pattern: '^(group|user):[a-z0-9][a-z0-9-]*$'\n"


def test_validation_messages_say_what_is_expected_and_suggest(
    tmp_path: Path, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = make(tmp_path, OWNER)
    validators: list[Any] = []
    real_text = questionary.text

    def spy(*args: Any, **kwargs: Any) -> Any:
        validators.append(kwargs["validate"])
        return real_text(*args, **kwargs)

    monkeypatch.setattr(questionary, "text", spy)
    groups = ["group:payments", "group:platform"]
    pipe.send_text("group:payments" + ENTER)
    wizard.ask(template, input=pipe, output=DummyOutput(), candidates=lambda p: groups)
    [validate] = validators
    words = "An owner is group:NAME or user:NAME, e.g. group:payments"
    assert validate("payments") == f"'payments' is not valid, did you mean group:payments? {words}"
    assert validate("gruop:payments") == f"'gruop:payments' is not valid, did you mean group:payments? {words}"
    assert validate("platfrom") == f"'platfrom' is not valid, did you mean group:platform? {words}"
    assert "^(group" not in validate("!!")


def test_ctrl_b_at_the_review_asks_the_last_question_again(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)  # replicas, hidden, is not the last one asked: tier is
    keys = "svc" + ENTER + "n" + ENTER + CTRL_B + DOWN + ENTER + ENTER + "y"
    answers, _ = run_wizard(template, pipe, keys)
    assert answers.values == {"name": "svc", "kubernetes": False, "tier": "silver"}


def test_ctrl_c_names_given_answers_not_reached_yet(tmp_path: Path, pipe: PipeInput) -> None:
    template = make(tmp_path, THREE)
    pipe.send_text(CTRL_C + "n")
    with pytest.raises(Interrupted) as info:
        wizard.run(template, {"tier": "gold"}, ref="demo", input=pipe, output=DummyOutput())
    assert "scaffold new demo --set tier=gold" in info.value.render()

"""One validation path for wizard and batch: coercion, defaults, conditions, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import AnswersError
from scaffolder.parameters import InvalidValue, coerce, parse_set, resolve
from scaffolder.sources import load_template
from scaffolder.template import Parameter
from tests.helpers import MINIMAL, write_template

RICH = MINIMAL.replace(
    "    - id: api_token\n",
    """    - id: kubernetes
      type: boolean
      default: true
    - id: replicas
      type: integer
      minimum: 1
      maximum: 20
      default: 2
      when: ${{ parameters.kubernetes }}
    - id: database
      type: string
      default: ${{ parameters.name }}-db
    - id: tier
      type: choice
      choices: [bronze, silver, gold]
      default: silver
    - id: regions
      type: multi-choice
      choices: [eu, us, ap]
      default: [eu]
    - id: api_token
""",
)


@pytest.fixture
def template(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_template(write_template(tmp_path, RICH))


def test_defaults_and_computed_defaults(template) -> None:  # type: ignore[no-untyped-def]
    answers = resolve(template, {"name": "orders-api", "owner": "group:payments"})
    assert answers.values == {
        "name": "orders-api",
        "owner": "group:payments",
        "port": 8080,
        "kubernetes": True,
        "replicas": 2,
        "database": "orders-api-db",
        "tier": "silver",
        "regions": ["eu"],
        "api_token": None,
    }


def test_text_values_are_coerced(template) -> None:  # type: ignore[no-untyped-def]
    answers = resolve(
        template,
        parse_set(
            ["name=orders-api", "owner=group:payments", "port=9000", "kubernetes=no", "regions=eu,ap", "tier=gold"]
        ),
    )
    assert answers.values["port"] == 9000
    assert answers.values["kubernetes"] is False
    assert "replicas" not in answers.values  # hidden by `when`
    assert answers.values["regions"] == ["eu", "ap"]


def test_every_problem_is_reported_at_once(template) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnswersError) as info:
        resolve(
            template,
            {
                "name": "Bad_Name",
                "port": "99999",
                "tier": "platinum",
                "kubernetes": "maybe",
                "colour": "blue",
                "replicas": "x",
            },
        )
    where = {p.where: p.message for p in info.value.problems}
    assert where["name"].startswith("'Bad_Name' is not valid, did you mean bad-name? ")
    assert where["owner"].startswith("is required")
    assert where["port"] == "must be at most 65535, got 99999"
    assert where["tier"] == "'platinum' is not one of: bronze, silver, gold"
    assert "expected true or false" in where["kubernetes"]
    assert where["colour"].startswith("unknown parameter")


def test_secret_values_are_kept_out_of_public_answers(template) -> None:  # type: ignore[no-untyped-def]
    answers = resolve(template, {"name": "orders-api", "owner": "group:payments", "api_token": "s3cr3t-value"})
    assert "api_token" not in answers.public()
    assert answers.secret_values() == ["s3cr3t-value"]


def test_secret_pattern_error_does_not_echo_the_value() -> None:
    param = Parameter(id="token", type="string", pattern="^tok_[a-z]+$", secret=True)
    with pytest.raises(InvalidValue) as info:
        coerce(param, "hunter2")
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("ptype", "raw", "expected"),
    [("integer", "42", 42), ("integer", 7, 7), ("boolean", "YES", True), ("boolean", False, False), ("string", 5, "5")],
)
def test_coerce(ptype: str, raw: object, expected: object) -> None:
    assert coerce(Parameter(id="x", type=ptype), raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ptype", "raw"), [("integer", "4.5"), ("integer", True), ("boolean", "perhaps"), ("string", None)]
)
def test_coerce_rejects(ptype: str, raw: object) -> None:
    with pytest.raises(InvalidValue):
        coerce(Parameter(id="x", type=ptype), raw)  # type: ignore[arg-type]


def test_malformed_set_pairs() -> None:
    with pytest.raises(AnswersError) as info:
        parse_set(["name=ok", "novalue", "=x"])
    assert [p.where for p in info.value.problems] == ["novalue", "=x"]


SECRET_RULES = [
    (Parameter(id="pin", type="integer", secret=True), "tok_HIDDEN1"),
    (Parameter(id="pin", type="integer", secret=True, minimum=10), 9),
    (Parameter(id="pin", type="integer", secret=True), ["tok_HIDDEN1"]),
    (Parameter(id="flag", type="boolean", secret=True), "tok_HIDDEN1"),
    (Parameter(id="vault", type="choice", secret=True, choices=["a", "b"]), "tok_HIDDEN1"),
    (Parameter(id="vault", type="choice", secret=True, choices=["a", "b"]), {"k": "tok_HIDDEN1"}),
    (Parameter(id="scopes", type="multi-choice", secret=True, choices=["a", "b"]), "a,tok_HIDDEN1"),
    (Parameter(id="scopes", type="multi-choice", secret=True, choices=["a", "b"]), {"k": "tok_HIDDEN1"}),
    (Parameter(id="token", type="string", secret=True), ["tok_HIDDEN1"]),
    (Parameter(id="token", type="string", secret=True), {"k": "tok_HIDDEN1"}),
]


@pytest.mark.parametrize(("param", "raw"), SECRET_RULES)
def test_no_rule_echoes_a_secret_value(param: Parameter, raw: object) -> None:
    with pytest.raises(InvalidValue) as info:
        coerce(param, raw)
    message = str(info.value)
    assert "HIDDEN1" not in message and "9" not in message
    assert message  # still says what is wrong


def test_a_bad_choice_that_is_not_secret_is_still_named() -> None:
    with pytest.raises(InvalidValue, match="'gold' is not one of: a, b"):
        coerce(Parameter(id="tier", type="choice", choices=["a", "b"]), "gold")


def test_a_default_computed_from_a_secret_is_secret(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "    - id: api_token\n      type: string\n      secret: true\n      required: false\n",
        "    - id: api_token\n      type: string\n      secret: true\n      required: false\n"
        "    - id: header\n      type: string\n      default: Bearer ${{ parameters.api_token | upper }}\n"
        "    - id: label\n      type: string\n      default: ${{ parameters.name }}-label\n",
    )
    template = load_template(write_template(tmp_path, text))
    answers = resolve(template, {"name": "svc", "owner": "group:x", "api_token": "tok-abc"})
    assert answers.secret == {"api_token", "header"}
    assert "header" not in answers.public() and answers.public()["label"] == "svc-label"
    assert "Bearer TOK-ABC" in answers.secret_values()
    given = resolve(template, {"name": "svc", "owner": "group:x", "api_token": "tok-abc", "header": "x-given"})
    assert "header" in given.secret  # the wizard asks it as a secret; given, it is one too


def test_learned_values_are_masked_but_public_answers_stay_public(template) -> None:  # type: ignore[no-untyped-def]
    answers = resolve(template, {"name": "orders-api", "owner": "group:payments", "api_token": "tok-abc"})
    answers.learn(["TOK-ABC", "orders-api", "ab"])
    assert "TOK-ABC" in answers.secret_values()
    assert "orders-api" not in answers.secret_values()  # also a public answer: not hidden

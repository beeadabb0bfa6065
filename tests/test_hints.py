"""Validation messages in words (`scaffolder.hints`): what is expected, an example, a "did you mean"."""

from __future__ import annotations

import pytest

from scaffolder.errors import Problem
from scaffolder.formats.backstage_parameters import convert_parameters
from scaffolder.parameters import InvalidValue, coerce
from scaffolder.template import Parameter

OWNER = Parameter(id="owner", pattern=r"^(group|user):[a-z0-9][a-z0-9-]*$")
NAME = Parameter(id="name", pattern=r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$")


def message(param: Parameter, raw: str, candidates: tuple[str, ...] = ()) -> str:
    with pytest.raises(InvalidValue) as info:
        coerce(param, raw, candidates)
    return str(info.value)


def test_an_owner_is_explained_with_an_example_and_a_suggestion() -> None:
    assert message(OWNER, "payments") == (
        "'payments' is not valid, did you mean group:payments? An owner is group:NAME or user:NAME, e.g. group:payments"
    )


def test_the_catalogs_groups_are_suggested_for_a_close_owner() -> None:
    groups = ("group:payments", "group:platform-team")
    assert "did you mean group:platform-team?" in message(OWNER, "platfrom-team", groups)
    assert "did you mean group:payments?" in message(OWNER, "Group:Payments", groups)


def test_a_lowercase_name_is_explained_and_repaired() -> None:
    text = message(NAME, "Orders_API")
    assert text == (
        "'Orders_API' is not valid, did you mean orders-api? "
        "Lowercase letters, digits and '-', starting with a letter, e.g. orders-api"
    )


def test_help_text_says_what_is_expected() -> None:
    param = NAME.model_copy(update={"help": "DNS-safe; becomes the repo name"})
    assert message(param, "x_y") == (
        "'x_y' is not valid, did you mean x-y? Expected DNS-safe; becomes the repo name, e.g. orders-api"
    )


def test_an_unknown_pattern_is_shown_shortened() -> None:
    long = r"^(?:[A-Z]{2}-\d{4}|[a-z]+\.[a-z]+@example\.(?:com|org|net))$"
    text = message(Parameter(id="ticket", pattern=long), "nope")
    assert "expected text of the form ^(?:[A-Z]{2}-" in text and long not in text and text.endswith("…")


def test_a_secret_gets_no_suggestion_that_would_show_it() -> None:
    text = message(OWNER.model_copy(update={"secret": True}), "hunter2")
    assert "hunter2" not in text and "did you mean" not in text


def test_backstages_repo_url_prompt_reads_in_words() -> None:
    problems: list[Problem] = []
    converted = convert_parameters(
        {
            "properties": {
                "repoUrl": {
                    "title": "Repository Location",
                    "type": "string",
                    "ui:field": "RepoUrlPicker",
                    "ui:options": {"allowedHosts": ["github.com"]},
                }
            }
        },
        "template.yaml",
        problems,
    )
    param = Parameter.model_validate(converted.parameters[0])
    text = message(param, "orders-api")
    assert "HOST?owner=OWNER&repo=NAME, e.g. github.com?owner=acme&repo=orders-api" in text
    assert "(?=" not in text and len(text) < 160


def test_a_mistyped_choice_gets_a_suggestion() -> None:
    param = Parameter(id="tier", type="choice", choices=["bronze", "silver", "gold"])
    assert message(param, "silvr") == "'silvr' is not one of: bronze, silver, gold; did you mean silver?"
    assert message(param, "Gold").endswith("did you mean gold?")
    assert message(param, "platinum") == "'platinum' is not one of: bronze, silver, gold"

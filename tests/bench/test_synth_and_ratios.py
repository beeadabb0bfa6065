"""The bench's synthetic templates and its per-round ratios, checked without timing anything:
the Jinja-heavy template renders, under plain jinja2 with any whitespace options, to what the
suite expects every tool to produce; per-round ratios pair the runs of one round."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import report
import synth
from measure import Sample, Timing
from suite import Row

SYNTAXES = {"scaffold": "values.", "cookiecutter": "cookiecutter.", "copier": ""}


def _context(prefix: str) -> dict[str, object]:
    return (
        {"values": synth.VARIABLES}
        if prefix == "values."
        else ({"cookiecutter": synth.VARIABLES} if prefix else dict(synth.VARIABLES))
    )


@pytest.mark.parametrize("tool", sorted(SYNTAXES))
@pytest.mark.parametrize("trim", [False, True])
def test_the_jinja_heavy_template_renders_to_the_expected_files_in_every_syntax(tool: str, trim: bool) -> None:
    shape = synth.shape("tiny", "jinja")
    prefix = SYNTAXES[tool]
    env = SandboxedEnvironment(
        keep_trailing_newline=True, trim_blocks=trim, lstrip_blocks=trim, undefined=jinja2.StrictUndefined
    )
    template = shape.files_for(2, lambda n: f"{{{{ {prefix}{n} }}}}", lambda n: f"{prefix}{n}")
    expected = synth.rendered(shape, 2)
    rendered = {
        env.from_string(p).render(_context(prefix)): env.from_string(t).render(_context(prefix))
        for p, t in template.items()
    }
    assert rendered == expected


def test_most_files_of_the_jinja_heavy_template_use_blocks_loops_and_filters() -> None:
    shape = synth.shape("300", "jinja")
    files = shape.files_for(1, lambda n: f"{{{{ values.{n} }}}}", lambda n: f"values.{n}")
    heavy = [text for text in files.values() if "{% for" in text and "{% if" in text and "| " in text]
    assert len(heavy) / len(files) >= 0.75
    plain = synth.shape("300").files_for(1, lambda n: f"{{{{ values.{n} }}}}", lambda n: f"values.{n}")
    assert not any("{%" in text or "|" in text for text in plain.values())


def _row(tool: str, seconds: list[float], variant: str = "") -> Row:
    return Row("render", "300 files", tool, Timing(tool, [], [Sample(s, 40.0) for s in seconds]), variant)


def test_ratios_are_taken_round_by_round_as_well_as_of_medians() -> None:
    mine = _row("scaffold", [0.1, 0.2, 0.4])
    theirs = _row("cookiecutter", [0.5, 0.6, 0.8])
    r = report.ratio(mine, theirs)
    assert r.rounds == pytest.approx((5.0, 3.0, 2.0))
    assert (r.median, r.of_medians) == (pytest.approx(3.0), pytest.approx(3.0))
    assert r.to_json()["round_min"] == 2.0 and r.to_json()["round_max"] == 5.0


def test_a_variant_is_judged_against_the_peer_s_same_variant_when_there_is_one() -> None:
    cold = _row("scaffold", [0.2, 0.2], "fresh home")
    rows = [
        _row("scaffold", [0.1, 0.1]),
        cold,
        _row("cookiecutter", [0.8, 0.8]),
        _row("cookiecutter", [1.2, 1.2], "fresh home"),
        _row("copier", [3.0, 3.0]),
    ]
    assert report.peer_row(rows, cold, "cookiecutter") is rows[3]
    assert report.peer_row(rows, cold, "copier") is rows[4]
    verdicts = {v.target: v for v in report.verdicts(rows)}
    assert verdicts["create, render only, 300 files (fresh home): >= 4x faster than cookiecutter"].met is True
    assert verdicts["create, render only, 300 files (fresh home): >= 10x faster than copier"].met is True
    assert "| 300 files | fresh home | 6.0x (6.0-6.0) met | 15.0x (15.0-15.0) met |" in report.matrix(rows)

"""The terminal, Markdown and JSON reports of one verdict, rendered in full."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
from rich.console import Console

from tiergate.report import render_json, render_markdown, render_terminal
from tiergate.schemas import FOLDER
from unit.conftest import CALC_PATH, IMPORTED, Tier, passing, record

if TYPE_CHECKING:
    from collections.abc import Callable

    from tiergate.verdict import Verdict
    from unit.conftest import RunFolder

ONLY = ("sessions", "tests", "coverage")
EXPECTED = Path(__file__).parent / "expected"
"""The reports of the ``red`` verdict, as a person reads them (terminal lines right-stripped)."""
HOSTILE = "packages/alpha/tests/unit/test_calc.py::test_markup[bold]|x"


@pytest.fixture
def red(
    workspace: Path,
    alpha: Path,
    add_member: Callable[..., Path],
    run: RunFolder,
    configure: Callable[[str], None],
) -> Verdict:
    """Failed: a failing test and combined coverage; a warning: beta's Python 3.99 is missing.

    alpha (Python 3.11 only) ran unit (6 of 10 lines) and integration (5 of 10: a subset).
    """
    (workspace / ".python-version").write_text("3.11\n3.99\n")
    pyproject = alpha / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("dependencies", 'requires-python = "<3.12"\ndependencies')
    )
    beta = add_member("beta", tests=True)  # tests, no source: no coverage expected of it
    (beta / "tests/unit").mkdir()
    (beta / "tests/unit/test_beta.py").write_text("def test_0():\n    pass\n")
    configure("[tool.tiergate.coverage]\ncombined = 90\ntiers = { unit = 50 }\n")
    unit = (*passing(1), record(HOSTILE, "failed"))
    run.tests(
        "alpha",
        {
            "unit": Tier(unit, {CALC_PATH: (*IMPORTED, 5)}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: IMPORTED}),
        },
    )
    beta_test = record("packages/beta/tests/unit/test_beta.py::test_0")
    run.tests("beta", {"unit": Tier((beta_test,), roles=("junit", "records"))})
    return run.verdict(only=ONLY)


@pytest.fixture
def green(alpha: Path, run: RunFolder) -> Verdict:
    """Passed; alpha's integration tier left no coverage data (only the coverage gate knows)."""
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: IMPORTED}),
            "integration": Tier(passing(1), None, roles=("junit", "records")),
        },
    )
    return run.verdict(only=("tests", "coverage"))  # coverage: no bound, but the gap list


def _terminal(verdict: Verdict) -> list[str]:
    out = io.StringIO()
    render_terminal(verdict, Console(file=out, width=150))
    text = out.getvalue()
    assert "\x1b[" not in text  # not a terminal: no colour codes
    return [line.rstrip() for line in text.splitlines()]


@pytest.mark.req("FR-073")
def test_the_terminal_report_lists_gates_what_to_act_on_gaps_and_the_verdict(
    red: Verdict,
) -> None:
    # "[bold]" in a test id is shown as text, never taken for markup
    assert _terminal(red) == (EXPECTED / "gates-report.txt").read_text().splitlines()


def test_a_green_terminal_report_says_passed_and_what_was_not_ranked(green: Verdict) -> None:
    lines = _terminal(green)
    assert lines[-3:] == [
        "where to write the next test: no uncovered statement in the ranked members",
        "not ranked (coverage not run): alpha (integration)",
        "PASSED: every gate passed",
    ]
    assert not any(line.startswith(("WARNING", "FAILED")) for line in lines)


@pytest.mark.req("FR-073")
def test_the_markdown_report_escapes_table_cells_and_ends_with_the_gaps(red: Verdict) -> None:
    assert render_markdown(red) == (EXPECTED / "gates-report.md").read_text()


def test_a_green_markdown_report(green: Verdict) -> None:
    text = render_markdown(green)
    assert text.startswith("## tiergate: passed\n")
    assert text.endswith(
        "### Where to write the next test\n\n"
        "No uncovered statement in the ranked members.\n\n"
        "Not ranked (coverage not run): alpha (integration).\n"
    )
    assert "### ❌" not in text


def _schema() -> dict[str, object]:
    schema: dict[str, object] = json.loads((FOLDER / "gates-report.schema.json").read_text())
    return schema


@pytest.mark.req("NFR-002")
def test_the_json_report_follows_the_published_schema(red: Verdict, run: RunFolder) -> None:
    document = json.loads(render_json(red))
    jsonschema.validate(document, _schema())
    assert {key: document[key] for key in ("schema_version", "verdict", "exit_code")} == {
        "schema_version": 1,
        "verdict": "failed",
        "exit_code": 1,
    }
    assert (document["run_dirs"], document["crashed"]) == ([str(run.path)], [])
    assert [r["status"] for r in document["results"]] == [
        "passed",
        "passed",
        "warning",
        "failed",
        "passed",
        "passed",
        "passed",
        "passed",
        "failed",
    ]
    assert document["results"][3]["details"] == [f"failed: {HOSTILE} (alpha, Python 3.11, unit)"]
    assert document["gaps"] == {
        "found": 2,
        "churn_days": 90,
        "not_ranked": [],
        "top": [
            {
                "path": CALC_PATH,
                "package": "alpha",
                "function": "sign",
                "line": 8,
                "uncovered": 3,
                "missing": "9-11",
                "churn": None,
                "score": 3.0,
            },
            {
                "path": CALC_PATH,
                "package": "alpha",
                "function": "Box.twice",
                "line": 15,
                "uncovered": 1,
                "missing": "16",
                "churn": None,
                "score": 1.0,
            },
        ],
    }


@pytest.mark.req("NFR-004")
def test_the_json_report_is_the_same_bytes_for_the_same_run(red: Verdict, run: RunFolder) -> None:
    again = run.verdict(only=ONLY)
    assert render_json(again) == render_json(red)
    assert render_json(red).endswith("}\n")


def test_gap_scores_are_rounded_to_three_digits_with_git_churn(
    alpha: Path,
    run: RunFolder,
    commit_all: Callable[..., None],
    git: Callable[..., str],
) -> None:
    root = alpha.parent.parent
    commit_all(root, "one", date="2026-11-01T12:00:00+00:00")
    (alpha / "src/alpha/calc.py").write_text((alpha / "src/alpha/calc.py").read_text() + "\n")
    git(root, "commit", "--quiet", "-am", "two", date="2026-11-02T12:00:00+00:00")
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), {CALC_PATH: IMPORTED}), "integration": Tier(passing(1), {})},
    )
    document = json.loads(render_json(run.verdict(only=("tests", "coverage"))))
    jsonschema.validate(document, _schema())
    # 2 commits: weight 1 + log2(3); sign(): 3 x 2.58496... = 7.754887...
    assert [(g["function"], g["churn"], g["score"]) for g in document["gaps"]["top"]] == [
        ("sign", 2, 7.755),
        ("double", 2, 2.585),
        ("Box.twice", 2, 2.585),
    ]


def test_a_report_of_gates_that_read_no_coverage_has_no_gaps(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(passing(1), {CALC_PATH: IMPORTED})})
    verdict = run.verdict(only=("tests",))
    assert verdict.gaps is None  # ranking would parse every measured file for nothing
    assert not verdict.context.coverage_read
    assert "gaps" not in json.loads(render_json(verdict))
    assert "Where to write" not in render_markdown(verdict)


def test_without_coverage_data_the_json_report_has_no_gaps(
    workspace: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    docs = add_member("docs", tests=True)
    (docs / "tests/unit").mkdir()
    run.tests("docs", {"unit": Tier(passing(1), roles=("junit", "records"))})
    verdict = run.verdict(only=("tests",))
    document = json.loads(render_json(verdict))
    jsonschema.validate(document, _schema())
    assert "gaps" not in document
    assert (document["verdict"], document["exit_code"]) == ("passed", 0)
    assert "Where to write the next test" not in render_markdown(verdict)
    assert _terminal(verdict)[-1] == "PASSED: every gate passed"
    del workspace

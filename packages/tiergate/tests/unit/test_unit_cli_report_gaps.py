"""``tiergate report --html`` and ``tiergate gaps`` in process, over run folders written by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main
from tiergate.history.connect import open_store
from tiergate.history.summary import CoverageRow, RunSummary
from tiergate.history.url import parse_url
from unit.conftest import (
    CALC_PATH,
    IMPORTED,
    INIT_PATH,
    RunFolder,
    Tier,
    passing,
    record,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

RUN = ("--run", ".tiergate/runs/r1")
GAPS_TABLE = [
    "                         where to write the next test (2 of 2 gaps)                          ",
    "┏━━━━━━━┳━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓",
    "┃ score ┃ uncovered ┃ churn ┃ where                                         ┃ missing lines ┃",
    "┡━━━━━━━╇━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩",
    "│   3.0 │         3 │     - │ packages/alpha/src/alpha/calc.py:8 sign       │ 9-11          │",
    "│   1.0 │         1 │     - │ packages/alpha/src/alpha/calc.py:15 Box.twice │ 16            │",
    "└───────┴───────────┴───────┴───────────────────────────────────────────────┴───────────────┘",
    "                  ranked by uncovered statements (no git history for churn)                  ",
]


def _tests(run: RunFolder, *, unit_lines: tuple[int, ...] = (5,), failed: bool = False) -> None:
    """alpha's unit tier (the imported lines and ``unit_lines``) and an integration tier."""
    bad = (record("packages/alpha/tests/unit/test_calc.py::test_bad", "failed"),) if failed else ()
    run.tests(
        "alpha",
        {
            "unit": Tier(
                records=(*passing(3), *bad),
                executed={CALC_PATH: (*IMPORTED, *unit_lines), INIT_PATH: ()},
            ),
            "integration": Tier(records=passing(1, "integration"), executed={CALC_PATH: IMPORTED}),
        },
    )


def _tools(run: RunFolder) -> None:
    run.clean_tools("alpha")


def _main(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


# ---------------------------------------------------------------------- report


@pytest.mark.req("FR-080")
def test_report_writes_the_dashboard_under_the_root_by_default_and_records_nothing(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    _tests(run)
    _tools(run)

    assert _main(run.root, "report", "--html", *RUN) == 0

    page = run.root.resolve() / ".tiergate/report.html"
    assert capsys.readouterr() == ("", f"dashboard: {page}\n")
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "packages/alpha/src/alpha/calc.py" in html
    assert "Trends appear once the history store holds two runs (0 so far)." in html
    assert not (run.root / ".tiergate/history.db").exists()


@pytest.mark.req("FR-080")
def test_report_exits_with_the_verdicts_code_and_shows_recorded_trends(
    alpha: Path, run: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    _tests(run, failed=True)
    _tools(run)
    with open_store(parse_url("sqlite:///.tiergate/history.db", run.root)) as store:
        for minute, run_id in enumerate(("older-run", "newer-run")):
            store.record(
                RunSummary(
                    run_id=run_id,
                    recorded_at=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=minute),
                    verdict="passed",
                    exit_code=0,
                    strict=False,
                    precision=2,
                    tiergate_version="0.1.0",
                    coverage=(
                        CoverageRow(package="*", tier="*", python="*", statements=10, covered=8),
                    ),
                )
            )
    page = tmp_path / "out/dashboard.html"

    assert _main(run.root, "report", "--html", str(page), *RUN) == 1

    assert capsys.readouterr().err == f"dashboard: {page}\n"
    html = page.read_text()
    assert "The last 2 runs recorded in the history store, oldest first" in html
    assert "test_bad" in html


@pytest.mark.req("FR-040")
def test_report_is_strict_in_ci(
    alpha: Path,
    run: RunFolder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    del alpha
    (run.root / ".python-version").write_text("3.11\n3.99\n")
    _tests(run)
    _tools(run)
    page = tmp_path / "dashboard.html"
    run.types("alpha", python="3.99")  # only the tests session of Python 3.99 is missing
    assert _main(run.root, "report", "--html", str(page), *RUN) == 0
    assert _main(run.root, "report", "--html", str(page), *RUN, "--strict") == 1
    monkeypatch.setenv("CI", "1")
    assert _main(run.root, "report", "--html", str(page), *RUN) == 1
    capsys.readouterr()
    assert "Python 3.99 not found" in page.read_text()


def test_report_needs_html(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["report"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "tiergate report: error: the following arguments are required: --html"
    )


@pytest.mark.req("FR-080")
def test_report_with_traceability_shows_the_matrix_of_the_run(
    alpha: Path,
    run: RunFolder,
    configure: Callable[[str], None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    del alpha
    configure("[tool.tiergate.requirements]\n")
    (run.root / "docs/requirements").mkdir(parents=True)
    (run.root / "docs/requirements/alpha.md").write_text("# Alpha\n\n- FR-001: doubles\n")
    traced = record("packages/alpha/tests/unit/test_calc.py::test_double", requirements=("FR-001",))
    run.tests(
        "alpha",
        {
            "unit": Tier(records=(traced,), executed={CALC_PATH: IMPORTED}),
            "integration": Tier(records=passing(1, "integration"), executed={CALC_PATH: IMPORTED}),
        },
    )
    _tools(run)
    page = tmp_path / "dashboard.html"

    assert _main(run.root, "report", "--html", str(page), *RUN) == 0

    capsys.readouterr()
    html = page.read_text()
    assert "<p>1 of 1 proven (100.00%).</p>" in html
    assert (
        '<tr class="req-proven"><td><code>FR-001</code></td><td>doubles</td><td>proven</td>'
        "<td>unit</td><td>1</td></tr>"
    ) in html


# ------------------------------------------------------------------------ gaps


@pytest.mark.req("FR-073")
def test_gaps_ranks_functions_by_uncovered_statements(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    _tests(run)

    assert _main(run.root, "gaps", *RUN) == 0

    out, err = capsys.readouterr()
    assert (out.splitlines(), err) == (GAPS_TABLE, "")


@pytest.mark.req("FR-073")
def test_gaps_json_with_top_lists_the_best_ones(
    alpha: Path, run: RunFolder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    _tests(run)
    monkeypatch.setenv("TIERGATE_RUN_ID", "r1")  # the default run folder

    assert _main(run.root, "gaps", "--json", "--top", "1") == 0

    assert json.loads(capsys.readouterr().out) == {
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
            }
        ],
    }


def test_the_configured_top_is_the_default(
    alpha: Path,
    run: RunFolder,
    configure: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    del alpha
    configure("[tool.tiergate.gaps]\ntop = 1\n")
    _tests(run)
    assert _main(run.root, "gaps", *RUN, "--json") == 0
    assert [gap["function"] for gap in json.loads(capsys.readouterr().out)["top"]] == ["sign"]


@pytest.mark.req("FR-042", "FR-073")
def test_a_tier_without_coverage_is_not_ranked_and_said_so(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(records=passing(3), executed={CALC_PATH: (*IMPORTED, 5, 9, 10, 11, 16)}),
            "integration": Tier(records=passing(1, "integration")),
        },
    )

    assert _main(run.root, "gaps", *RUN) == 0

    assert capsys.readouterr().out.splitlines() == [
        "where to write the next test: no uncovered statement in the ranked members",
        "not ranked (coverage not run): alpha (integration)",
    ]


@pytest.mark.req("FR-073")
def test_churn_weighs_the_gaps_in_a_repository(
    alpha: Path,
    run: RunFolder,
    git: Callable[..., str],
    commit_all: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    del alpha
    _tests(run)
    commit_all(run.root, "alpha")
    calc = run.root / CALC_PATH
    calc.write_text(calc.read_text() + "\n")
    git(run.root, "commit", "--quiet", "-am", "touch calc")

    assert _main(run.root, "gaps", *RUN, "--json") == 0

    document = json.loads(capsys.readouterr().out)
    assert [(g["function"], g["churn"], g["score"]) for g in document["top"]] == [
        ("sign", 2, 7.755),  # 3 uncovered x (1 + log2(1 + 2 commits))
        ("Box.twice", 2, 2.585),
    ]


@pytest.mark.req("FR-042")
def test_gaps_of_a_run_without_coverage_data_is_an_error_naming_it(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(records=passing(3))})
    assert _main(run.root, "gaps", *RUN) == 2
    assert capsys.readouterr() == (
        "",
        f"tiergate: error: {run.path}: no coverage data in this run: run the tests first\n",
    )

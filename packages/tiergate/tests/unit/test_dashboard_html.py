"""The HTML dashboard's page: escaping, no external assets, charts, coverage cells."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.context import Context
from tiergate.gates.base import GateResult
from tiergate.history.summary import CoverageRow, RunSummary, TierTests
from tiergate.report.dashboard import coverage_rows
from tiergate.report.dashboard_model import Dashboard
from tiergate.report.html import coverage_chart, outcome_chart, render_html
from tiergate.verdict import Verdict

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

HOSTILE = "<script>console.error('executed')</script>"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def verdict(ws_root: Path, add_member: Callable[..., Path]) -> Verdict:
    """A workspace with one member whose unit tier did not run, judged by three results."""
    (ws_root / ".python-version").write_text("3.11\n")
    member = add_member("alpha", package="alpha", tests=True)
    (member / "src/alpha/__init__.py").write_text("VALUE = 1\n")
    (member / "tests/unit").mkdir()
    run = ws_root / ".tiergate/runs/r1"
    (run / "sessions").mkdir(parents=True)
    results = (
        GateResult("tests/failures", "failing tests", "failed", "1 failed", "0", (HOSTILE,)),
        GateResult("coverage/combined", f"coverage {HOSTILE}", "passed", "90.00%", ">= 80%"),
        GateResult("sessions/x", "session x", "warning", "not run: Python 3.99 not found", "-"),
    )
    return Verdict(results, (), (run,), Context.load(ws_root, [run], strict=False))


def _run(number: int, *, passed: bool = True, unit: int | None = 60) -> RunSummary:
    coverage = [CoverageRow(package="*", tier="*", python="*", statements=100, covered=80)]
    if unit is not None:
        coverage.append(
            CoverageRow(package="*", tier="unit", python="*", statements=100, covered=unit)
        )
    return RunSummary(
        run_id=f"r{number}",
        recorded_at=NOW - timedelta(days=10 - number),
        commit=f"{number:040x}",
        branch="main",
        verdict="passed" if passed else "failed",
        exit_code=0 if passed else 1,
        strict=False,
        precision=2,
        tiergate_version="0.1.0",
        coverage=tuple(coverage),
        tests=(TierTests(package="alpha", tier="unit", python="3.11", passed=5 + number),),
    )


def _page(verdict: Verdict, trends: tuple[RunSummary, ...] = ()) -> str:
    dashboard = Dashboard(
        verdict=verdict,
        generated_at=NOW,
        tiers=tuple(verdict.context.config.tiers),
        coverage=coverage_rows(verdict),
        trends=trends,
    )
    return render_html(dashboard)


@pytest.mark.req("FR-080")
def test_text_from_tests_and_gates_is_escaped_never_markup(verdict: Verdict) -> None:
    page = _page(verdict)
    assert HOSTILE not in page
    assert "&lt;script&gt;console.error(&#39;executed&#39;)&lt;/script&gt;" in page
    assert page.count("<script") == 0  # no chart: pygal's inline config script is absent too


@pytest.mark.req("FR-080")
def test_the_page_needs_no_network_and_no_other_file(verdict: Verdict) -> None:
    page = _page(verdict, (_run(1), _run(2, passed=False), _run(3)))
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", page)
    assert "<link" not in page
    assert "@import" not in page


@pytest.mark.req("FR-080")
def test_two_recorded_runs_draw_the_trend_charts(verdict: Verdict) -> None:
    assert "Trends appear once the history store holds two runs (1 so far)" in _page(
        verdict, (_run(1),)
    )
    page = _page(verdict, (_run(1), _run(2, passed=False), _run(3)))
    assert page.count('class="pygal-chart"') == 2
    assert "Coverage over the last runs" in page
    assert "Tests per run" in page


def test_the_outcome_chart_stacks_failed_and_errored_tests_on_the_others() -> None:
    red = _run(2, passed=False).model_copy(
        update={
            "tests": (
                TierTests(package="alpha", tier="unit", python="3.11", passed=4, failed=2),
                TierTests(package="alpha", tier="e2e", python="3.11", errors=1, skipped=3),
            )
        }
    )
    svg = outcome_chart([_run(1), red])
    values = re.findall(r'<desc class="value">([^<]*)</desc>', svg)
    assert values == ["6", "7", "0", "3"]  # not failed: 6 then 4 + 3; failed or errored: 0, 2 + 1


def test_a_tier_missing_from_a_run_is_a_gap_in_its_line_not_a_zero() -> None:
    svg = coverage_chart([_run(1), _run(2, unit=None), _run(3, unit=70)], ["unit"])
    values = re.findall(r'<desc class="value">([^<]*)</desc>', svg)
    assert values == ["80", "80", "80", "60", "70"]


def test_coverage_of_a_member_whose_tier_did_not_run_is_not_run(verdict: Verdict) -> None:
    rows = coverage_rows(verdict)
    assert [row.name for row in rows] == ["alpha", "all members"]
    alpha = rows[0]
    assert [cell.state for cell in alpha.tiers] == ["not-run", "none", "none"]
    assert alpha.total.text == "not run"
    page = _page(verdict)
    assert '<td class="num not-run">not run</td>' in page


def test_what_to_act_on_lists_failures_and_warnings_with_their_details(verdict: Verdict) -> None:
    page = _page(verdict)
    act = page[page.index('<section id="act">') : page.index("</section>")]
    assert "failing tests" in act
    assert "not run: Python 3.99 not found" in act
    assert "coverage &lt;script&gt;" not in act  # a passed gate is not something to act on

"""What the dashboard gathers from a verdict: coverage cells, trends, gaps, traceability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.covnumbers import Counts
from tiergate.history import record_verdict
from tiergate.report.dashboard import build_dashboard, coverage_rows, write_dashboard
from tiergate.report.dashboard_model import Cell, CoverageRow
from unit.conftest import CALC_PATH, IMPORTED, RunFolder, Tier, passing, record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
NONE = Cell("-", state="none")
UNIT = (*IMPORTED, 5)  # 6 of 10


def _ran(run: RunFolder, integration: Tier | None = None) -> None:
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: UNIT}),
            "integration": integration or Tier(passing(1), {CALC_PATH: IMPORTED}),
        },
    )


def test_coverage_is_shown_per_member_and_tier_and_for_all_members(
    alpha: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    del alpha
    gamma = add_member("gamma", package="gamma")  # source, and not tested by choice
    (gamma / "src/gamma/__init__.py").write_text("G = 1\n")
    with (gamma / "pyproject.toml").open("a") as pyproject:
        pyproject.write('[tool.tiergate]\ntests = false\ntests-reason = "constants only"\n')
    _ran(run)
    rows = coverage_rows(run.verdict(only=("tests",)))
    assert rows == (
        CoverageRow(
            "alpha",
            (Cell("60.00%", Counts(10, 6)), Cell("50.00%", Counts(10, 5)), NONE),
            Cell("60.00%", Counts(10, 6)),
        ),
        CoverageRow("gamma", (NONE, NONE, NONE), NONE),
        CoverageRow(
            "all members",
            (Cell("60.00%", Counts(10, 6)), Cell("50.00%", Counts(10, 5)), NONE),
            Cell("54.55%", Counts(11, 6)),  # gamma's one statement never ran
        ),
    )


def test_a_tier_whose_data_is_missing_is_not_run_in_every_row_it_touches(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    _ran(run, Tier(passing(1), None, roles=("junit", "records")))
    alpha_row, everyone = coverage_rows(run.verdict(only=("tests",)))
    not_run = Cell("not run", state="not-run")
    assert alpha_row.tiers == (Cell("60.00%", Counts(10, 6)), not_run, NONE)
    assert (alpha_row.total, everyone.total, everyone.tiers[1]) == (not_run, not_run, not_run)


@pytest.mark.req("FR-080")
def test_the_dashboard_gathers_trends_gaps_and_no_matrix_unless_configured(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    for number in (1, 2):
        earlier = RunFolder(run.root, f"r0{number}")
        _ran(earlier)
        record_verdict(earlier.verdict(only=("tests",)), now=NOW - timedelta(days=3 - number))
    _ran(run)
    verdict = run.verdict(only=("tests",))
    dashboard = build_dashboard(verdict, now=NOW)
    assert (dashboard.verdict, dashboard.generated_at) == (verdict, NOW)
    assert dashboard.tiers == ("unit", "integration", "e2e")
    assert dashboard.coverage == coverage_rows(verdict)
    assert [(r.run_id, r.recorded_at) for r in dashboard.trends] == [
        ("r01", NOW - timedelta(days=2)),
        ("r02", NOW - timedelta(days=1)),
    ]
    assert dashboard.gaps is not None
    assert [g.function for g in dashboard.gaps.gaps] == ["sign", "Box.twice"]
    assert dashboard.trace is None


def test_without_a_member_with_source_there_are_no_coverage_rows_and_no_gaps(
    workspace: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    del workspace
    docs = add_member("docs", tests=True)
    (docs / "tests/unit").mkdir()
    run.tests("docs", {"unit": Tier(passing(1), roles=("junit", "records"))})
    dashboard = build_dashboard(run.verdict(only=("tests",)), now=NOW)
    assert (dashboard.coverage, dashboard.gaps, dashboard.trends) == ((), None, ())


@pytest.mark.req("FR-080")
def test_the_written_page_holds_the_verdict_coverage_gaps_and_the_matrix(
    alpha: Path,
    run: RunFolder,
    configure: Callable[[str], None],
    write_file: Callable[[str, str], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    del alpha
    configure(
        "[tool.tiergate.requirements]\nspecs = [\"docs/*.md\"]\nid-patterns = ['REQ-\\d{2}']\n"
    )
    write_file("docs/calc.md", "- REQ-01: Doubling doubles.\n- REQ-02: Signs.\n")
    unit = (
        record("packages/alpha/tests/unit/test_calc.py::test_double", requirements=["REQ-01"]),
        record("packages/alpha/tests/unit/test_calc.py::test_sign", "failed"),
    )
    run.tests("alpha", {"unit": Tier(unit, {CALC_PATH: UNIT}), "integration": Tier(passing(1), {})})
    verdict = run.verdict(only=("tests", "requirements"))
    dashboard = build_dashboard(verdict, now=NOW)
    assert dashboard.trace is not None
    assert (dashboard.trace.source, dashboard.trace.run_dirs) == ("run", [str(run.path)])
    assert [(r.id, r.status) for r in dashboard.trace.requirements] == [
        ("REQ-01", "proven"),
        ("REQ-02", "untested"),
    ]

    output = run.root / "out" / "dashboard.html"
    write_dashboard(verdict, output)
    assert capsys.readouterr().err == f"dashboard: {output}\n"
    page = output.read_text()
    for shown in ("failing tests", "test_sign", "60.00%", "Box.twice", "REQ-01", "REQ-02"):
        assert shown in page
    assert not list(output.parent.glob(".*partial"))  # written whole, nothing left beside it

"""Gap analysis on real coverage data and a real git history; its place in the reports."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import TYPE_CHECKING

import jsonschema
import pytest
from rich.console import Console

from tiergate.gaps import find_gaps, ranking
from tiergate.report import render_json, render_markdown, render_terminal
from tiergate.schemas import FOLDER
from tiergate.verdict import Verdict, evaluate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce


SHAPES = """\
class Square:
    def __init__(self, side: int) -> None:
        self.side = side

    def area(self) -> int:
        return self.side**2

    def scale(self, k: int) -> "Square":
        bigger = self.side * k
        return Square(bigger)
"""
COLD = "A = 1\nB = 2\nC = 3\n\n\ndef big(x: int) -> int:\n    y = x\n    z = y\n    return z\n"
HOT = "def hot(x: int) -> int:\n    if x:\n        return 1\n    return 2\n"
TEST = (
    "import gamma.hot\nfrom gamma.shapes import Square\n\n\n"
    "def test_area() -> None:\n    assert Square(2).area() == 4\n    assert gamma.hot\n"
)
OLD = "2020-03-01T12:00:00+00:00"
RECENT = "2026-01-10T12:00:00+00:00"
TODAY = date(2026, 1, 20)  # the 90-day window starts on 2025-10-22


@pytest.fixture
def gamma(
    ws_root: Path,
    built_once: BuiltOnce,
    add_member: Callable[..., Path],
    write_file: Callable[[str, str], Path],
    run_tier: Callable[..., Path],
) -> Path:
    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        add_member("gamma", package="gamma", tests=True)
        write_file("packages/gamma/src/gamma/shapes.py", SHAPES)
        write_file("packages/gamma/src/gamma/cold.py", COLD)
        write_file("packages/gamma/src/gamma/hot.py", HOT)
        write_file("packages/gamma/tests/unit/test_gamma.py", TEST)
        write_file(".gitignore", ".tiergate/\n__pycache__/\n.coverage*\n")
        run_tier("gamma", "unit")

    built_once(build)
    return ws_root


def _verdict(root: Path, config: str = "") -> Verdict:
    """The coverage gates only (one bound, so that they judge something) and the gaps."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    if "[tool.tiergate.coverage]" not in text:
        text += "\n[tool.tiergate.coverage]\ncombined = 1\n"
    pyproject.write_text(text + config)
    runs = [root / ".tiergate/runs/r1"]
    return evaluate(root, runs, strict=True, today=TODAY, only=("coverage",))


def _with_history(root: Path, git_init: Callable[[Path], Path], git: Callable[..., str]) -> None:
    """Everything committed long ago; hot.py then changed by 7 recent commits."""
    git_init(root)
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "long ago", date=OLD)
    hot = root / "packages/gamma/src/gamma/hot.py"
    for n in range(7):
        hot.write_text(f"{HOT}# revision {n}\n")
        git(root, "commit", "--quiet", "-am", f"hot {n}", date=RECENT)
    hot.write_text(HOT)  # back to what the tests ran (an uncommitted edit is fine)


def _rows(verdict: Verdict) -> list[tuple[str, str | None, int, str, int | None, float]]:
    return [
        (gap.path.rsplit("/", 1)[1], gap.function, gap.uncovered, gap.ranges, gap.churn, gap.score)
        for gap in find_gaps(verdict.context)
    ]


@pytest.mark.req("FR-073")
def test_gaps_are_ranked_by_uncovered_statements_weighted_by_churn(
    gamma: Path, git_init: Callable[[Path], Path], git: Callable[..., str]
) -> None:
    _with_history(gamma, git_init, git)
    assert _rows(_verdict(gamma)) == [
        # hot(): 3 statements never ran, 7 recent commits: 3 x (1 + log2(8)) = 12
        ("hot.py", "hot", 3, "2-4", 7, 12.0),
        # cold.py: untouched for years: module level (A, B, C, def): 4 x 1; big(): 3 x 1
        ("cold.py", None, 4, "1-6", 0, 4.0),
        ("cold.py", "big", 3, "7-9", 0, 3.0),
        # Square.scale: 2 statements, no recent commit
        ("shapes.py", "Square.scale", 2, "9-10", 0, 2.0),
    ]


def test_without_git_history_churn_is_unknown_and_weighs_one(gamma: Path) -> None:
    rows = _rows(_verdict(gamma))
    assert [row[:2] for row in rows] == [  # score = uncovered; ties by path, then line
        ("cold.py", None),
        ("cold.py", "big"),
        ("hot.py", "hot"),
        ("shapes.py", "Square.scale"),
    ]
    assert {row[4] for row in rows} == {None}
    gaps = ranking(_verdict(gamma).context)
    assert gaps is not None
    assert gaps.weighed == "ranked by uncovered statements (no git history for churn)"


def test_a_member_whose_data_is_missing_is_not_ranked(
    gamma: Path, add_member: Callable[..., Path], write_file: Callable[[str, str], Path]
) -> None:
    add_member("delta", package="delta", tests=True)
    write_file("packages/delta/src/delta/core.py", "X = 1\n")
    (gamma / "packages/delta/tests/unit").mkdir()
    gaps = ranking(_verdict(gamma).context, top=2)
    assert gaps is not None
    assert (len(gaps.gaps), gaps.found) == (2, 4)
    assert gaps.not_ranked == ("delta (unit)",)
    assert all(gap.package == "gamma" for gap in gaps.gaps)


@pytest.mark.req("FR-073")
def test_the_reports_end_with_where_to_write_the_next_test(
    gamma: Path, git_init: Callable[[Path], Path], git: Callable[..., str]
) -> None:
    _with_history(gamma, git_init, git)
    verdict = _verdict(gamma, "\n[tool.tiergate.gaps]\ntop = 2\n")
    buffer = io.StringIO()
    render_terminal(verdict, Console(file=buffer, width=160, highlight=False))
    terminal = buffer.getvalue()
    table = terminal.index("where to write the next test (2 of 4 gaps)")
    assert terminal.index("tiergate gates") < table < terminal.index("PASSED")
    assert "packages/gamma/src/gamma/hot.py:1 hot" in terminal
    assert "commits to the file in the last 90 days" in terminal
    assert "Square.scale" not in terminal  # beyond the top 2

    markdown = render_markdown(verdict)
    section = markdown.split("### Where to write the next test\n", 1)[1]
    assert section.splitlines()[1:6] == [
        (
            "The best 2 of 4 gaps, ranked by uncovered statements x (1 + log2(1 + commits to "
            "the file in the last 90 days))."
        ),
        "",
        "| score | uncovered | churn | where | missing lines |",
        "|---:|---:|---:|---|---|",
        "| 12.0 | 3 | 7 | packages/gamma/src/gamma/hot.py:1 hot | 2-4 |",
    ]

    report = json.loads(render_json(verdict))
    jsonschema.validate(report, json.loads((FOLDER / "gates-report.schema.json").read_text()))
    assert report["gaps"]["found"] == 4
    assert report["gaps"]["top"][1] == {
        "path": "packages/gamma/src/gamma/cold.py",
        "package": "gamma",
        "function": None,
        "line": 1,
        "uncovered": 4,
        "missing": "1-6",
        "churn": 0,
        "score": 4.0,
    }


def test_without_coverage_data_the_reports_have_no_gaps(
    ws_root: Path, add_member: Callable[..., Path]
) -> None:
    (ws_root / ".python-version").write_text("3.11\n")
    add_member("plain")  # no source, no tests: nothing measured
    verdict = evaluate(ws_root, [], strict=True, only=("coverage",))
    assert ranking(verdict.context) is None
    assert render_markdown(verdict).splitlines()[:5] == [
        "## tiergate: failed (1 gates)",  # the coverage gates had nothing to judge
        "",
        "| | gate | measured | bound |",
        "|---|---|---|---|",
        (
            "| ❌ | gates asked for: coverage | nothing evaluated: not configured, or nothing "
            "in the run to judge | at least one result |"
        ),
    ]
    assert "gaps" not in json.loads(render_json(verdict))
    buffer = io.StringIO()
    render_terminal(verdict, Console(file=buffer, width=120, highlight=False))
    assert "where to write" not in buffer.getvalue()

"""The gap score and how a ranking is shown, on plain values."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from tiergate.gaps import Gap, Ranking, score
from tiergate.report.jsonreport import gaps_document
from tiergate.report.terminal import render_gaps


@pytest.mark.parametrize(
    ("uncovered", "churn", "expected"),
    [
        (5, None, 5.0),  # no git history: the weight is 1
        (5, 0, 5.0),  # untouched in the window: still 1, never 0
        (5, 1, 10.0),
        (5, 3, 15.0),
        (5, 7, 20.0),  # 7 commits weigh 4x, not 8x
        (0, 9, 0.0),
    ],
)
@pytest.mark.req("FR-073")
def test_score_is_uncovered_times_one_plus_log2_of_churn(
    uncovered: int, churn: int | None, expected: float
) -> None:
    assert score(uncovered, churn) == pytest.approx(expected)


def test_a_small_hot_function_can_outrank_a_big_cold_one() -> None:
    assert score(3, 7) > score(10, 0)
    assert score(20, 0) > score(3, 7)


def _gap(function: str | None, churn: int | None) -> Gap:
    return Gap(
        path="packages/a/src/a/m.py",
        package="a",
        function=function,
        line=4,
        lines=(5, 6, 9),
        ranges="5-6, 9",
        churn=churn,
        score=score(3, churn),
    )


def test_a_gap_says_where_to_look() -> None:
    assert _gap("Box.open", 1).where == "packages/a/src/a/m.py:4 Box.open"
    assert _gap(None, 1).where == "packages/a/src/a/m.py:4 (module level)"
    assert _gap(None, 1).uncovered == 3


def test_a_ranking_says_how_it_weighed() -> None:
    known = Ranking((_gap("f", 2),), 1, (), 30)
    assert known.weighed.endswith("commits to the file in the last 30 days))")
    unknown = Ranking((_gap("f", None),), 1, (), 30)
    assert unknown.weighed == "ranked by uncovered statements (no git history for churn)"


def _terminal(gaps: Ranking) -> str:
    buffer = io.StringIO()
    render_gaps(gaps, Console(file=buffer, width=120, highlight=False))
    return buffer.getvalue()


def test_nothing_uncovered_and_members_not_ranked_are_said() -> None:
    text = _terminal(Ranking((), 0, ("b (unit)", "c (e2e)"), 90))
    assert text.splitlines() == [
        "where to write the next test: no uncovered statement in the ranked members",
        "not ranked (coverage not run): b (unit), c (e2e)",
    ]


def test_unknown_churn_shows_as_a_dash_and_null() -> None:
    gaps = Ranking((_gap(None, None),), 1, (), 90)
    row = next(line for line in _terminal(gaps).splitlines() if "m.py" in line)
    assert row.split("│")[1:4] == ["   3.0 ", "         3 ", "     - "]
    document = gaps_document(gaps)
    assert document.top[0].churn is None
    assert document.top[0].function is None

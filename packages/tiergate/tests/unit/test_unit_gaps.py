"""Gap analysis on hand-written coverage data and a real git history with dated commits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.covdata import SourceIndex
from tiergate.gaps import Gap, find_gaps, ranking, window_start
from unit.conftest import CALC_PATH, IMPORTED, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from unit.conftest import RunFolder

HOT = "def hot(x):\n    if x:\n        return 1\n    return 2\n"  # statements 1-4
HOT_PATH = "packages/alpha/src/alpha/hot.py"
WIDE = "".join(f"A{n} = {n}\n" for n in range(1, 10))  # 9 statements nothing imports
WIDE_PATH = "packages/alpha/src/alpha/wide.py"
NESTED = "def outer():\n    def inner():\n        return 1\n    return inner\n"
NESTED_PATH = "packages/alpha/src/alpha/nested.py"
OLD = "2020-03-01T12:00:00+00:00"  # long before the 90-day window (2026-08-24 onwards)
RECENT = "2026-11-01T12:00:00+00:00"
EXECUTED = {CALC_PATH: (*IMPORTED, 5), HOT_PATH: [1]}  # double() ran; hot() never did


@pytest.fixture
def modules(alpha: Path) -> Path:
    """alpha with calc.py, hot.py and wide.py; returns the workspace root."""
    (alpha / "src/alpha/hot.py").write_text(HOT)
    (alpha / "src/alpha/wide.py").write_text(WIDE)
    return alpha.parent.parent


@pytest.fixture
def history(modules: Path, commit_all: Callable[..., None], git: Callable[..., str]) -> Path:
    """Everything committed in 2020; then hot.py changed by three recent commits."""
    commit_all(modules, "start", date=OLD)
    hot = modules / HOT_PATH
    for n in range(3):
        hot.write_text(hot.read_text() + f"# change {n}\n")
        git(modules, "commit", "--quiet", "-am", f"hot {n}", date=RECENT)
    hot.write_text(HOT)  # the working tree is what was measured; not a commit
    return modules


def _ran(run: RunFolder) -> None:
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), EXECUTED), "integration": Tier(passing(1), {CALC_PATH: [1]})},
    )


@pytest.mark.req("FR-073")
def test_functions_are_ranked_by_uncovered_statements_weighted_by_churn(
    history: Path, run: RunFolder
) -> None:
    del history
    _ran(run)
    gaps = find_gaps(run.context())
    assert gaps == [
        # never imported, untouched since 2020: 9 uncovered x 1 = 9
        Gap(WIDE_PATH, "alpha", None, 1, tuple(range(1, 10)), "1-9", 0, 9.0),
        # 3 uncovered x (1 + log2(1 + 3 commits)) = 9 too: fewer uncovered ranks after
        Gap(HOT_PATH, "alpha", "hot", 1, (2, 3, 4), "2-4", 3, 9.0),
        Gap(CALC_PATH, "alpha", "sign", 8, (9, 10, 11), "9-11", 0, 3.0),
        Gap(CALC_PATH, "alpha", "Box.twice", 15, (16,), "16", 0, 1.0),
    ]
    assert gaps[0].where == f"{WIDE_PATH}:1 (module level)"
    assert gaps[1].where == f"{HOT_PATH}:1 hot"


@pytest.mark.req("FR-073")
def test_without_git_history_churn_is_unknown_and_weighs_one(modules: Path, run: RunFolder) -> None:
    del modules
    _ran(run)
    gaps = find_gaps(run.context())
    assert [(g.function, g.churn, g.score) for g in gaps] == [
        (None, None, 9.0),
        ("sign", None, 3.0),  # a tie (3 uncovered each): calc.py before hot.py
        ("hot", None, 3.0),
        ("Box.twice", None, 1.0),
    ]
    shown = ranking(run.context(), top=2)
    assert shown is not None
    assert shown.weighed == "ranked by uncovered statements (no git history for churn)"


def test_a_repository_without_commits_has_no_churn_yet(
    modules: Path, run: RunFolder, git_init: Callable[[Path], Path]
) -> None:
    git_init(modules)
    _ran(run)
    assert {g.churn for g in find_gaps(run.context())} == {0}


def test_nested_functions_are_gaps_of_their_own(alpha: Path, run: RunFolder) -> None:
    (alpha / "src/alpha/nested.py").write_text(NESTED)
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), {NESTED_PATH: [1]}), "integration": Tier(passing(1), {})},
    )
    nested = [g for g in find_gaps(run.context()) if g.path == NESTED_PATH]
    assert [(g.function, g.line, g.lines, g.ranges) for g in nested] == [
        ("outer", 1, (2, 4), "2, 4"),
        ("outer.inner", 2, (3,), "3"),
    ]


@pytest.mark.req("FR-073")
def test_a_ranking_keeps_the_top_and_counts_every_gap(
    history: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del history
    configure("[tool.tiergate.gaps]\ntop = 3\nchurn-days = 30\n")
    _ran(run)
    context = run.context()
    assert str(window_start(context)) == "2026-10-23"
    shown = ranking(context)
    assert shown is not None
    assert [g.function for g in shown.gaps] == [None, "hot", "sign"]
    assert (shown.found, shown.not_ranked, shown.churn_days) == (4, (), 30)
    assert shown.weighed == (
        "ranked by uncovered statements x (1 + log2(1 + commits to the file in the last 30 days))"
    )
    first = ranking(context, top=1)
    assert first is not None
    assert [g.path for g in first.gaps] == [WIDE_PATH]


def test_members_with_missing_data_are_not_ranked(
    modules: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    beta = add_member("beta", package="beta", tests=True)
    (beta / "src/beta/__init__.py").write_text("X = 1\nY = 2\n")
    (beta / "tests/unit").mkdir()
    run.tests("alpha", {"unit": Tier(passing(1), EXECUTED)})  # integration never ran
    run.tests("beta", {"unit": Tier(passing(1), {"packages/beta/src/beta/__init__.py": [1]})})
    shown = ranking(run.context())
    assert shown is not None
    assert [(g.package, g.where) for g in shown.gaps] == [
        ("beta", "packages/beta/src/beta/__init__.py:2 (module level)")
    ]
    assert shown.not_ranked == ("alpha (integration)",)
    del modules


def test_a_run_without_coverage_data_has_no_ranking(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(passing(1), None), "integration": Tier(passing(1), None)})
    assert ranking(run.context()) is None


def test_a_fully_covered_member_has_no_gap(alpha: Path, run: RunFolder) -> None:
    del alpha
    every = {CALC_PATH: (1, 4, 5, 8, 9, 10, 11, 14, 15, 16)}
    run.tests("alpha", {"unit": Tier(passing(1), every), "integration": Tier(passing(1), every)})
    shown = ranking(run.context())
    assert shown is not None
    assert (shown.gaps, shown.found) == ((), 0)


@pytest.mark.parametrize(
    "source",
    [b"def f(:\n", None, b"\xff\xfe not utf-8\n"],
    ids=["syntax error", "gone", "not text"],
)
def test_a_file_that_cannot_be_parsed_now_has_no_functions(
    tmp_path: Path, source: bytes | None
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    if source is not None:
        (tmp_path / "m.py").write_bytes(source)
    assert SourceIndex(tmp_path).functions("m.py") == ()

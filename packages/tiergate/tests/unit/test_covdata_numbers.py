"""tiergate.covdata / covnumbers: exact counts, coverage.py's rounding, data file errors."""

from __future__ import annotations

import sqlite3
import textwrap
from typing import TYPE_CHECKING

import coverage
import pytest
from coverage.results import Numbers, format_lines, should_fail_under

from tiergate.covdata import (
    Counts,
    Lines,
    SourceIndex,
    line_ranges,
    measure,
    read_executed,
    total,
    union,
    worst_files,
)
from tiergate.errors import ArtifactError, ConfigError, WorkspaceError

if TYPE_CHECKING:
    from pathlib import Path

PYPROJECT = """\
[tool.coverage.run]
relative_files = true
omit = ["src/pkg/skipped.py", "*/vendored/*"]

[tool.coverage.report]
precision = 2
exclude_also = ["if TYPE_CHECKING:", "raise NotImplementedError"]
"""
TEN = "".join(f"x{n} = {n}\n" for n in range(1, 11))  # ten statements, lines 1-10


def _numbers(statements: int, covered: int, precision: int) -> Numbers:
    return Numbers(precision=precision, n_statements=statements, n_missing=statements - covered)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return tmp_path


def _write(root: Path, relative: str, text: str) -> str:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return relative


def _data_file(path: Path, lines: dict[str, list[int]]) -> Path:
    data = coverage.CoverageData(basename=str(path))
    data.add_lines(lines)
    data.write()
    data.close()
    return path


# ------------------------------------------------------------------ Counts


@pytest.mark.parametrize(
    ("statements", "covered", "precision", "shown"),
    [
        (3, 2, 0, "67"),
        (3, 2, 2, "66.67"),
        (200, 199, 0, "99"),  # 99.5: never "100" unless everything ran
        (100_000, 99_999, 2, "99.99"),
        (1000, 1, 0, "1"),  # 0.1: never "0" unless nothing ran
        (10, 0, 2, "0.00"),
        (10, 10, 0, "100"),
        (0, 0, 0, "100"),  # no statements is 100%, like coverage.py
        (0, 0, 2, "100.00"),
        (40, 33, 0, "82"),  # 82.5: Python's round, half to even
        (8, 7, 0, "88"),  # 87.5
        (20_000, 16_999, 2, "85.00"),  # 84.995
        (2000, 1699, 0, "85"),  # 84.95
    ],
)
def test_percent_is_coverage_display_string(
    statements: int, covered: int, precision: int, shown: str
) -> None:
    counts = Counts(statements, covered)
    assert counts.percent(precision) == shown
    assert shown == _numbers(statements, covered, precision).pc_covered_str


@pytest.mark.req("FR-031")
def test_percent_equals_coverage_for_every_small_ratio() -> None:
    for statements in range(61):
        for covered in range(statements + 1):
            for precision in (0, 1, 2, 3):
                expected = _numbers(statements, covered, precision).pc_covered_str
                assert Counts(statements, covered).percent(precision) == expected


@pytest.mark.parametrize(
    ("statements", "covered", "bound", "precision", "meets"),
    [
        (20_000, 16_999, 85, 2, True),  # 84.995 rounds to 85.00
        (2000, 1699, 85, 2, False),  # 84.95
        (2000, 1699, 85, 0, True),  # 84.95 rounds to 85 at precision 0
        (200, 169, 85, 0, False),  # 84.5 rounds half to even: 84
        (200, 171, 86, 0, True),  # 85.5 rounds to 86
        (200, 199, 100, 0, False),  # 99.5 rounds to 100, but 100 must be exact
        (200, 199, 99.6, 0, False),  # the bound's decimals raise the precision
        (200, 199, 99.5, 0, True),
        (10, 10, 100, 0, True),
        (0, 0, 100, 2, True),
        (10, 0, 0, 0, True),
        (3, 2, 66.67, 0, True),  # 66.666... at the bound's 2 decimals: 66.67
        (3, 2, 66.667, 2, True),  # 66.6666... rounded to the bound's 3 decimals: 66.667
        (3, 2, 66.668, 2, False),
    ],
)
def test_meets_is_should_fail_under_negated(
    statements: int, covered: int, bound: float, precision: int, meets: bool
) -> None:
    counts = Counts(statements, covered)
    assert counts.meets(bound, precision) is meets
    pc = _numbers(statements, covered, precision).pc_covered
    assert meets is not should_fail_under(pc, bound, precision)


def test_meets_agrees_with_coverage_around_every_bound() -> None:
    for statements in (3, 7, 200, 2000, 20_000):
        for covered in range(0, statements + 1, max(statements // 97, 1)):
            counts = Counts(statements, covered)
            pc = counts.pc_covered()
            for precision in (0, 1, 2):
                for bound in (85, 84.99, 84.995, 50.5, round(pc, precision), 99.99, 100):
                    expected = not should_fail_under(pc, bound, precision)
                    assert counts.meets(bound, precision) is expected


def test_bad_precision_or_bound_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="precision"):
        Counts(3, 2).percent(-1)
    with pytest.raises(ConfigError, match="bound"):
        Counts(3, 2).meets(101, 0)


def test_counts_add_exactly_and_refuse_impossible_values() -> None:
    assert Counts(10, 5) + Counts(30, 29) == Counts(40, 34)
    assert Counts(40, 34).missing == 6
    with pytest.raises(ValueError, match="covered"):
        Counts(3, 4)
    with pytest.raises(ValueError, match="covered"):
        Counts(3, -1)


# --------------------------------------------------------- union, measure


@pytest.mark.req("FR-031")
def test_union_not_average_of_tier_percentages(root: Path) -> None:
    path = _write(root, "src/pkg/ten.py", TEN)
    index = SourceIndex(root)
    tier_a = {path: frozenset(range(1, 6))}  # lines 1-5 of 10
    tier_b = {path: frozenset(range(4, 9))}  # lines 4-8 of 10
    a, b = (total(measure(index, [path], tier)) for tier in (tier_a, tier_b))
    both = total(measure(index, [path], union(tier_a, tier_b)))
    assert (a.percent(0), b.percent(0)) == ("50", "50")
    assert both == Counts(10, 8)
    assert both.percent(0) == "80"


def test_union_keeps_files_of_either_side() -> None:
    one = {"a.py": frozenset({1, 2}), "b.py": frozenset({3})}
    two = {"a.py": frozenset({2, 5}), "c.py": frozenset({7})}
    assert union(one, two) == {
        "a.py": frozenset({1, 2, 5}),
        "b.py": frozenset({3}),
        "c.py": frozenset({7}),
    }
    assert union() == {}


def test_measure_keeps_statements_only_and_counts_unrun_files_as_zero(root: Path) -> None:
    ran = _write(root, "src/pkg/ran.py", "a = 1\n\nb = 2\n")
    idle = _write(root, "src/pkg/idle.py", TEN)
    index = SourceIndex(root)
    lines = measure(index, [ran, idle], {ran: frozenset({1, 2, 3, 99})})
    assert lines[0] == Lines(ran, frozenset({1, 3}), frozenset({1, 3}))
    assert lines[1].numbers() == Counts(10, 0)
    assert lines[1].missing == frozenset(range(1, 11))
    assert total(lines) == Counts(12, 2)


def test_statements_honour_exclude_also_and_lines_translate_to_statement_starts(
    root: Path,
) -> None:
    path = _write(
        root,
        "src/pkg/shapes.py",
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from collections.abc import Iterable


        def spin(limit):
            n = 0
            while (
                n < limit
            ):
                n += 1
            raise NotImplementedError
        """,
    )
    index = SourceIndex(root)
    assert index.statements(path) == frozenset({1, 7, 8, 9, 12})
    assert index.executed(path, {10, 11, 12, 13}) == frozenset({9, 12})
    assert index.statements(path) is index.statements(path)  # parsed once


def test_files_under_is_coverage_discovery_minus_omit(root: Path) -> None:
    for relative in (
        "src/pkg/__init__.py",
        "src/pkg/a.py",
        "src/pkg/skipped.py",
        "src/pkg/sub/__init__.py",
        "src/pkg/sub/b.py",
        "src/pkg/vendored/__init__.py",
        "src/pkg/vendored/c.py",
        "src/pkg/loose/d.py",  # no __init__.py: never importable
        "src/pkg/.#a.py",  # editor junk
        "src/pkg/notes.txt",
    ):
        _write(root, relative, "")
    index = SourceIndex(root)
    expected = [
        "src/pkg/__init__.py",
        "src/pkg/a.py",
        "src/pkg/sub/__init__.py",
        "src/pkg/sub/b.py",
    ]
    assert index.files_under(root / "src/pkg") == expected
    assert index.files_under(root / "src" / "pkg" / ".." / "pkg") == expected
    assert index.files_under(root / "src/nothing") == []
    with pytest.raises(WorkspaceError, match="outside"):
        index.files_under(root.parent)


def test_precision_comes_from_the_workspace_config(root: Path, tmp_path: Path) -> None:
    assert SourceIndex(root).precision == 2
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert SourceIndex(bare).precision == 0


def test_missing_config_or_unparsable_source_is_reported(root: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"pyproject\.toml"):
        SourceIndex(tmp_path / "nowhere")
    broken = _write(root, "src/pkg/broken.py", "def (:\n")
    with pytest.raises(WorkspaceError) as caught:
        SourceIndex(root).statements(broken)
    assert str(caught.value).startswith(broken)
    assert "\n" not in str(caught.value)


# ------------------------------------------------------ ranges, worst files


@pytest.mark.req("FR-032")
def test_line_ranges_match_coverage_missing_column() -> None:
    statements = frozenset({1, 2, 3, 5, 10, 11, 12, 14})
    assert line_ranges({2, 3, 5, 11}, statements) == "2-5, 11"
    assert line_ranges({2, 3, 5, 11}, statements) == format_lines(statements, {2, 3, 5, 11})
    assert line_ranges({12, 14, 40}, statements) == "12-14"  # 40 is not a statement
    assert line_ranges((), statements) == ""
    lines = Lines("m.py", statements, frozenset({1, 10, 12, 14}))
    assert lines.missing_ranges() == "2-5, 11"


@pytest.mark.req("FR-032")
def test_worst_files_lowest_percent_then_most_missing_then_path() -> None:
    def file(path: str, statements: int, covered: int) -> Lines:
        return Lines(path, frozenset(range(statements)), frozenset(range(covered)))

    files = [
        file("full.py", 4, 4),
        file("empty.py", 0, 0),
        file("half_big.py", 20, 10),
        file("half_small.py", 2, 1),
        file("b_none.py", 3, 0),
        file("a_none.py", 3, 0),
        file("most.py", 10, 9),
    ]
    worst = [one.path for one in worst_files(files, 5)]
    assert worst == ["a_none.py", "b_none.py", "half_big.py", "half_small.py", "most.py"]
    assert worst_files(files, 0) == []
    assert len(worst_files(files, 100)) == len(files)


# ------------------------------------------------------------- data files


def test_read_executed_gives_relative_paths_and_skips_files_that_ran_nothing(
    root: Path,
) -> None:
    data = _data_file(
        root / ".coverage",
        {
            str(root / "src/pkg/a.py"): [1, 2],
            "src/pkg/b.py": [3],
            "src/pkg/idle.py": [],
        },
    )
    assert read_executed(data, root) == {
        "src/pkg/a.py": frozenset({1, 2}),
        "src/pkg/b.py": frozenset({3}),
    }


def test_a_data_file_without_measured_files_is_empty(root: Path) -> None:
    assert read_executed(_data_file(root / ".coverage", {}), root) == {}


def _artifact_error(data: Path, root: Path) -> ArtifactError:
    with pytest.raises(ArtifactError) as caught:
        read_executed(data, root)
    error = caught.value
    assert str(error).startswith(f"{data}: ")
    assert "\n" not in str(error)
    assert "Traceback" not in str(error)
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    assert not isinstance(error, sqlite3.Error)
    return error


@pytest.mark.parametrize("fraction", [2, 4, 8])
def test_a_truncated_data_file_is_an_artifact_error(root: Path, fraction: int) -> None:
    whole = _data_file(root / "whole.coverage", {"src/pkg/a.py": list(range(1, 500))})
    data = root / "tests-3.12" / "unit.coverage"
    data.parent.mkdir()
    content = whole.read_bytes()
    data.write_bytes(content[: len(content) // fraction])
    assert "coverage data file" in _artifact_error(data, root).message


def test_a_text_file_named_like_a_data_file_is_an_artifact_error(root: Path) -> None:
    data = root / ".coverage"
    data.write_text("this is not sqlite\n" * 100, encoding="utf-8")
    assert "not a database" in _artifact_error(data, root).message
    assert data.read_text(encoding="utf-8") == "this is not sqlite\n" * 100  # left untouched


def test_a_sqlite_file_that_is_not_coverage_data_is_an_artifact_error(root: Path) -> None:
    data = root / ".coverage"
    with sqlite3.connect(data) as connection:
        connection.execute("create table other (x)")
    connection.close()
    _artifact_error(data, root)


def test_a_missing_data_file_is_an_artifact_error(root: Path) -> None:
    error = _artifact_error(root / "missing.coverage", root)
    assert error.message == "coverage data file not found"

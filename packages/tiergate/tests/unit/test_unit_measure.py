"""The run's coverage measurements: read per session and tier, united, and what is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.covnumbers import Counts, Lines, total
from tiergate.errors import ArtifactError
from tiergate.measure import Measurements
from unit.conftest import CALC_PATH, IMPORTED, INIT_PATH, Tier, passing, write_coverage

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from unit.conftest import RunFolder

STATEMENTS = frozenset({1, 4, 5, 8, 9, 10, 11, 14, 15, 16})


def _two_pythons(workspace: Path, run: RunFolder) -> Measurements:
    (workspace / ".python-version").write_text("3.11\n3.12\n")
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: (*IMPORTED, 5)}),
            "integration": Tier(passing(1), {CALC_PATH: IMPORTED}),
        },
    )
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), {CALC_PATH: (*IMPORTED, 9, 11)}), "integration": Tier()},
        python="3.12",
    )
    return run.context().coverage


def test_members_files_and_tiers_come_from_the_workspace(
    alpha: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    del alpha
    add_member("docs", tests=True)  # no source: coverage is not about it
    measured = run.context().coverage
    assert [member.name for member in measured.members] == ["alpha"]
    assert measured.files == {"alpha": [INIT_PATH, CALC_PATH]}
    assert measured.tiers == {"alpha": ("unit", "integration")}
    assert measured.index.statements(CALC_PATH) == STATEMENTS


def test_each_data_file_is_read_as_traced_and_united_over_pythons(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    del alpha
    measured = _two_pythons(workspace, run)
    assert measured.by_session == {
        ("alpha", "3.11", "unit"): {CALC_PATH: frozenset({*IMPORTED, 5})},
        ("alpha", "3.11", "integration"): {CALC_PATH: frozenset(IMPORTED)},
        ("alpha", "3.12", "unit"): {CALC_PATH: frozenset({*IMPORTED, 9, 11})},
    }
    assert measured.executed == {
        ("alpha", "unit"): {CALC_PATH: frozenset({*IMPORTED, 5, 9, 11})},
        ("alpha", "integration"): {CALC_PATH: frozenset(IMPORTED)},
    }
    assert measured.missing == {("alpha", "integration")}  # 3.12 left no integration data
    assert measured.not_run(["alpha"]) == ["alpha (integration)"]
    assert measured.not_run(["alpha"], ["unit"]) == []


def test_lines_measure_every_file_of_the_scope_against_its_union(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: (*IMPORTED, 5)}),
            "integration": Tier(passing(1), {CALC_PATH: (*IMPORTED, 9, 11)}),
        },
    )
    measured = run.context().coverage
    assert measured.union_of(["alpha"], ["unit"]) == {CALC_PATH: frozenset({*IMPORTED, 5})}
    assert measured.union_of(["alpha"]) == {CALC_PATH: frozenset({*IMPORTED, 5, 9, 11})}
    assert measured.union_of(["nobody"]) == {}
    every = measured.lines(["alpha"])
    assert every == [
        Lines(INIT_PATH, frozenset(), frozenset()),
        Lines(CALC_PATH, STATEMENTS, frozenset({*IMPORTED, 5, 9, 11})),
    ]
    assert total(every) == Counts(10, 8)
    assert total(measured.lines(["alpha"], ["integration"])) == Counts(10, 7)


def test_a_traced_line_counts_through_its_statement(alpha: Path, run: RunFolder) -> None:
    (alpha / "src/alpha/long.py").write_text("TOTAL = sum(\n    [1, 2]\n)\nNEVER = 0\n")
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {"packages/alpha/src/alpha/long.py": [2]}),
            "integration": Tier(passing(1), {}),
        },
    )
    [long] = [f for f in run.context().coverage.lines(["alpha"]) if f.path.endswith("long.py")]
    # line 2 is inside the statement starting on line 1; non-statements are dropped
    assert (long.statements, long.executed, long.missing_ranges()) == (
        frozenset({1, 4}),
        frozenset({1}),
        "4",
    )


@pytest.mark.req("FR-046")
def test_an_empty_file_or_a_tier_without_data_is_missing(alpha: Path, run: RunFolder) -> None:
    del alpha
    folder = run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: IMPORTED}),
            "integration": Tier(passing(1), None, roles=("junit", "records")),
        },
    )
    (folder / "unit/coverage.db").write_bytes(b"")
    measured = run.context().coverage
    assert measured.by_session == {}
    assert measured.missing == {("alpha", "unit"), ("alpha", "integration")}
    assert measured.not_run(["alpha"]) == ["alpha (integration)", "alpha (unit)"]


def test_absolute_paths_in_the_data_are_made_relative_to_the_root(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    folder = run.tests("alpha", {"unit": Tier(passing(1), {}), "integration": Tier(passing(1), {})})
    write_coverage(folder / "unit/coverage.db", {str(run.root.resolve() / CALC_PATH): [1, 4]})
    measured = run.context().coverage
    assert measured.by_session[("alpha", "3.11", "unit")] == {CALC_PATH: frozenset({1, 4})}


def test_a_data_file_that_is_not_coverage_data_is_an_artifact_error(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    folder = run.tests("alpha", {"unit": Tier(passing(1), {}), "integration": Tier(passing(1), {})})
    (folder / "unit/coverage.db").write_text("not a database\n")
    with pytest.raises(ArtifactError, match="not a readable coverage data file") as raised:
        _ = run.context().coverage.by_session
    assert raised.value.path == folder / "unit/coverage.db"


def test_the_context_reads_the_data_once(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), {CALC_PATH: IMPORTED}), "integration": Tier(passing(1), {})},
    )
    context = run.context()
    assert context.coverage is context.coverage
    assert isinstance(context.coverage, Measurements)
    assert context.coverage.by_session is context.coverage.by_session

"""The baseline file: written atomically, read back exactly, a bad one named with its line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.covnumbers import Counts
from tiergate.errors import ExitCode, HistoryError
from tiergate.history.baseline import (
    baseline_of,
    baseline_of_run,
    read_baseline,
    write_baseline,
)
from tiergate.history.summary import STAR, CoverageRow, RunSummary

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SCOPES = {
    (STAR, "unit"): Counts(100, 85),
    (STAR, "e2e"): Counts(100, 60),
    ("app", STAR): Counts(80, 70),
    ("lib", STAR): Counts(20, 15),
    (STAR, STAR): Counts(100, 85),
}


def test_a_baseline_round_trips_through_its_file(tmp_path: Path) -> None:
    baseline = baseline_of(SCOPES, created_at=NOW, run_id="r1", commit="c" * 40, branch="main")
    path = tmp_path / "tiergate-baseline.json"
    write_baseline(path, baseline)
    assert read_baseline(path) == baseline
    assert baseline.scopes() == {  # tiers, packages, combined, each sorted by name
        (STAR, "e2e"): Counts(100, 60),
        (STAR, "unit"): Counts(100, 85),
        ("app", STAR): Counts(80, 70),
        ("lib", STAR): Counts(20, 15),
        (STAR, STAR): Counts(100, 85),
    }
    data = json.loads(path.read_text())
    assert data["combined"] == {"statements": 100, "covered": 85}
    assert list(data["tiers"]) == ["e2e", "unit"]
    assert [p.name for p in tmp_path.iterdir()] == ["tiergate-baseline.json"]  # no partial left


@pytest.mark.req("FR-222")
def test_the_sessions_durations_are_kept_to_a_tenth_of_a_second_in_name_order(
    tmp_path: Path,
) -> None:
    took = {"tests-3.13(package='app')": 312.4499, "lint": 2.06, "sql": 0.0}
    baseline = baseline_of(SCOPES, created_at=NOW, sessions=took)
    path = tmp_path / "tiergate-baseline.json"
    write_baseline(path, baseline)
    assert read_baseline(path).sessions == {
        "lint": 2.1,
        "sql": 0.0,
        "tests-3.13(package='app')": 312.4,
    }
    assert list(json.loads(path.read_text())["sessions"]) == [
        "lint",
        "sql",
        "tests-3.13(package='app')",
    ]
    assert baseline_of(SCOPES, created_at=NOW).sessions == {}  # a file written before them


def test_a_recorded_run_gives_its_union_scopes_only() -> None:
    run = RunSummary(
        run_id="r9",
        recorded_at=NOW,
        branch="main",
        verdict="passed",
        exit_code=0,
        strict=False,
        precision=2,
        tiergate_version="0.1.0",
        coverage=(
            CoverageRow(package="app", tier="unit", python="3.12", statements=10, covered=5),
            CoverageRow(package="app", tier="unit", python="*", statements=10, covered=6),
            CoverageRow(package="app", tier="*", python="*", statements=10, covered=7),
            CoverageRow(package="*", tier="unit", python="*", statements=10, covered=6),
            CoverageRow(package="*", tier="*", python="*", statements=10, covered=7),
        ),
    )
    baseline = baseline_of_run(run)
    assert baseline.scopes() == {
        (STAR, "unit"): Counts(10, 6),
        ("app", STAR): Counts(10, 7),
        (STAR, STAR): Counts(10, 7),
    }
    assert (baseline.run_id, baseline.branch, baseline.created_at) == ("r9", "main", NOW)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"schema_version": 1,\n "created_at": ', "2: not JSON: Expecting value"),
        (
            '{"schema_version": 2, "created_at": "2026-01-01T00:00:00Z"}',
            "not a valid baseline file: schema_version: Input should be 1",
        ),
        (
            (
                '{"schema_version": 1, "created_at": "2026-01-01T00:00:00Z",'
                ' "combined": {"statements": 1, "covered": 2}}'
            ),
            "not a valid baseline file: combined: covered=2 exceeds statements=1",
        ),
        (
            '{"schema_version": 1, "created_at": "2026-01-01T00:00:00Z", "sessions": {"lint": -1}}',
            "not a valid baseline file: sessions.lint: Input should be greater than or equal to 0",
        ),
        (
            "[]",
            (
                "not a valid baseline file: (top level): Input should be a valid dictionary"
                " or instance of Baseline"
            ),
        ),
    ],
)
def test_a_corrupt_baseline_file_is_one_line_naming_it(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "base.json"
    path.write_text(text)
    with pytest.raises(HistoryError) as caught:
        read_baseline(path)
    assert str(caught.value).startswith(f"{path}:")
    assert str(caught.value).endswith(message)
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_unreadable_baseline_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="baseline file not found"):
        read_baseline(tmp_path / "missing.json")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(HistoryError, match="not UTF-8 text"):
        read_baseline(tmp_path / "binary.json")
    with pytest.raises(HistoryError, match="cannot read the baseline file"):
        read_baseline(tmp_path)


def test_a_baseline_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    baseline = baseline_of(SCOPES, created_at=NOW)
    with pytest.raises(HistoryError, match="cannot write the baseline"):
        write_baseline(tmp_path / "taken" / "base.json", baseline)
    target = tmp_path / "base.json"
    target.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(HistoryError, match="cannot write the baseline"):
        write_baseline(target, baseline)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.json", "taken"]

"""Hostile artifacts through the real CLI: one line naming the file, the documented code.

Each test writes a green run (or a store, or a baseline file), breaks one thing the way
a broken tool, a disk or a person could, and runs the command that reads it: stderr is
exactly one line ``tiergate: error: <file>[:<line>]: ...``, the exit code is 2 (bad
input), and no traceback is ever printed.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main
from tiergate.history.connect import open_store
from tiergate.history.summary import CoverageRow, RunSummary
from tiergate.history.url import parse_url
from tiergate.junit import read_junit_totals
from tiergate.records import MAX_DURATION, TestRecord
from tiergate.runfolder import MANIFEST, read_manifest
from unit.conftest import (
    CALC_PATH,
    IMPORTED,
    INIT_PATH,
    Tier,
    mypy_line,
    passing,
    ruff_finding,
)

if TYPE_CHECKING:
    from pathlib import Path

    from unit.conftest import RunFolder

RUN = ("--run", ".tiergate/runs/r1")
DEEP = 100_000
"""How deep the hostile JSON is nested: far past the recursion limit of any parser."""
ALPHA = "tests-3.11-alpha"
NODE = "packages/alpha/tests/unit/test_calc.py::test_0"

pytestmark = pytest.mark.req("FR-172")


@pytest.fixture
def green(alpha: Path, run: RunFolder) -> RunFolder:
    """Run r1: alpha's unit and integration tiers and every tool session, all clean."""
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: (*IMPORTED, 5), INIT_PATH: ()}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: IMPORTED}),
        },
    )
    run.clean_tools("alpha")
    return run


def _session(run: RunFolder, slug: str) -> Path:
    return run.path / "sessions" / slug


def _fails_in_one_line(
    capsys: pytest.CaptureFixture[str], code: int, where: Path, line: int | None = None
) -> str:
    """Assert exit 2 and one line on stderr naming ``where`` (at ``line``); return the message."""
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 2, err
    assert err.count("\n") == 1, err
    prefix = f"tiergate: error: {where}" + ("" if line is None else f":{line}") + ": "
    assert err.startswith(prefix), err
    return err.removeprefix(prefix).rstrip("\n")


def _gates(run: RunFolder) -> int:
    return main(["--root", str(run.root), "gates", *RUN])


def _record_line(**changes: object) -> str:
    data = {"nodeid": NODE, "tier": "unit", "outcome": "passed", "duration": 0.25}
    data.update(changes)
    return json.dumps(data)


def _nested(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


# ------------------------------------------------------------ test records


@pytest.mark.req("NFR-001")
def test_records_with_a_byte_that_is_not_utf8_are_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _session(green, ALPHA) / "unit/tests.jsonl"
    records.write_bytes(_record_line().encode() + b"\n" + b'{"nodeid": "\xff"}\n')
    message = _fails_in_one_line(capsys, _gates(green), records, 2)
    assert message == f"not a test records: not UTF-8 text (byte {len(_record_line()) + 13})"


@pytest.mark.req("NFR-001")
@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("NaN", "not a test records: NaN is not a JSON number"),
        ("-1", "not a valid test record: duration: Input should be greater than or equal to 0"),
        ("1e309", "not a valid test record: duration: Input should be a finite number"),
        ("Infinity", "not a test records: Infinity is not a JSON number"),
        (
            "1e9",
            (
                "not a valid test record: duration: Input should be less than or equal to "
                f"{MAX_DURATION:g}"
            ),
        ),
        ("true", "not a valid test record: duration: Input should be a valid number"),
        ('"0.5"', "not a valid test record: duration: Input should be a valid number"),
    ],
)
def test_a_record_whose_duration_is_not_a_duration_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str], token: str, problem: str
) -> None:
    records = _session(green, ALPHA) / "unit/tests.jsonl"
    line = _record_line(duration=0.0).replace('"duration": 0.0', f'"duration": {token}')
    records.write_text(f"{line}\n")
    assert _fails_in_one_line(capsys, _gates(green), records, 1) == problem


@pytest.mark.parametrize("duration", [math.nan, math.inf, -math.inf, -1.0, MAX_DURATION * 2])
def test_the_record_model_refuses_what_no_test_took(duration: float) -> None:
    data = {"nodeid": NODE, "tier": "unit", "outcome": "passed", "duration": duration}
    with pytest.raises(ValueError, match="duration"):
        TestRecord.model_validate(data)


def test_record_texts_are_bounded() -> None:
    data = {"nodeid": "x" * 70_000, "tier": "unit", "outcome": "passed", "duration": 0.0}
    with pytest.raises(ValueError, match="nodeid"):
        TestRecord.model_validate(data)


@pytest.mark.req("NFR-001")
def test_a_record_line_nested_without_end_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _session(green, ALPHA) / "unit/tests.jsonl"
    records.write_text(f"{_record_line()}\n{_nested()}\n")
    message = _fails_in_one_line(capsys, _gates(green), records, 2)
    assert message == "not a test records: nested too deep"


# --------------------------------------------------------------- manifests


def _rewrite(manifest: Path, change: dict[str, object]) -> None:
    data = json.loads(manifest.read_text())
    data.update(change)
    manifest.write_text(json.dumps(data))


@pytest.mark.req("NFR-001")
def test_a_manifest_time_without_a_timezone_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _session(green, ALPHA) / MANIFEST
    _rewrite(manifest, {"finished_at": "2026-11-22T10:00:30"})
    message = _fails_in_one_line(capsys, _gates(green), manifest)
    assert message == "not a valid manifest: finished_at: Input should have timezone info"


@pytest.mark.req("NFR-001")
@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_a_manifest_time_that_utc_cannot_hold_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str], moment: str
) -> None:
    manifest = _session(green, ALPHA) / MANIFEST
    _rewrite(manifest, {"finished_at": moment})
    message = _fails_in_one_line(capsys, _gates(green), manifest)
    assert message == (
        "not a valid manifest: finished_at: the time is outside the years UTC can hold (1 to 9999)"
    )


@pytest.mark.req("NFR-001")
def test_a_manifest_nested_without_end_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _session(green, "lint") / MANIFEST
    manifest.write_text(_nested())
    assert _fails_in_one_line(capsys, _gates(green), manifest) == "not a manifest: nested too deep"


@pytest.mark.req("NFR-001")
@pytest.mark.parametrize(
    ("name", "problem"),
    [
        *(
            (escape, f"artifact path outside the session folder: {escape}")
            for escape in [
                "../../../etc/passwd",
                "/etc/passwd",
                "sub/../../lint/ruff.json",
                "..\\x.json",
            ]
        ),
        *((blank, f"not an artifact path: {blank!r}") for blank in ["", "  ", "lint/ruff\0.json"]),
    ],
)
def test_a_manifest_artifact_that_is_no_path_inside_its_session_folder_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str], name: str, problem: str
) -> None:
    manifest = _session(green, "lint") / MANIFEST
    _rewrite(manifest, {"artifacts": {"findings": name}})
    message = _fails_in_one_line(capsys, _gates(green), manifest)
    assert message == f"artifacts.findings: {problem}"


@pytest.mark.req("NFR-001")
def test_a_tier_artifact_that_links_out_of_its_session_folder_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _session(green, ALPHA)
    outside = tmp_path / "elsewhere.xml"
    outside.write_text((folder / "unit/junit.xml").read_text())
    (folder / "unit/linked.xml").symlink_to(outside)
    tier = read_manifest(folder / MANIFEST).tiers["unit"]
    artifacts = {**tier.artifacts, "junit": "unit/linked.xml"}
    manifest = folder / MANIFEST
    data = json.loads(manifest.read_text())
    data["tiers"]["unit"]["artifacts"] = artifacts
    manifest.write_text(json.dumps(data))
    message = _fails_in_one_line(capsys, _gates(green), manifest)
    assert message == (
        "tiers.unit.artifacts.junit: artifact path outside the session folder: unit/linked.xml"
    )


def test_an_artifact_linked_inside_its_session_folder_is_read(green: RunFolder) -> None:
    folder = _session(green, "lint")
    (folder / "ruff.json").rename(folder / "real.json")
    (folder / "ruff.json").symlink_to(folder / "real.json")
    assert read_manifest(folder / MANIFEST).artifacts["findings"] == "ruff.json"
    assert main(["--root", str(green.root), "gates", *RUN, "--only", "tools"]) == 0


# ------------------------------------------------------------ tool reports


@pytest.mark.req("NFR-001")
def test_a_mypy_report_that_is_not_utf8_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _session(green, "type-3.11-alpha") / "mypy.jsonl"
    good = mypy_line("a.py", 1, "note", None, severity="note")
    report.write_bytes(good.encode() + b"\n" + b'{"file": "caf\xe9.py"}\n')
    message = _fails_in_one_line(capsys, _gates(green), report, 2)
    assert message.startswith("not a mypy report: not UTF-8 text (byte ")


@pytest.mark.req("NFR-001")
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '{"filename": "a.py"}',
            "not a valid ruff report: (top level): Input should be a valid list",
        ),
        (
            json.dumps([{"filename": "a.py", "code": "F401", "message": "unused"}]),
            "not a valid ruff report: 0.location: Field required",
        ),
        (
            json.dumps([{**ruff_finding("a.py", 1, "F401", "unused"), "location": {"col": 1}}]),
            "not a valid ruff report: 0.location.row: Field required",
        ),
        ("[1, 2]", "not a valid ruff report: 0: Input should be a valid dictionary or instance"),
        (_nested(), "not a ruff report: nested too deep"),
    ],
)
def test_a_ruff_report_of_another_shape_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    report = _session(green, "lint") / "ruff.json"
    report.write_text(text)
    assert _fails_in_one_line(capsys, _gates(green), report).startswith(problem)


@pytest.mark.req("NFR-001")
@pytest.mark.parametrize(
    ("report", "text", "problem"),
    [
        ("sql/sqlfluff.json", '{"a": 1}', "not a valid sqlfluff report: (top level)"),
        ("sql/sqlfluff.json", '[{"violations": []}]', "not a valid sqlfluff report: 0.filepath"),
        ("security/bandit.json", '{"results": {}}', "not a valid bandit report: results"),
        ("audit/audit.json", "[]", "not a valid audit report: (top level)"),
        ("type-3.11-alpha/mypy.jsonl", '{"file": "a.py"}', "not a valid mypy report: message"),
    ],
)
def test_every_tool_report_is_validated(
    green: RunFolder, capsys: pytest.CaptureFixture[str], report: str, text: str, problem: str
) -> None:
    path = green.path / "sessions" / report
    path.write_text(text + "\n")
    line = 1 if report.endswith(".jsonl") else None
    assert _fails_in_one_line(capsys, _gates(green), path, line).startswith(problem)


# ------------------------------------------------------ missing and folders


@pytest.mark.req("NFR-001")
@pytest.mark.parametrize(
    ("slug", "name", "problem"),
    [
        ("lint", "ruff.json", "ruff report not found"),
        ("security", "bandit.json", "bandit report not found"),
        (ALPHA, "unit/junit.xml", "JUnit XML not found"),
    ],
)
def test_a_listed_artifact_that_was_deleted_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str], slug: str, name: str, problem: str
) -> None:
    artifact = _session(green, slug) / name
    artifact.unlink()
    assert _fails_in_one_line(capsys, _gates(green), artifact) == problem


@pytest.mark.req("NFR-001")
def test_a_junit_artifact_that_is_a_folder_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = _session(green, ALPHA) / "unit/junit.xml"
    junit.unlink()
    junit.mkdir()
    message = _fails_in_one_line(capsys, _gates(green), junit)
    assert message == "cannot read the JUnit XML: is a folder, not a file"


def test_a_junit_attribute_of_megabytes_is_read(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = _session(green, ALPHA) / "unit/junit.xml"
    huge = "x" * (5 * 1024 * 1024)
    text = junit.read_text().replace('time="0.001"', f'time="0.001" huge="{huge}"', 1)
    junit.write_text(text)
    assert read_junit_totals(junit).tests == 1
    assert main(["--root", str(green.root), "gates", *RUN, "--only", "sessions"]) == 0
    assert "Traceback" not in "".join(capsys.readouterr())


# ---------------------------------------------------------------- baseline


@pytest.mark.req("NFR-001")
def test_a_baseline_file_nested_without_end_is_one_line(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = workspace / "tiergate-baseline.json"
    baseline.write_text('{"schema_version": 1, "tiers": ' + _nested() + "}")
    code = main(["--root", str(workspace), "baseline", "show"])
    assert _fails_in_one_line(capsys, code, baseline) == "not a baseline file: nested too deep"


@pytest.mark.req("NFR-001")
def test_a_baseline_path_that_is_a_folder_is_one_line(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = workspace / "tiergate-baseline.json"
    baseline.mkdir()
    code = main(["--root", str(workspace), "baseline", "show"])
    message = _fails_in_one_line(capsys, code, baseline)
    assert message == "cannot read the baseline file: is a folder, not a file"


# ----------------------------------------------------------------- history

STORE = "sqlite:///.tiergate/history.db"


def _store_with_one_run(root: Path) -> Path:
    url = parse_url(STORE, root)
    summary = RunSummary(
        run_id="r0",
        recorded_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        verdict="passed",
        exit_code=0,
        strict=False,
        precision=2,
        tiergate_version="0.1.0",
        coverage=(CoverageRow(package="*", tier="*", python="*", statements=10, covered=8),),
    )
    with open_store(url) as store:
        store.record(summary)
    assert url.path is not None
    return url.path


def _edit(store: Path, statement: str) -> None:
    connection = sqlite3.connect(store)
    try:
        with connection:
            connection.execute(statement)
    finally:
        connection.close()


@pytest.mark.req("NFR-001")
@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE runs SET recorded_at = 'last tuesday'",
            "run r0: not a valid record: recorded_at: Input should be a valid datetime",
        ),
        (
            "UPDATE runs SET recorded_at = '2026-03-01T12:00:00'",
            "run r0: not a valid record: recorded_at: Input should have timezone info",
        ),
        (
            "UPDATE runs SET exit_code = 'zero'",
            "run r0: not a valid record: exit_code: Input should be a valid integer",
        ),
        (
            "UPDATE coverage SET package = ''",
            "run r0: not a valid record: coverage.0.package: String should have at least 1",
        ),
    ],
)
def test_a_history_row_edited_into_nonsense_is_one_line_naming_store_and_run(
    workspace: Path, capsys: pytest.CaptureFixture[str], statement: str, problem: str
) -> None:
    store = _store_with_one_run(workspace)
    _edit(store, statement)
    code = main(["--root", str(workspace), "history"])
    assert _fails_in_one_line(capsys, code, store).startswith(problem)


@pytest.mark.req("NFR-001")
def test_a_recorded_session_time_edited_into_nonsense_is_one_line(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _gates(green) == 0
    capsys.readouterr()
    store = green.root / ".tiergate/history.db"
    _edit(store, "UPDATE run_sessions SET finished_at = 'soon'")
    message = _fails_in_one_line(capsys, _gates(green), store)
    assert message.startswith("run r1: run_sessions.finished_at: ")

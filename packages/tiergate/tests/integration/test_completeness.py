from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.completeness import check_run, expected_test_sessions
from tiergate.errors import ArtifactError
from tiergate.runfolder import SessionManifest, session_dir, session_name, write_manifest
from tiergate.workspace import Workspace, load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.runfolder import Outcome

NOW = datetime(2026, 11, 22, tzinfo=UTC)
ONE_TEST = '<testsuites><testsuite tests="1"><testcase name="t"/></testsuite></testsuites>'
NO_TEST = '<testsuites><testsuite tests="0"></testsuite></testsuites>'


@pytest.fixture
def workspace(ws_root: Path, add_member: Callable[..., Path]) -> Workspace:
    add_member("engine", package="engine", tests=True)
    add_member("plugin", "engine", requires_python=">=3.12", package="plugin", tests=True)
    add_member("docs-only")  # no tests: nothing expected of it
    return load_workspace(ws_root, pythons=("3.11", "3.12"))


def _session(  # noqa: PLR0913 - one keyword per part of a session's artifacts
    run: Path,
    package: str,
    python: str,
    *,
    outcome: Outcome = "passed",
    junit: str | None = ONE_TEST,
    coverage: bytes | None = b"data",
) -> None:
    name = session_name("tests", python, package)
    folder = session_dir(run, name)
    folder.mkdir(parents=True)
    artifacts = {}
    if junit is not None:
        (folder / "junit.xml").write_text(junit)
        artifacts["junit"] = "junit.xml"
    if coverage is not None:
        (folder / "coverage.db").write_bytes(coverage)
        artifacts["coverage"] = "coverage.db"
    manifest = SessionManifest(
        schema_version=1,
        run_id=run.name,
        session=name,
        kind="tests",
        package=package,
        python=python,
        started_at=NOW,
        finished_at=NOW,
        outcome=outcome,
        exit_code=0,
        command=["pytest"],
        artifacts=artifacts,
    )
    write_manifest(folder, manifest)


def _statuses(workspace: Workspace, run: Path, *, available: bool = True) -> dict[str, str]:
    checks = check_run(workspace, run, interpreter_available=lambda _: available)
    return {check.session: check.status for check in checks}


def test_expected_sessions_follow_members_and_their_pythons(workspace: Workspace) -> None:
    assert [name for name, _, _ in expected_test_sessions(workspace)] == [
        "tests-3.11(package='engine')",
        "tests-3.12(package='engine')",
        "tests-3.12(package='plugin')",
    ]


def test_a_complete_run_passes(workspace: Workspace, tmp_path: Path) -> None:
    run = tmp_path / "run"
    for package, python in (("engine", "3.11"), ("engine", "3.12"), ("plugin", "3.12")):
        _session(run, package, python)
    assert set(_statuses(workspace, run).values()) == {"passed"}


def test_every_gap_is_red(workspace: Workspace, tmp_path: Path) -> None:
    run = tmp_path / "run"
    _session(run, "engine", "3.11", junit=NO_TEST)
    _session(run, "engine", "3.12", coverage=b"")
    assert _statuses(workspace, run) == {
        "tests-3.11(package='engine')": "no-tests",
        "tests-3.12(package='engine')": "no-coverage",
        "tests-3.12(package='plugin')": "not-run",
    }


def test_failed_and_crashed_sessions(workspace: Workspace, tmp_path: Path) -> None:
    run = tmp_path / "run"
    _session(run, "engine", "3.11", outcome="failed")
    _session(run, "engine", "3.12", outcome="crashed", junit=None, coverage=None)
    _session(run, "plugin", "3.12", junit=None)
    assert _statuses(workspace, run) == {
        "tests-3.11(package='engine')": "failed",
        "tests-3.12(package='engine')": "crashed",
        "tests-3.12(package='plugin')": "no-tests",
    }


def test_a_missing_interpreter_is_told_apart_from_not_run(
    workspace: Workspace, tmp_path: Path
) -> None:
    statuses = _statuses(workspace, tmp_path / "empty", available=False)
    assert set(statuses.values()) == {"interpreter-missing"}


def test_a_broken_junit_is_an_error_naming_the_file(workspace: Workspace, tmp_path: Path) -> None:
    run = tmp_path / "run"
    _session(run, "engine", "3.11", junit="<testsuites>")
    with pytest.raises(ArtifactError, match=r"junit\.xml:1: not valid XML"):
        _statuses(workspace, run)

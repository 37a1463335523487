"""Did every expected test session run and leave results? The first honesty gate.

An expected session is a workspace member that has tests, on each Python it
supports. A session with no manifest is "not run"; one whose JUnit counts no
test is "no tests"; one with source code but no coverage data is "no coverage".
None of these is ever green.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tiergate.junit import read_junit_totals
from tiergate.runfolder import read_sessions, session_name

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.runfolder import SessionManifest
    from tiergate.workspace import Workspace

Status = Literal[
    "passed", "failed", "crashed", "not-run", "no-tests", "no-coverage", "interpreter-missing"
]


@dataclass(frozen=True)
class SessionCheck:
    """What one expected test session left behind."""

    session: str
    package: str
    python: str
    status: Status
    detail: str

    @property
    def ok(self) -> bool:
        """True only for a session that ran, collected tests and passed."""
        return self.status == "passed"


def expected_test_sessions(workspace: Workspace) -> tuple[tuple[str, str, str], ...]:
    """``(session name, package, python)`` for every member with tests, per supported Python."""
    return tuple(
        (session_name("tests", python, member.name), member.name, python)
        for member in workspace.members
        if member.tests_dir is not None
        for python in member.pythons
    )


def check_run(
    workspace: Workspace, run_dir: Path, *, interpreter_available: Callable[[str], bool]
) -> tuple[SessionCheck, ...]:
    """Check every expected test session of ``workspace`` against the run folder."""
    sessions = read_sessions(run_dir) if (run_dir / "sessions").is_dir() else {}
    checks = []
    for name, package, python in expected_test_sessions(workspace):
        found = sessions.get(name)
        if found is None:
            if interpreter_available(python):
                check = SessionCheck(name, package, python, "not-run", "no results in the run")
            else:
                check = SessionCheck(
                    name, package, python, "interpreter-missing", f"Python {python} not found"
                )
        else:
            folder, manifest = found
            has_source = bool(workspace.member(package).source_dirs)
            check = _check_session(folder, manifest, has_source=has_source)
        checks.append(check)
    return tuple(checks)


def _check_session(folder: Path, manifest: SessionManifest, *, has_source: bool) -> SessionCheck:
    name, package, python = manifest.session, manifest.package or "", manifest.python or ""

    def result(status: Status, detail: str) -> SessionCheck:
        return SessionCheck(name, package, python, status, detail)

    if manifest.outcome == "crashed":
        return result("crashed", manifest.message or "the session crashed")
    junit_name = manifest.artifacts.get("junit")
    if junit_name is None:
        return result("no-tests", "the session left no JUnit XML")
    totals = read_junit_totals(folder / junit_name)
    if totals.tests == 0:
        return result("no-tests", "the session collected no tests")
    counts = (
        f"{totals.tests} tests, {totals.failures} failed, {totals.errors} errors, "
        f"{totals.skipped} skipped"
    )
    if manifest.outcome == "failed" or totals.failures or totals.errors:
        return result("failed", counts)
    if has_source:
        coverage_name = manifest.artifacts.get("coverage")
        data = folder / coverage_name if coverage_name else None
        if data is None or not data.is_file() or data.stat().st_size == 0:
            return result("no-coverage", f"{counts}; no coverage data")
    return result("passed", counts)

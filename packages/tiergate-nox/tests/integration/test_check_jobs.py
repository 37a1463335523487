"""The sessions ``invoke check`` runs are exactly the ones nox would run, no more, no fewer."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import REPO
from tiergate.config import load_config
from tiergate.history.baseline import baseline_of, write_baseline
from tiergate.plan import member_tiers, workspace_sessions
from tiergate.runfolder import Outcome, Reused, SessionManifest, session_dir, write_manifest
from tiergate.workspace import load_workspace
from tiergate_nox.jobs import LOOKBACK, check_jobs, expected_durations, last_durations
from tiergate_nox.schedule import longest_first

if TYPE_CHECKING:
    from pathlib import Path


def _write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


FLAT = {
    # No src/, a flat tests/ folder; "newer" does not support the oldest Python; "bare" has
    # no test at all (it is still tested: "collected no tests" is red, never skipped);
    # "wide" has end-to-end tests only, a tier that runs on the newest Python only.
    ".python-version": "3.11\n3.12\n",
    "pyproject.toml": (
        '[tool.uv.workspace]\nmembers = ["libs/*"]\n'
        "[tool.tiergate.tiers]\n"
        'unit = { paths = ["tests/unit"] }\n'
        'e2e = { paths = ["tests/e2e"], pythons = ["3.12"] }\n'
    ),
    "libs/wide/pyproject.toml": '[project]\nname = "wide"\nversion = "1"\n',
    "libs/wide/wide.py": "VALUE = 1\n",
    "libs/wide/tests/e2e/test_wide.py": "def test_x() -> None:\n    pass\n",
    "noxfile.py": "from tiergate_nox.sessions import register_sessions\nregister_sessions('.')\n",
    "libs/newer/pyproject.toml": (
        '[project]\nname = "newer"\nversion = "1"\nrequires-python = ">=3.12"\n'
        '[dependency-groups]\ntest = ["pytest"]\n'
    ),
    "libs/newer/newer/__init__.py": "",
    "libs/newer/tests/test_newer.py": "def test_x() -> None:\n    pass\n",
    "libs/bare/pyproject.toml": '[project]\nname = "bare"\nversion = "1"\n',
    "libs/bare/bare.py": "VALUE = 1\n",
}


def _nox_would_run(root: Path) -> set[str]:
    """Every session ``nox --list`` registers, minus those that skip for their Python.

    A member's session skips on a Python the member does not support, and its tests
    session on a Python none of its tiers runs on.
    """
    listing = subprocess.run(
        [sys.executable, "-m", "nox", "--list", "--noxfile", str(root / "noxfile.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = {
        line[2:].split(" -> ")[0].strip() for line in listing.splitlines() if line[:2] == "* "
    }
    workspace, config = load_workspace(root), load_config(root)
    supported = {
        f"{kind}-{python}(package='{member.name}')"
        for member in workspace.members
        for python in member.pythons
        for kind in ("tests", "type")
        if kind == "type" or member_tiers(member, config, python)
    }
    return {name for name in listed if "(" not in name or name in supported}


@pytest.mark.req("FR-185")
@pytest.mark.parametrize("layout", ["this repository", "flat"])
def test_the_check_runs_every_session_nox_would_run(tmp_path: Path, layout: str) -> None:
    root = REPO if layout == "this repository" else _write(tmp_path, FLAT)
    names = list(workspace_sessions(load_workspace(root), load_config(root)))
    assert len(names) == len(set(names))
    assert set(names) == _nox_would_run(root)
    if layout == "flat":
        assert "tests-3.11(package='newer')" not in names
        assert "tests-3.11(package='bare')" in names
        assert "tests-3.11(package='wide')" not in names
        assert {"tests-3.12(package='wide')", "type-3.11(package='wide')"} <= set(names)


def _manifest(  # noqa: PLR0913 - one parameter per part of the manifest a test sets
    run_dir: Path,
    session: str,
    seconds: float,
    end: datetime,
    *,
    reused: Reused | None = None,
    outcome: Outcome = "passed",
) -> None:
    write_manifest(
        session_dir(run_dir, session),
        SessionManifest(
            schema_version=1,
            run_id=run_dir.name,
            session=session,
            kind="lint",
            package=None,
            python=None,
            command=[],
            artifacts={},
            started_at=end - timedelta(seconds=seconds),
            finished_at=end,
            outcome=outcome,
            exit_code=0 if outcome == "passed" else 1,
            reused=reused,
        ),
    )


@pytest.mark.req("FR-185")
def test_each_session_is_expected_to_take_what_it_took_in_the_newest_run_that_ran_it(
    tmp_path: Path,
) -> None:
    runs, now = tmp_path / "runs", datetime(2026, 11, 30, tzinfo=UTC)
    _manifest(runs / "old", "lint", 50.0, now)
    _manifest(runs / "old", "sql", 7.0, now)
    _manifest(runs / "new", "lint", 3.0, now)
    _manifest(runs / "new", "security", 12.0, now, outcome="failed")  # it ran to its end
    # Stopped by Ctrl-C after 2 s: how long the whole session takes is not known from it.
    _manifest(runs / "stopped", "lint", 2.0, now, outcome="crashed")
    _manifest(runs / "stopped", "type", 1.0, now, outcome="crashed")
    broken = session_dir(runs / "broken", "lint")
    broken.mkdir(parents=True)
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    _manifest(runs / "current", "lint", 99.0, now)
    # Restored from the cache in no time: it took what it took in the run it came from.
    took = Reused(
        digest="0" * 64, run_id="old", started_at=now - timedelta(seconds=7.5), finished_at=now
    )
    _manifest(runs / "warm", "sql", 0.0, now, reused=took)
    ages = (
        (-60, "old"),
        (1, "new"),
        (1.5, "stopped"),
        (2, "broken"),
        (2.5, "warm"),
        (3, "current"),
    )
    for minutes, name in ages:
        stamp = (now + timedelta(minutes=minutes)).timestamp()
        os.utime(runs / name, (stamp, stamp))
    found = last_durations(runs, exclude=runs / "current")
    # The broken run passed over, the current left out, the stopped sessions not taken.
    assert found == {"lint": 3.0, "sql": 7.5, "security": 12.0}
    # Only the sessions that will run are looked up: the same answers for them.
    wanted = {"lint", "type", "audit"}
    assert last_durations(runs, exclude=runs / "current", wanted=wanted) == {"lint": 3.0}
    expected = expected_durations(runs, tmp_path / "no-baseline.json", exclude=runs / "current")
    jobs = check_jobs(["lint", "sql", "type"], tmp_path / "logs", expected)
    assert [(job.name, job.estimate, job.estimate_from) for job in jobs] == [
        ("lint", 3.0, "last run"),
        ("sql", 7.5, "last run"),
        ("type", None, ""),
    ]
    assert jobs[0].command[-2:] == ("--session", "lint")
    assert last_durations(tmp_path / "nowhere") == {}
    assert LOOKBACK >= 2


@pytest.mark.req("FR-222")
def test_a_session_no_earlier_run_holds_is_expected_to_take_what_it_took_in_the_baseline_run(
    tmp_path: Path,
) -> None:
    runs, now = tmp_path / "runs", datetime(2026, 11, 30, tzinfo=UTC)
    _manifest(runs / "new", "lint", 3.0, now)
    baseline = tmp_path / "tiergate-baseline.json"
    took = {"lint": 40.0, "tests-3.13(package='a')": 300.0}
    write_baseline(baseline, baseline_of({}, created_at=now, sessions=took))
    jobs = check_jobs(
        ["lint", "tests-3.13(package='a')", "sql"],
        tmp_path / "logs",
        expected_durations(runs, baseline),
    )
    assert [(job.name, job.estimate, job.estimate_from) for job in jobs] == [
        ("lint", 3.0, "last run"),  # this workspace's own runs come first
        ("tests-3.13(package='a')", 300.0, "baseline run"),
        ("sql", None, ""),
    ]
    assert [job.name for job in longest_first(jobs)] == [
        "sql",  # never timed: first, as before
        "tests-3.13(package='a')",
        "lint",
    ]
    # A baseline file that cannot be read orders nothing (the ratchet gate names it).
    baseline.write_text('{"schema_version": 1, "sessions": {"lint": "slow"}}', encoding="utf-8")
    assert expected_durations(runs, baseline) == {"lint": (3.0, "last run")}


@pytest.mark.req("FR-185")
def test_a_first_run_starts_the_tests_sessions_first(tmp_path: Path) -> None:
    names = list(workspace_sessions(load_workspace(REPO), load_config(REPO)))
    ordered = longest_first(check_jobs(names, tmp_path, {}))
    kinds = [job.name.split("-", 1)[0] for job in ordered]
    assert kinds == sorted(kinds, key=("tests", "type", "lint", "sql", "security", "audit").index)
    assert ordered[0].name == next(name for name in names if name.startswith("tests"))
    # Once seen, the durations decide: a quick tests session goes after a slow type session.
    seen = {name: (1.0 if name.startswith("tests") else 50.0, "last run") for name in names}
    ordered = longest_first(check_jobs(names, tmp_path, seen))
    assert ordered[0].name.startswith(("type", "lint", "sql", "security", "audit"))

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _tiergate(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"CI", "TIERGATE_RUN_ID"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tiergate", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )


def _pytest_session(root: Path, run_id: str, package: str) -> None:
    """Run a member's tests for real, the way the tests session does, and write the manifest."""
    folder = root / ".tiergate" / "runs" / run_id / "sessions" / f"tests-{PYTHON}-{package}"
    folder.mkdir(parents=True)
    member = root / "packages" / package
    subprocess.run(
        [
            sys.executable,
            "-m",
            "coverage",
            "run",
            f"--data-file={folder / 'coverage.db'}",
            f"--source={member / 'src'}",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:tiergate",
            f"--junitxml={folder / 'junit.xml'}",
            str(member / "tests"),
        ],
        cwd=root,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(member / "src")},
    )
    manifest = f"""{{
      "schema_version": 1, "run_id": "{run_id}", "kind": "tests",
      "session": "tests-{PYTHON}(package='{package}')", "package": "{package}",
      "python": "{PYTHON}", "started_at": "2026-11-22T00:00:00Z",
      "finished_at": "2026-11-22T00:00:01Z", "outcome": "passed", "exit_code": 0,
      "command": ["pytest"], "artifacts": {{"junit": "junit.xml", "coverage": "coverage.db"}}
    }}"""
    (folder / "manifest.json").write_text(manifest)


def _workspace(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    (ws_root / ".python-version").write_text(f"{PYTHON}\n")
    for name in ("alpha", "beta"):
        member = add_member(name, package=name, tests=True)
        (member / "src" / name / "__init__.py").write_text("def one() -> int:\n    return 1\n")
        (member / "tests" / f"test_{name}.py").write_text(
            textwrap.dedent(f"""
            from {name} import one

            def test_one() -> None:
                assert one() == 1
            """)
        )
    return ws_root


def test_a_complete_run_passes(ws_root: Path, add_member: Callable[..., Path]) -> None:
    root = _workspace(ws_root, add_member)
    for package in ("alpha", "beta"):
        _pytest_session(root, "r1", package)
    result = _tiergate(root, "gates", TIERGATE_RUN_ID="r1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"tests-{PYTHON}(package='alpha')" in result.stdout
    assert "PASSED" in result.stdout


def test_a_session_that_did_not_run_fails_the_gate(
    ws_root: Path, add_member: Callable[..., Path]
) -> None:
    root = _workspace(ws_root, add_member)
    _pytest_session(root, "r1", "alpha")
    result = _tiergate(root, "gates", "--run", ".tiergate/runs/r1")
    assert result.returncode == 1
    assert "not-run" in result.stdout
    assert "FAILED" in result.stdout


def test_a_hostile_junit_is_exit_2_with_one_line(
    ws_root: Path, add_member: Callable[..., Path]
) -> None:
    root = _workspace(ws_root, add_member)
    for package in ("alpha", "beta"):
        _pytest_session(root, "r1", package)
    junit = root / f".tiergate/runs/r1/sessions/tests-{PYTHON}-alpha/junit.xml"
    junit.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<testsuites>&b;</testsuites>"
    )
    result = _tiergate(root, "gates", TIERGATE_RUN_ID="r1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"tiergate: error: {junit}: refused unsafe XML")
    assert "Traceback" not in result.stderr

"""The CI workflow is valid and calls sessions that exist."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github/workflows/ci.yml"


@pytest.mark.req("FR-015")
def test_workflow_validates_against_the_github_schema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_invalid_workflow_is_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    broken.write_text("name: ci\non: push\njobs:\n  tests:\n    steps: []\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(broken),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1


def _step(job: dict[str, Any], needle: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [s for s in job["steps"] if needle in s.get("run", "")]
    [step] = steps
    return step


def _bash(script: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.req("FR-015")
def test_workflow_runs_one_job_per_member_and_python_of_sessions_nox_has(tmp_path: Path) -> None:
    """The plan step and each tests job's nox call, run as bash runs them (nox echoed)."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    jobs = workflow["jobs"]
    tiergate = f"{sys.executable} -m tiergate"
    plan = _step(jobs["plan"], "--matrix")["run"].replace("uv run tiergate", tiergate)
    output = tmp_path / "github-output"
    _bash(plan, {"GITHUB_OUTPUT": str(output)})
    key, _, value = output.read_text(encoding="utf-8").rstrip("\n").partition("=")
    assert key == "matrix"
    assert jobs["plan"]["outputs"]["matrix"] == "${{ steps.matrix.outputs.matrix }}"
    assert jobs["tests"]["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    include = json.loads(value)["include"]
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "--list", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    registered = {entry["session"] for entry in json.loads(listed.stdout)}
    step = _step(jobs["tests"], "nox --session")
    assert step["env"] == {"SESSIONS": "${{ join(matrix.sessions, ' ') }}"}
    echoed = step["run"].replace("uv run nox", "printf '%s\\n'")
    ran: list[str] = []
    for entry in include:
        sessions = entry["sessions"]
        assert _bash(echoed, {"SESSIONS": " ".join(sessions)}).splitlines() == [
            "--session",
            *sessions,
        ]
        assert set(sessions) <= registered
        ran += sessions
    expected = {name for name in registered if name.startswith(("tests-", "type-"))}
    skipped = expected - set(ran)  # nox registers them and skips them: no tier on that Python
    assert all(name.startswith("tests-") for name in skipped), skipped
    assert len(ran) == len(set(ran))
    assert len({(entry["package"], entry["python"]) for entry in include}) == len(include)
    assert workflow["jobs"]["checks"]["strategy"]["matrix"]["session"] == [
        "lint",
        "sql",
        "security",
        "audit",
    ]
    runs = [step.get("run", "") for job in jobs.values() for step in job["steps"]]
    assert any(re.search(r"\btiergate gates\b", r) for r in runs)
    assert set(jobs["gates"]["needs"]) == {"tests", "checks"}

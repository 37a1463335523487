"""The CI workflow is valid and calls sessions that exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.req("FR-015")
def test_workflow_calls_the_nox_sessions_and_merges_for_the_gates() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    nox_calls = [r for r in runs if "nox" in r]
    assert any("tests-${{ matrix.python }}" in r for r in nox_calls)
    assert any("type-${{ matrix.python }}" in r for r in nox_calls)
    assert workflow["jobs"]["checks"]["strategy"]["matrix"]["session"] == [
        "lint",
        "sql",
        "security",
    ]
    assert any(re.search(r"\btiergate gates\b", r) for r in runs)
    assert set(workflow["jobs"]["gates"]["needs"]) == {"tests", "checks"}

"""A tier configured for some Pythons: the tests session of another Python skips it, or skips."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import OTHER_PYTHON, PYTHON, make_monorepo

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.req("FR-217")
def test_a_python_no_tier_runs_on_skips_its_tests_session_and_the_check_plans_none(
    tmp_path: Path,
) -> None:
    unit = f'unit = {{ paths = ["tests/unit"], pythons = ["{OTHER_PYTHON}"] }}'
    only_other = f"[tool.tiergate.tiers]\n{unit}\n"
    mono = make_monorepo(tmp_path / "mono", (PYTHON, OTHER_PYTHON), extra=only_other)
    session = f"tests-{PYTHON}(package='calc')"

    done = mono.run("nox", "--session", session)

    assert done.returncode == 0, done.stderr
    assert f"no tier of calc runs on Python {PYTHON}" in done.stderr
    assert not list(mono.root.glob(".tiergate/runs/*/sessions/*/manifest.json"))  # no result
    planned = mono.run("tiergate", "plan", "--no-cache", "--format", "json")
    sessions = {entry["session"] for entry in json.loads(planned.stdout)["sessions"]}
    assert session not in sessions
    assert f"type-{PYTHON}(package='calc')" in sessions

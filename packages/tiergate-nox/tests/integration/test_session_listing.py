from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import PYTHON, REPO

if TYPE_CHECKING:
    from monorepo_factory import Monorepo


def _listed(output: str) -> set[str]:
    return {
        line[2:].split(" -> ")[0].strip() for line in output.splitlines() if line.startswith("* ")
    }


@pytest.mark.req("FR-010")
def test_this_repository_lists_every_session_per_package_and_python() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "nox", "--list", "--noxfile", str(REPO / "noxfile.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sessions = _listed(listing)
    pythons = (REPO / ".python-version").read_text().split()
    for python in pythons:
        for package in ("tiergate", "pytest-tiergate", "tiergate-nox"):
            assert f"tests-{python}(package='{package}')" in sessions
            assert f"type-{python}(package='{package}')" in sessions
    assert {"lint", "sql", "security", "audit"} <= sessions


@pytest.mark.req("FR-010")
def test_sessions_come_from_the_workspace_model(monorepo: Monorepo) -> None:
    listing = monorepo.run("nox", "--list")
    assert listing.returncode == 0, listing.stderr
    assert _listed(listing.stdout) == {
        f"tests-{PYTHON}(package='calc')",
        f"tests-{PYTHON}(package='report')",
        f"type-{PYTHON}(package='calc')",
        f"type-{PYTHON}(package='report')",
        "lint",
        "sql",
        "security",
        "audit",
    }


def test_a_broken_workspace_is_one_clear_error(monorepo: Monorepo) -> None:
    monorepo.write("packages/report/pyproject.toml", "[project\nname = 'report'\n")
    listing = monorepo.run("nox", "--list")
    assert listing.returncode != 0
    assert "packages/report/pyproject.toml:1" in listing.stderr

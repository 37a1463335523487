"""Under invoke, the modules the check imports are cached as bytecode as Python would cache them.

invoke turns bytecode off for everything it imports unless given ``--write-pyc``;
the check then compiled every module it imports from source on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

TASKS = """
from invoke.tasks import task

from tiergate_nox.tasks import namespace

import imported_after


@task
def show(ctx):
    pass


namespace.add_task(show)
"""


def _invoke(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run(
        [sys.executable, "-m", "invoke", "show"],
        cwd=folder,
        env={**environment, "PYTHONPATH": str(folder), **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.req("FR-220")
@pytest.mark.parametrize(
    ("env", "cached"),
    [({}, True), ({"PYTHONDONTWRITEBYTECODE": "1"}, False)],
    ids=["python writes bytecode", "PYTHONDONTWRITEBYTECODE"],
)
def test_a_module_imported_by_the_tasks_is_cached_unless_python_is_told_not_to(
    tmp_path: Path, env: dict[str, str], cached: bool
) -> None:
    (tmp_path / "tasks.py").write_text(TASKS, encoding="utf-8")
    (tmp_path / "imported_after.py").write_text("VALUE = 1\n", encoding="utf-8")
    done = _invoke(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    written = sorted(path.name for path in tmp_path.glob("__pycache__/imported_after.*.pyc"))
    assert bool(written) == cached, written

"""What the check benchmarks share: a synthetic uv workspace's files, and a timed command.

Imported by ``check_parallel.py``, ``check_changed.py`` and ``check_warm.py``
(run as scripts, so this folder is on ``sys.path``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

ROOT = Path(__file__).resolve().parents[1]
ADVISORY_DB = ROOT / "packages" / "tiergate" / "tests" / "fixtures" / "advisory-db"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

ROOT_PYPROJECT = f"""
[tool.uv.workspace]
members = ["packages/*"]

[dependency-groups]
lint = ["ruff"]
sql = ["sqlfluff"]
security = ["bandit", "pip-audit"]

[tool.uv.sources]
tiergate = {{ path = "{ROOT}/packages/tiergate", editable = true }}
pytest-tiergate = {{ path = "{ROOT}/packages/pytest-tiergate", editable = true }}

[tool.tiergate.security]
advisory-db = "{ADVISORY_DB}"

[tool.pytest.ini_options]
addopts = ["--strict-markers", "--import-mode=importlib"]
"""
"""The workspace root's ``pyproject.toml``: tiergate from this repository, offline audit."""

MEMBER = """
[project]
name = "{name}"
version = "1.0.0"
requires-python = ">=3.11"
dependencies = [{deps}]

[dependency-groups]
test = ["pytest", "coverage", "pytest-tiergate"]
type = ["mypy", {{include-group = "test"}}]

[tool.uv.sources]
{sources}

[build-system]
requires = ["uv_build>=0.13.9,<0.14"]
build-backend = "uv_build"
"""
"""A member's ``pyproject.toml`` (``name``, ``deps``, ``sources`` to fill in)."""

NOXFILE = 'from tiergate_nox.sessions import register_sessions\n\nregister_sessions(".")\n'
TASKS = 'from tiergate_nox.tasks import namespace\n\n__all__ = ["namespace"]\n'


def write(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, its folders created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_root(root: Path) -> None:
    """The workspace root: ``.python-version``, ``pyproject.toml``, noxfile and tasks."""
    write(root / ".python-version", f"{PYTHON}\n")
    write(root / "pyproject.toml", ROOT_PYPROJECT)
    write(root / "noxfile.py", NOXFILE)
    write(root / "tasks.py", TASKS)


def env(run_id: str) -> dict[str, str]:
    """This environment without uv's, nox's and tiergate's settings; CI set, the run named.

    ``PYTHONDONTWRITEBYTECODE`` is dropped: bytecode is written, as Python does by default.
    """
    prefixes = ("UV_PROJECT", "VIRTUAL_ENV", "TIERGATE_", "NOX", "CI", "PYTHONDONTWRITEBYTECODE")
    found = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    found.update(UV_PYTHON_DOWNLOADS="never", CI="true", TIERGATE_RUN_ID=run_id)
    return found


def timed(
    folder: Path, command: list[str], run_id: str, *, extra: Mapping[str, str] | None = None
) -> tuple[float, int, str]:
    """Run ``command`` in ``folder`` as run ``run_id`` (``extra`` set): seconds, code, output."""
    started = time.perf_counter()
    variables = {**env(run_id), **(extra or {})}
    done = subprocess.run(
        command, cwd=folder, env=variables, capture_output=True, text=True, check=False
    )
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr

"""Throwaway monorepos for the session and task tests: real files, real uv, real nox."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHER_PYTHON = "3.13" if PYTHON != "3.13" else "3.12"
ADVISORY_DB = REPO / "packages" / "tiergate" / "tests" / "fixtures" / "advisory-db"
"""Real OSV records kept in the repository, so that the security session audits offline."""

ROOT_PYPROJECT = """
[tool.uv.workspace]
members = ["packages/*"]

[dependency-groups]
lint = ["ruff"]
sql = ["sqlfluff"]
security = ["bandit", "pip-audit"]

[tool.uv.sources]
tiergate = {{ path = "{repo}/packages/tiergate", editable = true }}
pytest-tiergate = {{ path = "{repo}/packages/pytest-tiergate", editable = true }}

[tool.tiergate.security]
advisory-db = "{advisory_db}"
{extra}
[tool.pytest.ini_options]
addopts = ["--strict-markers", "--import-mode=importlib"]
"""

MEMBER_PYPROJECT = """
[project]
name = "{name}"
version = "1.0.0"
requires-python = ">=3.11"
dependencies = [{deps}]

[dependency-groups]
test = ["pytest", "coverage", "pytest-tiergate"]
type = ["mypy", {{include-group = "test"}}]

[tool.uv.sources]
calc = {{ workspace = true }}

[build-system]
requires = ["uv_build>=0.13.9,<0.14"]
build-backend = "uv_build"
"""

SOURCE = '''"""{name}."""


def double(x: int) -> int:
    """Twice x."""
    return 2 * x
'''

TEST = """from {name} import double


def test_double() -> None:
    assert double(2) == 4
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@dataclass(frozen=True)
class Monorepo:
    """A throwaway monorepo: two members, ``calc`` and ``report`` (which uses calc)."""

    root: Path

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for uv, nox and invoke here (no CI, no inherited run id)."""
        prefixes = ("UV_PROJECT", "VIRTUAL_ENV", "TIERGATE_", "NOX", "CI")
        env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
        env["UV_PYTHON_DOWNLOADS"] = "never"
        env.update(extra)
        return env

    def env_without_pyenv(self, **extra: str) -> dict[str, str]:
        """An environment whose PATH finds this test's Python and no pyenv interpreter."""
        env = self.env(**extra)
        kept = [p for p in env["PATH"].split(os.pathsep) if ".pyenv" not in p]
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), *kept])
        return env

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``python -m <args>`` in the monorepo, with this test environment's packages."""
        return subprocess.run(
            [sys.executable, "-m", *args],
            cwd=self.root,
            env=env if env is not None else self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )

    def lock(self) -> None:
        """``uv lock`` the monorepo."""
        subprocess.run(["uv", "lock", "--quiet"], cwd=self.root, check=True, env=self.env())

    def write(self, relative: str, text: str) -> None:
        """Write a file of the monorepo."""
        _write(self.root / relative, text)


_LOCKS: dict[tuple[tuple[str, ...], str], str] = {}
"""``uv.lock`` as uv wrote it for a monorepo of these arguments, in this process."""


def make_monorepo(root: Path, pythons: tuple[str, ...], extra: str = "") -> Monorepo:
    """Write the monorepo (``extra``: more root configuration) and lock it with uv.

    A monorepo of the same arguments was locked before in this process: its lock
    file is written first, and ``uv lock`` checks it against the files (0.25 s)
    instead of resolving from nothing (about 2 s).
    """
    if shutil.which("uv") is None:
        pytest.fail("uv is not on PATH: it is a test dependency of tiergate-nox")
    mono = Monorepo(root)
    mono.write(".python-version", "\n".join(pythons) + "\n")
    mono.write(
        "pyproject.toml", ROOT_PYPROJECT.format(advisory_db=ADVISORY_DB, repo=REPO, extra=extra)
    )
    mono.write(
        "noxfile.py",
        'from tiergate_nox.sessions import register_sessions\n\nregister_sessions(".")\n',
    )
    mono.write("tasks.py", 'from tiergate_nox.tasks import namespace\n\n__all__ = ["namespace"]\n')
    for name, deps in (("calc", ""), ("report", '"calc"')):
        mono.write(f"packages/{name}/pyproject.toml", MEMBER_PYPROJECT.format(name=name, deps=deps))
        mono.write(f"packages/{name}/src/{name}/__init__.py", SOURCE.format(name=name))
        mono.write(f"packages/{name}/tests/unit/test_{name}.py", TEST.format(name=name))
    lock = root / "uv.lock"
    if (pythons, extra) in _LOCKS:
        lock.write_text(_LOCKS[pythons, extra], encoding="utf-8")
    mono.lock()
    _LOCKS[pythons, extra] = lock.read_text(encoding="utf-8")
    return mono

"""The pre-commit hooks refuse a commit with a lint error and let a clean one through.

The repository under test is a small tiergate workspace (one member, one spec),
so that the requirement traceability hook has something to check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "tiergate test",
    "GIT_AUTHOR_EMAIL": "test@tiergate.invalid",
    "GIT_COMMITTER_NAME": "tiergate test",
    "GIT_COMMITTER_EMAIL": "test@tiergate.invalid",
}
MEMBER = '[project]\nname = "demo"\nversion = "1.0"\ndependencies = []\n'
SPEC = "# Demo\n\n- FR-001: the demo works\n"
MARKED = """\
import pytest


@pytest.mark.req("{rid}")
def test_demo() -> None:
    assert True
"""


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        args, cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in (".pre-commit-config.yaml", "pyproject.toml", ".python-version"):
        shutil.copy(REPO / name, repo / name)
    pyproject = repo / "pyproject.toml"
    if "[tool.tiergate.requirements]" not in pyproject.read_text():
        pyproject.write_text(pyproject.read_text() + "\n[tool.tiergate.requirements]\n")
    (repo / "packages/demo/tests/unit").mkdir(parents=True)
    (repo / "packages/demo/pyproject.toml").write_text(MEMBER)
    (repo / "docs/requirements").mkdir(parents=True)
    (repo / "docs/requirements/demo.md").write_text(SPEC)
    (repo / ".venv").symlink_to(sys.prefix)  # the tiergate hook runs the workspace's .venv
    (repo / ".gitignore").write_text(".venv\n")
    _run(repo, "git", "init", "-q", "-b", "main")
    _run(repo, "git", "add", ".")
    installed = _run(repo, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stderr
    return repo


@pytest.mark.req("NFR-005")
def test_a_ruff_error_is_refused(repo: Path) -> None:
    (repo / "broken.py").write_text(
        '"""Uses a name that does not exist."""\n\nVALUE = undefined_name\n'
    )
    _run(repo, "git", "add", "broken.py")
    commit = _run(repo, "git", "commit", "-q", "-m", "broken")
    assert commit.returncode != 0
    assert "F821" in commit.stdout + commit.stderr
    assert _run(repo, "git", "rev-parse", "HEAD").returncode != 0  # nothing was committed


@pytest.mark.req("NFR-005")
def test_a_clean_file_is_committed(repo: Path) -> None:
    (repo / "clean.py").write_text('"""A clean module."""\n\nVALUE = 1\n')
    _run(repo, "git", "add", ".")
    commit = _run(repo, "git", "commit", "-q", "-m", "clean")
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "clean.py" in _run(repo, "git", "show", "--name-only", "HEAD").stdout


@pytest.mark.req("FR-056")
def test_a_test_naming_an_undefined_requirement_is_refused(repo: Path) -> None:
    test = repo / "packages/demo/tests/unit/test_demo.py"
    test.write_text(MARKED.format(rid="FR-099"))
    _run(repo, "git", "add", ".")
    commit = _run(repo, "git", "commit", "-q", "-m", "unknown requirement")
    assert commit.returncode != 0
    expected = "packages/demo/tests/unit/test_demo.py:5: FR-099 is not defined in the specs"
    assert expected in commit.stdout + commit.stderr
    assert _run(repo, "git", "rev-parse", "HEAD").returncode != 0  # nothing was committed


@pytest.mark.req("FR-056")
def test_a_test_naming_a_defined_requirement_is_committed(repo: Path) -> None:
    test = repo / "packages/demo/tests/unit/test_demo.py"
    test.write_text(MARKED.format(rid="FR-001"))
    _run(repo, "git", "add", ".")
    commit = _run(repo, "git", "commit", "-q", "-m", "traced")
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "test_demo.py" in _run(repo, "git", "show", "--name-only", "HEAD").stdout

"""The pre-commit hooks refuse a commit with a lint error and let a clean one through."""

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


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        args, cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in (".pre-commit-config.yaml", "pyproject.toml"):
        shutil.copy(REPO / name, repo / name)
    _run(repo, "git", "init", "-q", "-b", "main")
    _run(repo, "git", "add", ".")
    installed = _run(repo, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stderr
    return repo


def test_a_ruff_error_is_refused(repo: Path) -> None:
    (repo / "broken.py").write_text(
        '"""Uses a name that does not exist."""\n\nVALUE = undefined_name\n'
    )
    _run(repo, "git", "add", "broken.py")
    commit = _run(repo, "git", "commit", "-q", "-m", "broken")
    assert commit.returncode != 0
    assert "F821" in commit.stdout + commit.stderr
    assert _run(repo, "git", "rev-parse", "HEAD").returncode != 0  # nothing was committed


def test_a_clean_file_is_committed(repo: Path) -> None:
    (repo / "clean.py").write_text('"""A clean module."""\n\nVALUE = 1\n')
    _run(repo, "git", "add", ".")
    commit = _run(repo, "git", "commit", "-q", "-m", "clean")
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "clean.py" in _run(repo, "git", "show", "--name-only", "HEAD").stdout

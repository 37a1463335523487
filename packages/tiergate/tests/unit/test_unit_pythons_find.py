"""Interpreter discovery: a ``pythonX.Y`` on PATH counts only if it really runs as X.Y."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.pythons import find_interpreter

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def path_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the whole PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def _executable(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    "script",
    [
        "#!/bin/sh\necho 3.97\n",  # another Python behind the name
        "#!/bin/sh\necho 'pyenv: python3.98: command not found' >&2\nexit 127\n",  # a shim
    ],
)
def test_a_name_on_path_that_does_not_run_as_that_version_is_missing(
    path_dir: Path, script: str
) -> None:
    _executable(path_dir, "python3.98", script)
    assert find_interpreter("3.98") is None


def test_a_file_that_cannot_be_executed_is_missing(path_dir: Path) -> None:
    _executable(path_dir, "python3.98", "not a program and no #! line\x00\x01")
    assert find_interpreter("3.98") is None


def test_a_name_that_runs_as_its_version_is_found(path_dir: Path) -> None:
    found = _executable(path_dir, "python3.98", "#!/bin/sh\necho 3.98\n")
    assert find_interpreter("3.98") == found
    assert find_interpreter("3.97") is None  # nothing of that name

"""Interpreter discovery as nox does it: a ``pythonX.Y`` on PATH counts only if it runs as X.Y."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tiergate.pythons import discover

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture
def path_dir(tmp_path: Path) -> Path:
    """An empty folder, to be the whole PATH (no HOME: no uv-managed Python either)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    return folder


def _executable(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.mark.req("FR-040")
@pytest.mark.parametrize(
    "script",
    [
        "#!/bin/sh\necho 3.98\n",  # prints a version, but is no Python
        "#!/bin/sh\necho 'pyenv: python3.98: command not found' >&2\nexit 127\n",  # a shim
        "not a program and no #! line\x00\x01",
    ],
)
def test_a_name_on_path_that_does_not_run_as_that_version_is_missing(
    path_dir: Path, tmp_path: Path, script: str
) -> None:
    _executable(path_dir, "python3.98", script)
    assert discover("3.98", tmp_path, environ={"PATH": str(path_dir)}) is None


@pytest.mark.req("FR-040")
def test_the_running_interpreter_is_found_and_says_what_it_is(
    path_dir: Path, tmp_path: Path
) -> None:
    found = discover(VERSION, tmp_path, environ={"PATH": str(path_dir)})

    assert found is not None
    assert Path(found.executable).is_file()
    assert found.system_executable == os.path.realpath(found.system_executable)
    assert sys.version in found.description
    assert discover("3.97", tmp_path, environ={"PATH": str(path_dir)}) is None

"""Who ``python<X.Y>`` on ``PATH`` is, asked of real commands: the answer, or why there is none."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from tiergate.inputs.interpreters import Asked, Missing, ask

if TYPE_CHECKING:
    from pathlib import Path

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def _command(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(0o755)


def _answer(found: str | Missing | Asked) -> str | Missing:
    return found.answer() if isinstance(found, Asked) else found


@pytest.mark.req("FR-192")
def test_the_interpreter_on_path_answers_and_is_known_after(tmp_path: Path) -> None:
    """The real interpreter, linked as python<X.Y>: a digest, then given without asking."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / f"python{VERSION}").symlink_to(sys.executable)
    environ = {"PATH": str(tmp_path / "bin")}
    first = _answer(ask([VERSION], tmp_path, environ)[VERSION])
    assert isinstance(first, str)
    assert len(first) == 64
    assert ask([VERSION], tmp_path, environ)[VERSION] == first  # known: not asked again


@pytest.mark.req("FR-192")
@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("echo nonsense", "python3.99 on PATH does not run Python 3.99"),
        ("exit 3", "python3.99 on PATH does not run Python 3.99"),
        (
            f'exec {sys.executable} "$@"',
            "python3.99 on PATH does not run Python 3.99",
        ),
    ],
)
def test_a_command_that_is_not_that_python_is_missing(
    tmp_path: Path, script: str, reason: str
) -> None:
    _command(tmp_path, "python3.99", script)
    found = _answer(ask(["3.99"], tmp_path, {"PATH": str(tmp_path)})["3.99"])
    assert found == Missing(reason)


def test_no_command_on_path_is_missing(tmp_path: Path) -> None:
    found = ask(["3.98"], tmp_path, {"PATH": str(tmp_path)})["3.98"]
    assert found == Missing("python3.98 not found on PATH")

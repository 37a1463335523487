from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _outer_environment_stays_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner pytest runs see os.environ: the outer CI and TIERGATE_ROOT must not leak in.

    A test that wants CI sets it with monkeypatch.setenv.
    """
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TIERGATE_ROOT", raising=False)


@pytest.fixture
def write(pytester: pytest.Pytester) -> Callable[[str, str], Path]:
    """Write dedented text to a path relative to pytester.path; return the path."""

    def write_file(relative: str, text: str) -> Path:
        path = pytester.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write_file

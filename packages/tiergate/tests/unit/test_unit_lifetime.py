"""The ``tiergate`` command collects garbage rarely; importing tiergate changes nothing."""

from __future__ import annotations

import gc
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import command
from tiergate.lifetime import OLDER, YOUNGEST, collect_rarely

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def thresholds() -> Iterator[tuple[int, ...]]:
    """The process's thresholds, put back after the test."""
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_collect_rarely_raises_every_threshold(thresholds: tuple[int, ...]) -> None:
    del thresholds
    gc.set_threshold(700, 10, 10)  # CPython's own before 3.13 (3.13: 2,000)
    collect_rarely()
    assert gc.get_threshold() == (YOUNGEST, OLDER, OLDER)
    assert YOUNGEST >= 25 * 2_000


def test_the_command_collects_rarely(
    thresholds: tuple[int, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del thresholds
    gc.set_threshold(700, 10, 10)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "solo"\n', encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["tiergate", "--root", str(tmp_path), "cache"])
    assert command() == 0
    assert gc.get_threshold() == (YOUNGEST, OLDER, OLDER)


def test_importing_tiergate_keeps_the_process_thresholds() -> None:
    code = (
        "import gc; before = gc.get_threshold(); "
        "import tiergate.cli, tiergate.verdict, tiergate.lifetime; "
        "assert gc.get_threshold() == before, gc.get_threshold()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

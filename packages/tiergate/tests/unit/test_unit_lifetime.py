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


# Coverage's measurement of subprocesses may freeze some objects before this code runs.
_AT_EXIT = (
    "import atexit, gc, sys\n"
    "print(gc.get_freeze_count())\n"
    "atexit.register(lambda: print(gc.get_freeze_count()))  # runs after what is registered later\n"
    "before = gc.get_threshold()\n"
    "import tiergate.cli, tiergate.verdict, tiergate.lifetime\n"
)


def test_importing_tiergate_keeps_the_process_thresholds_and_heap() -> None:
    code = _AT_EXIT + "assert gc.get_threshold() == before, gc.get_threshold()\n"
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, timeout=60, capture_output=True, text=True
    )
    at_start, at_exit = done.stdout.split()
    assert at_exit == at_start


def test_the_heap_is_frozen_at_exit_after_the_handlers_registered_later() -> None:
    """The interpreter's last collection then skips what the command made (0.2 s of a check)."""
    code = _AT_EXIT + (
        "tiergate.lifetime.collect_rarely()\n"
        "tiergate.lifetime.collect_rarely()\n"
        "atexit.register(lambda: print(gc.get_freeze_count(), flush=True))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, timeout=60, capture_output=True, text=True
    )
    at_start, before_freeze, after_freeze = map(int, done.stdout.split())
    assert before_freeze == at_start
    assert after_freeze > at_start + 10_000  # the objects of tiergate's modules, at least

"""What several commands share: the ``--run`` option, which run to read, writing a report.

And the types of numeric options: a whole number or a number of seconds within
documented bounds, refused by argparse (usage line, exit 2) otherwise: ``nan``,
``inf``, ``10**30``, a negative value.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import load_config
from tiergate.files import relative, write_whole
from tiergate.runfolder import (
    RUN_ID_ENV,
    find_newest_complete_run,
    named_run_id,
    newest_complete_run,
)

if TYPE_CHECKING:
    from collections.abc import Callable

FORMATS = ("terminal", "markdown", "json")
"""The formats of ``--format`` (the gates report, the traceability matrix)."""


def add_run_argument(parser: argparse._ActionsContainer) -> None:
    """``--run DIR`` (repeatable: shards of one run, merged)."""
    parser.add_argument(
        "--run",
        metavar="DIR",
        action="append",
        type=Path,
        help=(
            f"a run folder; repeat to merge shards (default: <run-dir>/${RUN_ID_ENV}, "
            "else the newest complete run in <run-dir>)"
        ),
    )


def run_root(root: Path) -> Path:
    """``<run-dir>`` of the workspace at ``root``: where its run folders are."""
    return root / load_config(root).run_dir


def default_run(root: Path) -> Path:
    """The run read without ``--run``: ``<run-dir>/$TIERGATE_RUN_ID``, else the newest complete.

    No complete run is an :class:`~tiergate.errors.ArtifactError` naming ``<run-dir>``.
    """
    named = named_run_id()
    if named is not None:
        return run_root(root) / named
    return newest_complete_run(run_root(root))


def find_default_run(root: Path) -> Path | None:
    """:func:`default_run` when that folder exists, else ``None`` (``trace``: the static scan)."""
    named = named_run_id()
    if named is None:
        return find_newest_complete_run(run_root(root))
    run = run_root(root) / named
    return run if run.is_dir() else None


def run_dirs(args: argparse.Namespace, root: Path, *, machine: bool = False) -> list[Path]:
    """The run folders ``--run`` names, else the default one (said: see :func:`say_run`)."""
    if args.run:
        return list(args.run)
    run = default_run(root)
    say_run(run, root, machine=machine)
    return [run]


def say_run(run: Path, root: Path, *, machine: bool) -> None:
    """Say which run a command reads when it chose the newest one itself.

    One line, on stdout before a report for people, on stderr when the output
    is for a machine (JSON, Markdown, a file), so that stdout stays that format.
    A run named by ``$TIERGATE_RUN_ID`` or ``--run`` is the caller's choice and is not said.
    """
    if named_run_id() is not None:
        return
    shown = relative(run, root) if run.is_relative_to(root) else str(run)
    line = f"run: {shown} (the newest complete run; --run DIR to choose another)\n"
    (sys.stderr if machine else sys.stdout).write(line)


def emit(text: str, output: Path | None, what: str = "report") -> None:
    """Print ``text``, or write it to ``output`` whole (written aside, then renamed)."""
    if output is None:
        print(text, end="")  # noqa: T201 - the report is the command's output
        return
    write_whole(output, text, what)


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``, else a usage error."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip(), 10)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            msg = f"expected a whole number from {low} to {high}, got {text[:40]!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def seconds(high: float) -> Callable[[str], float]:
    """An argparse ``type``: a finite number of seconds, more than 0 and at most ``high``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 < value <= high):
            msg = f"expected seconds, more than 0 and at most {high:g}, got {text[:40]!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse

"""What several commands share: the ``--run`` option, where a run is, writing a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import load_config
from tiergate.files import write_whole
from tiergate.runfolder import RUN_ID_ENV, current_run_id

if TYPE_CHECKING:
    import argparse

FORMATS = ("terminal", "markdown", "json")
"""The formats of ``--format`` (the gates report, the traceability matrix)."""


def add_run_argument(parser: argparse._ActionsContainer) -> None:
    """``--run DIR`` (repeatable: shards of one run, merged)."""
    parser.add_argument(
        "--run",
        metavar="DIR",
        action="append",
        type=Path,
        help=f"a run folder; repeat to merge shards (default: <run-dir>/${RUN_ID_ENV} or local)",
    )


def default_run(root: Path) -> Path:
    """``<run-dir>/<$TIERGATE_RUN_ID or local>`` of the workspace at ``root``."""
    return root / load_config(root).run_dir / current_run_id()


def run_dirs(args: argparse.Namespace, root: Path) -> list[Path]:
    """The run folders ``--run`` names, else the default one."""
    return list(args.run) if args.run else [default_run(root)]


def emit(text: str, output: Path | None, what: str = "report") -> None:
    """Print ``text``, or write it to ``output`` whole (written aside, then renamed)."""
    if output is None:
        print(text, end="")  # noqa: T201 - the report is the command's output
        return
    write_whole(output, text, what)

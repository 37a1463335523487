"""The ``tiergate`` command line: thin, over the library API.

This is the one place where a :class:`~tiergate.errors.TiergateError` becomes a
one-line message on stderr and an exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.commands import COMMANDS
from tiergate.errors import ExitCode, TiergateError

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per module in :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="tiergate",
        description="One honest answer to 'is this change good enough to merge?'.",
        epilog="Exit codes: 0 passed, 1 a gate failed, 2 bad usage/config/input, 3 a tool crashed.",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(),
        help="workspace root (the folder with the root pyproject.toml); default: current folder",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        command.add_arguments(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except TiergateError as error:
        print(f"tiergate: error: {error}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("tiergate: interrupted", file=sys.stderr)
        return int(ExitCode.CRASHED)

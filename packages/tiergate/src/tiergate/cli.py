"""The ``tiergate`` command line: thin, over the library API.

This is the one place where a :class:`~tiergate.errors.TiergateError` becomes a
one-line message on stderr and an exit code, and where any other exception (a
bug) becomes one line, exit 3, and a crash log (:mod:`tiergate.crashlog`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.commands import COMMANDS, load_command
from tiergate.crashlog import write_crash_log
from tiergate.errors import ExitCode, TiergateError, one_line
from tiergate.lifetime import collect_rarely
from tiergate.reading import path_problem

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: one sub-command per entry of :data:`COMMANDS`.

    Only ``command``'s options are added (its module is the only one imported);
    the others are listed with their help. Without ``command``, the parser only
    finds which command is asked for (``-h`` after a command is left for later).
    """
    parser = argparse.ArgumentParser(
        prog="tiergate",
        description="One honest answer to 'is this change good enough to merge?'.",
        epilog="Exit codes: 0 passed, 1 a gate failed, 2 bad usage/config/input, 3 a tool crashed.",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(),
        help="workspace root (the folder with the root pyproject.toml; other paths are "
        "relative to it); default: current folder",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in COMMANDS.items():
        sub = subparsers.add_parser(name, help=text, description=text, add_help=bool(command))
        if name == command:
            module = load_command(name)
            module.add_arguments(sub)
            sub.set_defaults(handler=module.run)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The sub-command ``argv`` names, found without importing any command."""
    known, _ = build_parser().parse_known_args(argv)
    return str(known.command)


def _paths_under_root(args: argparse.Namespace) -> None:
    """Resolve ``--root``; every other path option is relative to it, as with ``git -C``.

    A root that cannot be a path (a NUL byte, say) is a :class:`TiergateError`.
    """
    try:
        root = args.root = args.root.resolve()
    except (OSError, ValueError) as failure:
        raise TiergateError(f"--root {str(args.root)!r}: {path_problem(failure)}") from None
    for name, value in vars(args).items():
        if isinstance(value, Path) and name != "root":
            setattr(args, name, root / value)
        elif isinstance(value, list) and any(isinstance(item, Path) for item in value):
            setattr(args, name, [root / item for item in value])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Parsing the arguments and resolving ``--root`` are inside the same guard as
    the command: a bad root is one line (exit 2), a bug one line and a crash log
    (exit 3). argparse's own usage errors exit 2 with its usage line.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    root = Path()
    try:
        args = build_parser(_command_of(argv)).parse_args(argv)
        _paths_under_root(args)
        root = args.root
        return int(args.handler(args))
    except TiergateError as error:
        print(f"tiergate: error: {error}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("tiergate: interrupted", file=sys.stderr)
        return int(ExitCode.CRASHED)
    except Exception as error:  # noqa: BLE001 - the last line of defence: a bug, not a traceback
        log = write_crash_log(error, root, argv)
        message = one_line(str(error).splitlines()[0] if str(error) else "")
        print(
            f"tiergate: internal error: {type(error).__name__}: {message}; details in {log}",
            file=sys.stderr,
        )
        return int(ExitCode.CRASHED)


def command() -> int:
    """The ``tiergate`` command: :func:`main` in a process that ends when it returns."""
    collect_rarely()
    return main()

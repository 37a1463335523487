"""``tiergate init``: adopt tiergate in an existing uv workspace (see docs/adopt.md)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tiergate.errors import ExitCode, TiergateError
from tiergate.files import relative
from tiergate.scaffold.changes import pending, unified_diff, write
from tiergate.scaffold.plan import bounds_change, plan

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from tiergate.scaffold.changes import Change


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--dry-run``, ``--force``, ``--measure``."""
    parser.add_argument(
        "--dry-run", action="store_true", help="print one unified diff of every change; write none"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite noxfile.py, tasks.py and the workflow when they differ",
    )
    parser.add_argument(
        "--measure",
        action="store_true",
        help="then run the tests sessions once; coverage bounds just under what they measure",
    )


def run(args: argparse.Namespace) -> int:
    """Write what is missing (or show it with ``--dry-run``); a second run changes nothing."""
    if args.dry_run and args.measure:
        raise TiergateError("--measure runs the tests on the files it writes: not with --dry-run")
    root: Path = args.root
    changes = pending(plan(root), force=args.force)
    if args.dry_run:
        sys.stdout.write(unified_diff(changes, root) or "nothing to change\n")
        return int(ExitCode.OK)
    _write(changes, root)
    if args.measure:
        from tiergate.scaffold import bounds  # noqa: PLC0415 - coverage and nox only with --measure

        found = bounds.measure(root, bounds.run_tests(root))
        sys.stdout.write(f"measured bounds: {found or 'none (no coverage data)'}\n")
        _write(pending([bounds_change(root, found)], force=False), root)
    sys.stdout.write("next: uv run invoke check\n")
    return int(ExitCode.OK)


def _write(changes: list[Change], root: Path) -> None:
    write(changes)
    for item in changes:
        verb = "created" if item.old is None else "updated"
        sys.stdout.write(f"{verb} {relative(item.path, root)}\n")
    if not changes:
        sys.stdout.write("nothing to change\n")

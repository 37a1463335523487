"""``tiergate trace``: the traceability matrix of the requirements and the tests naming them.

From a run folder (outcomes: which requirements passing tests prove), else
from a static scan of the test files (which requirements tests name).
``--check`` is the fast pre-commit check: every ID a test names is defined.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.commands._shared import FORMATS, add_run_argument
from tiergate.config import PYPROJECT, load_config
from tiergate.errors import ExitCode, one_line
from tiergate.trace.matrix import configured
from tiergate.trace.scan import scan_workspace
from tiergate.trace.specs import read_specs
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    import argparse

    from tiergate.config import TiergateConfig
    from tiergate.workspace import Workspace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--run`` (repeatable) or ``--static`` or ``--check``; ``--format``, ``--output``."""
    source = parser.add_mutually_exclusive_group()
    add_run_argument(source)  # default: $TIERGATE_RUN_ID's or the newest complete run, else static
    source.add_argument(
        "--static",
        action="store_true",
        help="scan the test files for requirement markers (no outcomes), even when a run exists",
    )
    source.add_argument(
        "--check",
        action="store_true",
        help="fast check (pre-commit): every requirement ID the tests name is defined in a spec",
    )
    parser.add_argument("--format", choices=FORMATS, default="terminal", help="matrix format")
    parser.add_argument("--output", metavar="FILE", type=Path, help="write the matrix to FILE")


def run(args: argparse.Namespace) -> int:
    """``--check``, else build the matrix, print or write it, judge it as the gate does."""
    root = args.root
    config = load_config(root)
    workspace = load_workspace(root)
    if args.check:
        return _check(workspace, config)
    from tiergate.commands._trace_matrix import show_matrix  # noqa: PLC0415 - not for --check

    return show_matrix(args, workspace, config)


def _check(workspace: Workspace, config: TiergateConfig) -> int:
    """Only what a commit can break: tests naming IDs that no spec defines."""
    root = workspace.root
    requirements = configured(config, root)
    specs = read_specs(root, requirements, tuple(config.tiers), root / PYPROJECT)
    tests = scan_workspace(workspace, config)
    unknown = [
        (test, identifier)
        for test in tests
        for identifier in test.requirements
        if identifier not in specs.requirements
    ]
    for test, identifier in unknown:
        path = test.id.split("::", 1)[0]
        line = f"{path}:{test.line}: {identifier} is not defined in the specs ({test.id})"
        print(one_line(line))  # noqa: T201 - the check's findings are its output
    named = {identifier for test in tests for identifier in test.requirements}
    print(  # noqa: T201 - one summary line
        f"tiergate trace --check: {len(tests)} tests name {len(named)} IDs, "
        f"{len({i for _, i in unknown})} of them undefined; "
        f"{len(specs.requirements)} requirements in {len(specs.files)} spec files"
    )
    return int(ExitCode.GATE_FAILED if unknown else ExitCode.OK)

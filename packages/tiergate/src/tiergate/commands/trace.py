"""``tiergate trace``: the traceability matrix of the requirements and the tests naming them.

From a run folder (outcomes: which requirements passing tests prove), else
from a static scan of the test files (which requirements tests name).
``--check`` is the fast pre-commit check: every ID a test names is defined.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from tiergate.commands._shared import add_run_argument, default_run, emit
from tiergate.config import PYPROJECT, load_config
from tiergate.errors import ExitCode
from tiergate.gates.base import Context
from tiergate.gates.requirements import judge, run_matrix
from tiergate.runfolder import SESSIONS
from tiergate.trace.matrix import configured, static_matrix
from tiergate.trace.render import FORMATS, render_json, render_markdown, render_terminal
from tiergate.trace.scan import scan_workspace
from tiergate.trace.specs import read_specs, relative
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    import argparse

    from tiergate.config import TiergateConfig
    from tiergate.gates.base import GateResult
    from tiergate.trace.matrix import TraceMatrix
    from tiergate.workspace import Workspace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--run`` (repeatable) or ``--static`` or ``--check``; ``--format``, ``--output``."""
    source = parser.add_mutually_exclusive_group()
    add_run_argument(source)  # default: the default run when it exists, else the static scan
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
    """Build the matrix, print or write it, judge it as the requirements gate does."""
    root = args.root.resolve()
    config = load_config(root)
    workspace = load_workspace(root)
    if args.check:
        return _check(workspace, config)
    runs = list(args.run) if args.run else None
    if runs is None and not args.static:
        default = default_run(root)
        runs = [default] if (default / SESSIONS).is_dir() else None
    matrix = static_matrix(workspace, config) if runs is None else _from_run(root, runs)
    results = list(judge(matrix))
    if args.format == "terminal" and args.output is None:
        _terminal(matrix, results, Console(highlight=False, width=max(120, Console().width)))
    elif args.format == "terminal":
        buffer = io.StringIO()
        _terminal(matrix, results, Console(file=buffer, width=120, highlight=False))
        emit(buffer.getvalue(), args.output, "matrix")
    else:
        text = render_json(matrix) if args.format == "json" else render_markdown(matrix)
        emit(text, args.output, "matrix")
    return int(ExitCode.OK if all(r.passed for r in results) else ExitCode.GATE_FAILED)


def _terminal(matrix: TraceMatrix, results: list[GateResult], console: Console) -> None:
    render_terminal(matrix, console)
    failed = [result for result in results if not result.passed]
    for result in failed:
        console.print(f"[bold red]{escape(result.title)}[/]: {escape(result.measured)}")
        for detail in result.details:
            console.print(f"  {escape(detail)}", soft_wrap=True)
    if failed:
        console.print(f"[bold red]FAILED[/]: {len(failed)} of {len(results)} checks")
    else:
        console.print("[bold green]PASSED[/]: every requirement is traced")


def _from_run(root: Path, runs: list[Path]) -> TraceMatrix:
    context = Context.load(root, runs, strict=False)
    shown = [relative(p, root) if p.is_relative_to(root) else str(p) for p in runs]
    return run_matrix(context, shown)


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
        print(  # noqa: T201 - the check's findings are its output
            f"{path}:{test.line}: {identifier} is not defined in the specs ({test.id})"
        )
    named = {identifier for test in tests for identifier in test.requirements}
    print(  # noqa: T201 - one summary line
        f"tiergate trace --check: {len(tests)} tests name {len(named)} IDs, "
        f"{len({i for _, i in unknown})} of them undefined; "
        f"{len(specs.requirements)} requirements in {len(specs.files)} spec files"
    )
    return int(ExitCode.GATE_FAILED if unknown else ExitCode.OK)

"""``tiergate gates``: evaluate every gate over a run folder (or shards of one); one verdict."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from tiergate.ci import is_ci
from tiergate.config import load_config
from tiergate.errors import TiergateError
from tiergate.gates import GATES
from tiergate.report import FORMATS, render_json, render_markdown, render_terminal
from tiergate.runfolder import RUN_ID_ENV, current_run_id
from tiergate.verdict import evaluate

if TYPE_CHECKING:
    import argparse

NAME = "gates"
HELP = "evaluate the gates of a run (or of several shards merged) and give one verdict"
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--run`` (repeatable), ``--strict``, ``--format``, ``--output``, ``--base``, ``--only``."""
    parser.add_argument(
        "--run",
        metavar="DIR",
        action="append",
        type=Path,
        help=f"a run folder; repeat to merge shards (default: <run-dir>/${RUN_ID_ENV} or local)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="honesty warnings (a missing interpreter) fail (the default when CI is set)",
    )
    parser.add_argument("--format", choices=FORMATS, default="terminal", help="report format")
    parser.add_argument("--output", metavar="FILE", type=Path, help="write the report to FILE")
    parser.add_argument(
        "--base",
        metavar="REF",
        help="git ref that patch coverage diffs against (default: [tool.tiergate.patch] base)",
    )
    kinds = ", ".join(gate.name for gate in GATES)
    parser.add_argument(
        "--only", metavar="KIND", action="append", help=f"evaluate only these kinds ({kinds})"
    )


def run(args: argparse.Namespace) -> int:
    """Evaluate, print or write the report, append Markdown to the CI step summary."""
    root = args.root.resolve()
    runs = [root / path for path in args.run] if args.run else None
    if runs is None:
        runs = [root / load_config(root).run_dir / current_run_id()]
    verdict = evaluate(root, runs, strict=args.strict or is_ci(), only=args.only, base=args.base)
    if args.format == "terminal" and args.output is None:
        render_terminal(verdict, Console(highlight=False, width=max(120, Console().width)))
    else:
        text = render_json(verdict) if args.format == "json" else render_markdown(verdict)
        if args.format == "terminal":
            buffer = io.StringIO()
            render_terminal(verdict, Console(file=buffer, width=120, highlight=False))
            text = buffer.getvalue()
        _emit(text, args.output)
    summary = os.environ.get(SUMMARY_ENV)
    if summary:
        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(render_markdown(verdict))
    return int(verdict.exit_code)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        print(text, end="")  # noqa: T201 - the report is the command's output
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(output)
    except OSError as error:
        raise TiergateError(f"cannot write the report: {error.strerror}", path=output) from None

"""The registry of ``tiergate`` sub-commands: one module each, listed explicitly.

A command module (``tiergate.commands.<name>``) has ``add_arguments(parser)``
and ``run(args) -> int``. The registry holds each command's one-line help, so
that only the module of the command being run is imported: ``tiergate trace
--check`` (a pre-commit hook) does not pay for the coverage, audit and history
machinery of the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    import argparse


class Command(Protocol):
    """What :mod:`tiergate.cli` needs of a command module."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the command's options to its sub-parser."""

    def run(self, args: argparse.Namespace) -> int:
        """Do the work and return the exit code."""


COMMANDS: dict[str, str] = {
    "init": "adopt tiergate in an existing uv workspace: noxfile, tasks, groups, config, hooks, CI",
    "workspace": "show the workspace members, their Pythons and dependencies, in topological order",
    "gates": "evaluate the gates of a run (or of several shards merged) and give one verdict",
    "report": "write the HTML dashboard of a run: verdict, coverage, trends, gaps, requirements",
    "history": "list the runs recorded in the history store (newest first), or show one",
    "baseline": "save the coverage ratchet's baseline file from a run, or show the baseline in use",
    "gaps": "rank where the next test would raise coverage most (uncovered code weighted by churn)",
    "trace": "join the requirements of the spec files and the tests naming them into a matrix",
    "audit": "audit the locked dependencies for known vulnerabilities (online, else offline OSV)",
    "plan": "show every session of the next check, run or cached, and why each one runs",
    "cache": "list the stored results of passed sessions (reused while their inputs hold); "
    "--clear, --prune",
}
"""Command name -> its one-line help, in the order ``tiergate --help`` lists them."""


def load_command(name: str) -> Command:
    """The module of command ``name`` (one of :data:`COMMANDS`)."""
    return cast("Command", importlib.import_module(f"tiergate.commands.{name}"))

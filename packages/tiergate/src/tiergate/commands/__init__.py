"""The registry of ``tiergate`` sub-commands: one module each, listed explicitly.

A command module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tiergate.commands import audit, gates, workspace

if TYPE_CHECKING:
    import argparse


class Command(Protocol):
    """What :mod:`tiergate.cli` needs of a command module."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the command's options to its sub-parser."""

    def run(self, args: argparse.Namespace) -> int:
        """Do the work and return the exit code."""


COMMANDS: tuple[Command, ...] = (workspace, gates, audit)

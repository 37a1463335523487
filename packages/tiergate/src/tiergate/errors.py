"""The one exception hierarchy of tiergate, and the exit codes it maps to.

Library code raises these; only :mod:`tiergate.cli` turns them into a
one-line message and an exit code.
"""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Documented exit codes of every tiergate command."""

    OK = 0
    """Every gate passed (or the command did what it was asked)."""
    GATE_FAILED = 1
    """At least one gate failed."""
    BAD_INPUT = 2
    """Bad usage, configuration or input."""
    CRASHED = 3
    """A tool or session crashed, or a needed tool is missing."""


class TiergateError(Exception):
    """Base class of every error tiergate reports to a user.

    ``path`` and ``line`` point at the file (and line) the user has to fix.
    """

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(
        self, message: str, *, path: Path | str | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return one_line(self.message)
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return one_line(f"{where}: {self.message}")


def one_line(text: str) -> str:
    r"""``text`` with every character that could end or restyle a line escaped.

    Line breaks of any kind (``str.splitlines`` counts ten), other control
    characters and the escape character become ``\xNN`` / ``\uNNNN``: an
    error is one line whatever file or tool text it quotes.
    """
    return text.translate(_ESCAPES)


def first_line(error: BaseException) -> str:
    """The first line of ``error``'s message (a library may add more below); else its type."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


SHOWN = 60
"""Characters of a value from a file that a message quotes."""


def clip(text: str, limit: int = SHOWN) -> str:
    """``text`` cut to ``limit`` characters (``...`` says it was cut)."""
    return text if len(text) <= limit else f"{text[:limit]}..."


def shown(value: object) -> str:
    """``repr(value)`` cut to :data:`SHOWN` characters: a wrong value, as a message quotes it."""
    return clip(repr(value))


_ESCAPES = {
    code: ascii(chr(code))[1:-1]
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029)
}


class ConfigError(TiergateError):
    """The ``[tool.tiergate]`` configuration (or ``.python-version``) is invalid."""


class WorkspaceError(TiergateError):
    """The uv workspace cannot be read: a broken member, a cycle, a glob matching nothing."""


class ArtifactError(TiergateError):
    """A file in a run folder is missing, truncated or malformed."""


class SpecError(TiergateError):
    """A requirements spec, or a test's requirement marker, cannot be read as written."""


class AdvisoryError(TiergateError):
    """An advisory database or a requirements export cannot be read."""


class HistoryError(TiergateError):
    """The history store or a baseline file is unusable: a bad URL, a corrupt or newer store."""


class ToolError(TiergateError):
    """A tool tiergate needs is missing or crashed."""

    exit_code = ExitCode.CRASHED

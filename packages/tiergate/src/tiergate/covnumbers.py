"""Exact coverage numbers: integer counts, and coverage.py's own rounding and comparison.

A percentage is never stored or added: scopes add :class:`Counts` (whole
numbers of statements), and only the final string or pass/fail decision goes
through coverage.py's :class:`~coverage.results.Numbers` and
:func:`~coverage.results.should_fail_under`, so tiergate and ``coverage report``
agree to the last digit for the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from coverage.exceptions import ConfigError as CoverageConfigError
from coverage.results import Numbers, format_lines, should_fail_under

from tiergate.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True)
class Counts:
    """Statements and covered statements of a scope (a file, a package, a tier, a run)."""

    statements: int
    covered: int

    def __post_init__(self) -> None:
        if not 0 <= self.covered <= self.statements:
            msg = f"covered={self.covered} must be between 0 and statements={self.statements}"
            raise ValueError(msg)

    @property
    def missing(self) -> int:
        """Statements not executed."""
        return self.statements - self.covered

    @property
    def ratio(self) -> Fraction:
        """The exact covered fraction; 1 for a scope without statements, like coverage.py."""
        return Fraction(self.covered, self.statements) if self.statements else Fraction(1)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.statements + other.statements, self.covered + other.covered)

    def _numbers(self, precision: int) -> Numbers:
        return Numbers(
            precision=precision,
            n_files=1,
            n_statements=self.statements,
            n_missing=self.missing,
        )

    def pc_covered(self) -> float:
        """coverage.py's float percentage (the value ``--fail-under`` compares)."""
        return self._numbers(0).pc_covered

    def percent(self, precision: int) -> str:
        """coverage.py's display string, e.g. ``"86.00"``: never "0"/"100" unless exact."""
        try:
            return self._numbers(precision).pc_covered_str
        except CoverageConfigError as error:
            raise ConfigError(f"coverage precision: {error}") from None

    def describe(self, precision: int) -> str:
        """What a gate reports it measured, e.g. ``86.00% (86/100 lines)``."""
        return f"{self.percent(precision)}% ({self.covered}/{self.statements} lines)"

    def meets(self, bound: float, precision: int) -> bool:
        """Whether ``coverage report --fail-under=bound`` would pass with this total."""
        try:
            return not should_fail_under(self.pc_covered(), bound, precision)
        except CoverageConfigError as error:
            raise ConfigError(f"coverage bound: {error}") from None


@dataclass(frozen=True)
class Lines:
    """One file's measurement: its statements and which of them ran."""

    path: str
    """Posix path relative to the workspace root."""
    statements: frozenset[int]
    executed: frozenset[int]
    """Executed statements: already translated and intersected with ``statements``."""

    @property
    def missing(self) -> frozenset[int]:
        """Statements that never ran."""
        return self.statements - self.executed

    def numbers(self) -> Counts:
        """This file's counts."""
        return Counts(len(self.statements), len(self.executed))

    def missing_ranges(self) -> str:
        """The missing statements as ``coverage report -m`` shows them: ``"3-5, 9"``."""
        return line_ranges(self.missing, self.statements)


def total(lines: Iterable[Lines]) -> Counts:
    """The counts of several files together (exact: statements and covered lines add up)."""
    counts = Counts(0, 0)
    for one in lines:
        counts += one.numbers()
    return counts


def worst_files(lines: Iterable[Lines], n: int) -> list[Lines]:
    """The ``n`` least covered files: lowest percentage, then most missing, then path."""

    def key(one: Lines) -> tuple[Fraction, int, str]:
        counts = one.numbers()
        return counts.ratio, -counts.missing, one.path

    return sorted(lines, key=key)[: max(n, 0)]


def line_ranges(numbers: Iterable[int], statements: frozenset[int]) -> str:
    """``numbers`` as coverage's Missing column: runs of consecutive statements coalesced.

    Numbers that are not statements are ignored (coverage.py requires a subset).
    """
    return format_lines(statements, statements.intersection(numbers))

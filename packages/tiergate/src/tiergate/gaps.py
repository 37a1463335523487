"""Where the next test would raise coverage most: uncovered code, ranked per function.

A gap is a function (methods as ``Class.method``, nested ones on their own) or
the module level of a file (imports, definitions, class bodies: what runs on
import) with statements no test ran, over every tier and Python of its member.
Functions come from coverage.py's own ``code_regions()``; statements and
executed lines from the run's coverage data, read once on the context.

Score::

    score = uncovered statements x (1 + log2(1 + churn))

- *uncovered statements*: what a test of that function adds to coverage. A
  test costs roughly the same few lines whatever the size of the function it
  calls, so coverage gained per line of test grows with the statements it
  reaches; module-level gaps (a module nothing imports) are the cheapest of all.
- *churn*: commits touching the file in the last ``churn_days`` days (git).
  Code that keeps changing is where an untested line breaks next, so it ranks
  higher; the logarithm keeps one hot file from drowning everything (7 commits
  weigh 4x, not 8x) and a file nobody touched still weighs 1, never 0. Without
  a git history churn is unknown (``None``) and the weight is 1.

Ties rank by uncovered statements, then path and line, so the order is stable.
Members whose expected coverage data is missing are not ranked: their gaps
would be guesses (see :func:`not_ranked`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from tiergate.churn import commits_per_file
from tiergate.covnumbers import line_ranges

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from tiergate.context import Context
    from tiergate.covdata import SourceIndex
    from tiergate.covnumbers import Lines


@dataclass(frozen=True)
class Gap:
    """One function (or module level) with uncovered statements, and its rank."""

    path: str
    """Posix path relative to the workspace root."""
    package: str
    """The workspace member the file belongs to."""
    function: str | None
    """Qualified name (``Class.method``, ``outer.inner``); ``None`` for the module level."""
    line: int
    """Where to look: the ``def`` line, or the first uncovered line at module level."""
    lines: tuple[int, ...]
    """The uncovered statements, ascending."""
    ranges: str
    """The uncovered statements as ``coverage report -m`` shows them: ``"3-5, 9"``."""
    churn: int | None
    """Commits touching the file in the window; ``None``: no git history to read."""
    score: float

    @property
    def uncovered(self) -> int:
        """How many statements no test ran."""
        return len(self.lines)

    @property
    def where(self) -> str:
        """``path:line function`` (or ``(module level)``), for a person to jump to."""
        return f"{self.path}:{self.line} {self.function or '(module level)'}"


def score(uncovered: int, churn: int | None) -> float:
    """``uncovered x (1 + log2(1 + churn))``; unknown churn weighs 1."""
    return uncovered * (1 + math.log2(1 + (churn or 0)))


def window_start(context: Context) -> date:
    """The first day of the churn window: ``churn_days`` before the run's day."""
    return context.today - timedelta(days=context.config.gaps.churn_days)


def find_gaps(context: Context) -> list[Gap]:
    """Every gap of the run's members whose coverage data is complete, best first."""
    measured = context.coverage
    churn = commits_per_file(context.root, window_start(context))
    found: list[Gap] = []
    for member in measured.members:
        if measured.not_run([member.name]):
            continue
        for item in measured.lines([member.name]):
            if item.missing:
                found.extend(_file_gaps(measured.index, member.name, item, churn))
    return sorted(found, key=lambda gap: (-gap.score, -gap.uncovered, gap.path, gap.line))


@dataclass(frozen=True)
class Ranking:
    """The top of the gap list with what a reader needs to trust it, as reports show it."""

    gaps: tuple[Gap, ...]
    """The best ``top`` gaps."""
    found: int
    """How many gaps there are in all."""
    not_ranked: tuple[str, ...]
    """``member (tier)`` of each expected coverage data file that is missing."""
    churn_days: int

    @property
    def weighed(self) -> str:
        """How the list is ranked, in words."""
        if self.gaps and self.gaps[0].churn is None:
            return "ranked by uncovered statements (no git history for churn)"
        return (
            "ranked by uncovered statements x (1 + log2(1 + commits to the file "
            f"in the last {self.churn_days} days))"
        )


def ranking(context: Context, top: int | None = None) -> Ranking | None:
    """The best ``top`` gaps (default: ``[tool.tiergate.gaps] top``); ``None``: no coverage data."""
    if not context.coverage.by_session:
        return None
    found = context.gaps
    measured = context.coverage
    return Ranking(
        gaps=tuple(found[: top or context.config.gaps.top]),
        found=len(found),
        not_ranked=tuple(measured.not_run([member.name for member in measured.members])),
        churn_days=context.config.gaps.churn_days,
    )


def _file_gaps(
    index: SourceIndex, package: str, item: Lines, churn: Mapping[str, int] | None
) -> list[Gap]:
    statements = index.statements(item.path)
    commits = None if churn is None else churn.get(item.path, 0)
    places: list[tuple[str | None, int, frozenset[int]]] = []
    inside: set[int] = set()
    # coverage.py leaves nested functions out of their parents
    for name, start, lines in index.functions(item.path):
        missing = item.missing & lines
        inside |= lines
        if missing:
            places.append((name, start, missing))
    module = item.missing - inside
    if module:
        places.append((None, min(module), module))
    return [
        Gap(
            path=item.path,
            package=package,
            function=name,
            line=line,
            lines=tuple(sorted(missing)),
            ranges=line_ranges(missing, statements),
            churn=commits,
            score=score(len(missing), commits),
        )
        for name, line, missing in places
    ]

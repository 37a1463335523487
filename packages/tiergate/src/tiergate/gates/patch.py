"""Patch coverage: how many of the statements changed since a base ref the tests ran.

Per member and in total: covered changed statements / coverable changed
statements, exact integers, rounded and compared as coverage.py does. The run
folder's coverage data is the only input besides ``git diff`` (no second test
run), read once on the context.

What counts:

- a changed line counts through its statement (the second line of a
  multi-line call changes that call), as coverage.py counts traced lines;
- coverable: a statement of a file the coverage gate measures, i.e. coverage.py's
  discovery under the members' source folders minus ``omit``; comments, blank
  lines, non-Python files, tests and files outside the members' source are not;
- a changed file without coverage data (a new module no test imports) is
  uncovered, every changed statement of it missing;
- a member whose expected sessions did not all leave coverage data is "not
  run" (red), and so is the total: nothing is computed from partial data.

Without a base (``--base`` or ``[tool.tiergate.patch] base``) the gate yields
nothing; without ``min`` it reports and passes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.covnumbers import Counts, line_ranges
from tiergate.diff import changes_since
from tiergate.gates.base import GateResult, Status, percent_bound

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tiergate.context import Context
    from tiergate.diff import Diff
    from tiergate.measure import Executed, Measurements

NAME = "patch"
REPORT_ONLY = "none (report only)"


def _bound(context: Context) -> str:
    bound = context.config.patch.min
    return REPORT_ONLY if bound is None else percent_bound(bound)


def changed_statements(measured: Measurements, diff: Diff, path: str) -> frozenset[int]:
    """The statements of ``path`` that ``diff`` changed (every one of an untracked file)."""
    statements = measured.index.statements(path)
    if path in diff.untracked:
        return statements
    # Changed lines map to their statement's first line exactly as traced lines do.
    return measured.index.executed(path, diff.lines.get(path, ()))


def _measure(
    measured: Measurements, changed: dict[str, frozenset[int]], executed: Executed
) -> tuple[Counts, list[str]]:
    """The changed statements (per file) covered by ``executed``, and what is missing."""
    counts = Counts(0, 0)
    details = []
    for path, statements in changed.items():
        covered = statements & measured.index.executed(path, executed.get(path, ()))
        counts += Counts(len(statements), len(covered))
        if missing := statements - covered:
            ranges = line_ranges(missing, measured.index.statements(path))
            run = f"{len(covered)}/{len(statements)} changed lines run"
            details.append(f"{path}: {run}, missing {ranges}")
    return counts, details


def _judged(context: Context, counts: Counts) -> tuple[Status, str]:
    precision = context.coverage.index.precision
    bound = context.config.patch.min
    ok = bound is None or counts.meets(bound, precision)
    measured = f"{counts.percent(precision)}% ({counts.covered}/{counts.statements} changed lines)"
    return "passed" if ok else "failed", measured


def _not_run(context: Context, gate: str, title: str, missing: list[str]) -> GateResult:
    details = tuple(f"no coverage data: {where}" for where in missing)
    return GateResult(gate, title, "failed", "not run", _bound(context), details)


class PatchGate:
    """One result per member with coverable changes, and the total."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Diff against the base and measure the changed statements of each member."""
        if context.base is None:
            bound = context.config.patch.min
            if bound is not None:  # a bound that cannot be checked is not met
                yield GateResult(
                    f"{NAME}/total",
                    "patch coverage",
                    "failed" if context.strict else "warning",
                    "not run: no base ref to diff against",
                    percent_bound(bound),
                    ("pass --base REF, or set [tool.tiergate.patch] base",),
                )
            return
        diff = changes_since(context.root, context.base)
        measured = context.coverage
        since = f"since {context.base}"
        total, not_run = Counts(0, 0), []
        for member in measured.members:
            own = set(measured.files[member.name])
            changed = {
                path: statements
                for path in diff.paths
                if path in own and (statements := changed_statements(measured, diff, path))
            }
            if not changed:
                continue
            gate = f"{NAME}/package/{member.name}"
            title = f"patch coverage of {member.name} {since}"
            if missing := measured.not_run([member.name]):
                not_run += missing
                yield _not_run(context, gate, title, missing)
                continue
            counts, details = _measure(measured, changed, measured.union_of([member.name]))
            total += counts
            status, text = _judged(context, counts)
            yield GateResult(gate, title, status, text, _bound(context), tuple(details))
        yield _total(context, f"patch coverage {since}", total, not_run)


def _total(context: Context, title: str, counts: Counts, not_run: list[str]) -> GateResult:
    gate = f"{NAME}/total"
    if not_run:
        return _not_run(context, gate, title, not_run)
    if not counts.statements:
        return GateResult(gate, title, "passed", "no coverable changed lines", _bound(context))
    status, text = _judged(context, counts)
    return GateResult(gate, title, status, text, _bound(context))


GATE = PatchGate()

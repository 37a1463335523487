"""Coverage per tier, per package (and package x tier), per file glob, and combined.

Covered lines are the union of executed lines over tiers and Pythons, counted
as exact integers; percentages are rounded and compared exactly as coverage.py
does (see :mod:`tiergate.covdata`). A scope whose sessions did not all run is
"not run" (red), never a number computed from what happened to be there.

Each bound applies to its own scope; a narrower scope is judged by its own
bound whatever the wider ones say (file > package > tier > combined), and a
member's own ``[tool.tiergate.coverage]`` overrides the root's for that member.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from tiergate.covnumbers import total, worst_files
from tiergate.gates.base import GateResult, percent_bound

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tiergate.context import Context
    from tiergate.measure import Measurements

NAME = "coverage"
_WORST = 5


@dataclass(frozen=True)
class _Scope:
    """What one coverage bound judges: these members, these tiers (None: all of them)."""

    gate: str
    title: str
    bound: float
    packages: tuple[str, ...]
    tiers: tuple[str, ...] | None = None


def _result(measured: Measurements, scope: _Scope) -> GateResult:
    not_run = measured.not_run(scope.packages, scope.tiers)
    if not_run:
        return GateResult(
            scope.gate,
            scope.title,
            "failed",
            "not run",
            percent_bound(scope.bound),
            tuple(f"no coverage data: {where}" for where in not_run),
        )
    lines = measured.lines(scope.packages, scope.tiers)
    precision = measured.index.precision
    counts = total(lines)
    ok = counts.meets(scope.bound, precision)
    details = (
        ()
        if ok
        else tuple(
            f"{item.path}: {item.numbers().percent(precision)}% missing {item.missing_ranges()}"
            for item in worst_files(lines, _WORST)
            if item.missing
        )
    )
    return GateResult(
        gate=scope.gate,
        title=scope.title,
        status="passed" if ok else "failed",
        measured=counts.describe(precision),
        bound=percent_bound(scope.bound),
        details=details,
    )


class CoverageGate:
    """One result per configured bound (and one per member whose data is empty)."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Measure each configured scope and compare it with its bound."""
        measured = context.coverage
        if not measured.members:
            return
        yield from _empty_members(measured)
        yield from _tier_scopes(measured)
        yield from _package_scopes(measured)
        yield from _file_scopes(measured)
        combined = context.config.coverage.combined
        if combined is not None:
            names = [m.name for m in measured.members]
            scope = _Scope(f"{NAME}/combined", "coverage, combined", combined, tuple(names))
            yield _result(measured, scope)


def _empty_members(measured: Measurements) -> Iterator[GateResult]:
    for member in measured.members:
        ran = [t for t in measured.tiers[member.name] if (member.name, t) not in measured.missing]
        if ran and not any(measured.measured_any(member.name, t) for t in ran):
            yield GateResult(
                f"{NAME}/data/{member.name}",
                f"coverage data of {member.name}",
                "failed",
                "empty: no line of its source was measured",
                "data for every member with source",
                ("check the tests import the package from src/ (is --source right?)",),
            )


def _tier_scopes(measured: Measurements) -> Iterator[GateResult]:
    for tier, bound in measured.context.config.coverage.tiers.items():
        packages = [m.name for m in measured.members if tier in measured.tiers[m.name]]
        title = f"coverage of tier {tier}"
        if not packages:
            yield GateResult(
                f"{NAME}/tier/{tier}",
                title,
                "failed",
                f"not run: no member has {tier} tests",
                percent_bound(bound),
            )
            continue
        yield _result(
            measured, _Scope(f"{NAME}/tier/{tier}", title, bound, tuple(packages), (tier,))
        )


def _package_scopes(measured: Measurements) -> Iterator[GateResult]:
    root_bounds = measured.context.config.coverage.packages
    for member in measured.members:
        own = measured.context.member_configs[member.name].coverage
        bound = own.package if own.package is not None else root_bounds.get(member.name)
        if bound is not None:
            gate, title = f"{NAME}/package/{member.name}", f"coverage of {member.name}"
            yield _result(measured, _Scope(gate, title, bound, (member.name,)))
        for tier, tier_bound in own.tiers.items():
            gate = f"{NAME}/package/{member.name}/{tier}"
            title = f"coverage of {member.name}, tier {tier}"
            yield _result(measured, _Scope(gate, title, tier_bound, (member.name,), (tier,)))


def _file_globs(measured: Measurements) -> dict[str, float]:
    """Root globs, and each member's globs made relative to the root (members win)."""
    globs = dict(measured.context.config.coverage.files)
    for member in measured.members:
        prefix = member.path.relative_to(measured.context.root).as_posix()
        for pattern, bound in measured.context.member_configs[member.name].coverage.files.items():
            globs[f"{prefix}/{pattern}" if prefix != "." else pattern] = bound
    return globs


def _file_scopes(measured: Measurements) -> Iterator[GateResult]:
    globs = _file_globs(measured)
    if not globs:
        return
    everything = {item.path: item for item in measured.lines([m.name for m in measured.members])}
    owner: dict[str, str] = {}
    for path in everything:  # the most specific (longest) matching glob judges a file
        matches = [g for g in globs if fnmatchcase(path, g)]
        if matches:
            owner[path] = max(matches, key=len)
    precision = measured.index.precision
    for pattern, bound in globs.items():
        mine = [everything[p] for p, g in owner.items() if g == pattern]
        below = [i for i in mine if not i.numbers().meets(bound, precision)]
        yield GateResult(
            gate=f"{NAME}/files/{pattern}",
            title=f"coverage of each file in {pattern}",
            status="failed" if below or not mine else "passed",
            measured=f"{len(below)} of {len(mine)} files below" if mine else "no file matches",
            bound=percent_bound(bound),
            details=tuple(
                f"{i.path}: {i.numbers().percent(precision)}% missing {i.missing_ranges()}"
                for i in sorted(below, key=lambda i: i.path)
            ),
        )


GATE = CoverageGate()

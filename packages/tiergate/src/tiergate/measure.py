"""The run's coverage data, read once and shared by every gate and report that needs it.

Each tests session leaves one coverage data file per tier; this module reads
them lazily into executed lines per ``(member, Python, tier)`` and answers
questions over any choice of members, tiers and Pythons: which lines ran (the
union, never an average), which expected data is missing, and the exact counts
of a scope (see :mod:`tiergate.covdata`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from tiergate.covdata import SourceIndex, measure, read_executed, union
from tiergate.plan import member_tiers
from tiergate.reading import has_content

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tiergate.context import Context, TierArtifacts
    from tiergate.covnumbers import Lines
    from tiergate.workspace import Member

Executed = dict[str, frozenset[int]]
"""Posix path relative to the root -> traced line numbers."""


def _has_data(artifacts: TierArtifacts) -> bool:
    """Whether the tier left a coverage data file that is not empty."""
    path = artifacts.path("coverage")
    return path is not None and has_content(path)


@dataclass
class Measurements:
    """Coverage of a run: every member with source, every tier and Python it ran."""

    context: Context
    _measured: dict[tuple[tuple[str, ...], tuple[str, ...] | None], list[Lines]] = field(
        default_factory=dict, init=False, repr=False
    )
    """What :meth:`lines` measured, by scope: the gates and the gap list ask the same."""

    @cached_property
    def index(self) -> SourceIndex:
        """The workspace's measurable files and their statements."""
        return SourceIndex(self.context.root)

    @cached_property
    def members(self) -> list[Member]:
        """Members with source (the only ones coverage is about)."""
        return [m for m in self.context.workspace.members if m.source]

    @cached_property
    def files(self) -> dict[str, list[str]]:
        """Member name -> its measurable files (relative posix paths), sorted."""
        root = self.context.root
        files: dict[str, list[str]] = {}
        for m in self.members:
            tests = {path.relative_to(root).as_posix() for path in m.tests_in_source}
            files[m.name] = [
                f for p in m.source for f in self.index.files_under(p) if f not in tests
            ]
        return files

    @cached_property
    def testers(self) -> dict[str, str]:
        """Member name -> the member whose sessions measure its source (itself, or tested-by)."""
        return {m.name: m.tested_by or m.name for m in self.members}

    @cached_property
    def tiers(self) -> dict[str, tuple[str, ...]]:
        """Member name -> the tiers its code is tested in (those of its tester)."""
        workspace, config = self.context.workspace, self.context.config
        return {
            m.name: member_tiers(workspace.member(self.testers[m.name]), config)
            for m in self.members
        }

    @cached_property
    def by_session(self) -> dict[tuple[str, str, str], Executed]:
        """``(member, Python, tier)`` -> lines executed by that one data file."""
        found: dict[tuple[str, str, str], Executed] = {}
        for artifacts in self.context.artifacts:
            path = artifacts.path("coverage")
            if path is not None and _has_data(artifacts):
                key = (artifacts.session.package, artifacts.session.python, artifacts.tier)
                found[key] = read_executed(path, self.context.root)
        return found

    @cached_property
    def executed(self) -> dict[tuple[str, str], Executed]:
        """``(member, tier)`` -> lines executed on any Python."""
        found: dict[tuple[str, str], Executed] = {}
        for (package, _python, tier), lines in self.by_session.items():
            found[(package, tier)] = union(found.get((package, tier), {}), lines)
        return found

    @cached_property
    def missing(self) -> set[tuple[str, str]]:
        """``(member, tier)`` pairs with an expected session that left no coverage data."""
        ran = {(a.session.name, a.tier) for a in self.context.artifacts if _has_data(a)}
        absent = {
            (e.package, tier)
            for e in self.context.expected
            for tier in e.tiers
            if (e.name, tier) not in ran
        }
        return {
            (member, tier)
            for member, tester in self.testers.items()
            for package, tier in absent
            if package == tester
        }

    def union_of(self, packages: Iterable[str], tiers: Iterable[str] | None = None) -> Executed:
        """Lines executed by ``packages``' tests of ``tiers`` (all tiers: ``None``)."""
        chosen = {self.testers.get(package, package) for package in packages} | set(packages)
        wanted = None if tiers is None else set(tiers)
        return union(
            *(
                lines
                for (package, tier), lines in self.executed.items()
                if package in chosen and (wanted is None or tier in wanted)
            )
        )

    def measured_any(self, member: str, tier: str) -> bool:
        """True when the tier's data executed some line of ``member``'s own source."""
        executed = self.union_of([member], [tier])
        return any(executed.get(path) for path in self.files[member])

    def lines(self, packages: Iterable[str], tiers: Iterable[str] | None = None) -> list[Lines]:
        """Each file of ``packages`` measured against their ``tiers``' union (once per scope)."""
        scope = (tuple(packages), None if tiers is None else tuple(tiers))
        if scope not in self._measured:
            files = [f for p in scope[0] for f in self.files[p]]
            self._measured[scope] = measure(self.index, files, self.union_of(*scope))
        return list(self._measured[scope])

    def not_run(self, packages: Iterable[str], tiers: Iterable[str] | None = None) -> list[str]:
        """``member (tier)`` for each expected data file of the scope that is missing."""
        chosen = set(packages)
        wanted = set(tiers) if tiers is not None else None
        return sorted(
            f"{package} ({tier})"
            for package, tier in self.missing
            if package in chosen and (wanted is None or tier in wanted)
        )

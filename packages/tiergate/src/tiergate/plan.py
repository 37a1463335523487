"""What a run must contain: the sessions (member x Python x tier) the workspace expects.

The plan is derived, never configured by hand. Every member is expected on
every Python it supports unless its configuration says ``tests = false`` (with
a reason). Its tiers are those of its test files, found as pytest finds them:
a file's ``@pytest.mark.tier`` markers, else the tier whose folder holds it,
else the default tier. A member with no test file at all is still expected, in
the default tier: it will have collected no tests, which is red.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.runfolder import TOOL_SESSIONS, session_name
from tiergate.testfiles import marked_tiers
from tiergate.tiers import folder_tiers

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.workspace import Member, Workspace


@dataclass(frozen=True)
class ExpectedSession:
    """A tests session the run must hold, with the tiers it must have run."""

    name: str
    package: str
    python: str
    tiers: tuple[str, ...]


def file_tiers(path: Path, root: Path, config: TiergateConfig) -> frozenset[str]:
    """The tiers the tests of one file are in, as pytest-tiergate will decide them.

    Its marked tests are in their markers' tiers; the others in the tier whose
    folder (below ``root``) holds the file, else in the default tier.
    """
    tiers = {name: tier.paths for name, tier in config.tiers.items()}
    marked = marked_tiers(path) & tiers.keys()
    placed = folder_tiers(path, root, tiers)
    return frozenset(marked | set(placed[:1] or [config.fallback_tier]))


def member_tiers(
    member: Member, config: TiergateConfig, python: str | None = None
) -> tuple[str, ...]:
    """The configured tiers (in order) ``member`` has tests in; none when it is not tested.

    ``python``: only those that run on that Python (see :func:`tier_pythons`).
    """
    if not member.tested:
        return ()
    found: set[str] = set()
    for path in member.test_files:
        found |= file_tiers(path, member.path, config)
    if not found:
        found.add(config.fallback_tier)
    tiers = tuple(name for name in config.tiers if name in found)
    return tiers if python is None else tiers_on(tiers, member, config, python)


def tiers_on(
    tiers: tuple[str, ...], member: Member, config: TiergateConfig, python: str
) -> tuple[str, ...]:
    """Those of ``member``'s ``tiers`` that run on ``python`` (see :func:`tier_pythons`)."""
    return tuple(tier for tier in tiers if python in tier_pythons(tier, member, config))


def tier_pythons(tier: str, member: Member, config: TiergateConfig) -> tuple[str, ...]:
    """The Pythons ``member``'s ``tier`` runs on: of those it supports, the tier's ``pythons``.

    A member that supports none of them runs the tier on its newest Python: a
    tier's tests always run somewhere.
    """
    wanted = config.tiers[tier].pythons
    if wanted is None:
        return member.pythons
    chosen = tuple(python for python in member.pythons if python in wanted)
    if chosen or not member.pythons:
        return chosen
    return (max(member.pythons, key=lambda python: tuple(map(int, python.split(".")))),)


def expected_sessions(workspace: Workspace, config: TiergateConfig) -> tuple[ExpectedSession, ...]:
    """Every tests session of the workspace, member by member, Python by Python.

    A Python none of a member's tiers runs on (``pythons``) has no session.
    """
    expected: list[ExpectedSession] = []
    for member in workspace.members:
        every = member_tiers(member, config)
        for python in member.pythons:
            tiers = tiers_on(every, member, config, python)
            if tiers:
                name = session_name("tests", python, member.name)
                expected.append(ExpectedSession(name, member.name, python, tiers))
    return tuple(expected)


def type_checked(member: Member) -> bool:
    """True when ``member`` gets ``type-*`` sessions: it has source or test files."""
    return bool(member.source or member.test_files)


def measured_by(workspace: Workspace, member: Member) -> tuple[Member, ...]:
    """The members whose source ``member``'s tests sessions measure: itself and its testees."""
    return (member, *(m for m in workspace.members if m.tested_by == member.name))


def workspace_sessions(workspace: Workspace, config: TiergateConfig) -> tuple[str, ...]:
    """Every session of the workspace that can run: tests and type per member and Python, tools.

    Exactly what nox registers, minus the sessions it would skip for a Python a
    member does not support; tests sessions first (they take the longest).
    """
    tests = [expected.name for expected in expected_sessions(workspace, config)]
    types = [
        session_name("type", python, m.name)
        for m in workspace.members
        if type_checked(m)
        for python in m.pythons
    ]
    return (*tests, *types, *TOOL_SESSIONS)

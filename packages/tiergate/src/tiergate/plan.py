"""What a run must contain: the sessions (member x Python x tier) the workspace expects.

The plan is derived, never configured by hand: a member is expected in a tier
when one of the tier's paths exists in it, on every Python it supports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.runfolder import session_name

if TYPE_CHECKING:
    from tiergate.config import TiergateConfig
    from tiergate.workspace import Member, Workspace


@dataclass(frozen=True)
class ExpectedSession:
    """A tests session the run must hold, with the tiers it must have run."""

    name: str
    package: str
    python: str
    tiers: tuple[str, ...]


def member_tiers(member: Member, config: TiergateConfig) -> tuple[str, ...]:
    """The configured tiers (in order) that have a test folder in ``member``."""
    return tuple(
        name
        for name, tier in config.tiers.items()
        if any((member.path / path).is_dir() for path in tier.paths)
    )


def expected_sessions(workspace: Workspace, config: TiergateConfig) -> tuple[ExpectedSession, ...]:
    """Every tests session of the workspace, member by member, Python by Python."""
    expected: list[ExpectedSession] = []
    for member in workspace.members:
        tiers = member_tiers(member, config)
        if not tiers:
            continue
        expected.extend(
            ExpectedSession(session_name("tests", python, member.name), member.name, python, tiers)
            for python in member.pythons
        )
    return tuple(expected)

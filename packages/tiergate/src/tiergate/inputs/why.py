"""Why a session must run again: the first input that changed, said as a person would.

``packages/core/src/core/model.py changed; core is a dependency of api`` names
the file and, when it belongs to another member than the session's own, how
that member reaches the session. The other kinds of input read as
``[tool.pytest] in pyproject.toml changed``, ``pytest changed in uv.lock``,
``the Python 3.12 interpreter changed``, ``ruff was upgraded or pinned anew``,
``the environment variable CI changed`` or ``the command line changed``.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from tiergate.graph import reachable
from tiergate.inputs.hashing import marker
from tiergate.inputs.key import changed_inputs, part_kind

if TYPE_CHECKING:
    from tiergate.inputs.key import InputKey
    from tiergate.workspace import Member, Workspace

ABSENT = marker("absent")
"""The part of a file git lists that is no longer there."""


def why_it_runs(
    old: InputKey, new: InputKey, workspace: Workspace, session_member: str | None
) -> str | None:
    """The first input that changed from ``old`` to ``new``, in words; ``None``: no change."""
    changed = changed_inputs(old, new)
    if not changed:
        return None
    name = changed[0]
    more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
    return _said(name, old, new, workspace, session_member) + more


def _said(
    name: str, old: InputKey, new: InputKey, workspace: Workspace, session_member: str | None
) -> str:
    kind = part_kind(name)
    if kind == "file":
        path = name.removeprefix("./")
        what = "changed"
        if name not in old.parts:
            what = "is new"
        elif new.parts.get(name, ABSENT) == ABSENT:
            what = "was deleted"
        return f"{path} {what}{_relation(path, workspace, session_member)}"
    if kind == "table":
        file, table = name[:-1].split("[", 1)
        return f"[{table}] in {file} changed"
    said = {
        "uv.lock:": lambda rest: f"{rest} changed in uv.lock",
        "tool:": lambda rest: f"{rest} was upgraded or pinned anew",
        "env:": lambda rest: f"the environment variable {rest} changed",
    }
    if kind in said:
        return said[kind](name[len(kind) :])
    return {
        "python": "the interpreter changed",
        "advisory-db": "the advisory database changed",
        "command": "the command line changed",
    }.get(kind, f"{name} changed")


def owner(path: str, workspace: Workspace) -> Member | None:
    """The member whose folder holds the repository file ``path`` (the innermost one)."""
    absolute = workspace.root / PurePosixPath(path)
    holders = [m for m in workspace.members if absolute.is_relative_to(m.path)]
    return max(holders, key=lambda m: len(m.path.parts), default=None)


def _relation(path: str, workspace: Workspace, session_member: str | None) -> str:
    """``; core is a dependency of api`` when ``path`` is another member's; else nothing."""
    holder = owner(path, workspace)
    if holder is None or session_member is None or holder.name == session_member:
        return ""
    member = workspace.member(session_member)
    if holder.name in member.internal_dependencies:
        return f"; {holder.name} is a dependency of {member.name}"
    graph = {m.name: m.internal_dependencies for m in workspace.members}
    if holder.name in reachable(graph, member.name):
        return f"; {holder.name} is a dependency of {member.name}, through another member"
    if holder.tested_by == member.name:
        return f"; {member.name}'s tests test {holder.name}"
    return f"; it belongs to {holder.name}"

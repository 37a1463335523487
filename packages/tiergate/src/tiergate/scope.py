"""Which members a change can affect: ``--changed-since REF``, as pants' ``--changed-dependents``.

The files changed since the merge base of ``REF`` and ``HEAD`` (committed,
staged, in the working tree, deleted, renamed both ways, and new files git does
not ignore) each belong to the innermost member whose folder holds them. A
member is in scope when one of its files changed, when a member it depends on
(at run time or in a dependency group, transitively) is in scope, or when a
member its tests test (``tested-by``) is in scope.
A changed file that belongs to no member (a virtual root's ``pyproject.toml``,
``uv.lock``, a root ``conftest.py``) can affect any member: every member is in
scope then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.diff import merge_base_of
from tiergate.git import run_git
from tiergate.inputs.why import owner

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.workspace import Workspace


@dataclass(frozen=True)
class Scope:
    """The members a check since ``base`` must look at, and why."""

    base: str
    merge_base: str
    changed_files: tuple[str, ...]
    changed: tuple[str, ...]
    """Members with a changed file of their own, sorted."""
    members: tuple[str, ...]
    """Every member in scope: the changed ones and those they reach, sorted."""
    everything_because: str | None = None
    """The file outside every member that put the whole workspace in scope, if any."""

    def describe(self) -> str:
        """``changed since origin/main (abc1234): core; with dependents: api, web``."""
        head = f"changed since {self.base} ({self.merge_base[:7]})"
        if self.everything_because is not None:
            return f"{head}: {self.everything_because} is no member's, so every member"
        if not self.members:
            return f"{head}: no member"
        reached = [name for name in self.members if name not in self.changed]
        text = f"{head}: {', '.join(self.changed) or 'no member'}"
        return text + (f"; with dependents: {', '.join(reached)}" if reached else "")


def changed_files(root: Path, base: str) -> tuple[str, str, tuple[str, ...]]:
    """The merge base of ``base`` and ``HEAD``, and every file changed since it, sorted."""
    merge_base = merge_base_of(root, base)
    listed = run_git(
        root, "diff", "--name-only", "--no-renames", "--relative", "-z", merge_base, "--"
    )
    others = run_git(root, "ls-files", "--others", "--exclude-standard", "-z")
    names = {name for name in (listed + others).split("\0") if name}
    return base, merge_base, tuple(sorted(names))


def scope_since(root: Path, workspace: Workspace, base: str) -> Scope:
    """The members a change since ``base`` can affect (see the module)."""
    base, merge_base, files = changed_files(root, base)
    changed: set[str] = set()
    for name in files:
        holder = owner(name, workspace)
        if holder is None:
            everyone = tuple(sorted(m.name for m in workspace.members))
            return Scope(base, merge_base, files, everyone, everyone, everything_because=name)
        changed.add(holder.name)
    members = set(changed)
    for name in changed:
        members.update(workspace.dependents_of(name, transitive=True))
    grew = True
    while grew:  # a member's code is tested by its tester's sessions: the tester is in scope
        before = len(members)
        for member in workspace.members:
            tester = member.tested_by
            if tester is not None and member.name in members:
                members.add(tester)
                members.update(workspace.dependents_of(tester, transitive=True))
        grew = len(members) > before
    return Scope(base, merge_base, files, tuple(sorted(changed)), tuple(sorted(members)))

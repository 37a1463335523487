"""The lines changed since a base ref: what patch coverage measures.

The change is ``git diff --unified=0`` from the merge base of the base ref and
``HEAD`` to the **working tree**. Choices, and why:

- the merge base, not the base ref itself (as ``git diff base...HEAD``): what
  landed on ``origin/main`` after the branch forked is not this change;
- the working tree, not ``HEAD``: committed, staged and unstaged edits all
  count, so a local run judges the code the tests just ran on; in CI the
  checkout is clean and this is exactly the pull request's diff;
- untracked files that ``.gitignore`` does not exclude are new files, every
  line of them changed: a module written but not yet ``git add``-ed is part of
  the change, and coverage.py already measures it;
- a renamed file (git's rename detection, 50% similar) keeps only the lines
  edited in the move: moving code is not writing it;
- deleted files and deleted lines leave nothing: only lines of the new version
  can be covered;
- paths are posix and relative to the root (``--relative``); changes outside
  the root are not part of the workspace and are left out.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.git import GitError, is_repository, run_git

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

_HUNK = re.compile(r"^@@ -\d+(?:,(?P<old>\d+))? \+(?P<start>\d+)(?:,(?P<new>\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_DIFF = (
    "-c",
    "core.quotePath=true",  # every path on one ASCII line, whatever the user's config
    "diff",
    "--unified=0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--find-renames",
    "--relative",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)


@dataclass(frozen=True)
class Diff:
    """The change since ``base``: changed lines of tracked files, and untracked files."""

    base: str
    """The ref asked for, e.g. ``origin/main``."""
    merge_base: str
    """The commit the change is measured from."""
    lines: Mapping[str, frozenset[int]]
    """Tracked file (posix, relative to the root) -> its changed lines in the working tree."""
    untracked: frozenset[str]
    """New files not yet added to git (ignored ones left out): every line is changed."""

    @property
    def paths(self) -> list[str]:
        """Every file with a changed line, sorted."""
        return sorted(set(self.lines) | self.untracked)


def merge_base_of(root: Path, base: str, *, why: str = "changes are measured from") -> str:
    """The commit where ``base`` and ``HEAD`` meet.

    An unknown ref, a folder outside any repository, or a base with no common
    history with ``HEAD`` is a :class:`~tiergate.git.GitError` naming ``root``
    (``why`` says what the base was for); a missing ``git`` is a
    :class:`~tiergate.errors.ToolError`.
    """
    if not is_repository(root):
        raise GitError(f"not a git repository ({why} {base!r})", path=root)
    if base.startswith("-"):
        raise GitError(f"{base!r} is not a git ref", path=root)
    try:
        commit = run_git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").strip()
    except GitError:
        hint = "in CI, fetch the history: actions/checkout with fetch-depth: 0"
        raise GitError(f"unknown git ref {base!r} ({hint})", path=root) from None
    try:
        merge_base = run_git(root, "merge-base", commit, "HEAD").strip()
    except GitError:
        hint = "a shallow clone? fetch the history: fetch-depth: 0"
        raise GitError(f"{base!r} and HEAD have no common history ({hint})", path=root) from None
    return merge_base


def changes_since(root: Path, base: str) -> Diff:
    """What changed in ``root`` (a git work tree, or a folder inside one) since ``base``.

    An unknown ref, a folder outside any repository, or a base with no common
    history with ``HEAD`` is a :class:`~tiergate.git.GitError` naming ``root``;
    a missing ``git`` is a :class:`~tiergate.errors.ToolError`.
    """
    merge_base = merge_base_of(root, base, why="patch coverage diffs against")
    text = run_git(root, *_DIFF, merge_base, "--")
    others = run_git(root, "ls-files", "--others", "--exclude-standard", "-z")
    return Diff(
        base=base,
        merge_base=merge_base,
        lines=parse_diff(text),
        untracked=frozenset(name for name in others.split("\0") if name),
    )


def parse_diff(text: str) -> dict[str, frozenset[int]]:
    """Changed line numbers (new side) per file of a ``git diff --unified=0`` text.

    Content lines are skipped by counting them from each hunk header, so an
    added line that reads ``++ x`` or a removed ``-- comment`` is never taken
    for a file header. Files without an added or changed line (deleted files,
    pure renames, mode changes, binary files) are left out.
    """
    changed: dict[str, set[int]] = {}
    path: str | None = None
    pending = 0  # content lines left in the current hunk
    for line in text.split("\n"):
        if pending:
            if not line.startswith("\\"):  # "\ No newline at end of file" is not content
                pending -= 1
            continue
        if line.startswith("diff --git "):
            path = None
        elif line.startswith("+++ "):
            name = line[4:]
            path = None if name == "/dev/null" else unquote(name).removeprefix("b/")
        elif (hunk := _HUNK.match(line)) is not None:
            old, new = (1 if hunk[key] is None else int(hunk[key]) for key in ("old", "new"))
            pending = old + new
            if path is not None and new:
                start = int(hunk["start"])
                changed.setdefault(path, set()).update(range(start, start + new))
    return {name: frozenset(lines) for name, lines in sorted(changed.items())}


def unquote(name: str) -> str:
    """A path as git prints it in a diff header, decoded.

    git wraps a name in double quotes with C escapes (octal bytes for non-ASCII)
    when it has unusual characters, and ends an unquoted name that has a space
    with a tab.
    """
    if not (len(name) > 1 and name.startswith('"') and name.endswith('"')):
        return name.removesuffix("\t")
    raw = bytearray()
    chars = iter(name[1:-1])
    for char in chars:
        if char != "\\":
            raw.extend(char.encode())
            continue
        escaped = next(chars, "\\")
        if escaped in _ESCAPES:
            raw.append(_ESCAPES[escaped])
        else:  # three octal digits: one byte of a UTF-8 (or other) encoded name
            raw.append(int(escaped + next(chars, "") + next(chars, ""), 8))
    return os.fsdecode(bytes(raw))

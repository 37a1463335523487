"""How often each file changed recently: commits per file from ``git log``.

Churn is counted as the commits (merges left out: their changes are already
counted in the commits they merge) since a date that touched a file under its
current path. Paths are posix, relative to the root (``--relative``), like
coverage data's.

The count is a function of the commit ``HEAD`` names (its hash pins the whole
history behind it), the date and the root, so it is kept in the memo under that
hash: a warm check does not walk the history again. A shallow clone's history
grows when it is deepened under the same ``HEAD``: there it is counted each time.
Replacement refs (``git replace``) are not followed, so the hash pins the count.
"""

from __future__ import annotations

import shutil
from collections import Counter
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from tiergate.git import GitError, head_commit, run_git
from tiergate.memo import Memo
from tiergate.reading import source_salt

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

_COUNTS: Memo[dict[str, int]] = Memo("churn", TypeAdapter(dict[str, int]), limit=20)


def commits_per_file(root: Path, since: date) -> dict[str, int] | None:
    """Commits since the start of ``since`` (UTC) touching each file under ``root``.

    ``None`` when there is no history to read (``git`` is not installed, or
    ``root`` is not in a repository): churn is then unknown, not zero. A
    repository without commits has an empty history: ``{}``.
    """
    if shutil.which("git") is None:
        return None
    try:
        inside, shallow = run_git(
            root, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository"
        ).split()
    except (GitError, ValueError):
        return None
    if inside != "true":
        return None
    head = head_commit(root)
    if head is None:
        return {}  # no commit yet
    if shallow == "true":
        return _log(root, since)
    salt = source_salt(__file__, since.isoformat(), str(root))
    return _COUNTS.get(salt, head.encode(), lambda: _log(root, since))


def _log(root: Path, since: date) -> dict[str, int]:
    names = run_git(
        root,
        "--no-replace-objects",
        "log",
        "--no-merges",
        f"--since={since.isoformat()} 00:00:00 +0000",
        "--format=",
        "--name-only",
        "--relative",
        "-z",
        "HEAD",
        "--",
    )
    # A commit lists each file it touched once, so occurrences are commits.
    return dict(Counter(name for name in names.split("\0") if name))

"""How often each file changed recently: commits per file from ``git log``.

Churn is counted as the commits (merges left out: their changes are already
counted in the commits they merge) since a date that touched a file under its
current path. Paths are posix, relative to the root (``--relative``), like
coverage data's.
"""

from __future__ import annotations

import shutil
from collections import Counter
from typing import TYPE_CHECKING

from tiergate.git import head_commit, is_repository, run_git

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path


def commits_per_file(root: Path, since: date) -> dict[str, int] | None:
    """Commits since the start of ``since`` (UTC) touching each file under ``root``.

    ``None`` when there is no history to read (``git`` is not installed, or
    ``root`` is not in a repository): churn is then unknown, not zero. A
    repository without commits has an empty history: ``{}``.
    """
    if shutil.which("git") is None or not is_repository(root):
        return None
    if head_commit(root) is None:
        return {}
    names = run_git(
        root,
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

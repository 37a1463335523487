"""The few git questions tiergate asks, answered by the real ``git`` command."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from tiergate.errors import TiergateError, ToolError

if TYPE_CHECKING:
    from pathlib import Path

_TIMEOUT = 60


class GitError(TiergateError):
    """git answered with an error about the user's input (an unknown ref, not a repository)."""


def run_git(root: Path, *args: str) -> str:
    """``git -C root <args>``'s standard output; a failure is a one-line :class:`GitError`."""
    # A diff shows file contents, which may be in any encoding; line ends read as text mode does.
    text = _git_output(root, args).decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _git_output(root: Path, args: tuple[str, ...]) -> bytes:
    """``git -C root <args>``'s standard output, as bytes."""
    git = shutil.which("git")
    if git is None:
        raise ToolError("git is not installed (it is needed to read the repository's history)")
    try:
        completed = subprocess.run(
            [git, "-C", str(root), *args],
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"git {args[0]} took longer than {_TIMEOUT} s", path=root) from None
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", errors="replace")
        reason = (stderr.strip().splitlines() or ["no message"])[-1]
        raise GitError(f"git {' '.join(args)}: {reason}", path=root)
    return bytes(completed.stdout)


def listed_files(root: Path) -> tuple[str, ...]:
    """The files git sees below ``root``: tracked ones and untracked ones it does not ignore.

    Untracked ``__pycache__`` folders are left out even where ``.gitignore`` does not
    name them: Python writes them as it imports (a session writes them while it
    runs) and never reads one whose source changed. Paths are relative to
    ``root``, POSIX, sorted, each once (a file in a merge conflict is listed once);
    a name that is not UTF-8 keeps its bytes as surrogates (:func:`os.fsdecode`).
    A tracked file deleted from the working tree is listed: it is still in the
    index. One ``git ls-files`` call.
    """
    options = ("--cached", "--others", "--exclude-standard", "--exclude=__pycache__/")
    output = _git_output(root, ("ls-files", "-z", *options))
    return tuple(sorted({os.fsdecode(name) for name in output.split(b"\0") if name}))


def is_repository(root: Path) -> bool:
    """True when ``root`` is inside a git work tree; a missing git is a :class:`ToolError`."""
    try:
        return run_git(root, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def head_commit(root: Path) -> str | None:
    """The full hash of ``HEAD``, or ``None`` when it cannot be known.

    ``None`` outside a repository, before the first commit or without git: what
    is recorded with a run is then unknown, never made up.
    """
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except (GitError, ToolError):
        return None


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or ``None`` (detached ``HEAD``, no repository, no git)."""
    try:
        name = run_git(root, "symbolic-ref", "--quiet", "--short", "HEAD").strip()
    except (GitError, ToolError):
        return None
    return name or None


def branch_name(root: Path) -> str | None:
    """The branch a run belongs to: the checked-out one, else what CI says it is.

    GitHub Actions checks a pull request out as a detached ``HEAD``; its branch is
    then ``GITHUB_HEAD_REF``, and for a push ``GITHUB_REF_NAME`` (unless the ref is
    a tag, as ``GITHUB_REF_TYPE`` says).
    """
    name = current_branch(root) or os.environ.get("GITHUB_HEAD_REF", "").strip()
    if not name and os.environ.get("GITHUB_REF_TYPE", "branch") == "branch":
        name = os.environ.get("GITHUB_REF_NAME", "").strip()
    return name or None

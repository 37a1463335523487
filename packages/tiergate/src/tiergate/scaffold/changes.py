"""A set of file changes: checked all together, shown as one diff, written each file whole.

Nothing is written until every change has been checked: a file that exists,
differs and may not be overwritten without ``--force`` stops the whole set.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.errors import TiergateError
from tiergate.files import relative, write_whole
from tiergate.reading import exists, read_text

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


class ScaffoldError(TiergateError):
    """``tiergate init`` cannot do what it was asked without losing the user's work."""


@dataclass(frozen=True)
class Change:
    """A file's new text; ``old`` is its current text (``None``: the file is new).

    ``guarded``: the whole file is tiergate's (a noxfile, a workflow); when it
    exists with other content it is the user's, and only ``--force`` replaces it.
    """

    path: Path
    old: str | None
    new: str
    what: str
    guarded: bool = False

    @property
    def changed(self) -> bool:
        """Whether writing would change the file."""
        return self.old != self.new


def change(path: Path, new: str, what: str, *, guarded: bool = False) -> Change:
    """The change making ``path`` hold ``new`` (its current text read now).

    A file there that cannot be read as UTF-8 text is a :class:`ScaffoldError` naming it.
    """
    return Change(path, current_text(path, what), new, what, guarded)


def current_text(path: Path, what: str) -> str | None:
    """The text of the file ``path`` (a ``what``), ``None`` when there is none."""
    return read_text(path, what, ScaffoldError) if exists(path) else None


def pending(changes: Sequence[Change], *, force: bool) -> list[Change]:
    """The changes that would change a file; a guarded file that differs needs ``force``."""
    real = [item for item in changes if item.changed]
    refused = [item for item in real if item.guarded and item.old is not None and not force]
    if refused:
        names = ", ".join(item.path.name for item in refused)
        raise ScaffoldError(
            f"exists and differs from what tiergate init writes ({names}); "
            "--force overwrites, --dry-run shows the difference",
            path=refused[0].path,
        )
    return real


def unified_diff(changes: Sequence[Change], root: Path) -> str:
    """One unified diff of every change, paths relative to ``root`` (``/dev/null``: new)."""
    parts: list[str] = []
    for item in changes:
        name = relative(item.path, root)
        before = "/dev/null" if item.old is None else f"a/{name}"
        parts.extend(
            difflib.unified_diff(
                (item.old or "").splitlines(keepends=True),
                item.new.splitlines(keepends=True),
                fromfile=before,
                tofile=f"b/{name}",
            )
        )
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in parts
    )


def write(changes: Sequence[Change]) -> None:
    """Write each change whole (aside, then renamed over the file)."""
    for item in changes:
        write_whole(item.path, item.new, item.what, ScaffoldError)

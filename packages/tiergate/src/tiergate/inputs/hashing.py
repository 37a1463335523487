"""SHA-256 of what a key is made of: files streamed from disk, values as canonical JSON.

Files are hostile: a symbolic link is hashed as its link text (and, when it
points at a regular file inside the repository, that file's content with it),
a folder, FIFO, socket or device is a marker (nothing is opened that could
block), a file of any size is streamed (:func:`hashlib.file_digest`), never
read whole. A file that exists but cannot be read is :class:`Unreadable`.
The bytes themselves are read by :func:`tiergate.reading.stream_sha256`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from tiergate.reading import path_problem, stream_sha256

if TYPE_CHECKING:
    from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


class Unreadable(Exception):  # noqa: N818 - a state of a file, reported as a key's reason
    """A file that is there but cannot be read (``reason`` says why, in words)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def text_digest(text: str) -> str:
    """The SHA-256 (hex) of ``text`` as UTF-8 (lone surrogates kept as their bytes)."""
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def marker(what: str) -> str:
    """The digest standing for something that has no content to hash (``absent``, ``folder``)."""
    return text_digest(f"\0tiergate-marker\0{what}")


def value_digest(value: object) -> str:
    """The SHA-256 of ``value`` (parsed TOML or JSON) as canonical JSON: keys sorted, no spaces.

    A TOML date or time is tagged with its kind, so it never equals the string
    of the same text.
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=_tagged)
    return text_digest(text)


def _tagged(value: object) -> list[str]:
    if isinstance(value, datetime | date | time):
        return [f"\0{type(value).__name__}", value.isoformat()]
    msg = f"not a TOML value: {type(value).__name__}"
    raise TypeError(msg)


def file_digest(path: Path, root: Path) -> str:
    """The digest of what is at ``path``: its content's SHA-256, or a marker.

    ``absent`` when nothing is there (a deleted tracked file); a symbolic link
    is its link text, with the content of its target when that is a regular
    file inside ``root``; a folder, FIFO, socket or device is a marker of its
    kind. :class:`Unreadable` when it cannot be read (permission denied).
    """
    try:
        status = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return marker("absent")
    except (OSError, ValueError) as failure:
        raise Unreadable(path_problem(failure)) from None
    if stat.S_ISLNK(status.st_mode):
        return _link_digest(path, root)
    if not stat.S_ISREG(status.st_mode):
        return marker(next((kind for test, kind in _KINDS if test(status.st_mode)), "special"))
    return _content_digest(path)


def _link_digest(path: Path, root: Path) -> str:
    try:
        target = str(path.readlink())
    except OSError as failure:
        raise Unreadable(path_problem(failure)) from None
    content = ""
    try:
        resolved = path.parent.joinpath(target).resolve()
        if resolved.is_relative_to(root) and stat.S_ISREG(resolved.stat().st_mode):
            content = _content_digest(resolved)
    except (OSError, RuntimeError, ValueError):
        content = ""  # dangling, or a loop (RuntimeError before Python 3.13): the text is all
    return text_digest(f"\0symlink\0{target}\0{content}")


def _content_digest(path: Path) -> str:
    """The SHA-256 of a regular file's bytes, streamed; a file gone or replaced is a marker."""
    try:
        digest = stream_sha256(path)
    except (OSError, ValueError) as failure:
        raise Unreadable(path_problem(failure)) from None
    return marker("absent or special") if digest is None else digest

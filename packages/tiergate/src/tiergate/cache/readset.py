"""The read set: the files a session was seen to read, with their SHA-256 then.

An entry holds only while every one of them still has that SHA-256: a file gone,
replaced by a folder or a link, or unreadable, is a change too. A file recorded
``absent`` (read, then deleted by the tests) holds while it is still absent; one
recorded ``unreadable`` never holds.
"""

from __future__ import annotations

from pathlib import Path

from tiergate.errors import ArtifactError, TiergateError
from tiergate.reading import path_problem, read_json, stream_sha256

ABSENT = "absent"
UNREADABLE = "unreadable"
READS = "reads"
"""The artifact role of a tests tier's read set (``<tier>/reads.json``, by pytest-tiergate)."""


def read_set_file(path: Path) -> dict[str, str] | None:
    """The ``reads`` of one read set file (path -> digest); ``None``: missing or malformed."""
    try:
        data = read_json(path, "read set", ArtifactError)
    except TiergateError:
        return None
    reads = data.get("reads") if isinstance(data, dict) else None
    if not isinstance(reads, dict):
        return None
    if not all(isinstance(p, str) and isinstance(d, str) for p, d in reads.items()):
        return None
    return dict(reads)


def first_change(
    read_set: dict[str, str], root: Path, digests: dict[str, str | None] | None = None
) -> tuple[str, str] | None:
    """The first path that changed and why (``<path> changed since it was read``); else ``None``.

    A relative path is relative to ``root``; the paths are checked in sorted order.
    ``digests``: the SHA-256 (``None``: absent) of paths already hashed at this
    moment, for read sets checked one after the other (the sessions of one plan
    share most of their reads); the paths hashed here are added to it.
    """
    known: dict[str, str | None] = {} if digests is None else digests
    for name in sorted(read_set):
        if name in known:
            current = known[name]
        else:
            try:
                current = stream_sha256(root / Path(name))
            except (OSError, ValueError) as failure:
                return name, f"{name} changed since it was read ({path_problem(failure)})"
            known[name] = current
        recorded = read_set[name]
        if recorded == UNREADABLE:
            return name, f"{name} could not be read when it was recorded"
        if (ABSENT if current is None else current) != recorded:
            return name, f"{name} changed since it was read"
    return None

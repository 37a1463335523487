"""Folders of the cache: copied file by file, measured, removed out of sight.

A stored session folder holds folders and regular files only: a symbolic
link, a FIFO or a device in it is refused (when saving) or breaks the entry
(when read back), so that nothing copied in or out ever leads elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import time
from pathlib import Path

from tiergate.reading import path_problem

TEMPORARY = "tmp"
"""The cache's folder of entries being written or removed."""


class TreeError(Exception):
    """A folder that cannot be stored or copied: one line saying which path and why."""


def walk_files(folder: Path) -> dict[str, int]:
    """Every regular file under ``folder``: POSIX path relative to it -> size.

    Anything else than a folder or a regular file (not followed) is a :class:`TreeError`.
    """
    found: dict[str, int] = {}
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda one: one.name)
        except OSError as failure:
            raise TreeError(f"{current}: {path_problem(failure)}") from None
        for entry in entries:
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(status.st_mode):
                stack.append(Path(entry.path))
            elif stat.S_ISREG(status.st_mode):
                found[Path(entry.path).relative_to(folder).as_posix()] = status.st_size
            else:
                name = Path(entry.path).relative_to(folder).as_posix()
                raise TreeError(f"{name}: not a regular file or folder")
    return found


def copy_files(source: Path, target: Path, names: list[str]) -> None:
    """Copy the files ``names`` (relative POSIX paths) from ``source`` into ``target``.

    A file that is not (or is no longer) a regular file is a :class:`TreeError`:
    a symbolic link is never followed, a FIFO never opened.
    """
    for name in names:
        origin, copy = source / name, target / name
        try:
            if not stat.S_ISREG(origin.lstat().st_mode):
                raise TreeError(f"{name}: not a regular file")
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, copy, follow_symlinks=False)
            if not stat.S_ISREG(copy.lstat().st_mode):
                raise TreeError(f"{name}: not a regular file")
        except (OSError, ValueError) as failure:
            raise TreeError(f"{name}: {path_problem(failure)}") from None


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under ``folder``, links not followed; what cannot be read counts 0."""
    total = 0
    for current, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(Path(current, name)).st_size
    return total


def scratch(cache: Path, purpose: str) -> Path:
    """A new, unique folder name in the cache's temporary folder (not created)."""
    name = f"{purpose}-{os.getpid()}-{secrets.token_hex(6)}"
    return cache / TEMPORARY / name


def remove(folder: Path, cache: Path) -> None:
    """Remove ``folder``: renamed into the temporary folder first, so it vanishes at once."""
    aside = scratch(cache, "removed")
    try:
        aside.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(aside)
    except FileNotFoundError:
        return  # another process removed it first
    except OSError:
        aside = folder
    shutil.rmtree(aside, ignore_errors=True)


def remove_stale(cache: Path, older_than: float) -> int:
    """Remove the temporary folders older than ``older_than`` seconds; how many were removed.

    They are what a killed process left while writing or removing an entry.
    """
    removed = 0
    now = time.time()
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(cache / TEMPORARY):
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime > older_than:
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        Path(entry.path).unlink()
                    removed += 1
    return removed

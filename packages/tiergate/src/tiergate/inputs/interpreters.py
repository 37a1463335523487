"""The interpreter part of a key: the Python nox will run for ``X.Y``, and what it is.

The interpreter is found as nox finds it (:func:`tiergate.pythons.discover`:
python-discovery, from the workspace root, with the session's environment), so
the key names the binary the session runs on, not merely the first
``python<X.Y>`` on ``PATH``. Its digest holds what it says it is (implementation,
``sys.version``, platform) and the binary as a file (path, inode, size,
modification time): an interpreter rebuilt or replaced in place is another key.

python-discovery keeps what a binary said of itself in the memo's folder, and
asks again when the binary's modification time changes. A launcher it cannot
resolve (a pyenv shim whose ``.python-version`` names ``3.12`` rather than an
installed ``3.12.1``) it runs every time and keeps nothing of: the answer
always names the binary the shim starts today. This process keeps each answer
for the same question while the files it names are unchanged.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.errors import TiergateError, first_line
from tiergate.inputs.hashing import text_digest
from tiergate.pythons import Found, at_root, discover
from tiergate.reading import absent, read_bytes

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

FOLDER = "python-discovery"
"""python-discovery's cache folder, in the memo's."""
_FOUND: dict[tuple[object, ...], tuple[Found | None, tuple[str, ...]]] = {}
"""What :func:`discover` answered each question, for this process."""
_VERSION_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Missing:
    """No interpreter answers for a version (``reason``, one line)."""

    reason: str


def interpreter_digests(
    versions: Sequence[str], root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> dict[str, str | Missing]:
    """The digest of the interpreter nox would run for each of ``versions``, asked at once.

    A launcher takes a few tenths of a second to answer (a pyenv shim runs
    pyenv); the versions are asked together, from the root.
    """
    with at_root(root), ThreadPoolExecutor(max(1, len(versions))) as pool:
        digests = pool.map(lambda v: _digest(v, root, environ, cache_folder), versions)
        return dict(zip(versions, digests, strict=True))


def _digest(
    version: str, root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> str | Missing:
    found = _discovered(version, root, environ, cache_folder)
    if found is None:
        return Missing(f"no Python {version} found as nox looks for it (PATH, pyenv, uv)")
    binary = found.system_executable
    try:
        identity = _identity(binary)
    except OSError as error:
        return Missing(f"the interpreter {binary} cannot be read: {error}")
    return text_digest(f"{found.description}\x1f{binary}\x1f{identity}")


def _discovered(
    version: str, root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> Found | None:
    """:func:`discover`, once per process for the same question and the same files.

    The question is the version, the environment and every version file pyenv
    could read from the root (the root itself matters only through them); the
    answer is kept while the executable and the binary it names are unchanged.
    """
    question = (version, tuple(sorted(environ.items())), _version_files(root, environ))
    if question in _FOUND:
        found, files = _FOUND[question]
        if found is None or files == _files(found):
            return found
    found = discover(version, root, environ=environ, cache_folder=cache_folder)
    _FOUND[question] = (found, _files(found) if found is not None else ())
    return found


def _files(found: Found) -> tuple[str, ...]:
    """The executable and the binary as files (``absent`` for one that is gone)."""
    states = []
    for path in (found.executable, found.system_executable):
        try:
            states.append(_identity(path))
        except OSError:
            states.append("absent")
    return tuple(states)


def _identity(binary: str) -> str:
    """The binary as a file: what changes when it is rebuilt or replaced."""
    status = os.stat(binary)  # noqa: PTH116 - a path an interpreter gave
    return repr((status.st_ino, status.st_size, status.st_mtime_ns))


def _version_files(root: Path, environ: Mapping[str, str]) -> tuple[str, ...]:
    """Every ``.python-version`` from ``root`` up, and pyenv's global version file."""
    files = [folder / ".python-version" for folder in (root, *root.parents)]
    if pyenv_root := environ.get("PYENV_ROOT"):
        files.append(Path(pyenv_root) / "version")
    return tuple(_version_file(path) for path in files)


def _version_file(path: Path) -> str:
    """A version file's text (``absent``, or why it cannot be read)."""
    if absent(path):
        return "absent"
    try:
        data = read_bytes(path, "pyenv version file", TiergateError, limit=_VERSION_FILE_BYTES)
    except TiergateError as problem:
        return f"unreadable: {first_line(problem)}"
    return data.decode("utf-8", "replace")

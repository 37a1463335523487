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
installed ``3.12.1``) it runs every time and keeps nothing of. The memo keeps
each answer under the question (the version, the environment, every version
file pyenv could read) and what discovery reads on the machine
(:func:`tiergate.inputs.launchers.state`): a shim runs again when any of it
changes, or when the binary the answer names is no longer the same file. While
``PATH`` holds a launcher that is no version manager's shim, every process asks.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import python_discovery
from pydantic import TypeAdapter

from tiergate.errors import TiergateError, first_line
from tiergate.inputs import launchers
from tiergate.inputs.hashing import text_digest
from tiergate.memo import Memo
from tiergate.pythons import Found, at_root, discover
from tiergate.reading import absent, read_bytes, source_salt

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

FOLDER = "python-discovery"
"""python-discovery's cache folder, in the memo's."""
_FOUND: dict[tuple[object, ...], tuple[Found | None, tuple[str, ...]]] = {}
"""What :func:`discover` answered each question, for this process."""
_VERSION_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class _Answer:
    """What discovery answered, and the files it names as they stood (:func:`_files`)."""

    found: Found | None
    files: tuple[str, ...]


_ANSWERS: Memo[_Answer] = Memo("interpreters", TypeAdapter(_Answer), limit=64)
_SALT = source_salt(__file__, source_salt(launchers.__file__), python_discovery.__version__)


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
        identity = launchers.file_identity(binary)
    except OSError as error:
        return Missing(f"the interpreter {binary} cannot be read: {error}")
    return text_digest(f"{found.description}\x1f{binary}\x1f{identity}")


def _discovered(
    version: str, root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> Found | None:
    """:func:`discover`, once for the same question, machine state and files.

    The question is the version, the variables that can change the answer
    (:func:`launchers.discovery_environ`) and every version file pyenv could read
    from the root; the answer is kept (in this process, and in the memo under the
    question and :func:`launchers.state`) while the executable and the binary it
    names are unchanged.
    """
    question = (version, launchers.discovery_environ(environ), _version_files(root, environ))
    if question in _FOUND:
        found, files = _FOUND[question]
        if found is None or files == _files(found):
            return found

    def ask() -> _Answer:
        found = discover(version, root, environ=environ, cache_folder=cache_folder)
        return _Answer(found, _files(found) if found is not None else ())

    machine = launchers.state(version, environ)
    if machine is None:
        answer = ask()
    else:
        asked = json.dumps([str(root), question]).encode("utf-8", "surrogateescape")
        answer = _ANSWERS.get(_SALT, asked + b"\0" + machine, ask)
        if answer.found is not None and answer.files != _files(answer.found):
            answer = ask()
    _FOUND[question] = (answer.found, answer.files)
    return answer.found


def _files(found: Found) -> tuple[str, ...]:
    """The executable and the binary as files (``absent`` for one that is gone)."""
    return (launchers.identity(found.executable), launchers.identity(found.system_executable))


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

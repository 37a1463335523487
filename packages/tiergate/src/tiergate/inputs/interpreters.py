"""The interpreter part of a key: the Python nox will run for ``X.Y``, and what it is.

The interpreter is found as nox finds it (:func:`tiergate.pythons.discover`:
python-discovery, from the workspace root, with the session's environment), so
the key names the binary the session runs on, not merely the first
``python<X.Y>`` on ``PATH``. Its digest holds what it says it is (implementation,
``sys.version``, platform) and the binary as a file (path, inode, size,
modification time): an interpreter rebuilt or replaced in place is another key.
python-discovery keeps what each binary said of itself in the result cache's
folder, and asks again when its modification time changes.

A launcher (a pyenv shim nox runs as it is) can start another binary tomorrow
without changing: it is run and asked who it is. Its answer is kept only for a
pyenv shim, under everything pyenv chooses by (the shim, ``PYENV_VERSION``,
``PATH``, every ``.python-version`` from the root up, the global version file,
and each installed version's binary of that name as a file); any other
launcher is asked in every computation.
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from tiergate.errors import TiergateError, first_line
from tiergate.inputs.hashing import Unreadable, file_digest, text_digest
from tiergate.memo import Memo
from tiergate.pythons import Found, at_root, discover
from tiergate.reading import absent, exists, read_bytes, source_salt

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

FOLDER = "python-discovery"
"""python-discovery's cache folder, in the memo's."""
_PROBE = (
    "import os, platform, sys; "
    "print(sys.implementation.name, sys.version, platform.machine(), "
    "os.path.realpath(sys.executable), sep='\\x1f')"
)
_PROBE_FIELDS = ("implementation", "version", "machine", "executable")
_SECONDS = 30
_SHIMS: Memo[str] = Memo("pyenv-shims", TypeAdapter(str), limit=200)
_SALT = source_salt(__file__)
_FOUND: dict[tuple[object, ...], tuple[Found | None, tuple[str, ...]]] = {}
"""What :func:`discover` answered each question, for this process."""
_ASKED: dict[bytes, str] = {}
"""What each pyenv choice ran, for this process (the memo keeps it between processes)."""
_VERSION_ENV = ("PATH", "PYENV_VERSION", "PYENV_DIR", "PYENV_ROOT")
_VERSION_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Missing:
    """No interpreter answers for a version (``reason``, one line)."""

    reason: str


class _NoAnswer(Exception):  # noqa: N818 - a launcher's failure, said as Missing
    """A launcher did not say it runs the version asked for."""


def interpreter_digests(
    versions: Sequence[str], root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> dict[str, str | Missing]:
    """The digest of the interpreter nox would run for each of ``versions``, asked at once.

    A launcher takes a few tenths of a second to answer (a pyenv shim runs
    pyenv); the versions are asked together, from the root.
    """
    if cache_folder is not None:
        cache_folder = _ignored_by_git(cache_folder)
    with at_root(root), ThreadPoolExecutor(max(1, len(versions))) as pool:
        digests = pool.map(lambda v: _digest(v, root, environ, cache_folder), versions)
        return dict(zip(versions, digests, strict=True))


def interpreter_digest(
    version: str, root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> str | Missing:
    """The digest of the interpreter nox would run for ``version``, or why there is none."""
    return interpreter_digests([version], root, environ, cache_folder)[version]


def _digest(
    version: str, root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> str | Missing:
    found = _discovered(version, root, environ, cache_folder)
    if found is None:
        return Missing(f"no Python {version} found as nox looks for it (PATH, pyenv, uv)")
    try:
        if found.launcher:
            return _launched(version, found, root, environ)
        identity = _identity(found.system_executable)
    except _NoAnswer as problem:
        return Missing(str(problem))
    return text_digest(f"{found.description}\x1f{found.system_executable}\x1f{identity}")


def _ignored_by_git(folder: Path) -> Path | None:
    """``folder``, holding a ``.gitignore`` of ``*``: what it keeps is never a listed input.

    ``None`` when it cannot be made: python-discovery then keeps nothing on disk.
    """
    ignore = folder / ".gitignore"
    if exists(ignore):
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore.write_text("# python-discovery's cache, kept by tiergate\n*\n", encoding="utf-8")
    except OSError:
        return None
    return folder


def _discovered(
    version: str, root: Path, environ: Mapping[str, str], cache_folder: Path | None
) -> Found | None:
    """:func:`discover`, once per process for the same question and the same files.

    python-discovery keeps no answer of a shim it could not resolve: it runs it
    each time. The question is the version, the environment and every
    ``.python-version`` pyenv could read from the root (the root itself matters
    only through them); the answer is kept while the two files it names are
    unchanged.
    """
    question = (version, tuple(sorted(environ.items())), _version_files(root))
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
        except _NoAnswer:
            states.append("absent")
    return tuple(states)


def _version_files(root: Path) -> tuple[str, ...]:
    """Every ``.python-version`` pyenv reads from ``root`` up to the file system's root."""
    return tuple(_chosen(folder / ".python-version") for folder in (root, *root.parents))


def _identity(binary: str) -> str:
    """The binary as a file: what changes when it is rebuilt or replaced."""
    try:
        status = os.stat(binary)  # noqa: PTH116 - a path an interpreter gave
    except (OSError, ValueError) as error:
        raise _NoAnswer(f"the interpreter {binary} cannot be read: {error}") from None
    return repr((status.st_ino, status.st_size, status.st_mtime_ns))


def _launched(version: str, found: Found, root: Path, environ: Mapping[str, str]) -> str:
    """What the launcher runs today: asked, or known under the same pyenv choice."""
    state = _pyenv_state(found.executable, root, environ)
    if state is None:
        return _ask(version, found.executable, root, environ)
    known = _ASKED.get(state)
    if known is None:
        ask = lambda: _ask(version, found.executable, root, environ)  # noqa: E731 - the memo's
        known = _ASKED[state] = _SHIMS.get(_SALT, state, ask)
    return known


def _ask(version: str, launcher: str, root: Path, environ: Mapping[str, str]) -> str:
    """Run ``launcher`` from ``root``: the digest of what it says it is and of its binary."""
    try:
        done = subprocess.run(
            [launcher, "-I", "-c", _PROBE],
            cwd=root,
            env=dict(environ),
            capture_output=True,
            text=True,
            timeout=_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _NoAnswer(f"{launcher} did not answer within {_SECONDS} s") from None
    except OSError as error:
        raise _NoAnswer(f"{launcher} did not start: {error.strerror or error}") from None
    fields = done.stdout.rstrip("\n").split("\x1f")
    words = fields[1].split() if len(fields) == len(_PROBE_FIELDS) else []
    if done.returncode != 0 or not words or not f"{words[0]}.".startswith(f"{version}."):
        raise _NoAnswer(f"{launcher} does not run Python {version}")
    return text_digest("\x1f".join([*fields, _identity(fields[-1])]))


def _pyenv_state(launcher: str, root: Path, environ: Mapping[str, str]) -> bytes | None:
    """Everything pyenv picks a shim's binary by, as bytes; ``None``: not a pyenv shim.

    A choice of ``system`` (the first other ``python`` on ``PATH``) is not
    followed: that launcher is asked every time.
    """
    pyenv_root = environ.get("PYENV_ROOT")
    shim = Path(launcher)
    if not pyenv_root or shim.parent != Path(pyenv_root) / "shims":
        return None
    chosen = [*_version_files(root)]
    chosen.append(_chosen(Path(pyenv_root) / "version"))
    named = [environ.get("PYENV_VERSION", ""), *chosen]
    if any("system" in text.replace(":", " ").split() for text in named):
        return None
    versions = Path(pyenv_root) / "versions"
    try:
        names = sorted(entry.name for entry in os.scandir(versions))
    except OSError:
        names = []
    candidates = {}
    for name in names:
        try:
            candidates[name] = _identity(str(versions / name / "bin" / shim.name))
        except _NoAnswer:
            candidates[name] = "absent"
    try:
        shim_digest = file_digest(shim, shim.parent)
    except Unreadable as problem:
        shim_digest = problem.reason
    state = {
        "shim": [launcher, shim_digest],
        "environ": {name: environ.get(name) for name in _VERSION_ENV},
        "chosen": chosen,
        "candidates": candidates,
    }
    return json.dumps(state, sort_keys=True).encode()


def _chosen(path: Path) -> str:
    """A version file's text as pyenv reads it (``absent``, or why it cannot be read)."""
    if absent(path):
        return "absent"
    try:
        data = read_bytes(path, "pyenv version file", TiergateError, limit=_VERSION_FILE_BYTES)
    except TiergateError as problem:
        return f"unreadable: {first_line(problem)}"
    return data.decode("utf-8", "replace")

"""Who ``python<X.Y>`` on ``PATH`` is: the implementation, exact version and build.

The command is found on ``PATH`` as nox finds it for a session's Python, and
run once: its answer (``sys.implementation``, ``sys.version``, the machine and
``sys.executable``) is hashed. Several are asked at once, and the answers
waited for only when needed. An answer is kept for
the rest of the process while the command, the interpreter it ran and what
chooses between interpreters (``PATH``, ``PYENV_VERSION``, the root's
``.python-version``) are unchanged on disk and in the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.inputs.hashing import Unreadable, file_digest, text_digest

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

_PROBE = (
    "import platform, sys; "
    "print(sys.implementation.name, sys.version, platform.machine(), sys.executable, sep='\\x1f')"
)
_FIELDS = ("implementation", "version", "machine", "executable")
_SECONDS = 30
_Signature = tuple[object, ...]
_KNOWN: dict[_Signature, tuple[str, str, _Signature]] = {}
"""(version, command, its status, choosers) -> (answer digest, executable, its status)."""


@dataclass(frozen=True)
class Missing:
    """No interpreter answers for a version (``reason``, one line)."""

    reason: str


class Asked:
    """An interpreter asked and not yet heard: :meth:`answer` waits for it."""

    def __init__(self, version: str, process: subprocess.Popen[str], signature: _Signature) -> None:
        self._version = version
        self._process = process
        self._signature = signature

    def answer(self) -> str | Missing:
        """The digest of what it printed, or why it is not the interpreter asked for."""
        version, process = self._version, self._process
        try:
            out, _ = process.communicate(timeout=_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return Missing(f"python{version} did not answer within {_SECONDS} s")
        fields = out.rstrip("\n").split("\x1f")
        words = fields[1].split() if len(fields) == len(_FIELDS) else []
        if process.returncode != 0 or not words or not f"{words[0]}.".startswith(f"{version}."):
            return Missing(f"python{version} on PATH does not run Python {version}")
        digest = text_digest(out)
        executable = fields[_FIELDS.index("executable")]
        _KNOWN[self._signature] = (digest, executable, _status(executable))
        return digest


def ask(
    versions: Sequence[str], root: Path, environ: Mapping[str, str]
) -> dict[str, str | Missing | Asked]:
    """Start asking each ``python<version>`` who it is (an answer known already is given)."""
    found: dict[str, str | Missing | Asked] = {}
    try:
        chosen = file_digest(root / ".python-version", root)
    except Unreadable as problem:
        chosen = problem.reason
    choosers = (environ.get("PATH"), environ.get("PYENV_VERSION"), chosen)
    for version in versions:
        command = shutil.which(f"python{version}", path=environ.get("PATH"))
        if command is None:
            found[version] = Missing(f"python{version} not found on PATH")
            continue
        signature: _Signature = (version, command, _status(command), choosers)
        known = _KNOWN.get(signature)
        if known is not None and _status(known[1]) == known[2]:
            found[version] = known[0]
            continue
        try:
            process = subprocess.Popen(
                [command, "-I", "-c", _PROBE],
                cwd=root,
                env=dict(environ),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        except OSError as error:
            found[version] = Missing(f"python{version} did not start: {error.strerror or error}")
            continue
        found[version] = Asked(version, process, signature)
    return found


def _status(path: str) -> _Signature:
    """What changes when the file at ``path`` is replaced: its inode, size and mtime."""
    try:
        status = os.stat(path)  # noqa: PTH116 - a command's path, as a string
    except (OSError, ValueError):
        return ()
    return (status.st_ino, status.st_size, status.st_mtime_ns)

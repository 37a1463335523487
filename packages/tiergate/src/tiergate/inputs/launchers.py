"""What python-discovery reads to answer ``X.Y``: the state an answer is kept under.

A pyenv shim python-discovery cannot resolve by itself (``.python-version`` says
``3.12``, pyenv installed ``3.12.1``) it runs, and pyenv's shell scripts take a
few tenths of a second to answer, in every process. That answer is a function
of what the shim and python-discovery read, so it can be kept under it:

- every ``PATH`` folder (inode and modification time: a file added, removed or
  renamed in it changes the folder) and every entry in it python-discovery
  would try for the version (``python3.12``, ``python3``, ``python``), as a link
  and as the file it names (inode, size, modification time);
- the interpreter running this process (python-discovery asks it first);
- each version manager's root named by the environment (pyenv, mise, asdf): its
  installed versions (the folder and its names), and pyenv's own scripts,
  plugins and hooks folders;
- uv's Python folders;
- what the caller adds: the variables that can change the answer
  (:func:`discovery_environ`), every version file, the version asked.

A launcher that is no version manager's shim (a script on ``PATH`` that starts
another binary) could read anything: when discovery would try one,
:func:`state` says so (``None``) and the question is asked in every process.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from python_discovery import PythonSpec

from tiergate.reading import read_head

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

_MANAGERS = {
    "PYENV_ROOT": ("versions",),
    "MISE_DATA_DIR": ("installs", "python"),
    "ASDF_DATA_DIR": ("installs", "python"),
}
"""The version managers python-discovery knows: root variable -> its installed versions."""
_PYENV_OWN = ("libexec", "plugins", "pyenv.d")
"""pyenv's scripts, plugins and hooks: an upgrade or a new hook may answer otherwise."""
_SCRIPT = b"#!"
_READ = re.compile(
    r"PATH|PATHEXT|HOME|USERPROFILE|APPDATA|VIRTUAL_ENV|XDG_.*|PYENV.*|MISE_.*|ASDF_.*|UV_.*"
    r"|PYTHON.*|LD_.*|DYLD_.*|CONDA_.*|_VIRTUALENV_.*"
)
"""The variables discovery, a version manager's shim or the interpreter it starts read."""


def discovery_environ(environ: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The variables of ``environ`` that can change which Python is found, sorted.

    The others (the shell's ``_``, ``SHLVL``, ``OLDPWD``, the run's id) differ
    between two checks of the same machine and find the same Python.
    """
    return tuple(sorted((k, v) for k, v in environ.items() if _READ.fullmatch(k)))


def state(version: str, environ: Mapping[str, str]) -> bytes | None:
    """What discovery of ``version`` reads here with ``environ``, as bytes; ``None``: not keepable.

    ``None`` when an entry of ``PATH`` discovery would try is a script outside
    every version manager's ``shims`` folder: a launcher whose answer cannot be
    predicted.
    """
    spec = PythonSpec.from_string_spec(version)
    pattern = spec.generate_re(windows=False)
    tried = {spec.str_spec}
    shims = {str(Path(root, "shims")) for name in _MANAGERS if (root := environ.get(name))}
    parts: list[object] = [identity(sys.executable)]
    for folder in _path_folders(environ):
        stamp = identity(folder)
        entries = []
        for name in _names(folder, stamp):
            if name in tried or pattern.fullmatch(name):
                entry = os.path.join(folder, name)  # noqa: PTH118 - compared as text, as listed
                if folder not in shims and _is_script(entry):
                    return None
                entries.append((entry, identity(entry, follow=False), identity(entry)))
        parts.append((folder, stamp, entries))
    for name, versions in _MANAGERS.items():
        if root := environ.get(name):
            installed = str(Path(root, *versions))
            stamp = identity(installed)
            parts.append((name, installed, stamp, _names(installed, stamp)))
            if name == "PYENV_ROOT":
                parts.extend(identity(str(Path(root, own))) for own in _PYENV_OWN)
    parts.extend((folder, identity(folder)) for folder in _uv_folders(environ))
    return json.dumps(parts, separators=(",", ":")).encode("utf-8", "surrogateescape")


def _path_folders(environ: Mapping[str, str]) -> Iterator[str]:
    """``PATH``'s absolute folders, in order (python-discovery skips relative ones)."""
    for folder in environ.get("PATH", os.defpath).split(os.pathsep):
        if folder and Path(folder).is_absolute():
            yield folder


@functools.lru_cache(maxsize=256)
def _names(folder: str, stamp: str) -> tuple[str, ...]:
    """The names in ``folder``, sorted; none when unreadable.

    Listed once while the folder's ``stamp`` (:func:`identity`) holds: a name
    added, removed or renamed changes it. Every version asked lists ``PATH``.
    """
    del stamp  # the cache's key only
    try:
        return tuple(sorted(os.listdir(folder)))  # noqa: PTH208 - names only
    except OSError:
        return ()


def _is_script(path: str) -> bool:
    """Whether the file at ``path`` starts with ``#!`` (a launcher, not a binary)."""
    return read_head(Path(path), len(_SCRIPT)) == _SCRIPT


def file_identity(path: str, *, follow: bool = True) -> str:
    """The file at ``path`` as it stands: inode, size, modification time (:class:`OSError`)."""
    status = os.stat(path, follow_symlinks=follow)  # noqa: PTH116 - a path from a listing
    return repr((status.st_ino, status.st_size, status.st_mtime_ns))


def identity(path: str, *, follow: bool = True) -> str:
    """:func:`file_identity`, or ``absent`` when there is nothing to stat."""
    try:
        return file_identity(path, follow=follow)
    except (OSError, ValueError):
        return "absent"


def _uv_folders(environ: Mapping[str, str]) -> list[str]:
    """Where uv keeps the Pythons it installed (python-discovery's last place to look)."""
    if install := environ.get("UV_PYTHON_INSTALL_DIR"):
        return [str(Path(install).expanduser())]
    folders = []
    if data := environ.get("XDG_DATA_HOME"):
        folders.append(str(Path(data, "uv", "python")))
    if home := environ.get("HOME"):
        folders.append(str(Path(home, ".local", "share", "uv", "python")))
    return folders

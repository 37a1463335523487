"""The Python versions a workspace is tested with, and the interpreter nox finds for each.

``.python-version`` is the single place the supported interpreters are listed
(pyenv and uv both read it); everything else derives from it.

A session's interpreter is the one nox picks: nox asks python-discovery for
``X.Y`` (the interpreter running nox when it is that version, then ``PATH`` left
to right, a pyenv, mise or asdf shim resolved to the binary it stands for, then
uv's own Pythons). :func:`discover` asks the same question the same way, from the
workspace root as nox does (a shim's version comes from ``.python-version``), so
that the interpreter an input key names is the one the session runs on, and a
Python reported missing is one nox cannot find.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from python_discovery import DiskCache, get_interpreter

from tiergate.errors import ConfigError, clip
from tiergate.reading import read_text

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

PYTHON_VERSION_FILE = ".python-version"
_VERSION = re.compile(r"^(?:(?:cpython|python)-?)?(?P<version>3\.\d+)(?:\.\d+)?$")


def read_python_versions(root: Path) -> tuple[str, ...]:
    """Return the ``X.Y`` versions listed in ``root/.python-version``, in file order.

    Comments (``#``) and blank lines are ignored. A line that is not a CPython
    ``3.X`` or ``3.X.Y`` version, a duplicate, or an empty file is a
    :class:`ConfigError` naming the file and line; so is a file that cannot be
    read (a folder, not UTF-8 text).
    """
    path = root / PYTHON_VERSION_FILE
    text = read_text(
        path,
        "list of Python versions",
        ConfigError,
        missing="missing: list the Python versions to test with, one per line",
    )
    versions: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _VERSION.match(line)
        if match is None:
            raise ConfigError(f"not a CPython 3.X version: {clip(line)!r}", path=path, line=number)
        version = match["version"]
        if version in versions:
            raise ConfigError(f"{version} is listed twice", path=path, line=number)
        versions.append(version)
    if not versions:
        raise ConfigError("lists no Python version", path=path)
    return tuple(versions)


@dataclass(frozen=True)
class Found:
    """The interpreter of a version, as nox finds it."""

    executable: str
    """What nox would run (a virtual environment's ``python`` when nox runs from one)."""
    system_executable: str
    """The binary that runs, links resolved."""
    description: str
    """What it says it is: implementation, ``sys.version``, platform, free-threaded."""


def discover(
    version: str,
    root: Path,
    *,
    environ: Mapping[str, str] | None = None,
    cache_folder: Path | None = None,
) -> Found | None:
    """The interpreter nox would run for Python ``version`` from ``root``; ``None``: none.

    ``cache_folder``: where python-discovery keeps what each interpreter said of
    itself, asked again when the interpreter's modification time changes (``None``:
    asked in every process). A folder that cannot be written is not used.
    """
    env = os.environ if environ is None else environ
    with at_root(root):
        try:
            cache = DiskCache(root=cache_folder) if cache_folder is not None else None
            info = get_interpreter(version, cache=cache, env=env)
        except OSError:
            info = get_interpreter(version, env=env)
    if info is None or info.executable is None:
        return None
    binary = info.system_executable or info.executable
    described = (
        info.implementation,
        info.version,
        info.sysconfig_platform or "",
        "free-threaded" if info.free_threaded else "",
    )
    return Found(
        executable=info.executable,
        system_executable=os.path.realpath(binary),
        description="\x1f".join(described),
    )


@contextlib.contextmanager
def at_root(root: Path) -> Iterator[None]:
    """Run from ``root`` (as nox runs from the noxfile's folder) unless already there.

    The working folder is the process's: several discoveries at once share one.
    """
    try:
        here = Path.cwd()
    except OSError:
        here = None
    if here == root:
        yield
        return
    with contextlib.chdir(root):
        yield

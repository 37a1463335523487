"""The Python versions a workspace is tested with: read from ``.python-version``.

``.python-version`` is the single place the supported interpreters are listed
(pyenv and uv both read it); everything else derives from it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tiergate.errors import ConfigError, clip
from tiergate.reading import read_text

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


def find_interpreter(version: str) -> Path | None:
    """Return the ``pythonX.Y`` executable on ``PATH`` that really runs, or ``None``.

    A pyenv shim for a version that is installed but not selected exists on
    ``PATH`` and fails when run; it counts as missing.
    """
    found = shutil.which(f"python{version}")
    if found is None:
        return None
    try:
        completed = subprocess.run(
            [found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0 or completed.stdout.strip() != version:
        return None
    return Path(found)

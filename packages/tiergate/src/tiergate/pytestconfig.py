"""pytest's configuration, located and read as pytest does: the options that decide collection.

The first file, walking up from a folder, in pytest's order of names; its
``testpaths``, ``python_files``, ``python_classes``, ``python_functions`` and
``norecursedirs``, with pytest's defaults where it sets none.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import key_needles, line_in, read_toml, table_at
from tiergate.errors import ConfigError, shown
from tiergate.files import read_ini
from tiergate.reading import exists

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
DEFAULT_PYTHON_CLASSES = ("Test",)
DEFAULT_PYTHON_FUNCTIONS = ("test",)
DEFAULT_NORECURSEDIRS = (
    "*.egg",
    ".*",
    "_darcs",
    "build",
    "CVS",
    "dist",
    "node_modules",
    "venv",
    "{arch}",
)
"""pytest's ``norecursedirs`` when the configuration does not set it."""

_PYPROJECT = "pyproject.toml"
_LISTS = ("testpaths", "python_files", "python_classes", "python_functions", "norecursedirs")
"""The options read here: in ``[tool.pytest.ini_options]``, a string or a list of strings."""


@dataclass(frozen=True)
class PytestSettings:
    """The pytest configuration that applies to a folder, with pytest's defaults filled in."""

    file: Path | None
    """The configuration file pytest would use (``None``: none found)."""
    rootdir: Path
    """pytest's rootdir for that run (the folder of ``file``)."""
    testpaths: tuple[str, ...]
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    python_classes: tuple[str, ...] = DEFAULT_PYTHON_CLASSES
    python_functions: tuple[str, ...] = DEFAULT_PYTHON_FUNCTIONS
    norecursedirs: tuple[str, ...] = DEFAULT_NORECURSEDIRS


@dataclass(frozen=True)
class _Options:
    """The pytest options one configuration file holds."""

    path: Path
    values: dict[str, object]
    toml: bool
    """TOML mode (pytest 9's native tables): list options must be TOML lists."""
    lines: dict[str, int]
    """The line of each option, where the parser knows it (ini files)."""


def pytest_settings(start: Path, stop: Path) -> PytestSettings:
    """The configuration pytest uses for arguments in ``start``.

    Walks up from ``start`` to ``stop`` (the workspace root, inclusive); the
    first match wins, in pytest's order per folder: ``pytest.toml``,
    ``.pytest.toml``, ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` with
    ``[tool.pytest]`` or ``[tool.pytest.ini_options]``, ``tox.ini`` with
    ``[pytest]``, ``setup.cfg`` with ``[tool:pytest]``. With no match, the
    first ``pyproject.toml`` seen is the (empty) configuration, as in pytest.
    A file pytest would refuse is a :class:`ConfigError` naming it.
    """
    start, stop = absolute(start), absolute(stop)
    first_pyproject: Path | None = None
    for folder in (start, *start.parents):
        for name, load in _LOADERS:
            path = folder / name
            if not exists(path):
                continue
            if name == _PYPROJECT and first_pyproject is None:
                first_pyproject = path
            options = load(path)
            if options is not None:
                return _settings(options)
        if folder == stop:
            break
    if first_pyproject is not None:
        return _settings(_Options(first_pyproject, {}, toml=True, lines={}))
    return PytestSettings(file=None, rootdir=start, testpaths=())


# --------------------------------------------------------------- configuration


def _load_pytest_toml(path: Path) -> _Options:
    document = read_toml(path)
    if "pytest" in document:
        return _Options(path, table_at(document, ("pytest",), path), toml=True, lines={})
    loose = [key for key, value in document.items() if not isinstance(value, dict)]
    if loose:
        msg = f"pytest options must be under a [pytest] table (found {', '.join(loose)})"
        raise ConfigError(msg, path=path, line=line_in(path, *key_needles(loose[0])))
    return _Options(path, {}, toml=True, lines={})


def _load_pyproject(path: Path) -> _Options | None:
    document = read_toml(path)
    if "pytest" not in table_at(document, ("tool",), path):
        return None
    table = table_at(document, ("tool", "pytest"), path)
    native = {key: value for key, value in table.items() if key != "ini_options"}
    ini = (
        table_at(document, ("tool", "pytest", "ini_options"), path)
        if "ini_options" in table
        else None
    )
    if native and ini:
        msg = "[tool.pytest] and [tool.pytest.ini_options] cannot both be used (pytest refuses it)"
        raise ConfigError(msg, path=path, line=line_in(path, "[tool.pytest"))
    if native:
        return _Options(path, native, toml=True, lines={})
    if ini is not None:
        for key, value in ini.items():
            if key in _LISTS and not isinstance(value, list | str):
                msg = f"pytest option {key} must be a string or a list of strings, not {value!r}"
                raise ConfigError(msg, path=path, line=line_in(path, *key_needles(key)))
        scalars: dict[str, object] = {
            k: v if isinstance(v, list) else str(v) for k, v in ini.items()
        }
        return _Options(path, scalars, toml=False, lines={})
    return None


def _load_ini_section(
    section: str, *, always: bool = False, refused: str | None = None
) -> Callable[[Path], _Options | None]:
    """A loader of the ``section`` of an ini file (an empty configuration if ``always``)."""

    def load(path: Path) -> _Options | None:
        parsed = read_ini(path)
        if refused is not None and refused in parsed and section not in parsed:
            msg = f"pytest no longer reads [{refused}] in {path.name}: use [{section}]"
            raise ConfigError(msg, path=path, line=parsed[refused][""][1])
        if section not in parsed:
            return _Options(path, {}, toml=False, lines={}) if always else None
        entries = {key: entry for key, entry in parsed[section].items() if key}
        return _Options(
            path,
            {key: value for key, (value, _) in entries.items()},
            toml=False,
            lines={key: line for key, (_, line) in entries.items()},
        )

    return load


_LOADERS: tuple[tuple[str, Callable[[Path], _Options | None]], ...] = (
    ("pytest.toml", _load_pytest_toml),
    (".pytest.toml", _load_pytest_toml),
    ("pytest.ini", _load_ini_section("pytest", always=True)),
    (".pytest.ini", _load_ini_section("pytest", always=True)),
    (_PYPROJECT, _load_pyproject),
    ("tox.ini", _load_ini_section("pytest")),
    ("setup.cfg", _load_ini_section("tool:pytest", refused="pytest")),
)
"""pytest's configuration files, in the order it tries them in each folder."""


def _settings(options: _Options) -> PytestSettings:
    def listed(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = options.values.get(key)
        if value is None:
            return default
        if isinstance(value, str) and not options.toml:
            try:
                return tuple(shlex.split(value))
            except ValueError as error:
                line = options.lines.get(key) or line_in(options.path, *key_needles(key), key)
                raise ConfigError(f"{key}: {error}", path=options.path, line=line) from None
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        line = options.lines.get(key) or line_in(options.path, *key_needles(key), key)
        msg = f"pytest option {key} must be a list of strings, not {shown(value)}"
        raise ConfigError(msg, path=options.path, line=line)

    return PytestSettings(
        file=options.path,
        rootdir=options.path.parent,
        testpaths=listed("testpaths", ()),
        python_files=listed("python_files", DEFAULT_PYTHON_FILES),
        python_classes=listed("python_classes", DEFAULT_PYTHON_CLASSES),
        python_functions=listed("python_functions", DEFAULT_PYTHON_FUNCTIONS),
        norecursedirs=listed("norecursedirs", DEFAULT_NORECURSEDIRS),
    )


def absolute(path: Path) -> Path:
    """``path`` made absolute and normalised as pytest does (``os.path.abspath``, no symlinks)."""
    return Path(os.path.abspath(path))  # noqa: PTH100 - resolve() would follow symlinks

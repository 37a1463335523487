"""Files: tiergate's own formats written whole and read back, and what errors name.

Writing is whole or not at all; reading validates into a model; every error
names the file (and line) in one line, found with :func:`line_of`.
"""

from __future__ import annotations

import contextlib
import os
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.errors import ConfigError, TiergateError
from tiergate.reading import path_problem, read_text

if TYPE_CHECKING:
    from collections.abc import Collection

SKIPPED_FOLDERS = frozenset({".git", ".venv", ".nox", ".tiergate", "node_modules", "__pycache__"})
"""Folders :func:`find_files` never looks inside (tools, environments, tiergate's own runs)."""


def write_whole(
    path: Path, text: str, what: str, error: type[TiergateError] = TiergateError
) -> None:
    """Write ``text`` beside ``path``, then rename it over ``path``.

    A failure leaves ``path`` as it was and raises ``error`` naming the file
    (``cannot write the <what>: <reason>``).
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except (OSError, ValueError) as failure:
        with contextlib.suppress(OSError, ValueError):
            partial.unlink(missing_ok=True)
        raise error(f"cannot write the {what}: {path_problem(failure)}", path=path) from None


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (``..`` parts normalised, symbolic links not followed) is in ``folder``."""
    return Path(os.path.normpath(path)).is_relative_to(os.path.normpath(folder))


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, POSIX (``..`` parts when outside it)."""
    return Path(os.path.relpath(path, root)).as_posix()


def line_of(text: str, *needles: str) -> int | None:
    """The first line holding one of ``needles`` (tried in order), 1-based; ``None`` if absent."""
    lines = text.splitlines()
    for needle in needles:
        for number, line in enumerate(lines, start=1):
            if needle in line:
                return number
    return None


def quoted_line_of(text: str, value: str) -> int | None:
    """The first line holding ``value`` quoted (TOML strings), else bare."""
    return line_of(text, f'"{value}"', f"'{value}'", value)


def read_ini(path: Path) -> dict[str, dict[str, tuple[str, int]]]:
    """The sections of an INI file: ``{section: {key: (value, line)}}``.

    Read as pytest's ``iniconfig`` reads one (mypy's and bandit's INI files
    too): a continuation line joins its value with a newline; the key ``""`` of
    each section holds the line of its header. What it refuses (not UTF-8, a
    line that is neither a header, an assignment nor a continuation, a
    duplicate) is a :class:`ConfigError` naming the file and line.
    """
    text = read_text(path, "configuration file", ConfigError)
    sections: dict[str, dict[str, tuple[list[str], int]]] = {}
    section: str | None = None
    last: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = "" if raw.lstrip()[:1] in "#;" else raw.rstrip()
        if not line:
            continue
        header = line.split("#")[0].split(";")[0].rstrip()
        if line[0] == "[" and header.endswith("]"):
            section, last = _ini_section(header, sections, path, number), None
            sections[section] = {"": ([], number)}
        elif line[0] == "[" or line[0].isspace():
            if last is None:
                raise ConfigError("unexpected value continuation", path=path, line=number)
            last.append(line.strip())
        else:
            name, value = _ini_assignment(line, path, number)
            if section is None:
                raise ConfigError("no section header defined", path=path, line=number)
            if name in sections[section]:
                raise ConfigError(f"duplicate name {name!r}", path=path, line=number)
            last = [value] if value else []
            sections[section][name] = (last, number)
    return {
        name: {key: ("\n".join(lines), number) for key, (lines, number) in entries.items()}
        for name, entries in sections.items()
    }


def _ini_section(header: str, known: Collection[str], path: Path, number: int) -> str:
    section = header[1:-1]
    if not section or section in known:
        what = f"duplicate section {section!r}" if section else "empty section name"
        raise ConfigError(what, path=path, line=number)
    return section


def _ini_assignment(line: str, path: Path, number: int) -> tuple[str, str]:
    name, equals, value = line.partition("=")
    if not equals or ":" in name:
        name, colon, value = line.partition(":")
        if not colon:
            raise ConfigError(f"unexpected line: {line!r}", path=path, line=number)
    return name.strip(), value.strip()


def find_files(root: Path, pattern: str) -> list[Path]:
    """The files whose name matches ``pattern`` below ``root``, sorted.

    No folder of :data:`SKIPPED_FOLDERS` is looked inside. The sql session lints
    these files, and its input key hashes the same ones.
    """
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS)
        found.extend(Path(folder, name) for name in names if fnmatchcase(name, pattern))
    return sorted(found)

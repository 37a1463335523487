"""Where a workspace member's tests are, found the way pytest collects them.

pytest's configuration is located as pytest locates it (the first file, walking
up from a folder, in pytest's order of names); a member's roots are its
``[tool.tiergate] tests-paths``, else the ``testpaths`` that apply to it, else
its folder; its files are those pytest would collect below the roots that
define at least one test, read with ``ast`` (nothing is imported). A file that
cannot be read or parsed is kept: pytest reports it as an error, so it must
not vanish from what is expected.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import line_in
from tiergate.errors import ConfigError
from tiergate.files import relative

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

from tiergate.pytestconfig import PytestSettings, absolute, pytest_settings
from tiergate.testast import defines_test, marked_tiers, summary

__all__ = ["MemberTests", "PytestSettings", "find_member_tests", "marked_tiers", "pytest_settings"]

_PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class MemberTests:
    """Where one member's tests are, and the files that hold them."""

    roots: tuple[Path, ...]
    """Absolute paths: what pytest is given for this member."""
    ignore: tuple[Path, ...]
    """Absolute folders to pass as ``--ignore``: the other members nested in this one."""
    files: tuple[Path, ...]
    """Sorted absolute test files pytest would collect that define at least one test."""
    settings: PytestSettings
    looked_in: str
    """One line for messages, paths relative to the workspace root."""


def find_member_tests(
    member_dir: Path,
    root: Path,
    *,
    other_members: Sequence[Path],
    override: Sequence[str] | None = None,
) -> MemberTests:
    """The test roots and test files of the member in ``member_dir``, as pytest would collect them.

    ``override`` (the member's ``[tool.tiergate] tests-paths``, relative to it)
    wins over pytest's ``testpaths``; an entry of it that matches nothing is a
    :class:`ConfigError`. ``other_members`` nested in ``member_dir`` are never
    searched and are returned in ``ignore``.
    """
    member, root = absolute(member_dir), absolute(root)
    others = {absolute(other) for other in other_members} - {member}
    nested = tuple(sorted(other for other in others if other.is_relative_to(member)))
    own = pytest_settings(member, root)
    heading: str | None = None
    if override is not None:
        candidates, base = _override_roots(member, override), member
        heading = f"tests-paths of {relative(member / _PYPROJECT, root)}"
    elif own.file is not None and (chosen := _testpaths_roots(member, own, nested)):
        candidates, base = chosen, own.rootdir
        heading = f"testpaths of {relative(own.file, root)}"
    else:
        candidates, base = [member], member
    # pytest reads the configuration of the folder common to the paths it is given.
    common = _common_folder(candidates)
    settings = own
    if common != member and common.is_relative_to(root):
        settings = pytest_settings(common, root)
    ignored = frozenset(str(path) for path in nested)
    roots: list[Path] = []
    files: set[Path] = set()
    for candidate in candidates:
        found = [Path(name) for name in _walk(candidate, settings, ignored)]
        kept = [path for path in found if defines_test(summary(path), settings)]
        # A testpath holding other members is this member's only for the files outside them.
        if candidate == member or kept or not any(p.is_relative_to(candidate) for p in nested):
            roots.append(candidate)
            files.update(kept)
    if heading is not None:
        looked_in = f"{heading}: {', '.join(relative(path, base) for path in roots)}"
    elif own.file is None or not own.testpaths:
        looked_in = f"{relative(member, root)} (no testpaths)"
    else:
        looked_in = (
            f"{relative(member, root)} (testpaths of {relative(own.file, root)} name none of it)"
        )
    return MemberTests(tuple(roots), nested, tuple(sorted(files)), settings, looked_in)


# --------------------------------------------------------------------- roots


def _override_roots(member: Path, override: Sequence[str]) -> list[Path]:
    roots: list[Path] = []
    pyproject = member / _PYPROJECT
    for entry in override:
        matches = sorted(glob.glob(entry, root_dir=member, recursive=True))  # noqa: PTH207 - as pytest globs
        found = [absolute(member / match) for match in matches]
        outside = [path for path in found if not path.is_relative_to(member)]
        if not found or outside:
            problem = "is outside" if outside else "matches nothing in"
            msg = f"[tool.tiergate] tests-paths: {entry!r} {problem} {member.name}/"
            raise ConfigError(msg, path=pyproject, line=line_in(pyproject, entry))
        roots.extend(found)
    return _outermost(roots)


def _testpaths_roots(member: Path, settings: PytestSettings, nested: Sequence[Path]) -> list[Path]:
    """The member's share of ``testpaths``: the entries in it, or the member for those around it."""
    base = settings.rootdir
    roots: list[Path] = []
    for entry in settings.testpaths:
        # pytest globs testpaths from its rootdir, recursively.
        for match in sorted(glob.glob(entry, root_dir=base, recursive=True)):  # noqa: PTH207
            path = absolute(base / match)
            if member.is_relative_to(path):
                roots.append(member)
            elif path.is_relative_to(member) and not any(path.is_relative_to(o) for o in nested):
                roots.append(path)
    return _outermost(roots)


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """``paths`` in order, each once, without those inside another."""
    unique = list(dict.fromkeys(paths))
    return [p for p in unique if not any(p != q and p.is_relative_to(q) for q in unique)]


def _common_folder(paths: Sequence[Path]) -> Path:
    common = Path(os.path.commonpath(paths))
    return common.parent if common.is_file() else common


# ------------------------------------------------------------------ the walk


def _walk(top: Path, settings: PytestSettings, ignored: frozenset[str]) -> Iterator[str]:
    """The ``.py`` files pytest collects below ``top`` (``top`` itself when it is a file)."""
    if not top.is_dir():
        if top.suffix == ".py" and top.is_file():
            yield str(top)
        return
    folders = [str(top)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if _recurse(entry, settings, ignored):
                    folders.append(entry.path)
            elif entry.name.endswith(".py") and any(
                _fnmatch_ex(pattern, entry.name, entry.path) for pattern in settings.python_files
            ):
                yield entry.path


def _recurse(entry: os.DirEntry[str], settings: PytestSettings, ignored: frozenset[str]) -> bool:
    if entry.name == "__pycache__" or entry.path in ignored:
        return False
    if any(_fnmatch_ex(pattern, entry.name, entry.path) for pattern in settings.norecursedirs):
        return False
    # A virtualenv, as pytest recognises one (strings, not Path: this runs for every folder).
    if os.path.isfile(f"{entry.path}/pyvenv.cfg") or os.path.isfile(  # noqa: PTH113
        f"{entry.path}/conda-meta/history"
    ):
        return False
    if entry.is_symlink():
        # pytest follows linked folders; one that links back up would never end.
        target = os.path.realpath(entry.path)
        here = os.path.realpath(os.path.dirname(entry.path))  # noqa: PTH120
        if here == target or here.startswith(target + os.sep):
            return False
    return True


def _fnmatch_ex(pattern: str, name: str, path: str) -> bool:
    """Pytest's ``fnmatch_ex``: match the name, or the whole path if the pattern has a separator."""
    if os.sep not in pattern:
        return fnmatch(name, pattern)
    return fnmatch(path, pattern if pattern.startswith(os.sep) else f"*{os.sep}{pattern}")

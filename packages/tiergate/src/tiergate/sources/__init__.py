"""What a member's source is: the top-level import packages and modules its wheel would hold.

Answered from the member's ``pyproject.toml`` and its folder alone, the way its
build backend finds them (hatchling, setuptools, flit_core, uv_build,
pdm.backend, poetry-core), else by a generic look at ``src/`` and the member
root; ``[tool.tiergate] source`` overrides both. Only top-level packages are
named (a namespace package by its deepest portions the member owns), never
their subpackages; test folders are never source.
"""

from __future__ import annotations

import contextlib
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from tiergate.errors import WorkspaceError, shown
from tiergate.reading import path_problem
from tiergate.sources._model import (
    FLAT_EXCLUDED_PACKAGES,
    Found,
    MemberSource,
    Project,
    Root,
    dotted,
    expect,
    generic,
    get,
    is_package,
)
from tiergate.sources.backends import backend_reader, hatchling

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

__all__ = ["MemberSource", "is_virtual", "member_source"]


def is_virtual(pyproject: Mapping[str, Any]) -> bool:
    """Whether uv treats the project as virtual (not built nor installed).

    uv's rule: ``tool.uv.package = false``, or no ``[build-system]`` and not
    ``tool.uv.package = true``.
    """
    package = get(pyproject, "tool", "uv", "package")
    if isinstance(package, bool):
        return not package
    return "build-system" not in pyproject


def member_source(  # noqa: PLR0913 - the member's folder, data, name, file and text, and the override
    folder: Path,
    pyproject: Mapping[str, Any],
    *,
    name: str,
    file: Path,
    text: str,
    override: Sequence[str] | None = None,
) -> MemberSource:
    """Return the source of the member in ``folder`` (``pyproject`` is its parsed ``file``).

    ``override`` (``[tool.tiergate] source``, paths relative to ``folder``)
    wins; a virtual member has none; otherwise its build backend's
    configuration decides, then the generic ``src/``, flat and single-module
    layouts. Every problem is a :class:`WorkspaceError` naming ``file`` (and
    the line of the key or path to fix).
    """
    member = Project(folder.resolve(), pyproject, name, file, text)
    try:
        if override is not None:
            return _overridden(member, override)
        uv = member.table("tool", "uv")
        expect(member, uv.get("package", False), bool, "tool.uv.package")
        member.table("build-system")
        if is_virtual(pyproject):
            return _virtual(member)
        if _ships_nothing(member):
            return MemberSource((), (), "hatchling bypass-selection (a wheel of metadata only)")
        return _discover(member).source()
    except (OSError, ValueError) as failure:  # a configured path the file system refuses
        raise member.error(f"cannot read the member's source: {path_problem(failure)}") from None


def _ships_nothing(member: Project) -> bool:
    """A hatchling wheel with ``bypass-selection`` and nothing named: a meta-package."""
    if backend_reader(member) is not hatchling:
        return False
    wheel = member.table("tool", "hatch", "build", "targets", "wheel")
    return wheel.get("bypass-selection") is True and not any(
        key in wheel for key in ("packages", "only-include", "force-include")
    )


def _virtual(member: Project) -> MemberSource:
    """A virtual project is not installed, but the packages it keeps are still its code.

    Its tests import them from where they are (``src/`` on the path, or the
    member's folder as pytest's rootdir): the regular packages of ``src/``, else
    those at its root, minus the folders setuptools would skip (tests, docs,
    scripts, ...). Folders without an ``__init__.py`` are not taken (at a
    workspace root they are ``packages/``, ``bench/``). Nothing found is no
    error: a virtual project may hold no code at all.
    """
    for folder, origin in ((member.folder / "src", "src/"), (member.folder, "its root")):
        roots = (
            [
                (child, child.name)
                for child in sorted(folder.iterdir())
                if is_package(child)
                and child.name.isidentifier()
                and not any(fnmatchcase(child.name, p) for p in FLAT_EXCLUDED_PACKAGES)
            ]
            if folder.is_dir()
            else []
        )
        found = Found(roots, f"virtual project: packages in {origin}").source()
        if found.paths:
            return found
    declared = get(member.pyproject, "tool", "uv", "package") is False
    why = "tool.uv.package = false" if declared else "no build system"
    return MemberSource((), (), f"virtual project ({why})")


def _discover(member: Project) -> Found:
    found = backend_reader(member)(member)
    if found is None:
        found = generic(member)
    if found is None or not found.source().paths:
        raise member.error(
            f"member {member.name} has no source: looked for {', '.join(member.tried)}; "
            "name it with [tool.tiergate] source = [...]"
        )
    return found


def _overridden(member: Project, entries: Sequence[str]) -> MemberSource:
    """The paths ``[tool.tiergate] source`` names, each named below its nearest source root."""
    if not entries:
        raise member.error("[tool.tiergate] source is empty: name at least one path", "source")
    bases = {member.folder, member.folder / "src"}
    with contextlib.suppress(WorkspaceError):
        found = _discover(member)
        bases |= {path.parents[name.count(".")] for path, name in found.roots}
    roots: list[Root] = []
    for entry in entries:
        try:
            path = (member.folder / entry).resolve()
            within = path.is_relative_to(member.folder) and path != member.folder
            usable = path.is_dir() or (path.is_file() and path.suffix == ".py")
        except (OSError, ValueError) as failure:
            problem = path_problem(failure)
            raise member.error(f"[tool.tiergate] source {shown(entry)}: {problem}", entry) from None
        if not within or not usable:
            raise member.error(
                f"[tool.tiergate] source {shown(entry)} is not a folder or .py file in the member",
                entry,
            )
        base = max((b for b in bases if b in path.parents), key=lambda b: len(b.parts))
        roots.append((path, dotted(path.relative_to(base).as_posix())))
    ordered = sorted(dict(roots).items())
    return MemberSource(
        tuple(p for p, _ in ordered), tuple(n for _, n in ordered), "[tool.tiergate] source"
    )

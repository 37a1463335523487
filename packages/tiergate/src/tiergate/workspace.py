"""The uv workspace as tiergate sees it: members, their Pythons and their dependency graph.

Read from the root ``pyproject.toml`` (``[tool.uv.workspace]``), each member's
``pyproject.toml`` and ``.python-version``; nothing is imported or installed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from tiergate.config import (
    MemberConfig,
    expect_type,
    key_needles,
    parse_member_config,
    read_toml,
    shape_error,
    table_at,
)
from tiergate.errors import WorkspaceError, clip, first_line, shown
from tiergate.files import inside, line_of, quoted_line_of, relative
from tiergate.graph import (
    DependencyCycleError,
    component_order,
    reachable,
    reverse,
    topological_order,
)
from tiergate.lockfile import locked_member_dependencies
from tiergate.pythons import read_python_versions
from tiergate.reading import exists, is_folder, path_problem, read_toml_text
from tiergate.sources import member_source
from tiergate.testfiles import MemberTests, PytestSettings, find_member_tests

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

PYPROJECT = "pyproject.toml"
SCHEMA_VERSION = 2
"""Version of the :meth:`Workspace.to_json` layout; bumped on incompatible changes."""

_PATCHES = 100
_EMPTY_ROOT = "the workspace root holds no source and no test of its own"
"""Why a root ``[project]`` with nothing in it is not tested (its table is the workspace's)."""
_NOT_SEARCHED = MemberTests((), (), (), PytestSettings(None, Path(), ()), "not searched yet")
"""A member read alone: its tests are found once every member's folder is known."""
_T = TypeVar("_T")
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class Member:
    """One workspace member, read from its ``pyproject.toml``.

    ``dependency_groups`` has ``{include-group = ...}`` entries resolved: each
    group lists its own requirement strings and those of the groups it includes,
    in order, without duplicates. ``version`` is ``""`` when not static.
    ``pythons`` holds each configured ``X.Y`` for which ``requires_python``
    admits some ``X.Y.Z`` release. ``source`` is what the member's wheel holds
    (package folders and single modules, from its build backend, see
    :mod:`tiergate.sources`); ``tests`` is where pytest finds its tests (see
    :mod:`tiergate.testfiles`).
    """

    name: str
    version: str
    path: Path
    requires_python: SpecifierSet
    dependencies: tuple[Requirement, ...]
    dependency_groups: Mapping[str, tuple[str, ...]] = field(hash=False)
    internal_dependencies: tuple[str, ...]
    """Members it needs at run time or in a dependency group (tests), sorted."""
    runtime_dependencies: tuple[str, ...]
    """Members its ``[project].dependencies`` name, sorted: these never form a cycle."""
    pythons: tuple[str, ...]
    is_root: bool
    import_packages: tuple[str, ...]
    source: tuple[Path, ...]
    source_origin: str
    tests: MemberTests = field(hash=False)
    untested_reason: str | None
    """Why the member is not tested (``tests = false``); ``None``: it is tested."""
    tested_by: str | None = None
    """The member whose tests sessions test this one's code (``tested-by``), if any."""

    @property
    def tested(self) -> bool:
        """True when the member has tests sessions of its own.

        Not with ``tests = false`` (and a reason), nor when another member's
        tests test it (``tested-by``).
        """
        return self.untested_reason is None and self.tested_by is None

    @property
    def test_files(self) -> tuple[Path, ...]:
        """The test files pytest would collect for this member."""
        return self.tests.files

    @cached_property
    def tests_in_source(self) -> tuple[Path, ...]:
        """Its test files kept inside its source (``*_test.py`` beside the code).

        They are tests, not source: never measured by coverage nor scanned by bandit.
        """
        return tuple(
            path
            for path in self.tests.files
            if any(path.is_relative_to(source) for source in self.source)
        )

    @property
    def test_roots(self) -> tuple[Path, ...]:
        """What pytest is given to find this member's tests."""
        return self.tests.roots

    @property
    def test_dependencies(self) -> tuple[str, ...]:
        """Members only its dependency groups need (test-time edges, which may form cycles)."""
        return tuple(n for n in self.internal_dependencies if n not in self.runtime_dependencies)

    @property
    def test_group(self) -> str | None:
        """The dependency group its tests sessions install: ``test``, else ``dev``, else none."""
        names = {str(canonicalize_name(name)): name for name in self.dependency_groups}
        return next((names[g] for g in ("test", "dev") if g in names), None)


@dataclass(frozen=True)
class Workspace:
    """A uv workspace: its root, configured Pythons and members, dependencies first.

    Runtime dependencies form a DAG (a cycle is an error). Dependency groups
    (tests) may depend back on a member that depends on them, as a pytest plugin
    does: the order is over the strongly connected components of every edge, and
    the members of one component (a test-time cycle) are listed together.
    """

    root: Path
    pythons: tuple[str, ...]
    members: tuple[Member, ...]
    components: tuple[tuple[str, ...], ...] = ()
    """Members grouped by test-time cycles, dependencies first (a group of one is no cycle)."""

    def member(self, name: str) -> Member:
        """Return the member named ``name`` (PEP 503 normalized); unknown is a WorkspaceError."""
        wanted = canonicalize_name(name)
        for member in self.members:
            if canonicalize_name(member.name) == wanted:
                return member
        known = ", ".join(sorted(m.name for m in self.members)) or "none"
        raise WorkspaceError(
            f"no workspace member named {name!r} (members: {known})", path=self.root / PYPROJECT
        )

    def dependencies_of(self, name: str, *, transitive: bool = False) -> tuple[str, ...]:
        """Return the members ``name`` depends on (directly, or also indirectly), sorted."""
        member = self.member(name)
        if not transitive:
            return member.internal_dependencies
        return tuple(sorted(reachable(self._graph(), member.name)))

    def dependents_of(self, name: str, *, transitive: bool = False) -> tuple[str, ...]:
        """Return the members depending on ``name`` (directly, or also indirectly), sorted."""
        member = self.member(name)
        users = reverse(self._graph())
        if not transitive:
            return users[member.name]
        return tuple(sorted(reachable(users, member.name)))

    def to_json(self) -> dict[str, object]:
        """Return a JSON-serialisable description; paths are POSIX, relative to the root."""
        users = reverse(self._graph())
        return {
            "schema_version": SCHEMA_VERSION,
            "pythons": list(self.pythons),
            "order": [list(component) for component in self.components],
            "members": [self._member_json(m, users[m.name]) for m in self.members],
        }

    def _graph(self) -> dict[str, tuple[str, ...]]:
        return {member.name: member.internal_dependencies for member in self.members}

    def _member_json(self, member: Member, dependents: tuple[str, ...]) -> dict[str, object]:
        return {
            "name": member.name,
            "version": member.version,
            "path": relative(member.path, self.root),
            "is_root": member.is_root,
            "requires_python": str(member.requires_python),
            "pythons": list(member.pythons),
            "dependencies": [str(requirement) for requirement in member.dependencies],
            "dependency_groups": {k: list(v) for k, v in sorted(member.dependency_groups.items())},
            "internal_dependencies": list(member.internal_dependencies),
            "runtime_dependencies": list(member.runtime_dependencies),
            "test_dependencies": list(member.test_dependencies),
            "dependents": list(dependents),
            "transitive_dependents": list(self.dependents_of(member.name, transitive=True)),
            "import_packages": list(member.import_packages),
            "source": [relative(path, self.root) for path in member.source],
            "source_origin": member.source_origin,
            "tested": member.tested,
            "untested_reason": member.untested_reason,
            "tested_by": member.tested_by,
            "test_group": member.test_group,
            "tests": {
                "looked_in": member.tests.looked_in,
                "roots": [relative(path, self.root) for path in member.tests.roots],
                "files": [relative(path, self.root) for path in member.tests.files],
            },
        }


@dataclass(frozen=True)
class _Draft:
    """A member read alone: the fields that need the other members are still empty."""

    member: Member
    file: Path
    text: str
    requirements: tuple[tuple[str, Requirement], ...]
    """Every ``(raw string, requirement)`` of its ``[project].dependencies``."""
    group_requirements: tuple[Requirement, ...]
    """The requirements of its dependency groups (test tools may depend back on it)."""
    tests_paths: tuple[str, ...] | None
    """``[tool.tiergate] tests-paths`` of the member, if set."""

    @property
    def name(self) -> str:
        return self.member.name


def load_workspace(root: Path, *, pythons: Sequence[str] | None = None) -> Workspace:
    """Read the uv workspace at ``root``; ``pythons`` (``X.Y``) defaults to ``.python-version``.

    Every problem is a :class:`WorkspaceError` or :class:`ConfigError` naming
    the file (and line) to fix.
    """
    root = root.resolve()
    root_file = root / PYPROJECT
    data = read_toml(root_file)
    text = read_toml_text(root_file)
    uv = table_at(data, ("tool", "uv"), root_file, WorkspaceError)
    if "workspace" not in uv:
        raise WorkspaceError(
            "no [tool.uv.workspace] table: not a uv workspace root", path=root_file
        )
    table = table_at(data, ("tool", "uv", "workspace"), root_file, WorkspaceError)
    configured = tuple(pythons) if pythons is not None else read_python_versions(root)
    drafts: list[_Draft] = []
    locked = locked_member_dependencies(root)
    if "project" in data:
        drafts.append(_draft(root, root_file, data, text, is_root=True, locked=locked))
    for folder in _member_folders(root, root_file, text, table):
        if folder != root:
            file = folder / PYPROJECT
            drafts.append(
                _draft(
                    folder,
                    file,
                    read_toml(file),
                    read_toml_text(file),
                    is_root=False,
                    locked=locked,
                )
            )
    by_name = _index(drafts)
    testers = {draft.name: _tester(draft, by_name) for draft in drafts}
    graph: dict[str, tuple[str, ...]] = {}  # runtime dependencies: must be acyclic
    uses: dict[str, tuple[str, ...]] = {}  # runtime and dependency groups
    for draft in drafts:
        own = canonicalize_name(draft.name)
        runtime = {canonicalize_name(req.name) for _, req in draft.requirements} - {own}
        grouped = {canonicalize_name(req.name) for req in draft.group_requirements} - {own}
        graph[draft.name] = tuple(sorted(by_name[k].name for k in runtime if k in by_name))
        uses[draft.name] = tuple(sorted(by_name[k].name for k in runtime | grouped if k in by_name))
    _check_runtime_dag(graph, by_name)
    components = component_order(uses)
    folders = [draft.member.path for draft in drafts]
    members = []
    for component in components:
        for name in component:
            draft = by_name[canonicalize_name(name)]
            member = draft.member
            others = [folder for folder in folders if folder != member.path]
            owned = [
                (path, name)
                for path, name in zip(member.source, member.import_packages, strict=True)
                if not any(
                    path.is_relative_to(other)
                    for other in others
                    if other.is_relative_to(member.path)
                )
            ]  # a nested member's code is its own, never the root's
            tests = find_member_tests(
                member.path, root, other_members=others, override=draft.tests_paths
            )
            members.append(
                replace(
                    member,
                    source=tuple(path for path, _ in owned),
                    import_packages=tuple(name for _, name in owned),
                    internal_dependencies=uses[member.name],
                    runtime_dependencies=graph[member.name],
                    tested_by=testers[member.name],
                    pythons=_admitted(member.requires_python, configured),
                    tests=tests,
                    untested_reason=member.untested_reason
                    or (_EMPTY_ROOT if member.is_root and not owned and not tests.files else None),
                )
            )
    return Workspace(root=root, pythons=configured, members=tuple(members), components=components)


def _tester(draft: _Draft, by_name: dict[str, _Draft]) -> str | None:
    """The member ``tested-by`` names, as that member spells its name; it must be tested."""
    tester = draft.member.tested_by
    if tester is None:
        return None
    found = by_name.get(canonicalize_name(tester))
    if found is not None and found is not draft and found.member.tested:
        return found.member.name
    problem = (
        "names no member of the workspace"
        if found is None
        else "names the member itself"
        if found is draft
        else "names a member that is not tested itself"
    )
    raise WorkspaceError(
        f"[tool.tiergate] tested-by {tester!r} {problem}",
        path=draft.file,
        line=line_of(draft.text, "tested-by"),
    )


def _check_runtime_dag(graph: dict[str, tuple[str, ...]], by_name: dict[str, _Draft]) -> None:
    """A cycle of runtime dependencies is an error naming the dependency line that closes it."""
    try:
        topological_order(graph)
    except DependencyCycleError as error:
        first = by_name[canonicalize_name(error.cycle[0])]
        following = canonicalize_name(error.cycle[1])
        raw = next(r for r, req in first.requirements if canonicalize_name(req.name) == following)
        raise WorkspaceError(
            f"dependency cycle: {error}", path=first.file, line=quoted_line_of(first.text, raw)
        ) from None


def _index(drafts: Iterable[_Draft]) -> dict[str, _Draft]:
    by_name: dict[str, _Draft] = {}
    for draft in drafts:
        key = canonicalize_name(draft.name)
        if key in by_name:
            raise WorkspaceError(
                f"member name {draft.name!r} is also declared in {by_name[key].file}",
                path=draft.file,
                line=quoted_line_of(draft.text, draft.name),
            )
        by_name[key] = draft
    return by_name


def _member_folders(root: Path, root_file: Path, text: str, table: dict[str, Any]) -> list[Path]:
    """Resolve ``members`` and ``exclude`` globs to member folders, sorted per glob."""
    excluded = {
        path.resolve()
        for glob in _globs(table, "exclude", root_file, text)
        for path in _glob(root, glob, root_file, text)
    }
    folders: list[Path] = []
    for glob in _globs(table, "members", root_file, text):
        matched = sorted(
            {
                path.resolve()
                for path in _glob(root, glob, root_file, text)
                if is_folder(path) and exists(path / PYPROJECT)
            }
        )
        if not matched:
            raise WorkspaceError(
                f"member glob {glob!r} matches no folder with a {PYPROJECT}",
                path=root_file,
                line=quoted_line_of(text, glob),
            )
        folders.extend(p for p in matched if p not in excluded and p not in folders)
    return folders


def _globs(table: dict[str, Any], key: str, root_file: Path, text: str) -> list[str]:
    globs = _expect(table.get(key, []), list, f"tool.uv.workspace.{key}", root_file, text)
    return [_expect(glob, str, f"tool.uv.workspace.{key}", root_file, text) for glob in globs]


def _glob(root: Path, glob: str, root_file: Path, text: str) -> list[Path]:
    """Expand ``glob`` under ``root``; a glob without wildcards (like ``.``) is a plain path.

    A glob naming a path the file system cannot take (a NUL byte, a name too
    long), or reaching outside the workspace root, is an error naming its line.
    """
    line = quoted_line_of(text, glob)
    quoted = repr(clip(glob))
    try:
        if glob and not any(wildcard in glob for wildcard in "*?["):
            (root / glob).stat()
            found = [root / glob]
        else:
            found = list(root.glob(glob))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        raise WorkspaceError(
            f"invalid glob {quoted}: {path_problem(error)}", path=root_file, line=line
        ) from None
    except (ValueError, NotImplementedError) as error:
        problem = "the path holds a NUL byte" if "\x00" in glob else str(error)
        raise WorkspaceError(
            f"invalid glob {quoted}: {problem}", path=root_file, line=line
        ) from None
    outside = next((path for path in found if not inside(path, root)), None)
    if outside is not None:
        raise WorkspaceError(
            f"glob {quoted} reaches outside the workspace root ({os.path.normpath(outside)})",
            path=root_file,
            line=line,
        )
    return found


def _draft(  # noqa: PLR0913 - the member's folder, file, data, text, place and the lock
    folder: Path,
    file: Path,
    data: dict[str, Any],
    text: str,
    *,
    is_root: bool,
    locked: Mapping[str, tuple[str, ...]],
) -> _Draft:
    """Read one member's ``pyproject.toml`` data, every field but the workspace-wide ones.

    ``locked``: the members' dependencies in ``uv.lock``, for dynamic ones.
    """
    if "project" not in data:
        raise WorkspaceError("no [project] table: a workspace member needs one", path=file)
    project = table_at(data, ("project",), file, WorkspaceError)
    name = project.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        problem = "missing" if name is None else f"not a valid project name: {shown(name)}"
        line = line_of(text, *key_needles("name")) if name is not None else None
        raise WorkspaceError(
            f"[project].name is {problem}",
            path=file,
            line=line or quoted_line_of(text, "[project]"),
        )
    version = _expect(project.get("version", ""), str, "[project].version", file, text)
    raw_python = _expect(
        project.get("requires-python", ""), str, "[project].requires-python", file, text
    )
    try:
        requires_python = SpecifierSet(raw_python)
    except InvalidSpecifier as error:
        raise WorkspaceError(
            f"invalid requires-python {raw_python!r}: {first_line(error)}",
            path=file,
            line=quoted_line_of(text, "requires-python"),
        ) from None
    raw_dependencies = _expect(
        project.get("dependencies", []), list, "[project].dependencies", file, text
    )
    if "dependencies" in _expect(project.get("dynamic", []), list, "[project].dynamic", file, text):
        # A build hook computes them: uv.lock is where uv wrote what it found.
        raw_dependencies = list(locked.get(str(canonicalize_name(name)), ()))
    dependencies = _requirements(raw_dependencies, file, text)
    _check_uv_sources(data, file, text)
    groups = _dependency_groups(data.get("dependency-groups", {}), file, text)
    in_groups = _requirements([raw for entries in groups.values() for raw in entries], file, text)
    # The root's [tool.tiergate] is the workspace's configuration, not a member's overrides.
    settings = MemberConfig() if is_root else parse_member_config(data, file, text)
    source = member_source(folder, data, name=name, file=file, text=text, override=settings.source)
    member = Member(
        name=name,
        version=version,
        path=folder,
        requires_python=requires_python,
        dependencies=tuple(req for _, req in dependencies),
        dependency_groups=MappingProxyType(groups),
        internal_dependencies=(),
        runtime_dependencies=(),
        pythons=(),
        is_root=is_root,
        import_packages=source.import_names,
        source=source.paths,
        source_origin=source.origin,
        tests=_NOT_SEARCHED,
        untested_reason=None if settings.tests else settings.tests_reason,
        tested_by=settings.tested_by,
    )
    return _Draft(
        member, file, text, dependencies, tuple(req for _, req in in_groups), settings.tests_paths
    )


def _check_uv_sources(data: dict[str, Any], file: Path, text: str) -> None:
    """``[tool.uv.sources]``: each entry a table, or an array of tables, as uv requires."""
    sources = table_at(data, ("tool", "uv", "sources"), file, WorkspaceError)
    for name, source in sources.items():
        entries = source if isinstance(source, list) else [source]
        if not entries or not all(isinstance(entry, dict) for entry in entries):
            raise shape_error(
                f"tool.uv.sources.{name}",
                "a table (or an array of tables)",
                source,
                file,
                WorkspaceError,
                text=text,
            )


def _expect(value: object, kind: type[_T], key: str, file: Path, text: str) -> _T:
    """``value`` if it is a ``kind``, else a WorkspaceError naming ``key`` and its line."""
    return expect_type(value, kind, key, file, WorkspaceError, text=text)


def _requirements(raws: list[Any], file: Path, text: str) -> tuple[tuple[str, Requirement], ...]:
    parsed: list[tuple[str, Requirement]] = []
    for raw in raws:
        if not isinstance(raw, str):  # group entries are checked already
            line = quoted_line_of(text, "dependencies")
            raise WorkspaceError(f"dependency {raw!r} is not a string", path=file, line=line)
        try:
            parsed.append((raw, Requirement(raw)))
        except InvalidRequirement as error:
            raise WorkspaceError(
                f"invalid dependency {raw!r}: {first_line(error)}",
                path=file,
                line=quoted_line_of(text, raw),
            ) from None
    return tuple(parsed)


def _dependency_groups(raw: object, file: Path, text: str) -> dict[str, tuple[str, ...]]:
    """Return ``[dependency-groups]`` with includes resolved (PEP 735)."""
    raw = _expect(raw, dict, "[dependency-groups]", file, text)
    keys: dict[str, str] = {}
    for key in raw:
        _expect(raw[key], list, f"[dependency-groups].{key}", file, text)
        if canonicalize_name(key) in keys:
            raise WorkspaceError(
                f"dependency group {key!r} is declared twice",
                path=file,
                line=quoted_line_of(text, key),
            )
        keys[canonicalize_name(key)] = key

    def resolve(group: str, trail: tuple[str, ...]) -> list[str]:
        entries: list[str] = []
        for entry in raw[group]:
            if isinstance(entry, str):
                entries.append(entry)
                continue
            included = entry.get("include-group") if isinstance(entry, dict) else None
            if not isinstance(included, str) or len(entry) != 1:
                raise WorkspaceError(
                    f"dependency group {group!r}: invalid entry {entry!r}",
                    path=file,
                    line=quoted_line_of(text, group),
                )
            key = keys.get(canonicalize_name(included))
            if key is None or key in trail:
                problem = "includes unknown group" if key is None else "includes itself via"
                raise WorkspaceError(
                    f"dependency group {group!r} {problem} {included!r}",
                    path=file,
                    line=quoted_line_of(text, included),
                )
            entries.extend(resolve(key, (*trail, key)))
        return list(dict.fromkeys(entries))

    return {key: tuple(resolve(key, (key,))) for key in raw}


def _admitted(requires_python: SpecifierSet, configured: Sequence[str]) -> tuple[str, ...]:
    """Return the ``X.Y`` versions with some ``X.Y.Z`` release ``requires_python`` admits."""
    return tuple(
        version
        for version in configured
        if any(requires_python.contains(f"{version}.{patch}") for patch in range(_PATCHES))
    )

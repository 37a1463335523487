"""The locked distributions of one environment, from ``uv.lock``.

A session's environment is what ``uv sync --frozen`` installs: a member (or
the root's groups alone), its dependency groups, and everything those need,
transitively, extras followed. Each distribution's lock entry (version,
source, sdist and wheel hashes, dependencies) is hashed on its own, so a
change to the lock outside an environment is no change for its sessions.
Environment markers are not evaluated: a distribution locked for another
platform is kept, which can only make a key change more often.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from tiergate.inputs.hashing import value_digest

if TYPE_CHECKING:
    from collections.abc import Iterable

LOCAL_SOURCES = ("editable", "virtual", "directory", "path")
"""Sources whose content is a folder or file of the machine, not a hashed artifact."""


class LockProblem(Exception):  # noqa: N818 - a state of the lock, reported as a key's reason
    """The lock cannot say what an environment holds (``reason``, one line)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Environment:
    """The lock entries of one environment: digest per distribution, and its local sources."""

    digests: dict[str, str] = field(default_factory=dict)
    """Normalised distribution name -> SHA-256 of its lock entries (one per locked version)."""
    versions: dict[str, str] = field(default_factory=dict)
    """Normalised distribution name -> its locked version (several joined by ``|``)."""
    local: tuple[str, ...] = ()
    """Folders and files (as the lock writes them, relative to the root) it installs from."""


class Lock:
    """The parsed ``uv.lock``: its packages by normalised name."""

    def __init__(self, data: dict[str, Any]) -> None:
        packages = data.get("package", [])
        self._by_name: dict[str, list[dict[str, Any]]] = {}
        for package in packages if isinstance(packages, list) else []:
            if isinstance(package, dict) and isinstance(package.get("name"), str):
                self._by_name.setdefault(str(canonicalize_name(package["name"])), []).append(
                    package
                )
        manifest = data.get("manifest", {})
        groups = manifest.get("dependency-groups", {}) if isinstance(manifest, dict) else {}
        self._root_groups: dict[str, Any] = groups if isinstance(groups, dict) else {}
        self._digests: dict[tuple[int, ...], str] = {}
        self._position = (
            {id(entry): n for n, entry in enumerate(packages)} if isinstance(packages, list) else {}
        )

    def version(self, name: str) -> str | None:
        """The locked version of ``name`` (several joined by ``|``); ``None``: not locked."""
        entries = self._by_name.get(str(canonicalize_name(name)), [])
        return "|".join(sorted({str(e.get("version", "")) for e in entries})) if entries else None

    def local_sources(self) -> tuple[str, ...]:
        """Every folder and file the lock installs from, in any environment (as it writes them)."""
        return _local_sources(entry for entries in self._by_name.values() for entry in entries)

    def member_environment(self, member: str, groups: Iterable[str]) -> Environment:
        """What ``uv sync --package member --group ...`` installs (the member included)."""
        wanted = str(canonicalize_name(member))
        entries = [e for e in self._by_name.get(wanted, []) if _is_local(e)]
        if not entries:
            raise LockProblem(f"uv.lock holds no entry for {member}: run `uv lock`")
        start: list[object] = [{"name": member}]
        for entry in entries:
            start.extend(_dependencies(entry, "dev-dependencies", groups))
        return self._closure(start)

    def group_environment(self, root: str | None, group: str) -> Environment:
        """What ``uv sync --only-group group`` installs from the root's ``group``.

        ``root`` is the root project's name; ``None`` for a workspace root with
        no ``[project]``, whose groups the lock keeps in its ``[manifest]``.
        """
        if root is not None:
            entries = list(self._by_name.get(str(canonicalize_name(root)), []))
            if not entries:
                raise LockProblem(f"uv.lock holds no entry for {root}: run `uv lock`")
            start = [d for e in entries for d in _dependencies(e, "dev-dependencies", [group])]
        else:
            start = [
                d
                for name, entries in self._root_groups.items()
                if canonicalize_name(str(name)) == canonicalize_name(group)
                for d in (entries if isinstance(entries, list) else [])
            ]
        return self._closure(start)

    def _closure(self, start: list[object]) -> Environment:
        stack = list(start)
        seen: set[int] = set()
        extras_seen: set[tuple[int, str]] = set()
        found: dict[str, list[dict[str, Any]]] = {}
        while stack:
            dependency = stack.pop()
            if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
                continue
            extras = dependency.get("extra", [])
            for entry in self._matching(dependency):
                if id(entry) not in seen:
                    seen.add(id(entry))
                    found.setdefault(str(canonicalize_name(entry["name"])), []).append(entry)
                    stack.extend(_dependencies(entry, "dependencies", None))
                for extra in extras if isinstance(extras, list) else []:
                    if (id(entry), str(extra)) not in extras_seen:
                        extras_seen.add((id(entry), str(extra)))
                        stack.extend(_dependencies(entry, "optional-dependencies", [str(extra)]))
        local = _local_sources(entry for entries in found.values() for entry in entries)
        digests = {name: self._digest(entries) for name, entries in sorted(found.items())}
        versions = {
            name: "|".join(sorted({str(entry.get("version", "")) for entry in entries}))
            for name, entries in found.items()
        }
        return Environment(digests, versions, tuple(local))

    def _digest(self, entries: list[dict[str, Any]]) -> str:
        """The digest of a distribution's entries, computed once per lock."""
        ordered = sorted(entries, key=lambda entry: self._position[id(entry)])  # as in the file
        ids = tuple(id(entry) for entry in ordered)
        if ids not in self._digests:
            self._digests[ids] = value_digest(ordered)
        return self._digests[ids]

    def _matching(self, dependency: dict[str, Any]) -> list[dict[str, Any]]:
        """The entries ``dependency`` names: by version and source when it says, else every one."""
        name = str(canonicalize_name(dependency["name"]))
        candidates = self._by_name.get(name, [])
        if not candidates:
            raise LockProblem(f"uv.lock names {dependency['name']} but holds no entry for it")
        chosen = [
            entry
            for entry in candidates
            if all(
                dependency[key] == entry.get(key)
                for key in ("version", "source")
                if key in dependency
            )
        ]
        return chosen or candidates


def _local_sources(entries: Iterable[dict[str, Any]]) -> tuple[str, ...]:
    """The folders and files ``entries`` install from, sorted, each once."""
    return tuple(
        sorted(
            {
                str(entry["source"][kind])
                for entry in entries
                for kind in LOCAL_SOURCES
                if isinstance(entry.get("source"), dict) and kind in entry["source"]
            }
        )
    )


def _is_local(entry: dict[str, Any]) -> bool:
    source = entry.get("source")
    return isinstance(source, dict) and ("editable" in source or "virtual" in source)


def _dependencies(entry: dict[str, Any], table: str, keys: Iterable[str] | None) -> list[object]:
    """``entry[table]`` (a list), or the lists of ``keys`` in it (groups, extras: normalised)."""
    value = entry.get(table)
    if keys is None:
        return list(value) if isinstance(value, list) else []
    if not isinstance(value, dict):
        return []
    wanted = {canonicalize_name(key) for key in keys}
    return [
        dependency
        for name, dependencies in value.items()
        if canonicalize_name(str(name)) in wanted and isinstance(dependencies, list)
        for dependency in dependencies
    ]

"""What ``uv.lock`` says about the workspace's own members.

A member whose ``[project].dependencies`` is dynamic (computed by a build hook,
as ``uv-dynamic-versioning`` does) names its dependencies nowhere but in the
lock, which uv wrote after building its metadata. Only the lock's members
(sources ``editable`` or ``virtual``) are read here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from tiergate.config import read_toml
from tiergate.reading import exists

if TYPE_CHECKING:
    from pathlib import Path

LOCK = "uv.lock"


def locked_member_dependencies(root: Path) -> dict[str, tuple[str, ...]]:
    """Normalised member name -> the names its locked runtime dependencies, sorted.

    No ``uv.lock``: an empty mapping. A lock that is not TOML is a ConfigError
    naming it and its line; entries of another shape than uv writes are skipped
    (uv refuses such a lock itself).
    """
    path = root / LOCK
    if not exists(path):
        return {}
    found: dict[str, tuple[str, ...]] = {}
    packages = read_toml(path, "lock file", shared=True).get("package", [])
    for package in packages if isinstance(packages, list) else []:
        if not isinstance(package, dict) or not _is_member(package):
            continue
        entries = package.get("dependencies", [])
        names = {
            str(canonicalize_name(entry["name"]))
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict) and isinstance(entry.get("name"), str)
        }
        found[str(canonicalize_name(str(package.get("name", ""))))] = tuple(sorted(names))
    return found


def _is_member(package: dict[str, Any]) -> bool:
    source = package.get("source")
    return isinstance(source, dict) and ("editable" in source or "virtual" in source)

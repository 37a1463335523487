"""What ``tiergate init`` reads off the workspace: tiers, SQL files, the ruff the lock pins."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from tiergate.config import read_toml
from tiergate.reading import exists

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.workspace import Workspace

TIER_ORDER = (
    *("unit", "component", "integration", "contract", "functional", "system"),
    *("e2e", "acceptance", "smoke", "performance", "benchmark", "benchmarks"),
)
"""Folder names read as tiers, lowest first; other folders under the tests are not tiers."""

DEFAULT_TIERS = ("unit", "integration", "e2e")
_SKIPPED = frozenset({".git", ".venv", ".nox", ".tiergate", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class Layout:
    """The facts of the workspace that decide what init writes."""

    tiers: dict[str, tuple[str, ...]]
    """Tier -> its folders relative to each member, lowest tier first."""
    has_sql: bool
    """Whether the repository holds ``.sql`` files (the sql session then needs its group)."""
    ruff: str
    """The ruff requirement of the pre-commit hooks: pinned to the lock's version if locked."""

    @property
    def default_tier(self) -> str:
        """``unit`` when it is a tier, else the lowest tier."""
        return "unit" if "unit" in self.tiers else next(iter(self.tiers))


def detect(workspace: Workspace) -> Layout:
    """Read the layout of ``workspace`` (its members' test files, its files, its lock)."""
    return Layout(
        tiers=found_tiers(workspace),
        has_sql=has_sql(workspace.root),
        ruff=locked_requirement(workspace.root, "ruff"),
    )


def found_tiers(workspace: Workspace) -> dict[str, tuple[str, ...]]:
    """The tier folders holding the members' tests; none at all: unit, integration, e2e.

    A test file's tier is the first folder of its path (below its member) named
    as in :data:`TIER_ORDER`: ``tests/unit/db/test_x.py`` is in ``tests/unit``.
    """
    found: dict[str, set[str]] = {}
    for member in workspace.members:
        for file in member.test_files:
            try:
                parts = file.relative_to(member.path).parts[:-1]
            except ValueError:
                continue
            tier = next((n for n, part in enumerate(parts) if part in TIER_ORDER), None)
            if tier is not None:
                found.setdefault(parts[tier], set()).add("/".join(parts[: tier + 1]))
    if not found:
        return {name: (f"tests/{name}",) for name in DEFAULT_TIERS}
    return {name: tuple(sorted(found[name])) for name in TIER_ORDER if name in found}


def has_sql(root: Path) -> bool:
    """Whether a ``.sql`` file is in the repository (outside tool and environment folders)."""
    for _folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name not in _SKIPPED]
        if any(name.endswith(".sql") for name in files):
            return True
    return False


def locked_requirement(root: Path, name: str) -> str:
    """``name==<version>`` as ``uv.lock`` pins it, else ``name`` alone.

    A lock that is not TOML is a :class:`~tiergate.errors.ConfigError` naming
    it; entries of another shape than uv writes are skipped.
    """
    path = root / "uv.lock"
    if not exists(path):
        return name
    packages = read_toml(path, "lock file").get("package", [])
    for package in packages if isinstance(packages, list) else []:
        if not isinstance(package, dict) or not isinstance(package.get("version"), str):
            continue
        if canonicalize_name(str(package.get("name", ""))) == name:
            return f"{name}=={package['version']}"
    return name


def is_locked(root: Path, name: str) -> bool:
    """Whether ``uv.lock`` holds a package ``name``."""
    return locked_requirement(root, name) != name

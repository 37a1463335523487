"""The ``pyproject.toml`` edits: the root's groups and ``[tool.tiergate]``, each member's groups.

Only what is missing is added; a key the user wrote is never changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import tomlkit
from packaging.utils import canonicalize_name

from tiergate.scaffold.changes import ScaffoldError
from tiergate.scaffold.detect import is_locked
from tiergate.scaffold.groups import add_includes, add_missing, key_of, new_group, resolve, table

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from tomlkit.items import Table
    from tomlkit.toml_document import TOMLDocument

    from tiergate.scaffold.detect import Layout

TIERGATE_NOX = "tiergate-nox"
ADD_COMMAND = (
    "uv add --dev --editable <tiergate checkout>/packages/tiergate-nox "
    "<tiergate checkout>/packages/tiergate <tiergate checkout>/packages/pytest-tiergate"
)
"""The one command that makes tiergate-nox a resolvable dev dependency (docs/adopt.md)."""

TEST_TOOLS = ("pytest", "coverage", "pytest-tiergate")


def session_groups(layout: Layout) -> dict[str, tuple[str, ...]]:
    """The root groups the tool sessions install, with what a new one holds."""
    groups: dict[str, tuple[str, ...]] = {"lint": ("ruff",)}
    if layout.has_sql:
        groups["sql"] = ("sqlfluff",)
    groups["security"] = ("bandit", "pip-audit")
    return groups


def edit_root(doc: TOMLDocument, layout: Layout, root: Path) -> None:
    """Add the session groups, include them in ``dev``, and the missing ``[tool.tiergate]`` keys."""
    groups = table(doc, "dependency-groups")
    needed = session_groups(layout)
    for name, requirements in needed.items():
        if key_of(groups, name) is None:
            groups[name] = new_group(requirements)
    dev = key_of(groups, "dev") or "dev"
    if dev not in groups:
        groups[dev] = tomlkit.array()
    add_includes(groups, dev, needed)
    _require_tiergate_nox(doc, groups, dev, root)
    settings = table(table(doc, "tool"), "tiergate")
    if "tiers" not in settings:
        tiers = tomlkit.table()
        for name, paths in layout.tiers.items():
            inline = tomlkit.inline_table()
            inline["paths"] = list(paths)
            tiers[name] = inline
        settings["tiers"] = tiers
    if "default-tier" not in settings:
        names = list(cast("Mapping[str, object]", settings["tiers"]))
        settings["default-tier"] = "unit" if "unit" in names else names[0]


def _require_tiergate_nox(doc: TOMLDocument, groups: Table, dev: str, root: Path) -> None:
    """tiergate-nox must be in a root group with a source uv resolves; ``dev`` then gets it."""
    holding = [key for key in groups if TIERGATE_NOX in resolve(groups, key)[0]]
    sources = doc.get("tool", {}).get("uv", {}).get("sources", {})
    has_source = any(canonicalize_name(name) == TIERGATE_NOX for name in sources)
    if not holding or not (has_source or is_locked(root, TIERGATE_NOX)):
        raise ScaffoldError(
            f"{TIERGATE_NOX} is not a dependency of the root that uv can resolve "
            f"(tiergate is on no package index): run `{ADD_COMMAND}`",
            path=root / "pyproject.toml",
        )
    if dev not in holding:
        add_missing(groups, dev, [TIERGATE_NOX])


def edit_member(doc: TOMLDocument, *, tests: bool, source: bool, root: bool = False) -> None:
    """The test group (``test``, else ``dev``, else a new ``test``) and the ``type`` group.

    With tests: pytest, coverage and pytest-tiergate in the test group. With
    tests or source: mypy in ``type`` (a new ``type`` includes the test group).
    The root's ``type`` session also checks ``noxfile.py`` and ``tasks.py``,
    which import tiergate-nox: its ``type`` group holds it.
    """
    if not tests and not source:
        return
    groups = table(doc, "dependency-groups")
    test = key_of(groups, "test") or key_of(groups, "dev")
    if tests:
        if test is None:
            test = "test"
            groups[test] = tomlkit.array()
        add_missing(groups, test, TEST_TOOLS)
    kind = key_of(groups, "type")
    if kind is None:
        kind = "type"
        groups[kind] = new_group(["mypy", *([{"include-group": test}] if tests and test else [])])
    add_missing(groups, kind, ["mypy", *([TIERGATE_NOX] if root else [])])


def add_bounds(doc: TOMLDocument, bounds: Mapping[str, object]) -> None:
    """Set each coverage bound of ``bounds`` (``combined``, ``tiers``, ``packages``) not set yet."""
    coverage = table(table(table(doc, "tool"), "tiergate"), "coverage")
    for key, value in bounds.items():
        if isinstance(value, dict):
            scope = table(coverage, key)
            for name, bound in value.items():
                if name not in scope:
                    scope[name] = bound
        elif key not in coverage:
            coverage[key] = value

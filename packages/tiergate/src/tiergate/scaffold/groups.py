"""PEP 735 dependency groups in a ``pyproject.toml`` edited with tomlkit (comments kept).

Group names compare normalized, as PEP 735 says; a group's requirements are its
own and those of the groups it includes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tomlkit.container import Container
    from tomlkit.items import Array, Table
    from tomlkit.toml_document import TOMLDocument


def table(parent: TOMLDocument | Table | Container, key: str) -> Table:
    """``parent[key]``, a table, created (empty) when absent."""
    if key not in parent:
        parent[key] = tomlkit.table(is_super_table=key == "tool")
    return cast("Table", parent[key])


def key_of(groups: Table, name: str) -> str | None:
    """The key of group ``name`` as written (``Test`` for ``test``), ``None``: no such group."""
    wanted = canonicalize_name(name)
    return next((key for key in groups if canonicalize_name(key) == wanted), None)


def resolve(groups: Table, name: str) -> tuple[set[str], set[str]]:
    """The normalized requirement names of group ``name``, and the groups it is made of."""
    names: set[str] = set()
    made_of: set[str] = set()

    def visit(group: str) -> None:
        key = key_of(groups, group)
        if key is None or canonicalize_name(key) in made_of:
            return
        made_of.add(canonicalize_name(key))
        for entry in cast("list[Any]", groups[key]):
            if isinstance(entry, str):
                try:
                    names.add(canonicalize_name(Requirement(entry).name))
                except InvalidRequirement:
                    continue
            elif isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
                visit(entry["include-group"])

    visit(name)
    return names, made_of


def new_group(entries: Iterable[str | dict[str, str]]) -> Array:
    """A one-line array of requirement strings and ``{include-group = ...}`` tables."""
    array = tomlkit.array()
    for entry in entries:
        array.append(include(entry["include-group"]) if isinstance(entry, dict) else entry)
    return array


def include(group: str) -> Any:  # noqa: ANN401 - tomlkit's InlineTable
    """``{include-group = "<group>"}``."""
    inline = tomlkit.inline_table()
    inline["include-group"] = group
    return inline


def add_missing(groups: Table, group: str, requirements: Iterable[str]) -> None:
    """Append each of ``requirements`` that group ``group`` (includes resolved) lacks."""
    present, _ = resolve(groups, group)
    array = cast("Array", groups[key_of(groups, group) or group])
    for requirement in requirements:
        if canonicalize_name(Requirement(requirement).name) not in present:
            array.append(requirement)


def add_includes(groups: Table, group: str, included: Iterable[str]) -> None:
    """Append ``{include-group = ...}`` for each of ``included`` that ``group`` is not made of."""
    _, made_of = resolve(groups, group)
    array = cast("Array", groups[key_of(groups, group) or group])
    for name in included:
        key = key_of(groups, name)
        if key is not None and canonicalize_name(key) not in made_of:
            array.append(include(key))

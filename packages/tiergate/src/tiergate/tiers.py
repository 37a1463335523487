"""What pytest-tiergate and the static scan both decide about a test.

Which tier a test file is in, from its folder, and whether a ``req`` marker's
argument is a requirement ID.

A tier's ``paths`` (``tests/unit``) are folders relative to each member; a
test file is in every tier one of whose paths appears, as whole consecutive
parts, in the file's path below the workspace root.
"""

from __future__ import annotations

import functools
from pathlib import PurePath, PurePosixPath
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from collections.abc import Mapping


def is_requirement_id(value: object) -> TypeGuard[str]:
    """A ``@pytest.mark.req`` argument that can be an ID: a non-empty string without edge spaces."""
    return isinstance(value, str) and bool(value) and value == value.strip()


def folder_tiers(path: PurePath, root: PurePath, tiers: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The tiers one of whose paths appears, as whole consecutive parts, in ``path``.

    ``path`` is taken relative to ``root`` (absolute when outside it), so
    ``tests/unit`` matches ``tests/unit/test_a.py`` and ``packages/x/tests/unit/test_a.py``.
    """
    parts = path.relative_to(root).parts if path.is_relative_to(root) else path.parts

    def contains(run: tuple[str, ...]) -> bool:
        return any(parts[i : i + len(run)] == run for i in range(len(parts) - len(run) + 1))

    return [
        name
        for name, paths in tiers.items()
        if any(contains(_parts(tier_path)) for tier_path in paths)
    ]


@functools.lru_cache(maxsize=256)
def _parts(tier_path: str) -> tuple[str, ...]:
    """``tests/unit`` -> ``("tests", "unit")``, split once per process."""
    return PurePosixPath(tier_path).parts

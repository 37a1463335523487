"""Fixtures shared by the tiergate tests: throwaway uv workspaces written to tmp_path."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

ROOT_PYPROJECT = """\
[tool.uv.workspace]
members = ["packages/*"]
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    """A workspace root: members "packages/*", Pythons 3.11, 3.12, 3.13, no member yet."""
    root = tmp_path / "ws"
    _write(root / "pyproject.toml", ROOT_PYPROJECT)
    _write(root / ".python-version", "3.11\n3.12\n3.13\n")
    return root


@pytest.fixture
def write_file(ws_root: Path) -> Callable[[str, str], Path]:
    """Write dedented text to a path relative to the workspace root; return the path."""

    def write(relative: str, text: str) -> Path:
        return _write(ws_root / relative, text)

    return write


@pytest.fixture
def add_member(ws_root: Path) -> Callable[..., Path]:
    """Write a member ``packages/<name>`` depending on ``*dependencies``; return its folder.

    Keywords: ``folder`` (relative to the root), ``requires_python``, ``groups``
    (name -> requirement strings), ``package`` (an import package under src/),
    ``tests`` (create tests/).
    """

    def add(  # noqa: PLR0913 - one keyword per optional part of a member
        name: str,
        *dependencies: str,
        folder: str | None = None,
        requires_python: str | None = None,
        groups: Mapping[str, Sequence[str]] | None = None,
        package: str | None = None,
        tests: bool = False,
    ) -> Path:
        path = ws_root / (folder or f"packages/{name}")
        lines = ["[project]", f'name = "{name}"', 'version = "1.0"']
        if requires_python is not None:
            lines.append(f'requires-python = "{requires_python}"')
        lines.append(f"dependencies = {json.dumps(list(dependencies))}")
        if groups:
            lines.append("\n[dependency-groups]")
            lines.extend(f"{group} = {json.dumps(list(raws))}" for group, raws in groups.items())
        _write(path / "pyproject.toml", "\n".join(lines) + "\n")
        if package is not None:
            _write(path / "src" / package / "__init__.py", "")
        if tests:
            (path / "tests").mkdir()
        return path

    return add

"""Fuzz ``[tool.tiergate]``: root and member ``pyproject.toml`` of any bytes and any shape."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    examples,
    file_contents,
    fresh_folder,
    guarded,
    make_special,
    toml_table,
    toml_values,
    tomlish_text,
    unblocking,
    write,
)
from tiergate import reading
from tiergate.config import TiergateConfig, load_config, load_member_config

ROOT_KEYS = (
    "run-dir",
    "tiers",
    "default-tier",
    "min-tests",
    "coverage",
    "pyramid",
    "skips",
    "security",
    "requirements",
    "history",
    "ratchet",
    "patch",
    "gaps",
)
MEMBER_KEYS = (
    "min-tests",
    "coverage",
    "tests",
    "tests-reason",
    "tested-by",
    "source",
    "tests-paths",
)
SECTION_KEYS = (
    "paths",
    "combined",
    "tiers",
    "packages",
    "files",
    "min",
    "max",
    "never-skip",
    "allow",
    "test",
    "reason",
    "expires",
    "advisory-db",
    "online-timeout",
    "specs",
    "id-patterns",
    "min-share",
    "url",
    "main-branch",
    "trend-runs",
    "tolerance",
    "baseline-file",
    "base",
    "top",
    "churn-days",
    "package",
    "unit",
    "e2e",
)
"""Keys of the sections, so that wrong types reach the validators, not only ``extra`` keys."""


def _known_keys(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    section = st.dictionaries(st.sampled_from(SECTION_KEYS), toml_values, max_size=3)
    return st.dictionaries(st.sampled_from(keys), toml_values | section, max_size=3)


root_tables = _known_keys(ROOT_KEYS) | st.dictionaries(st.text(max_size=6), toml_values, max_size=3)
member_tables = _known_keys(MEMBER_KEYS)


@settings(max_examples=examples(400))
@given(content=file_contents)
def test_root_pyproject_of_any_bytes(content: bytes) -> None:
    with fresh_folder() as root:
        path = write(root / "pyproject.toml", content)
        guarded(lambda: load_config(root), path)


@settings(max_examples=examples(400))
@given(text=tomlish_text)
def test_root_pyproject_of_toml_ish_text(text: str) -> None:
    with fresh_folder() as root:
        path = write(root / "pyproject.toml", "[tool.tiergate]\n" + text)
        guarded(lambda: load_config(root), path)


@settings(max_examples=examples(600))
@given(table=root_tables, prefix=st.sampled_from(["tool.tiergate", "tool", ""]))
def test_root_tiergate_table_of_any_shape(table: dict[str, Any], prefix: str) -> None:
    with fresh_folder() as root:
        path = write(root / "pyproject.toml", toml_table(prefix, table))
        guarded(lambda: load_config(root), path)


@settings(max_examples=examples(150))
@given(value=toml_values)
def test_tool_tiergate_that_is_no_table(value: object) -> None:
    with fresh_folder() as root:
        path = write(root / "pyproject.toml", toml_table("tool", {"tiergate": value}))
        guarded(lambda: load_config(root), path)


@settings(max_examples=examples(400))
@given(table=member_tables, content=st.none() | file_contents)
def test_member_pyproject_of_any_shape(table: dict[str, Any], content: bytes | None) -> None:
    with fresh_folder() as member:
        data = content if content is not None else toml_table("tool.tiergate", table)
        path = write(member / "pyproject.toml", data)
        guarded(lambda: load_member_config(member, TiergateConfig()), path)


@settings(max_examples=examples(150))
@given(content=file_contents, what=st.sampled_from(["pyproject", "lock", "TOML file"]))
def test_guarded_toml_reader(content: bytes, what: str) -> None:
    with fresh_folder() as root:
        path = write(root / "x.toml", content)
        guarded(lambda: reading.read_toml(path, what), path)


@settings(max_examples=examples(100))
@given(depth=st.integers(min_value=1, max_value=3000), kind=st.sampled_from(["array", "table"]))
def test_deeply_nested_toml(depth: int, kind: str) -> None:
    value = "[" * depth + "]" * depth if kind == "array" else "{a=" * depth + "1" + "}" * depth
    with fresh_folder() as root:
        path = write(root / "pyproject.toml", f"[tool.tiergate]\nrun-dir = {value}\n")
        guarded(lambda: load_config(root), path)


@pytest.mark.parametrize("kind", ["folder", "missing", "fifo", "symlink loop", "dangling"])
def test_pyproject_that_is_no_regular_file(kind: str) -> None:
    with fresh_folder() as root:
        path = root / "pyproject.toml"
        make_special(path, kind)
        with unblocking(path) as blocked:
            guarded(lambda: load_config(root), path)
        assert not blocked, f"load_config blocked reading a {kind}"

"""``[tool.tiergate.cache]``: ``enabled`` and ``max-size`` (bytes, or "2GiB"), strictly bounded."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.config import (
    DEFAULT_CACHE_BYTES,
    MAX_CACHE_BYTES,
    TiergateConfig,
    load_config,
    parse_size,
)
from tiergate.errors import ConfigError
from tiergate.schemas import FOLDER

if TYPE_CHECKING:
    from pathlib import Path

VALID = [
    ("0", 0),
    ("1048576", 1 << 20),
    ('"2GiB"', 2 << 30),
    ('"2 gib"', 2 << 30),
    ('"500MB"', 500_000_000),
    ('"1.5KiB"', 1536),
    ('"12B"', 12),
    ('"1PiB"', MAX_CACHE_BYTES),
    (str(MAX_CACHE_BYTES), MAX_CACHE_BYTES),
]
INVALID = [
    ("-1", "-1"),
    (str(MAX_CACHE_BYTES + 1), str(MAX_CACHE_BYTES + 1)),
    ('"2PiB"', "'2PiB'"),
    ("true", "True"),
    ("2.5", "2.5"),
    ('"2 GB extra"', "'2 GB extra'"),
    ('"2XB"', "'2XB'"),
    ('""', "''"),
    ("[1]", "[1]"),
]


def _root(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "ws"\n\n[tool.tiergate.cache]\n{table}\n', encoding="utf-8"
    )
    return tmp_path


@pytest.mark.req("FR-208")
def test_the_cache_is_on_and_bounded_to_2_gib_by_default() -> None:
    cache = TiergateConfig().cache
    assert (cache.enabled, cache.max_bytes) == (True, DEFAULT_CACHE_BYTES)
    assert DEFAULT_CACHE_BYTES == 2 * 1024**3


@pytest.mark.req("FR-208")
@pytest.mark.parametrize(("written", "size"), VALID)
def test_max_size_is_bytes_or_a_size_with_its_unit(tmp_path: Path, written: str, size: int) -> None:
    assert load_config(_root(tmp_path, f"max-size = {written}")).cache.max_bytes == size


@pytest.mark.req("FR-208", "FR-171")
@pytest.mark.parametrize(("written", "shown"), INVALID)
def test_any_other_size_is_one_line_naming_the_file_and_line(
    tmp_path: Path, written: str, shown: str
) -> None:
    root = _root(tmp_path, f"enabled = true\nmax-size = {written}")
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert str(caught.value) == (
        f"{root / 'pyproject.toml'}:6: tool.tiergate.cache.max-size: must be a size in bytes "
        f'from 0 to {MAX_CACHE_BYTES} (1 PiB): an integer, or a string such as "2GiB" or '
        f'"500MB", not {shown}'
    )


@pytest.mark.req("FR-208")
def test_enabled_is_a_boolean(tmp_path: Path) -> None:
    assert load_config(_root(tmp_path, "enabled = false")).cache.enabled is False
    with pytest.raises(ConfigError) as caught:
        load_config(_root(tmp_path, 'enabled = "no"'))
    assert str(caught.value).startswith(
        f"{tmp_path / 'pyproject.toml'}:5: tool.tiergate.cache.enabled: Input should be"
    )


def test_parse_size_rounds_a_fraction_down_to_whole_bytes() -> None:
    assert parse_size("0.5KB") == 500
    assert parse_size("1.0009KiB") == 1024  # 1024.92...: no partial byte


@pytest.mark.req("FR-208")
def test_the_published_schema_holds_the_cache_table() -> None:
    schema = json.loads((FOLDER / "config.schema.json").read_text(encoding="utf-8"))
    table = schema["$defs"]["CacheConfig"]["properties"]
    assert table["enabled"]["default"] is True
    assert table["max-size"]["default"] == DEFAULT_CACHE_BYTES
    kinds = {one["type"] for one in table["max-size"]["anyOf"]}
    assert kinds == {"integer", "string"}

"""``workers``: how many pytest-xdist workers a tests session starts, strictly bounded."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.config import MAX_WORKERS, TiergateConfig, load_config, load_member_config
from tiergate.errors import ConfigError
from tiergate.schemas import FOLDER

if TYPE_CHECKING:
    from pathlib import Path

VALID = [('"auto"', "auto"), ("0", 0), ("1", 1), ("2", 2), (str(MAX_WORKERS), MAX_WORKERS)]
INVALID = [
    ("-1", "-1"),
    (str(MAX_WORKERS + 1), str(MAX_WORKERS + 1)),
    ("true", "True"),
    ("false", "False"),
    ("2.0", "2.0"),
    ("inf", "inf"),
    ('"2"', "'2'"),
    ('"Auto"', "'Auto'"),
    ('""', "''"),
    ("[2]", "[2]"),
    ("{ n = 2 }", "{'n': 2}"),
]


def _root(tmp_path: Path, value: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "ws"\n\n[tool.tiergate]\nmin-tests = 1\nworkers = {value}\n',
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.req("FR-180")
def test_workers_default_to_auto_at_the_root_and_to_the_roots_in_a_member() -> None:
    assert TiergateConfig().workers == "auto"
    assert TiergateConfig.model_validate({}).workers == "auto"


@pytest.mark.req("FR-180")
@pytest.mark.parametrize(("written", "read"), VALID)
def test_auto_or_a_count_from_0_to_256_is_taken(tmp_path: Path, written: str, read: object) -> None:
    root = _root(tmp_path, written)
    assert load_config(root).workers == read
    assert load_member_config(root, TiergateConfig()).workers == read


@pytest.mark.req("FR-180", "FR-171")
@pytest.mark.parametrize(("written", "shown"), INVALID)
def test_anything_else_is_one_line_naming_the_file_and_the_line(
    tmp_path: Path, written: str, shown: str
) -> None:
    root = _root(tmp_path, written)
    expected = (
        f"{root / 'pyproject.toml'}:6: tool.tiergate.workers: "
        f'must be "auto" or an integer from 0 to {MAX_WORKERS}, not {shown}'
    )
    for load in (load_config, lambda folder: load_member_config(folder, TiergateConfig())):
        with pytest.raises(ConfigError) as caught:
            load(root)
        assert str(caught.value) == expected


@pytest.mark.req("FR-180")
def test_a_member_without_workers_takes_the_roots(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "m"\n', encoding="utf-8")
    assert load_member_config(tmp_path, TiergateConfig()).workers is None


@pytest.mark.req("FR-180")
def test_the_published_schema_bounds_workers() -> None:
    schema = json.loads((FOLDER / "config.schema.json").read_text(encoding="utf-8"))
    workers = schema["properties"]["workers"]
    assert workers["default"] == "auto"
    assert {"const": "auto", "type": "string"} in workers["anyOf"]
    assert {"maximum": MAX_WORKERS, "minimum": 0, "type": "integer"} in workers["anyOf"]

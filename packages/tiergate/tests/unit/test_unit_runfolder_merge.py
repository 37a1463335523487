"""Shards of one run merged by session name (FR-013), from folders written by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ArtifactError
from tiergate.runfolder import merge_runs
from unit.conftest import RunFolder

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.req("FR-013")
def test_shards_merge_into_one_mapping_by_session_name(tmp_path: Path) -> None:
    first, second = RunFolder(tmp_path / "a"), RunFolder(tmp_path / "b")
    lint = first.lint()
    sql = second.sql()
    types = second.types("alpha")

    merged = merge_runs([first.path, second.path])

    assert {name: folder for name, (folder, _) in merged.items()} == {
        "lint": lint,
        "sql": sql,
        "type-3.11(package='alpha')": types,
    }
    assert {manifest.kind for _, manifest in merged.values()} == {"lint", "sql", "type"}


def test_no_shard_merges_into_nothing() -> None:
    assert merge_runs([]) == {}


@pytest.mark.req("FR-013")
def test_the_same_session_in_two_shards_is_an_error_naming_both(tmp_path: Path) -> None:
    first, second = RunFolder(tmp_path / "a"), RunFolder(tmp_path / "b")
    kept = first.lint()
    again = second.lint()

    with pytest.raises(ArtifactError) as caught:
        merge_runs([first.path, second.path])

    assert str(caught.value) == (
        f"{again / 'manifest.json'}: session lint is also in {kept / 'manifest.json'}: "
        "merge each session once"
    )


def test_a_shard_that_is_not_a_run_folder_is_named(tmp_path: Path) -> None:
    shard = RunFolder(tmp_path / "a")
    shard.lint()
    with pytest.raises(ArtifactError, match="not a run folder") as caught:
        merge_runs([shard.path, tmp_path / "missing"])
    assert caught.value.path == tmp_path / "missing"

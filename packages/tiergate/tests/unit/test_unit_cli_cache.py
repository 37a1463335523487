"""``tiergate cache``: the stored results listed, as JSON, cleared and pruned, end to end."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import pytest

from run_cli import tiergate
from tiergate.cache import CacheEntry, ResultCache
from tiergate.config import load_config
from tiergate.inputs import InputKey
from unit.conftest import CALC_PATH, IMPORTED, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from unit.conftest import RunFolder


ALPHA = "tests-3.11(package='alpha')"


def _key(text: str) -> InputKey:
    return InputKey.of(
        {"packages/alpha/src/alpha/calc.py": hashlib.sha256(text.encode()).hexdigest()}
    )


@pytest.fixture
def stored(workspace: Path, alpha: Path, run: RunFolder) -> list[CacheEntry]:
    """Two stored results of alpha's passed tests session (two keys)."""
    del alpha
    folder = run.tests("alpha", {"unit": Tier(passing(1), {CALC_PATH: IMPORTED})})
    cache = ResultCache.of(workspace, load_config(workspace))
    entries = [cache.save(folder, _key(text)) for text in ("one", "two")]
    assert all(isinstance(entry, CacheEntry) for entry in entries)
    return [entry for entry in entries if isinstance(entry, CacheEntry)]


@pytest.mark.req("FR-209")
def test_cache_lists_the_entries_and_the_total_against_max_size(
    workspace: Path, stored: list[CacheEntry]
) -> None:
    done = tiergate(workspace, "cache")

    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    rows = [" ".join(line.replace("│", " ").split()) for line in lines if ALPHA in line]
    short = sorted(entry.digest[:12] for entry in stored)
    assert sorted(row.split()[1] for row in rows) == short
    assert all(row.split()[2] == "r1" for row in rows)
    assert lines[-1].startswith("cache .tiergate/cache: 2 entries, ")
    assert lines[-1].endswith(" of 2.0 GiB (max-size)")


@pytest.mark.req("FR-209")
def test_cache_json_clear_and_prune(
    workspace: Path, stored: list[CacheEntry], configure: Callable[[str], None]
) -> None:
    document = json.loads(tiergate(workspace, "cache", "--json").stdout)
    assert {k: document[k] for k in ("schema_version", "folder", "enabled", "action")} == {
        "schema_version": 1,
        "folder": ".tiergate/cache",
        "enabled": True,
        "action": "list",
    }
    assert document["max_bytes"] == 2 * 1024**3
    assert sorted(e["digest"] for e in document["entries"]) == sorted(e.digest for e in stored)
    assert {e["size"] for e in document["entries"]} == {stored[0].size}
    assert document["total_bytes"] >= 2 * stored[0].size

    configure(f"[tool.tiergate.cache]\nmax-size = {stored[0].size + 4096}\nenabled = false\n")
    pruned = json.loads(tiergate(workspace, "cache", "--prune", "--json").stdout)
    assert (pruned["action"], pruned["removed"], len(pruned["entries"])) == ("prune", 1, 1)
    assert pruned["total_bytes"] <= stored[0].size + 4096
    assert pruned["enabled"] is False

    cleared = tiergate(workspace, "cache", "--clear")
    assert (cleared.returncode, cleared.stderr) == (0, "")
    assert cleared.stdout.splitlines()[:2] == ["cleared: 1 entry removed", "no stored results"]
    assert "(the cache is off: [tool.tiergate.cache] enabled = false)" in cleared.stdout
    assert json.loads(tiergate(workspace, "cache", "--json").stdout)["entries"] == []


def test_clear_and_prune_together_are_a_usage_error(workspace: Path) -> None:
    done = tiergate(workspace, "cache", "--clear", "--prune")
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def test_a_bad_cache_table_is_one_line_and_exit_2(
    workspace: Path, configure: Callable[[str], None]
) -> None:
    configure('[tool.tiergate.cache]\nmax-size = "lots"\n')
    done = tiergate(workspace, "cache")
    assert done.returncode == 2
    assert done.stderr.startswith("tiergate: error: ")
    assert "tool.tiergate.cache.max-size: must be a size in bytes" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_a_broken_entry_is_not_listed_and_prune_removes_it(
    workspace: Path, stored: list[CacheEntry]
) -> None:
    cache = ResultCache.of(workspace, load_config(workspace))
    (cache.entry_folder(ALPHA, stored[0].digest) / "entry.json").write_text("{")
    listed = json.loads(tiergate(workspace, "cache", "--json").stdout)
    assert [e["digest"] for e in listed["entries"]] == [stored[1].digest]
    tiergate(workspace, "cache", "--prune")
    assert not cache.entry_folder(ALPHA, stored[0].digest).exists()

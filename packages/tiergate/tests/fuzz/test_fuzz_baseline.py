"""Fuzz the ratchet's baseline file: random JSON, mutations of a valid one."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from fuzz.strategies import (
    examples,
    fresh_folder,
    guarded,
    json_contents,
    write,
)
from tiergate.history.baseline import read_baseline

COUNTS = {"covered": 6, "statements": 10}
VALID: dict[str, Any] = {
    "schema_version": 1,
    "run_id": "r1",
    "commit": "abc",
    "branch": "main",
    "created_at": "2026-11-22T10:00:00Z",
    "combined": COUNTS,
    "tiers": {"unit": COUNTS},
    "packages": {"a": COUNTS},
}


@settings(max_examples=examples(500))
@given(content=json_contents(VALID))
def test_baseline_of_any_content(content: bytes) -> None:
    with fresh_folder() as folder:
        path = write(folder / "tiergate-baseline.json", content)
        guarded(lambda: read_baseline(path).scopes(), path)

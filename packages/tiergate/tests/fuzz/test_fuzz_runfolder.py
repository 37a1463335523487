"""Fuzz the run folder's manifests: random JSON, mutations of a valid one, odd files."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    SPECIAL_KINDS,
    examples,
    fresh_folder,
    guarded,
    json_contents,
    make_special,
    unblocking,
    write,
)
from tiergate.runfolder import find_newest_complete_run, read_manifest, read_sessions

VALID: dict[str, Any] = {
    "schema_version": 1,
    "run_id": "r1",
    "session": "tests-3.11(package='a')",
    "kind": "tests",
    "package": "a",
    "python": "3.11",
    "started_at": "2026-11-22T10:00:00Z",
    "finished_at": "2026-11-22T10:00:30+00:00",
    "outcome": "passed",
    "exit_code": 0,
    "command": ["python", "-m", "pytest"],
    "artifacts": {},
    "message": "",
    "tiers": {
        "unit": {
            "exit_code": 0,
            "outcome": "passed",
            "artifacts": {
                "junit": "unit/junit.xml",
                "records": "unit/tests.jsonl",
                "coverage": "unit/coverage.db",
            },
            "message": "",
        }
    },
}
manifest_bytes = json_contents(VALID)


@settings(max_examples=examples(800))
@given(content=manifest_bytes)
def test_manifest_of_any_content(content: bytes) -> None:
    with fresh_folder() as folder:
        path = write(folder / "manifest.json", content)
        guarded(lambda: read_manifest(path), path)


@settings(max_examples=examples(200))
@given(contents=st.lists(manifest_bytes, min_size=1, max_size=3), finished=st.booleans())
def test_run_folders_of_any_manifests(contents: list[bytes], finished: bool) -> None:
    with fresh_folder() as base:
        runs = base / "runs"
        for index, content in enumerate(contents):
            write(runs / f"r{index}" / "sessions" / "s" / "manifest.json", content)
            if not finished:
                (runs / f"r{index}" / "sessions" / "running").mkdir()
        guarded(lambda: find_newest_complete_run(runs), runs)
        guarded(lambda: read_sessions(runs / "r0"), runs)


def test_manifest_that_is_no_regular_file() -> None:
    for kind in SPECIAL_KINDS:
        with fresh_folder() as base:
            path = base / "runs" / "r1" / "sessions" / "s" / "manifest.json"
            make_special(path, kind)
            with unblocking(path) as blocked:
                guarded(functools.partial(read_manifest, path), path)
                guarded(functools.partial(find_newest_complete_run, base / "runs"), base)
                guarded(functools.partial(read_sessions, base / "runs" / "r1"), base)
            assert not blocked, f"reading a manifest that is a {kind} blocked"

"""Fuzz ``tests.jsonl``: mutations of valid records, NaN and negative durations, bad UTF-8."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    bad_numbers,
    corrupt_bytes,
    deep_nesting,
    examples,
    fresh_folder,
    guarded,
    json_text,
    json_values,
    mutated,
    random_bytes,
    write,
)
from tiergate.records import read_records

VALID: dict[str, Any] = {
    "nodeid": "packages/a/tests/unit/test_x.py::test_one",
    "tier": "unit",
    "outcome": "skipped",
    "duration": 0.25,
    "skip_reason": "needs chromium",
    "skip_allowed": False,
    "strict_xpass": False,
    "requirements": ["FR-001"],
}
line_values = st.one_of(
    mutated(VALID),
    mutated(VALID, bad_numbers).map(lambda record: record),
    st.builds(lambda number: {**VALID, "duration": number}, bad_numbers),
    json_values,
)
lines = st.one_of(
    line_values.map(json_text),
    deep_nesting,
    st.sampled_from(["", " ", "{", "null", "[]", '"x"', "NaN", "\x00", "\u2028"]),
)


@settings(max_examples=examples(600))
@given(
    good=st.integers(min_value=0, max_value=3),
    bad=st.lists(lines, min_size=1, max_size=3),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_records_with_mutated_lines(good: int, bad: list[str], newline: str) -> None:
    with fresh_folder() as folder:
        text = newline.join([json_text(VALID)] * good + bad)
        path = write(folder / "tests.jsonl", text)
        guarded(lambda: read_records(path), path)


@settings(max_examples=examples(300))
@given(content=random_bytes | corrupt_bytes((json_text(VALID) + "\n").encode() * 3))
def test_records_of_any_bytes(content: bytes) -> None:
    with fresh_folder() as folder:
        path = write(folder / "tests.jsonl", content)
        guarded(lambda: read_records(path), path)

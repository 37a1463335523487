"""Reading ``tests.jsonl``: one record per line, errors naming file and line."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiergate.errors import ArtifactError
from tiergate.reading import parse_json, validate
from tiergate.records import TestRecord, read_records
from unit.conftest import record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NODE = "packages/alpha/tests/unit/test_calc.py::test_double"


def test_records_read_back_as_pytest_tiergate_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "tests.jsonl"
    written = {
        "nodeid": NODE,
        "tier": "unit",
        "outcome": "xpassed",
        "duration": 0.125,
        "skip_reason": "bug #3",
        "skip_allowed": None,
        "strict_xpass": True,
        "requirements": ["FR-001", "FR-002"],
    }
    plain = {"nodeid": f"{NODE}[2]", "tier": None, "outcome": "passed", "duration": 0.5}
    path.write_text(f"{json.dumps(written)}\n\n{json.dumps(plain)}\n")
    assert read_records(path) == [
        TestRecord(
            nodeid=NODE,
            tier="unit",
            outcome="xpassed",
            duration=0.125,
            skip_reason="bug #3",
            strict_xpass=True,
            requirements=("FR-001", "FR-002"),
        ),
        TestRecord(nodeid=f"{NODE}[2]", tier=None, outcome="passed", duration=0.5),
    ]


def test_fields_a_newer_plugin_adds_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "tests.jsonl"
    path.write_text(json.dumps({**record(NODE).model_dump(mode="json"), "worker": "gw1"}) + "\n")
    assert read_records(path) == [record(NODE)]


def test_an_empty_file_has_no_records(tmp_path: Path) -> None:
    path = tmp_path / "tests.jsonl"
    path.write_text("")
    assert read_records(path) == []


def test_a_missing_file_is_an_artifact_error(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="test records not found") as raised:
        read_records(tmp_path / "tests.jsonl")
    assert raised.value.path == tmp_path / "tests.jsonl"


def test_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "tests.jsonl"
    path.write_text(json.dumps(record(NODE).model_dump(mode="json")) + "\n{oops\n")
    with pytest.raises(ArtifactError, match=r"tests\.jsonl:2: not JSON: Expecting property name"):
        read_records(path)


def test_a_record_with_an_unknown_outcome_is_named_with_its_field(tmp_path: Path) -> None:
    path = tmp_path / "tests.jsonl"
    bad = {"nodeid": NODE, "tier": "unit", "outcome": "flaky", "duration": 1.0}
    path.write_text("\n" + json.dumps(bad) + "\n")
    with pytest.raises(ArtifactError) as raised:
        read_records(path)
    assert (raised.value.path, raised.value.line) == (path, 2)
    assert str(raised.value).startswith(
        f"{path}:2: not a valid test record: outcome: Input should be 'passed'"
    )


_TEXT = st.text('ab{}[]":,NaInfity\\ \u00e9', max_size=8)
"""Texts from the characters that matter to a JSON parser (and one beyond ASCII)."""
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=12,
)
_FIELD = {
    "nodeid": _TEXT | _JSON,
    "tier": st.sampled_from([None, "unit", ""]) | _JSON,
    "outcome": st.sampled_from(["passed", "failed", "flaky"]) | _JSON,
    "duration": st.floats() | st.integers(-2, 10**9) | _JSON,
    "requirements": st.lists(st.sampled_from(["FR-1", "", "x" * 300]), max_size=3) | _JSON,
    "strict_xpass": st.booleans() | _JSON,
}


def _deep(depth: int) -> str:
    return '{"nodeid": "t", "tier": null, "outcome": "passed", "duration": 1, "x": ' + (
        "[" * depth + "]" * depth + "}"
    )


@st.composite
def _lines(draw: st.DrawFn) -> str:
    """A line a hostile or careless writer could leave: a record, almost one, or anything."""
    fields = draw(st.dictionaries(st.sampled_from(sorted(_FIELD)), st.just(None)))
    value = {name: draw(strategy) for name, strategy in _FIELD.items() if name in fields}
    value.update(draw(st.dictionaries(_TEXT, _JSON, max_size=2)))
    return draw(
        st.sampled_from([json.dumps(value), json.dumps(value, indent=None, allow_nan=True)])
        | _TEXT
        | st.integers(60, 70).map(_deep)
    )


def _the_long_way(path: Path) -> list[TestRecord]:
    """Every line through parse_json then validate, as each line was read before."""
    text = path.read_text(encoding="utf-8")
    return [
        validate(
            TestRecord,
            parse_json(line, path, "test records", ArtifactError, line=number),
            path,
            "test record",
            ArtifactError,
            line=number,
        )
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def _outcome(read: Callable[[Path], list[TestRecord]], path: Path) -> object:
    try:
        return read(path)
    except ArtifactError as error:
        return str(error)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_lines(), max_size=4))
def test_the_fast_way_accepts_and_refuses_what_the_long_way_does(
    tmp_path: Path, lines: list[str]
) -> None:
    path = tmp_path / "tests.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _outcome(read_records, path) == _outcome(_the_long_way, path)

"""Reading ``tests.jsonl``: one record per line, errors naming file and line."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ArtifactError
from tiergate.records import TestRecord, read_records
from unit.conftest import record

if TYPE_CHECKING:
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

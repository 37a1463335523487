"""Fuzz tool findings: ``ruff.json``, ``mypy.jsonl``, ``sqlfluff.json``, bandit and audit JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    corrupt_bytes,
    deep_nesting,
    examples,
    fresh_folder,
    guarded,
    json_contents,
    json_text,
    json_values,
    mutated,
    random_bytes,
    write,
)
from tiergate.gates.tools import _READERS
from tiergate.runfolder import SessionManifest
from unit.conftest import bandit_json, mypy_line, ruff_finding, sqlfluff_file

if TYPE_CHECKING:
    from tiergate.runfolder import SessionKind

NOW = datetime(2026, 11, 22, tzinfo=UTC)
RUFF = [ruff_finding("src/a.py", 3, "F401", "unused"), ruff_finding("src/b.py", 1, "E501", "long")]
SQLFLUFF = [sqlfluff_file("q.sql", (1, "LT01", "spacing"), (2, "CP01", "case"))]
BANDIT = json.loads(bandit_json(("src/a.py", 4, "B101", "assert used")))
AUDIT = {
    "status": "failed",
    "source": "offline",
    "findings": [{"package": "idna", "version": "3.4", "advisory_id": "PYSEC-1"}],
}
MYPY = "\n".join(
    [
        mypy_line("src/a.py", 3, "bad", "arg-type"),
        mypy_line("src/a.py", -1, "note", None, "note"),
        "Found 1 error in 1 file",
    ]
)


def _manifest(kind: SessionKind, artifacts: dict[str, str]) -> SessionManifest:
    return SessionManifest(
        schema_version=1,
        run_id="r1",
        session=kind,
        kind=kind,
        package=None,
        python=None,
        started_at=NOW,
        finished_at=NOW,
        outcome="failed",
        exit_code=1,
        command=[kind],
        artifacts=artifacts,
    )


mypy_lines = st.one_of(
    mutated(json.loads(mypy_line("src/a.py", 3, "bad", "arg-type"))).map(json_text),
    json_values.map(json_text),
    st.sampled_from(["{", "{}", "{[", "Found 3 errors", ""]),
    deep_nesting,
)


@settings(max_examples=examples(300))
@given(content=json_contents(RUFF), format_list=st.none() | random_bytes)
def test_ruff_findings(content: bytes, format_list: bytes | None) -> None:
    with fresh_folder() as folder:
        files = [write(folder / "ruff.json", content)]
        artifacts = {"findings": "ruff.json"}
        if format_list is not None:
            files.append(write(folder / "format.txt", format_list))
            artifacts["format"] = "format.txt"
        manifest = _manifest("lint", artifacts)
        guarded(lambda: _READERS["lint"](folder, manifest), *files)


def _read_findings(kind: SessionKind, name: str, content: bytes) -> None:
    """The tools gate's reader of ``kind`` on a findings file ``name`` holding ``content``."""
    with fresh_folder() as folder:
        path = write(folder / name, content)
        manifest = _manifest(kind, {"findings": name})
        guarded(lambda: _READERS[kind](folder, manifest), path)


@settings(max_examples=examples(300))
@given(content=json_contents(SQLFLUFF))
def test_sqlfluff_findings(content: bytes) -> None:
    _read_findings("sql", "sqlfluff.json", content)


@settings(max_examples=examples(300))
@given(
    lines=st.lists(mypy_lines, min_size=1, max_size=4),
    raw=st.none() | random_bytes | corrupt_bytes(MYPY.encode()),
)
def test_mypy_findings(lines: list[str], raw: bytes | None) -> None:
    with fresh_folder() as folder:
        path = write(folder / "mypy.jsonl", raw if raw is not None else "\n".join(lines))
        manifest = _manifest("type", {"findings": "mypy.jsonl"})
        guarded(lambda: _READERS["type"](folder, manifest), path)


@settings(max_examples=examples(150))
@given(bandit=json_contents(BANDIT))
def test_bandit_findings(bandit: bytes) -> None:
    _read_findings("security", "bandit.json", bandit)


@settings(max_examples=examples(150))
@given(audit=json_contents(AUDIT))
def test_audit_findings(audit: bytes) -> None:
    _read_findings("audit", "audit.json", audit)


@settings(max_examples=examples(100))
@given(
    kind=st.sampled_from(["lint", "sql", "type", "security", "audit"]),
    name=st.sampled_from(["../../etc/passwd", "/dev/null", ".", "", "missing.json", "a\x00b"]),
)
def test_findings_file_named_anywhere(kind: SessionKind, name: str) -> None:
    with fresh_folder() as folder:
        manifest = _manifest(kind, {"findings": name, "format": name})
        guarded(lambda: _READERS[kind](folder, manifest), folder, name)

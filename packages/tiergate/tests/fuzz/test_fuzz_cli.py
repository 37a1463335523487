"""The CLI end to end over generated run folders: corrupt artifacts, never a traceback.

One small workspace (member ``alpha``) and a green run of it are written once per
process; each example copies them, corrupts some of the run's files as hypothesis
chooses, and runs a command in process. Exit codes are the documented ones, an
error is one line on stderr, and ``internal error`` (a crash log) is a failure.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    check_cli,
    corrupt_bytes,
    examples,
    fresh_folder,
    json_text,
    mutated,
    odd_timestamps,
    random_bytes,
    run_cli,
    toml_table,
    write,
)
from tiergate.advisories.audit import AuditResult
from unit.conftest import (
    CALC,
    CALC_PATH,
    COVERAGE_CONFIG,
    IMPORTED,
    INIT_PATH,
    TEST_CALC,
    RunFolder,
    Tier,
    bandit_json,
    mypy_line,
    passing,
    record,
    ruff_finding,
    sqlfluff_file,
)

if TYPE_CHECKING:
    from collections.abc import Callable

RUN = Path(".tiergate/runs/r1")
ROOT_PYPROJECT = (
    toml_table("tool.uv.workspace", {"members": ["packages/*"]})
    + COVERAGE_CONFIG
    + toml_table("tool.tiergate.requirements", {"specs": ["docs/*.md"]})
    + toml_table("tool.tiergate.ratchet", {"tolerance": 1.0})
)
ACTIONS = ("keep", "keep", "delete", "bytes", "mutate", "corrupt", "folder", "empty")

pytestmark = pytest.mark.req("FR-177")


@functools.cache
def _template() -> Path:
    """A workspace with member ``alpha`` and a complete run ``r1`` of it (written once)."""
    base = Path(tempfile.mkdtemp(prefix="tiergate-fuzz-template-")).resolve()
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    root = base / "ws"
    write(root / "pyproject.toml", ROOT_PYPROJECT)
    write(root / ".python-version", "3.11\n")
    member = root / "packages" / "alpha"
    write(member / "pyproject.toml", toml_table("project", {"name": "alpha", "version": "1.0"}))
    write(member / "src" / "alpha" / "__init__.py", "")
    write(member / "src" / "alpha" / "calc.py", CALC)
    for tier in ("unit", "integration"):
        write(member / "tests" / tier / "test_calc.py", TEST_CALC)
    write(root / "docs" / "spec.md", "# Spec\n\n- FR-001 doubles [tier: unit]\n")
    run = RunFolder(root)
    proven = record("packages/alpha/tests/unit/test_calc.py::test_9", requirements=["FR-001"])
    run.tests(
        "alpha",
        {
            "unit": Tier(
                records=(*passing(3), proven), executed={CALC_PATH: (*IMPORTED, 5), INIT_PATH: ()}
            ),
            "integration": Tier(
                records=passing(1, "integration"), executed={CALC_PATH: (*IMPORTED, 9, 10, 11)}
            ),
        },
    )
    run.lint(ruff_finding("packages/alpha/src/alpha/calc.py", 1, "F401", "unused import"))
    run.types("alpha", mypy_line("packages/alpha/src/alpha/calc.py", 5, "bad", "arg-type"))
    run.sql(sqlfluff_file("q.sql", (1, "LT01", "spacing")))
    run.security(bandit_json())
    run.audit(AuditResult(source="offline", findings=(), packages_audited=1))
    return root


def _json_lines_mutation(data: st.DataObject, text: str) -> str:
    lines = text.splitlines() or [""]
    index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    try:
        value = json.loads(lines[index])
    except json.JSONDecodeError:
        return text
    lines[index] = json_text(data.draw(mutated(value)))
    return "\n".join(lines) + "\n"


def _corrupt(data: st.DataObject, path: Path) -> None:
    """Do to ``path`` what hypothesis chooses: nothing, delete it, garble it, mutate it."""
    action = data.draw(st.sampled_from(ACTIONS), label=str(path.relative_to(path.parents[3])))
    content = path.read_bytes()
    if action == "keep":
        return
    path.unlink()
    if action == "delete":
        return
    if action == "folder":
        path.mkdir()
    elif action == "empty":
        path.write_bytes(b"")
    elif action == "bytes":
        path.write_bytes(data.draw(random_bytes))
    elif action == "corrupt":
        path.write_bytes(data.draw(corrupt_bytes(content)))
    elif path.suffix == ".json":
        text = json_text(data.draw(mutated(json.loads(content))))
        path.write_text(text, encoding="utf-8")
    elif path.suffix == ".jsonl":
        path.write_text(_json_lines_mutation(data, content.decode()), encoding="utf-8")
    else:  # mutate what is no JSON: corrupt it
        path.write_bytes(data.draw(corrupt_bytes(content)))


def _manifest_times(data: st.DataObject, root: Path) -> None:
    """Sometimes: a manifest's times without a timezone, out of range, or no time at all."""
    for path in sorted((root / RUN).glob("sessions/*/manifest.json")):
        if data.draw(st.integers(min_value=0, max_value=5)) == 0:
            manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            manifest[data.draw(st.sampled_from(["started_at", "finished_at"]))] = data.draw(
                odd_timestamps
            )
            path.write_text(json_text(manifest), encoding="utf-8")


def _run_folder(data: st.DataObject, base: Path) -> Path:
    root = base / "ws"
    shutil.copytree(_template(), root, symlinks=True)
    files = sorted(path for path in (root / RUN).rglob("*") if path.is_file())
    _manifest_times(data, root)
    for path in files:
        _corrupt(data, path)
    return root


def _run_option(data: st.DataObject, root: Path) -> list[str]:
    choice = data.draw(st.sampled_from(["relative", "absolute", "default", "twice"]))
    if choice == "relative":
        return ["--run", str(RUN)]
    if choice == "absolute":
        return ["--run", str(root / RUN)]
    if choice == "twice":  # the same shard twice: merged, a session in both is an error
        return ["--run", str(RUN), "--run", str(RUN)]
    return []


def _check_command(data: st.DataObject, command: Callable[[Path, list[str]], list[str]]) -> None:
    with fresh_folder() as base:
        root = _run_folder(data, base)
        argv = ["--root", str(root), *command(root, _run_option(data, root))]
        code, out, err = run_cli(argv)
        check_cli(code, out, err)


@settings(max_examples=examples(60))
@given(data=st.data(), form=st.sampled_from(["terminal", "json", "markdown"]))
def test_gates_over_corrupt_runs(data: st.DataObject, form: str) -> None:
    def command(_root: Path, run: list[str]) -> list[str]:
        record_it = data.draw(st.booleans(), label="record")
        return ["gates", *run, "--format", form, *([] if record_it else ["--no-record"])]

    _check_command(data, command)


@settings(max_examples=examples(40))
@given(data=st.data())
def test_report_over_corrupt_runs(data: st.DataObject) -> None:
    _check_command(data, lambda root, run: ["report", "--html", str(root / "out.html"), *run])


@settings(max_examples=examples(40))
@given(data=st.data(), form=st.sampled_from(["terminal", "json", "markdown"]))
def test_trace_over_corrupt_runs(data: st.DataObject, form: str) -> None:
    _check_command(data, lambda _root, run: ["trace", *run, "--format", form])


@settings(max_examples=examples(40))
@given(data=st.data(), action=st.sampled_from(["save", "show", "gaps", "workspace"]))
def test_baseline_gaps_workspace_over_corrupt_runs(data: st.DataObject, action: str) -> None:
    def command(root: Path, run: list[str]) -> list[str]:
        if action == "save":
            return ["baseline", "save", *run, "--output", str(root / "b.json")]
        if action == "show":
            return ["baseline", "show"]
        if action == "gaps":
            return ["gaps", *run]
        return ["workspace", "--json"] if data.draw(st.booleans()) else ["workspace"]

    _check_command(data, command)

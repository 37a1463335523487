"""``tiergate gates`` recording, ``tiergate history`` and ``tiergate baseline`` end to end."""

from __future__ import annotations

import json
import socket
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import jsonschema
import pytest

from run_cli import tiergate
from tiergate.schemas import FOLDER

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce

SECRET = "s3cret-Pa55"  # noqa: S105 - the password that must never be shown
ONE = {
    "src/alpha/__init__.py": "def one() -> int:\n    return 1\n",
    "tests/unit/test_alpha.py": (
        "from alpha import one\n\n\ndef test_one() -> None:\n    assert one() == 1\n"
    ),
}


def _one_line_error(result: subprocess.CompletedProcess[str], code: int, start: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stderr.startswith(f"tiergate: error: {start}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def _schema(name: str) -> dict[str, object]:
    schema: dict[str, object] = json.loads((FOLDER / name).read_text())
    return schema


@pytest.fixture
def ran(
    ws_root: Path,
    add_member: Callable[..., Path],
    run_tier: Callable[..., Path],
    built_once: BuiltOnce,
) -> Path:
    """Member ``alpha`` whose unit tier ran into run r1 (once per module); the ratchet is on."""

    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        pyproject = ws_root / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + "\n[tool.tiergate.ratchet]\ntolerance = 0.1\n")
        add_member("alpha", package="alpha", tests=True, files=ONE)
        run_tier("alpha", "unit")

    built_once(build)
    return ws_root / ".tiergate/runs/r1/sessions/tests-3.11-alpha"


@pytest.mark.req("FR-060", "FR-066")
def test_gates_records_history_lists_and_baseline_saves(ws_root: Path, ran: Path) -> None:
    del ran
    gates = tiergate(ws_root, "gates", "--run", ".tiergate/runs/r1", "--format", "json")
    assert gates.returncode == 1, gates.stdout + gates.stderr  # no tool session ran: red
    results = {r["gate"]: r for r in json.loads(gates.stdout)["results"]}
    assert results["ratchet/baseline"]["status"] == "warning"
    assert gates.stderr == "history: recorded run r1 in sqlite:///.tiergate/history.db\n"
    again = tiergate(ws_root, "gates", "--run", ".tiergate/runs/r1")
    assert again.stderr == "history: run r1 already recorded in sqlite:///.tiergate/history.db\n"
    only = tiergate(ws_root, "gates", "--run", ".tiergate/runs/r1", "--only", "tests")
    assert only.stderr == "history: not recorded: --only evaluates part of the gates\n"
    skipped = tiergate(ws_root, "gates", "--run", ".tiergate/runs/r1", "--no-record")
    assert skipped.stderr == ""

    table = tiergate(ws_root, "history")
    assert table.returncode == 0, table.stderr
    assert "store: sqlite:///.tiergate/history.db" in table.stdout
    assert "r1" in table.stdout
    assert "100%" in table.stdout
    listing = json.loads(tiergate(ws_root, "history", "--json", "--limit", "5").stdout)
    jsonschema.validate(listing, _schema("history.schema.json"))
    assert [run["run_id"] for run in listing["runs"]] == ["r1"]
    shown = tiergate(ws_root, "history", "r1")
    assert "run r1: FAILED (exit code 1)" in shown.stdout
    assert "alpha" in shown.stdout
    _one_line_error(tiergate(ws_root, "history", "r9"), 2, "run 'r9' is not recorded in sqlite")

    saved = tiergate(ws_root, "baseline", "save", "--run", ".tiergate/runs/r1")
    assert saved.returncode == 0, saved.stderr
    baseline = json.loads((ws_root / "tiergate-baseline.json").read_text())
    jsonschema.validate(baseline, _schema("baseline.schema.json"))
    assert baseline["combined"] == {"statements": 2, "covered": 2}
    assert baseline["run_id"] == "r1"
    show = tiergate(ws_root, "baseline", "show")
    assert "baseline: baseline file tiergate-baseline.json" in show.stdout
    assert json.loads(tiergate(ws_root, "baseline", "show", "--json").stdout) == baseline
    ratchet = tiergate(
        ws_root, "gates", "--run", ".tiergate/runs/r1", "--only", "ratchet", "--format", "json"
    )
    assert ratchet.returncode == 0
    assert [r["measured"] for r in json.loads(ratchet.stdout)["results"]] == [
        "100% (2/2 lines), baseline 100% (2/2 lines): drop 0 points"
    ] * 3  # tier unit, package alpha, combined

    (ws_root / "tiergate-baseline.json").write_text('{"schema_version": 1}\n')
    baseline_file = ws_root / "tiergate-baseline.json"
    _one_line_error(
        tiergate(ws_root, "gates", "--run", ".tiergate/runs/r1"),
        2,
        f"{baseline_file}: not a valid baseline file: created_at: Field required",
    )


@pytest.mark.req("FR-066")
def test_bad_stores_are_one_line_errors(ws_root: Path, ran: Path) -> None:
    del ran
    empty = tiergate(ws_root, "history")
    assert "no runs recorded" in empty.stdout
    assert not (ws_root / ".tiergate/history.db").exists()  # reading creates nothing
    _one_line_error(
        tiergate(ws_root, "baseline", "save", "--run", ".tiergate/runs/nope"),
        2,
        f"{ws_root / '.tiergate/runs/nope'}: not a run folder",
    )
    (ws_root / "packages/alpha/tests/e2e").mkdir()  # a tier that did not run
    (ws_root / "packages/alpha/tests/e2e/test_flow.py").write_text("def test_flow():\n    pass\n")
    _one_line_error(
        tiergate(ws_root, "baseline", "save", "--run", ".tiergate/runs/r1"),
        2,
        f"{ws_root / '.tiergate/runs/r1'}: cannot save a baseline from an incomplete run: "
        "tier e2e not run (no coverage data: alpha (e2e))",
    )
    assert not (ws_root / "tiergate-baseline.json").exists()
    tiergate(ws_root, "gates", "--run", ".tiergate/runs/r1")
    with closing(sqlite3.connect(ws_root / ".tiergate/history.db")) as raw, raw:
        raw.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'later')")
    _one_line_error(
        tiergate(ws_root, "history"),
        2,
        f"{ws_root / '.tiergate/history.db'}: the history store has schema version 99",
    )
    _one_line_error(
        tiergate(ws_root, "history", TIERGATE_HISTORY_URL=f"mysql://ci:{SECRET}@db/x"),
        2,
        "history store URL 'mysql://ci:***@db/x': use sqlite:///<path>",
    )


@pytest.mark.req("FR-063")
def test_a_password_never_appears_in_any_output(ws_root: Path, ran: Path, pg_url: str) -> None:
    del ran
    secret_url = pg_url.replace("postgres@", f"postgres:{SECRET}@")  # trust: accepted as is
    shown_url = pg_url.replace("postgres@", "postgres:***@")
    env = {"TIERGATE_HISTORY_URL": secret_url}
    outputs = [
        tiergate(ws_root, "gates", "--run", ".tiergate/runs/r1", **env),
        tiergate(ws_root, "history", **env),
        tiergate(ws_root, "history", "--json", **env),
        tiergate(ws_root, "history", "r1", **env),
        tiergate(ws_root, "baseline", "show", **env),
    ]
    assert outputs[0].stderr == f"history: recorded run r1 in {shown_url}\n"
    assert f"store: {shown_url}" in outputs[1].stdout
    assert json.loads(outputs[2].stdout)["store"] == shown_url
    assert "run r1" in outputs[3].stdout
    assert "no baseline" in outputs[4].stdout  # r1 was recorded on no branch: not main's
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    unreachable = f"postgresql://ci:{SECRET}@127.0.0.1:{closed}/tiergate"
    failed = tiergate(ws_root, "history", TIERGATE_HISTORY_URL=unreachable)
    _one_line_error(failed, 3, f"postgresql://ci:***@127.0.0.1:{closed}/tiergate: cannot connect")
    malformed = tiergate(ws_root, "history", TIERGATE_HISTORY_URL=f"postgresql://ci:{SECRET}@[x")
    _one_line_error(malformed, 2, "postgresql://ci:***@[x: cannot connect")
    for output in [*outputs, failed, malformed]:
        assert SECRET not in output.stdout + output.stderr

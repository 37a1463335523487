"""``tiergate gates`` records a run once: what it says when the run was evaluated before."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.advisories.audit import AuditResult
from tiergate.cli import main
from tiergate.history.connect import open_store
from tiergate.history.url import parse_url
from unit.conftest import (
    CALC_PATH,
    IMPORTED,
    RunFolder,
    Tier,
    bandit_json,
    passing,
    ruff_finding,
)

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.history import RunSummary

STORE = "sqlite:///.tiergate/history.db"


def _recorded(root: Path) -> list[RunSummary]:
    with open_store(parse_url(STORE, root)) as store:
        return store.runs(100)


def _shards(root: Path, tmp_path: Path) -> tuple[RunFolder, RunFolder]:
    """Run r1 in two shards: alpha's tests in one, every tool session in the other."""
    tests = RunFolder(root, "r1")
    executed = {CALC_PATH: (*IMPORTED, 5, 9, 10, 11, 16)}
    tests.tests(
        "alpha",
        {"unit": Tier(passing(2), executed), "integration": Tier(passing(1, "integration"), {})},
    )
    tools = RunFolder(tmp_path / "shard-2", "r1")
    tools.lint()
    tools.types("alpha")
    tools.sql()
    tools.security(bandit_json())
    tools.audit(AuditResult(source="offline", findings=(), packages_audited=1))
    return tests, tools


@pytest.mark.req("FR-133")
def test_a_shard_evaluated_alone_then_merged_is_one_record_of_the_whole_run(
    alpha: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = alpha.parent.parent
    tests, tools = _shards(root, tmp_path)
    alone = ["--root", str(root), "gates", "--format", "json", "--run", str(tests.path)]

    assert main(alone) == 1  # the tool sessions are not in it: not run, red
    assert capsys.readouterr().err == f"history: recorded run r1 in {STORE}\n"
    assert [run.verdict for run in _recorded(root)] == ["failed"]

    assert main([*alone, "--run", str(tools.path)]) == 0
    assert capsys.readouterr().err == (
        f"history: run r1 completed with its new sessions in {STORE}\n"
    )
    assert [(run.run_id, run.verdict) for run in _recorded(root)] == [("r1", "passed")]

    assert main([*alone, "--run", str(tools.path)]) == 0
    assert capsys.readouterr().err == f"history: run r1 already recorded in {STORE}\n"
    assert len(_recorded(root)) == 1


@pytest.mark.req("FR-133")
def test_a_session_run_again_into_a_recorded_run_keeps_the_first_record(
    alpha: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = alpha.parent.parent
    tests, tools = _shards(root, tmp_path)
    both = ["--root", str(root), "gates", "--format", "json"]
    both += ["--run", str(tests.path), "--run", str(tools.path)]
    assert main(both) == 0
    capsys.readouterr()

    tools.started += timedelta(hours=1)
    tools.lint(ruff_finding(CALC_PATH, 1, "F401", "`os` imported but unused"))  # run again: red
    assert main(both) == 1
    assert capsys.readouterr().err == (
        f"history: run r1 already recorded in {STORE}; its sessions changed since, the first "
        "record is kept (a new run needs a new TIERGATE_RUN_ID)\n"
    )
    assert [(run.run_id, run.verdict) for run in _recorded(root)] == [("r1", "passed")]

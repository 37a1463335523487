"""Which run the commands read without ``--run``: ``$TIERGATE_RUN_ID``'s, else the newest complete.

Run folders are written in-process; the commands run in-process through ``main``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main
from tiergate.errors import ArtifactError
from tiergate.history.connect import open_store
from tiergate.history.url import parse_url
from tiergate.runfolder import MANIFEST, find_newest_complete_run, newest_complete_run
from unit.conftest import (
    CALC_PATH,
    IMPORTED,
    STARTED,
    RunFolder,
    Tier,
    passing,
    record,
)

if TYPE_CHECKING:
    from pathlib import Path

STORE = "sqlite:///.tiergate/history.db"
CHECK = "20261122T110000Z-3f9a"
"""The run id ``invoke check`` gave its run (an hour after the sessions run by hand)."""
LATER = STARTED + timedelta(hours=1)


def _lint(root: Path, run_id: str, *, started: timedelta = timedelta()) -> RunFolder:
    """A run holding one finished session (``lint``), started ``started`` after 10:00."""
    run = RunFolder(root, run_id, started=STARTED + started)
    run.lint()
    return run


def _full(root: Path, run_id: str, *, red: bool = False, later: bool = False) -> RunFolder:
    """alpha's tests (one failing when ``red``) and every tool session, all finished."""
    run = RunFolder(root, run_id, started=LATER if later else STARTED)
    bad = (record("packages/alpha/tests/unit/test_calc.py::test_bad", "failed"),) if red else ()
    executed = {CALC_PATH: (*IMPORTED, 5, 9, 10, 11)}  # line 16 (Box.twice) uncovered
    run.tests(
        "alpha",
        {
            "unit": Tier((*passing(3), *bad), executed),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: IMPORTED}),
        },
    )
    run.clean_tools("alpha")
    return run


def _runs_recorded(root: Path) -> list[str]:
    with open_store(parse_url(STORE, root)) as store:
        return [run.run_id for run in store.runs(100)]


# ------------------------------------------------------------------ runfolder


@pytest.mark.req("FR-130")
def test_a_newer_run_still_running_is_skipped(workspace: Path) -> None:
    runs = workspace / ".tiergate/runs"
    older = _lint(workspace, "r1")
    newer = _lint(workspace, "r2", started=timedelta(minutes=5))
    assert newest_complete_run(runs) == newer.path

    (newer.path / "sessions/tests-3.11-alpha").mkdir()  # started, no manifest yet (or killed)
    assert newest_complete_run(runs) == older.path

    RunFolder(workspace, "r3")  # sessions/ without any session folder
    (runs / "r4").mkdir()  # no sessions/ at all
    (runs / "notes.txt").write_text("not a run\n")
    assert newest_complete_run(runs) == older.path


@pytest.mark.req("FR-130")
def test_newest_is_the_last_session_to_finish_and_local_competes(workspace: Path) -> None:
    runs = workspace / ".tiergate/runs"
    check = _lint(workspace, CHECK)
    local = _lint(workspace, "local", started=timedelta(minutes=1))
    assert newest_complete_run(runs) == local.path  # run by hand after the check: it wins

    check.started += timedelta(minutes=2)
    check.types("alpha")  # the check's last session finished last
    assert newest_complete_run(runs) == check.path  # though its lint finished before local's


def test_a_tie_goes_to_the_greater_name(workspace: Path) -> None:
    _lint(workspace, "a")
    b = _lint(workspace, "b")
    assert newest_complete_run(workspace / ".tiergate/runs") == b.path


@pytest.mark.req("FR-131")
def test_no_complete_run_is_an_error_naming_the_run_dir(workspace: Path) -> None:
    runs = workspace / ".tiergate/runs"
    assert find_newest_complete_run(runs) is None  # not even the folder
    RunFolder(workspace, "local")  # nothing finished in it
    with pytest.raises(ArtifactError) as caught:
        newest_complete_run(runs)
    assert caught.value.path == runs
    assert caught.value.message == (
        "no complete run in this folder: run `uv run invoke check` first (or pass --run DIR)"
    )


@pytest.mark.req("FR-131")
def test_a_broken_manifest_is_named_not_skipped(workspace: Path) -> None:
    run = _lint(workspace, "r1")
    (run.path / "sessions/lint" / MANIFEST).write_text("{", encoding="utf-8")
    with pytest.raises(ArtifactError) as caught:
        newest_complete_run(workspace / ".tiergate/runs")
    assert caught.value.path == run.path / "sessions/lint" / MANIFEST


# ----------------------------------------------------------------- commands


@pytest.mark.req("FR-130", "FR-132")
def test_gates_reads_the_checks_newer_run_not_local_and_records_it_once(
    alpha: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = alpha.parent.parent
    _full(root, "local", red=True)  # sessions run by hand earlier: a failing test
    _full(root, CHECK, later=True)  # then `invoke check`: green
    said = f"run: .tiergate/runs/{CHECK} (the newest complete run; --run DIR to choose another)"

    assert main(["--root", str(root), "gates"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == said  # a report for people: said on stdout, first
    assert out.splitlines()[-1] == "PASSED: every gate passed"
    assert err == f"history: recorded run {CHECK} in {STORE}\n"
    assert _runs_recorded(root) == [CHECK]

    assert main(["--root", str(root), "gates", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["run_dirs"] == [str(root / ".tiergate/runs" / CHECK)]  # pure JSON
    assert err == f"{said}\nhistory: run {CHECK} already recorded in {STORE}\n"
    assert _runs_recorded(root) == [CHECK]  # evaluated twice, recorded once


@pytest.mark.req("FR-130")
def test_the_run_id_of_the_environment_still_wins_and_is_not_said(
    alpha: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = alpha.parent.parent
    _full(root, "local", red=True)
    _full(root, CHECK, later=True)
    monkeypatch.setenv("TIERGATE_RUN_ID", "local")

    assert main(["--root", str(root), "gates", "--no-record", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["run_dirs"] == [str(root / ".tiergate/runs/local")]
    assert err == ""  # named by the caller: not said


@pytest.mark.req("FR-130")
def test_report_trace_and_gaps_read_the_newest_complete_run_too(
    alpha: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = alpha.parent.parent
    _full(root, "local", red=True)
    _full(root, CHECK, later=True)
    (root / f".tiergate/runs/{CHECK}/logs").mkdir()  # invoke check's logs: not a session
    said = f"run: .tiergate/runs/{CHECK} (the newest complete run; --run DIR to choose another)\n"

    assert main(["--root", str(root), "gaps", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [gap["function"] for gap in json.loads(out)["top"]] == ["Box.twice"]
    assert err == said

    assert main(["--root", str(root), "report", "--html", "dash.html"]) == 0
    assert capsys.readouterr() == ("", f"{said}dashboard: {root / 'dash.html'}\n")

    with (root / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("\n[tool.tiergate.requirements]\n")
    (root / "docs/requirements").mkdir(parents=True)
    (root / "docs/requirements/alpha.md").write_text("# Alpha\n\n- FR-001: doubles\n")
    assert main(["--root", str(root), "trace", "--format", "json"]) == 1  # FR-001: untested
    out, err = capsys.readouterr()
    assert json.loads(out)["run_dirs"] == [f".tiergate/runs/{CHECK}"]
    assert err == said
    assert main(["--root", str(root), "trace"]) == 1
    assert capsys.readouterr().out.startswith(said)


def test_run_given_is_read_as_given_and_not_said(
    alpha: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = alpha.parent.parent
    _full(root, "local", red=True)
    _full(root, CHECK, later=True)
    args = ["--root", str(root), "gates", "--no-record", "--run", ".tiergate/runs/local"]
    assert main(args) == 1
    assert "run: " not in capsys.readouterr().out

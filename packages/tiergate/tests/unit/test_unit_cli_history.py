"""``tiergate history`` and ``tiergate baseline`` in process, over stores and files made here.

The store is filled through the history API (fixed times, so the output is exact);
``baseline save`` reads a run folder written by hand. A PostgreSQL store is only
reached where no server is needed: a refused connection and a malformed URL.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import jsonschema
import pytest

from tiergate.cli import main
from tiergate.errors import HistoryError, ToolError
from tiergate.history.connect import open_store
from tiergate.history.postgresql import PostgresStore
from tiergate.history.summary import CoverageRow, GateRow, RunSummary, TierTests
from tiergate.history.url import parse_url
from tiergate.schemas import FOLDER
from unit.conftest import CALC_PATH, IMPORTED, INIT_PATH, RunFolder, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

STORE = "sqlite:///.tiergate/history.db"
SECRET = "s3cr3t-pw"  # noqa: S105 - the password that must never be shown
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def summary(run_id: str, *, branch: str | None = "main", minute: int = 0) -> RunSummary:
    """A recorded run: app's unit tier on 3.12 (85 of 100), one red gate unless on main."""
    red = branch != "main"
    return RunSummary(
        run_id=run_id,
        recorded_at=T0 + timedelta(minutes=minute),
        started_at=T0,
        commit="abcdef0123456789" * 2 + "abcdef01",
        branch=branch,
        verdict="failed" if red else "passed",
        exit_code=1 if red else 0,
        strict=red,
        precision=2,
        tiergate_version="0.1.0",
        coverage=(
            CoverageRow(package="*", tier="*", python="*", statements=100, covered=85),
            CoverageRow(package="*", tier="unit", python="*", statements=100, covered=85),
            CoverageRow(package="app", tier="*", python="*", statements=100, covered=85),
            CoverageRow(package="app", tier="unit", python="3.12", statements=100, covered=85),
        ),
        tests=(
            TierTests(
                package="app", tier="unit", python="3.12", passed=4, failed=int(red), duration=1.5
            ),
        ),
        gates=(
            GateRow(
                gate="tests/failures",
                status="failed" if red else "passed",
                measured=f"{int(red)} failed",
                bound="0",
            ),
            GateRow(gate="coverage/combined", status="passed", measured="85.00%", bound=">= 80%"),
        ),
    )


@pytest.fixture
def root(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    add_member("app")
    return ws_root


@pytest.fixture
def recorded(root: Path) -> Path:
    """Three runs: r0 (main), r1 (feature, red), r2 (main), one minute apart."""
    with open_store(parse_url(STORE, root)) as store:
        for minute, (run_id, branch) in enumerate(
            [("r0", "main"), ("r1", "feature"), ("r2", "main")]
        ):
            store.record(summary(run_id, branch=branch, minute=minute))
    return root


def _main(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


# -------------------------------------------------------------------- history


@pytest.mark.req("FR-066")
def test_history_lists_runs_newest_first_with_their_numbers(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(recorded, "history") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"store: {STORE}", " " * 37 + "recorded runs, newest first" + " " * 38]
    assert lines[2:] == [
        (
            "┏━━━━━┳━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━"
            "━━━┳━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━┓"
        ),
        (
            "┃ run ┃ recorded (UTC)      ┃ branch  ┃ commit    "
            "   ┃ verdict ┃ combined ┃ tests        ┃ red gates ┃"
        ),
        (
            "┡━━━━━╇━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━"
            "━━━╇━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━┩"
        ),
        (
            "│ r2  │ 2026-03-01 12:02:00 │ main    │ abcdef0123"
            "45 │ passed  │ 85.00%   │ 4 (0 failed) │         0 │"
        ),
        (
            "│ r1  │ 2026-03-01 12:01:00 │ feature │ abcdef0123"
            "45 │ FAILED  │ 85.00%   │ 5 (1 failed) │         1 │"
        ),
        (
            "│ r0  │ 2026-03-01 12:00:00 │ main    │ abcdef0123"
            "45 │ passed  │ 85.00%   │ 4 (0 failed) │         0 │"
        ),
        (
            "└─────┴─────────────────────┴─────────┴───────────"
            "───┴─────────┴──────────┴──────────────┴───────────┘"
        ),
    ]


@pytest.mark.req("FR-066")
def test_history_filters_by_branch_and_limit(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(recorded, "history", "--branch", "main", "--limit", "1", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert [run["run_id"] for run in document["runs"]] == ["r2"]

    assert _main(recorded, "history", "--branch", "release") == 0
    assert capsys.readouterr().out == f"store: {STORE}\nno runs recorded\n"


def test_the_configured_trend_runs_is_the_default_limit(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = recorded / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.tiergate.history]\ntrend-runs = 2\n")
    assert _main(recorded, "history", "--json") == 0
    assert [r["run_id"] for r in json.loads(capsys.readouterr().out)["runs"]] == ["r2", "r1"]


@pytest.mark.req("FR-066", "NFR-002")
def test_history_json_follows_the_published_schema_and_reads_back_exactly(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(recorded, "history", "--json") == 0
    out = capsys.readouterr().out
    document = json.loads(out)
    jsonschema.validate(document, json.loads((FOLDER / "history.schema.json").read_text()))
    assert (document["schema_version"], document["store"]) == (1, STORE)
    assert [RunSummary.model_validate(run) for run in document["runs"]] == [
        summary("r2", minute=2),
        summary("r1", branch="feature", minute=1),
        summary("r0"),
    ]


@pytest.mark.req("FR-066")
def test_history_shows_one_run_in_full(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(recorded, "history", "r1") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        f"store: {STORE}",
        "run r1: FAILED (exit code 1, strict)",
        "recorded 2026-03-01 12:01:00 UTC by tiergate 0.1.0",
        "branch feature, commit abcdef0123456789abcdef0123456789abcdef01",
    ]
    assert "│ app     │ unit │ 3.12   │ 85.00%   │ 85      │ 100        │" in lines
    assert "│ *       │ *    │ *      │ 85.00%   │ 85      │ 100        │" in lines
    assert (
        "│ app     │ unit │ 3.12   │      4 │      1 │      0 │       0 │       0 │       0 │"
        "    1.50 │"
    ) in lines
    gate_rows = [line.split("│")[1:5] for line in lines if line.startswith("│ tests/failures")]
    assert gate_rows == [[" tests/failures    ", " FAILED ", " 1 failed ", " 0      "]]


def test_a_green_run_in_full_says_passed(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(recorded, "history", "r0") == 0
    assert capsys.readouterr().out.splitlines()[1] == "run r0: passed (exit code 0)"


def test_history_of_a_store_never_written_is_empty_and_creates_nothing(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(root, "history") == 0
    assert capsys.readouterr().out == f"store: {STORE}\nno runs recorded\n"
    assert _main(root, "history", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "schema_version": 1,
        "store": STORE,
        "runs": [],
    }
    assert not (root / ".tiergate").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("r9",), f"run 'r9' is not recorded in {STORE} (no store yet)"),
    ],
)
@pytest.mark.req("FR-066", "NFR-001")
def test_bad_history_input_without_a_store_is_one_line(
    root: Path, args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(root, "history", *args) == 2
    assert capsys.readouterr() == ("", f"tiergate: error: {message}\n")


@pytest.mark.req("FR-066")
def test_an_unknown_run_is_one_line_naming_the_store(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(recorded, "history", "r9", "--json") == 2
    assert capsys.readouterr() == ("", f"tiergate: error: run 'r9' is not recorded in {STORE}\n")


@pytest.mark.req("FR-063", "FR-066")
def test_a_bad_store_url_is_redacted_in_the_error(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIERGATE_HISTORY_URL", f"mysql://ci:{SECRET}@db/x")
    assert _main(root, "history") == 2
    out, err = capsys.readouterr()
    assert err.startswith("tiergate: error: history store URL 'mysql://ci:***@db/x': use sqlite")
    assert SECRET not in out + err


# ------------------------------------------------------ PostgreSQL, no server


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port held by a socket that never listens: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@pytest.mark.req("FR-063")
def test_a_refused_postgresql_store_is_a_crash_with_the_password_hidden(
    root: Path,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(
        "TIERGATE_HISTORY_URL", f"postgresql://ci:{SECRET}@127.0.0.1:{closed_port}/tiergate"
    )
    assert _main(root, "history") == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        f"tiergate: error: postgresql://ci:***@127.0.0.1:{closed_port}/tiergate: cannot connect: "
    )
    assert "Connection refused" in err
    assert err.count("\n") == 1
    assert SECRET not in err


@pytest.mark.req("FR-063")
def test_a_malformed_postgresql_url_is_bad_input_with_the_password_hidden(tmp_path: Path) -> None:
    url = parse_url(f"postgresql://ci:{SECRET}@db/x?no_such_option=1", tmp_path)
    with pytest.raises(HistoryError) as caught:
        PostgresStore(url)
    message = str(caught.value)
    assert message.startswith("postgresql://ci:***@db/x?no_such_option=1: cannot connect: ")
    assert "no_such_option" in message
    assert SECRET not in message


def test_a_password_in_a_query_parameter_is_hidden_too(tmp_path: Path, closed_port: int) -> None:
    url = parse_url(
        f"postgresql://127.0.0.1:{closed_port}/x?user=ci&password={SECRET}&connect_timeout=2",
        tmp_path,
    )
    with pytest.raises(ToolError) as caught:
        PostgresStore(url)
    assert str(caught.value).startswith(
        f"postgresql://127.0.0.1:{closed_port}/x?user=ci&password=***&connect_timeout=2: "
        "cannot connect: "
    )
    assert SECRET not in str(caught.value)


# ------------------------------------------------------------------- baseline


@pytest.fixture
def complete(alpha: Path, run: RunFolder) -> RunFolder:
    """Run r1: alpha's unit (6 of 10) and integration (8 of 10) tiers, 9 of 10 together."""
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(records=passing(3), executed={CALC_PATH: (*IMPORTED, 5), INIT_PATH: ()}),
            "integration": Tier(
                records=passing(1, "integration"), executed={CALC_PATH: (*IMPORTED, 9, 10, 11)}
            ),
        },
    )
    return run


BASELINE_TABLE = [
    "┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━┓",
    "┃ scope            ┃ coverage ┃ covered ┃ statements ┃",
    "┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━┩",
    "│ tier integration │ 80.00%   │ 8       │ 10         │",
    "│ tier unit        │ 60.00%   │ 6       │ 10         │",
    "│ alpha            │ 90.00%   │ 9       │ 10         │",
    "│ combined         │ 90.00%   │ 9       │ 10         │",
    "└──────────────────┴──────────┴─────────┴────────────┘",
]


@pytest.mark.req("FR-065")
def test_baseline_save_writes_the_configured_file_and_shows_its_counts(
    complete: RunFolder, configure: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = "ci/" + "baselines-" * 12  # a path longer than the console: on one line all the same
    configure(f'[tool.tiergate.ratchet]\nbaseline-file = "{folder}/baseline.json"\n')

    assert _main(complete.root, "baseline", "save", "--run", ".tiergate/runs/r1") == 0

    target = complete.root.resolve() / folder / "baseline.json"
    assert capsys.readouterr().out.splitlines() == [f"wrote {target}", *BASELINE_TABLE]
    document = json.loads(target.read_text())
    jsonschema.validate(document, json.loads((FOLDER / "baseline.schema.json").read_text()))
    assert (document["run_id"], document["commit"], document["branch"]) == ("r1", None, None)
    assert (document["combined"], document["packages"]) == (
        {"statements": 10, "covered": 9},
        {"alpha": {"statements": 10, "covered": 9}},
    )
    assert document["tiers"] == {
        "integration": {"statements": 10, "covered": 8},
        "unit": {"statements": 10, "covered": 6},
    }
    assert document["sessions"] == {"tests-3.11(package='alpha')": 30.0}  # FR-222


@pytest.mark.req("FR-065")
def test_baseline_save_records_the_commit_and_branch_of_a_repository(
    complete: RunFolder,
    git: Callable[..., str],
    git_init: Callable[[Path], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    git_init(complete.root)
    git(complete.root, "commit", "--quiet", "--allow-empty", "-m", "start")
    head = git(complete.root, "rev-parse", "HEAD").strip()
    monkeypatch.setenv("TIERGATE_RUN_ID", "r1")  # the default run folder

    assert _main(complete.root, "baseline", "save", "--output", "base.json") == 0

    capsys.readouterr()
    document = json.loads((complete.root / "base.json").read_text())
    assert (document["commit"], document["branch"]) == (head, "main")


@pytest.mark.req("FR-065")
def test_baseline_show_reads_the_saved_file_back(
    complete: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(complete.root, "baseline", "save", "--run", ".tiergate/runs/r1") == 0
    capsys.readouterr()

    assert _main(complete.root, "baseline", "show") == 0
    assert capsys.readouterr().out.splitlines() == [
        "baseline: baseline file tiergate-baseline.json",
        *BASELINE_TABLE,
    ]
    assert _main(complete.root, "baseline", "show", "--json") == 0
    assert capsys.readouterr().out == (complete.root / "tiergate-baseline.json").read_text()


@pytest.mark.req("FR-042", "FR-065")
def test_baseline_save_refuses_an_incomplete_run(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(records=passing(3), executed={CALC_PATH: IMPORTED})})

    assert _main(run.root, "baseline", "save", "--run", ".tiergate/runs/r1") == 2

    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {run.path}: cannot save a baseline from an incomplete run: "
            "tier integration not run (no coverage data: alpha (integration))\n"
        ),
    )
    assert not (run.root / "tiergate-baseline.json").exists()


def test_baseline_save_without_source_has_nothing_to_save(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    RunFolder(root).lint()
    assert _main(root, "baseline", "save", "--run", ".tiergate/runs/r1") == 2
    assert capsys.readouterr() == (
        "",
        "tiergate: error: nothing to save: no workspace member has source to measure\n",
    )


@pytest.mark.req("FR-065")
def test_baseline_show_falls_back_to_the_last_run_on_the_main_branch(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(recorded, "baseline", "show") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"baseline: run r2 on main in {STORE}",
        "┏━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━┓",
        "┃ scope     ┃ coverage ┃ covered ┃ statements ┃",
        "┡━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│ tier unit │ 85%      │ 85      │ 100        │",  # the workspace's precision: 0
        "│ app       │ 85%      │ 85      │ 100        │",
        "│ combined  │ 85%      │ 85      │ 100        │",
        "└───────────┴──────────┴─────────┴────────────┘",
    ]


@pytest.mark.req("FR-065")
def test_without_a_file_or_a_run_on_main_there_is_no_baseline(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = recorded / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.tiergate.history]\nmain-branch = "trunk"\n'
    )
    assert _main(recorded, "baseline", "show", "--json") == 0
    assert capsys.readouterr().out == (
        "no baseline: no tiergate-baseline.json and no complete green run recorded on trunk\n"
    )


def test_a_broken_baseline_file_is_one_line_naming_it(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = root / "tiergate-baseline.json"
    broken.write_text('{\n  "schema_version": 1,\n  oops\n}\n')
    assert _main(root, "baseline", "show") == 2
    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {broken}:3: not JSON: Expecting property name enclosed in double "
            "quotes\n"
        ),
    )

"""``tiergate gates`` in process over run folders written by hand: formats, outputs, recording.

Each test proves one branch of the command: where the report goes (stdout, ``--output``,
the CI step summary), which store records the run (or why none does), strict mode,
``--only``, ``--base``, ``--html``, shards and runs that are missing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema
import pytest

from tiergate.cli import main
from tiergate.history.connect import open_store
from tiergate.history.url import parse_url
from tiergate.schemas import FOLDER
from unit.conftest import (
    CALC_PATH,
    IMPORTED,
    INIT_PATH,
    RunFolder,
    Tier,
    passing,
    record,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.records import TestRecord
    from tiergate.runfolder import Outcome

RUN = ("--run", ".tiergate/runs/r1")
STORE = "sqlite:///.tiergate/history.db"
TABLE = [
    (
        "                                                     tiergate gates"
        "                                                     "
    ),
    (
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳"
        "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓"
    ),
    (
        "┃ gate                                ┃ result ┃ measured                            ┃"
        " bound                           ┃"
    ),
    (
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇"
        "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩"
    ),
    (
        "│ session tests-3.11(package='alpha') │ passed │ ran: unit, integration              │"
        " every tier ran and left results │"
    ),
    (
        "│ failing tests                       │ passed │ 0 failed or errored of 4            │"
        " 0                               │"
    ),
]
GAPS = [
    "                         where to write the next test (1 of 1 gaps)                          ",
    "┏━━━━━━━┳━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓",
    "┃ score ┃ uncovered ┃ churn ┃ where                                         ┃ missing lines ┃",
    "┡━━━━━━━╇━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩",
    "│   1.0 │         1 │     - │ packages/alpha/src/alpha/calc.py:15 Box.twice │ 16            │",
    "└───────┴───────────┴───────┴───────────────────────────────────────────────┴───────────────┘",
    "                  ranked by uncovered statements (no git history for churn)                  ",
    "PASSED: every gate passed",
]
MARKDOWN_HEAD = [
    "## tiergate: passed",
    "",
    "| | gate | measured | bound |",
    "|---|---|---|---|",
    (
        "| ✅ | session tests-3.11(package='alpha') | ran: unit, integration | "
        "every tier ran and left results |"
    ),
]
KINDS = "sessions, tests, pyramid, requirements, coverage, patch, ratchet, tools"


def _unit(*extra: TestRecord) -> Tier:
    """alpha's unit tier: 3 passing tests (and ``extra``), 6 of calc's 10 statements."""
    records = (*passing(3), *extra)
    return Tier(records=records, executed={CALC_PATH: (*IMPORTED, 5), INIT_PATH: ()})


def _integration(outcome: Outcome = "passed", message: str = "") -> Tier:
    """alpha's integration tier: 1 passing test, 8 of calc's 10 statements."""
    executed = {CALC_PATH: (*IMPORTED, 9, 10, 11)}
    records = passing(1, "integration")
    return Tier(records=records, executed=executed, outcome=outcome, message=message)


def _tools(run: RunFolder) -> None:
    run.clean_tools("alpha")


@pytest.fixture
def green(alpha: Path, run: RunFolder) -> RunFolder:
    """Run r1: alpha's unit (6 of 10 statements) and integration tiers, every tool clean."""
    del alpha
    run.tests("alpha", {"unit": _unit(), "integration": _integration()})
    _tools(run)
    return run


def _gates(root: Path, *args: str) -> int:
    return main(["--root", str(root), "gates", *args])


def _recorded(root: Path, run_id: str = "r1", url: str = STORE) -> str | None:
    with open_store(parse_url(url, root)) as store:
        found = store.run(run_id)
    return None if found is None else found.verdict


@pytest.mark.req("FR-036", "FR-060")
def test_a_green_run_prints_the_table_the_gaps_and_passed_and_is_recorded(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _gates(green.root, *RUN) == 0

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[: len(TABLE)] == TABLE
    assert lines[-len(GAPS) :] == GAPS
    assert err == f"history: recorded run r1 in {STORE}\n"
    assert _recorded(green.root) == "passed"


@pytest.mark.req("FR-035", "FR-036")
def test_a_failing_test_fails_the_verdict_with_exit_1_and_names_it(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    bad = record("packages/alpha/tests/unit/test_calc.py::test_bad", "failed")
    run.tests("alpha", {"unit": _unit(bad), "integration": _integration()})
    _tools(run)

    assert _gates(run.root, *RUN, "--no-record") == 1

    lines = capsys.readouterr().out.splitlines()
    start = lines.index("failing tests:")
    assert lines[start + 1] == (
        "  failed: packages/alpha/tests/unit/test_calc.py::test_bad (alpha, Python 3.11, unit)"
    )
    assert lines[-1] == "FAILED: 1 of 10 gates"


@pytest.mark.req("FR-036", "FR-047")
def test_a_crashed_tier_makes_the_exit_code_3(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    run.tests(
        "alpha",
        {"unit": _unit(), "integration": _integration(outcome="crashed", message="boom")},
        outcome="failed",
    )
    _tools(run)

    assert _gates(run.root, *RUN, "--no-record", "--format", "json") == 3

    document = json.loads(capsys.readouterr().out)
    assert (document["verdict"], document["exit_code"]) == ("failed", 3)
    assert document["crashed"] == ["tests-3.11(package='alpha')"]
    assert document["results"][0]["measured"] == "tier integration: crashed: boom"


@pytest.mark.req("FR-036", "NFR-004")
def test_json_follows_the_published_schema_and_is_the_same_bytes_twice(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _gates(green.root, *RUN, "--format", "json", "--no-record") == 0
    first = capsys.readouterr().out
    assert _gates(green.root, *RUN, "--format", "json", "--no-record") == 0
    assert capsys.readouterr().out == first

    document = json.loads(first)
    jsonschema.validate(document, json.loads((FOLDER / "gates-report.schema.json").read_text()))
    assert (document["verdict"], document["exit_code"], document["crashed"]) == ("passed", 0, [])
    assert document["run_dirs"] == [str(green.path)]
    assert [r["gate"] for r in document["results"]] == [
        "sessions/tests-3.11(package='alpha')",
        "tests/failures",
        "tests/collected",
        "tests/skips",
        "tests/strict-xpass",
        "tools/lint",
        "tools/type-3.11(package='alpha')",
        "tools/sql",
        "tools/security",
        "tools/audit",
    ]
    assert document["gaps"]["top"][0]["function"] == "Box.twice"


@pytest.mark.req("FR-036")
def test_markdown_goes_whole_to_the_output_file_and_nothing_to_stdout(
    green: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "reports/gates.md"

    assert _gates(green.root, *RUN, "--format", "markdown", "--output", str(output)) == 0

    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"history: recorded run r1 in {STORE}\n"
    text = output.read_text()
    assert text.splitlines()[: len(MARKDOWN_HEAD)] == MARKDOWN_HEAD
    assert text.endswith("| 1.0 | 1 | - | packages/alpha/src/alpha/calc.py:15 Box.twice | 16 |\n")
    assert [p.name for p in output.parent.iterdir()] == ["gates.md"]


def test_the_terminal_report_written_to_a_file_has_no_colour(
    green: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "gates.txt"
    assert _gates(green.root, *RUN, "--output", str(output), "--no-record") == 0
    assert capsys.readouterr() == ("", "")
    lines = output.read_text().splitlines()
    assert lines[: len(TABLE)] == TABLE
    assert lines[-len(GAPS) :] == GAPS


@pytest.mark.req("FR-036")
def test_relative_paths_are_under_the_root_like_git_c_whatever_the_current_folder(
    green: RunFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = ("--output", "out/gates.json", "--html", "out/dashboard.html")
    assert _gates(green.root, *RUN, "--format", "json", *out, "--no-record") == 0
    assert json.loads((green.root / "out/gates.json").read_text())["verdict"] == "passed"
    assert (green.root / "out/dashboard.html").read_text().startswith("<!DOCTYPE html>")
    assert list(elsewhere.iterdir()) == []


def test_an_output_that_cannot_be_written_is_a_one_line_error(
    green: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _gates(green.root, *RUN, "--format", "json", "--output", str(tmp_path)) == 2
    assert capsys.readouterr() == (
        "",
        f"tiergate: error: {tmp_path}: cannot write the report: is a folder, not a file\n",
    )
    assert not (green.root / ".tiergate/history.db").exists()  # nothing recorded after it


@pytest.mark.req("FR-036")
def test_markdown_is_appended_to_the_ci_step_summary(
    green: RunFolder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    assert _gates(green.root, *RUN, "--no-record") == 0
    assert _gates(green.root, *RUN, "--no-record", "--format", "json") == 0

    capsys.readouterr()
    text = summary.read_text()
    assert text.startswith("# earlier step\n## tiergate: passed\n")
    assert text.count("## tiergate: passed\n") == 2


@pytest.mark.req("FR-060")
def test_only_evaluates_those_kinds_and_never_records(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _gates(green.root, *RUN, "--only", "tools", "--only", "sessions", "--format", "json") == 0
    )

    out, err = capsys.readouterr()
    gates = [r["gate"] for r in json.loads(out)["results"]]
    assert gates == [
        "sessions/tests-3.11(package='alpha')",
        "tools/lint",
        "tools/type-3.11(package='alpha')",
        "tools/sql",
        "tools/security",
        "tools/audit",
    ]
    assert err == "history: not recorded: --only evaluates part of the gates\n"
    assert not (green.root / ".tiergate/history.db").exists()


def test_an_unknown_kind_is_bad_input_listing_the_kinds(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _gates(green.root, *RUN, "--only", "tests", "--only", "nope") == 2
    assert capsys.readouterr() == (
        "",
        f"tiergate: error: unknown gate kind 'nope' (kinds: {KINDS})\n",
    )


def test_no_record_leaves_the_store_alone(
    green: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _gates(green.root, *RUN, "--no-record", "--format", "markdown") == 0
    assert capsys.readouterr().err == ""
    assert not (green.root / ".tiergate").joinpath("history.db").exists()


@pytest.mark.req("FR-060")
def test_a_run_is_recorded_once_the_first_record_is_kept(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    bad = record("packages/alpha/tests/unit/test_calc.py::test_bad", "failed")
    run.tests("alpha", {"unit": _unit(bad), "integration": _integration()})
    _tools(run)
    assert _gates(run.root, *RUN, "--format", "json") == 1
    assert capsys.readouterr().err == f"history: recorded run r1 in {STORE}\n"

    run.tests("alpha", {"unit": _unit(), "integration": _integration()})  # fixed, same run id
    assert _gates(run.root, *RUN, "--format", "json") == 0

    assert capsys.readouterr().err == f"history: run r1 already recorded in {STORE}\n"
    assert _recorded(run.root) == "failed"


def test_the_store_of_the_environment_wins_over_the_default(
    green: RunFolder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"  # sqlite:////abs/path: absolute
    monkeypatch.setenv("TIERGATE_HISTORY_URL", url)
    monkeypatch.setenv("TIERGATE_RUN_ID", "r1")  # and the default run folder is r1

    assert _gates(green.root, "--format", "json") == 0

    assert capsys.readouterr().err == f"history: recorded run r1 in {url}\n"
    assert _recorded(green.root, url=url) == "passed"
    assert not (green.root / ".tiergate/history.db").exists()


@pytest.mark.req("FR-040")
def test_a_missing_python_warns_locally_and_fails_in_ci_or_strict(
    green: RunFolder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (green.root / ".python-version").write_text("3.11\n3.99\n")
    only = ("--only", "sessions", *RUN)

    assert _gates(green.root, *only) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-4:] == [  # no gap list: no gate of --only sessions read the coverage
        "session tests-3.99(package='alpha'):",
        "  install Python 3.99, or remove it from .python-version",
        "WARNING: 1 gate(s) did NOT look (see above); this fails in CI (CI=true) or with --strict.",
        "PASSED: every gate passed",
    ]

    assert _gates(green.root, *only, "--strict") == 1
    assert capsys.readouterr().out.splitlines()[-1] == "FAILED: 1 of 2 gates"
    monkeypatch.setenv("CI", "true")
    assert _gates(green.root, *only, "--format", "json") == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["status"], r["measured"]) for r in results] == [
        ("passed", "ran: unit, integration"),
        ("failed", "not run: Python 3.99 not found"),
    ]


@pytest.mark.req("FR-042")
def test_a_missing_run_folder_is_bad_input_naming_it(
    workspace: Path, alpha: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    assert _gates(workspace) == 2
    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {workspace.resolve() / '.tiergate/runs'}: no complete run in "
            "this folder: run `uv run invoke check` first (or pass --run DIR)\n"
        ),
    )
    assert _gates(workspace, "--run", ".tiergate/runs/local") == 2
    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {workspace.resolve() / '.tiergate/runs/local'}: "
            "not a run folder (no sessions/ inside)\n"
        ),
    )


@pytest.mark.req("FR-042")
def test_an_empty_run_is_red_not_run_everywhere(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    assert _gates(run.root, *RUN, "--no-record", "--format", "json") == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert {(r["status"], r["measured"]) for r in results if r["gate"].startswith("tools/")} == {
        ("failed", "not run: no results in the run")
    }
    assert results[0] == {
        "gate": "sessions/tests-3.11(package='alpha')",
        "title": "session tests-3.11(package='alpha')",
        "status": "failed",
        "measured": "not run: no results in the run",
        "bound": "every tier ran and left results",
        "details": ["run: nox -s \"tests-3.11(package='alpha')\""],
    }


@pytest.mark.req("FR-013")
def test_shards_are_merged_by_session_and_recorded_once_under_their_run_id(
    alpha: Path, run: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    run.tests("alpha", {"unit": _unit(), "integration": _integration()})
    tools = RunFolder(tmp_path / "job-2", run_id="r1")
    _tools(tools)

    assert _gates(run.root, *RUN, "--run", str(tools.path), "--format", "json") == 0

    assert json.loads(capsys.readouterr().out)["run_dirs"] == [str(run.path), str(tools.path)]
    assert _recorded(run.root) == "passed"


@pytest.mark.req("FR-013")
def test_a_session_in_two_shards_is_an_error_naming_both(
    green: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = RunFolder(tmp_path / "job-2", run_id="r1")
    again.lint()

    assert _gates(green.root, *RUN, "--run", str(again.path)) == 2

    assert capsys.readouterr().err == (
        f"tiergate: error: {again.path / 'sessions/lint/manifest.json'}: session lint is also in "
        f"{green.path / 'sessions/lint/manifest.json'}: merge each session once\n"
    )


def test_html_writes_the_dashboard_after_recording(
    green: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "site/index.html"

    assert _gates(green.root, *RUN, "--format", "json", "--html", str(page)) == 0

    assert capsys.readouterr().err == (f"history: recorded run r1 in {STORE}\ndashboard: {page}\n")
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Box.twice" in html


# ------------------------------------------------- patch coverage against a base ref


@pytest.fixture
def committed(green: RunFolder, commit_all: Callable[..., None]) -> RunFolder:
    """The workspace is a git repository on main with everything committed (runs ignored)."""
    commit_all(green.root, "alpha")
    return green


@pytest.mark.req("FR-072")
def test_an_unknown_base_is_a_git_error_naming_the_root(
    committed: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _gates(committed.root, *RUN, "--only", "patch", "--base", "nope") == 2
    assert capsys.readouterr().err == (
        f"tiergate: error: {committed.root.resolve()}: unknown git ref 'nope' "
        "(in CI, fetch the history: actions/checkout with fetch-depth: 0)\n"
    )


@pytest.mark.req("FR-070")
def test_base_overrides_the_configuration_for_patch_coverage(
    committed: RunFolder,
    configure: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure('[tool.tiergate.patch]\nbase = "no-such-ref"\nmin = 50\n')
    calc = committed.root / CALC_PATH
    text = calc.read_text().replace("return 2 * x", "return x + x")  # line 5: covered
    calc.write_text(text.replace("return double(x)", "return double(x) + 0"))  # line 16: not

    assert (
        _gates(committed.root, *RUN, "--only", "patch", "--base", "main", "--format", "json") == 0
    )

    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["gate"], r["status"], r["measured"], r["bound"]) for r in results] == [
        ("patch/package/alpha", "passed", "50.00% (1/2 changed lines)", ">= 50%"),
        ("patch/total", "passed", "50.00% (1/2 changed lines)", ">= 50%"),
    ]

"""``tiergate trace`` in process: the static matrix in each format, ``--output``, ``--check``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema
import pytest

from tiergate.cli import main
from tiergate.schemas import FOLDER
from unit.conftest import RunFolder, Tier, record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SPEC = """\
# Alpha

- FR-001: one doubles to two
- FR-002: two doubles to four [tier: unit]
- FR-003: nothing tests this; see FR-009
"""
UNIT = 'import pytest\n\n\n@pytest.mark.req("FR-001")\ndef test_one() -> None:\n    pass\n'
INTEGRATION = (
    'import pytest\n\n\n@pytest.mark.req("FR-002", "FR-099")\ndef test_two() -> None:\n    pass\n'
)
TABLE = [
    "                                requirement traceability                                 ",
    "┏━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓",
    "┃ ID     ┃ requirement                    ┃ tiers ┃ status       ┃ tests                ┃",
    "┡━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩",
    "│ FR-001 │ one doubles to two             │ any   │ tested       │ 1 test (unit)        │",
    "│ FR-002 │ two doubles to four            │ unit  │ MISSING-TIER │ 1 test (integration) │",
    "│ FR-003 │ nothing tests this; see FR-009 │ any   │ UNTESTED     │ -                    │",
    "└────────┴────────────────────────────────┴───────┴──────────────┴──────────────────────┘",
    "source: static scan of the test files (no outcomes)",
    "unknown ID FR-099: named by packages/alpha/tests/integration/test_b.py::test_two",
    "spec mentions undefined FR-009 at docs/requirements/alpha.md:5",
    "1 of 3 requirements named by a test (33.33%, bound >= 100%)",
    "requirements without a test: 1 of 3",
    "  FR-003 (docs/requirements/alpha.md:5): nothing tests this; see FR-009",
    "requirements not proven in a tier they demand: 1 of 3",
    "  FR-002 (docs/requirements/alpha.md:4): not proven in unit (in: integration)",
    "tests naming requirement IDs that no spec defines: 1 unknown",
    "  FR-099: named by packages/alpha/tests/integration/test_b.py::test_two",
    "spec mentions of IDs that no spec defines: 1 mentions",
    "  FR-009: mentioned at docs/requirements/alpha.md:5",
    "  define each where its ID starts a list item, a table row or a heading",
    "share of requirements named by a test: 33.33% (1 of 3)",
    "FAILED: 5 of 5 checks",
]
UNKNOWN_LINE = (
    "packages/alpha/tests/integration/test_b.py:5: FR-099 is not defined in the specs "
    "(packages/alpha/tests/integration/test_b.py::test_two)"
)


@pytest.fixture
def traced(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    """Three requirements; a unit test names FR-001, an integration test FR-002 and FR-099."""
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.tiergate.requirements]\nmin-share = 100\n"
    )
    (ws_root / "docs/requirements").mkdir(parents=True)
    (ws_root / "docs/requirements/alpha.md").write_text(SPEC)
    member = add_member("alpha", package="alpha", tests=True)
    for tier, text, name in (
        ("unit", UNIT, "test_a.py"),
        ("integration", INTEGRATION, "test_b.py"),
    ):
        (member / "tests" / tier).mkdir()
        (member / "tests" / tier / name).write_text(text)
    return ws_root


def _trace(root: Path, *args: str) -> int:
    return main(["--root", str(root), "trace", *args])


@pytest.mark.req("FR-054", "FR-055")
def test_without_a_run_the_static_matrix_is_a_table_judged_as_the_gate_does(
    traced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _trace(traced) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == TABLE


@pytest.mark.req("FR-054")
def test_static_markdown_lists_requirements_unknown_ids_and_mentions(
    traced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _trace(traced, "--static", "--format", "markdown") == 1
    assert capsys.readouterr().out == (
        "## Requirement traceability: 1 of 3 requirements named by a test "
        "(33.33%, bound >= 100%)\n"
        "\n"
        "source: static scan of the test files (no outcomes)\n"
        "\n"
        "| | ID | requirement | tiers | status | tests |\n"
        "|---|---|---|---|---|---|\n"
        "| ✅ | FR-001 | one doubles to two | any | tested | 1 test (unit) |\n"
        "| ❌ | FR-002 | two doubles to four | unit | missing-tier | 1 test (integration) |\n"
        "| ❌ | FR-003 | nothing tests this; see FR-009 | any | untested | - |\n"
        "\n"
        "### ❌ Tests naming IDs that no spec defines\n"
        "\n"
        "- FR-099: packages/alpha/tests/integration/test\\_b.py::test\\_two\n"
        "\n"
        "### Spec mentions of IDs that no spec defines\n"
        "\n"
        "- FR-009 at docs/requirements/alpha.md:5\n"
    )


@pytest.mark.req("FR-054", "NFR-004")
def test_static_json_written_whole_follows_the_schema_and_is_stable(
    traced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "out/first.json", tmp_path / "out/second.json"
    assert _trace(traced, "--format", "json", "--output", str(first)) == 1
    assert _trace(traced, "--static", "--format", "json", "--output", str(second)) == 1
    assert capsys.readouterr() == ("", "")  # the matrix went to the files only
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in first.parent.iterdir()) == ["first.json", "second.json"]

    document = json.loads(first.read_text())
    jsonschema.validate(document, json.loads((FOLDER / "trace-matrix.schema.json").read_text()))
    assert (document["source"], document["run_dirs"], document["specs"]) == (
        "static",
        [],
        ["docs/requirements/alpha.md"],
    )
    assert document["summary"]["statuses"] == {"tested": 1, "missing-tier": 1, "untested": 1}
    assert document["unknown"] == [
        {"id": "FR-099", "tests": ["packages/alpha/tests/integration/test_b.py::test_two"]}
    ]


def test_the_terminal_matrix_written_to_a_file_is_the_table_without_colour(
    traced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "trace.txt"
    assert _trace(traced, "--static", "--output", str(output)) == 1
    assert capsys.readouterr().out == ""
    assert output.read_text().splitlines() == TABLE
    assert "\x1b[" not in output.read_text()


@pytest.mark.req("FR-055")
def test_a_fully_traced_workspace_passes(traced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (traced / "docs/requirements/alpha.md").write_text(
        SPEC.replace("[tier: unit]", "").replace("- FR-003: nothing tests this; see FR-009\n", "")
        + "- FR-099: named at last\n"
    )
    assert _trace(traced, "--static") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2:] == [
        "3 of 3 requirements named by a test (100.00%, bound >= 100%)",
        "PASSED: every requirement is traced",
    ]


@pytest.mark.req("FR-056")
def test_check_names_each_undefined_id_with_file_and_line(
    traced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _trace(traced, "--check") == 1
    assert capsys.readouterr().out.splitlines() == [
        UNKNOWN_LINE,
        (
            "tiergate trace --check: 2 tests name 3 IDs, 1 of them undefined; "
            "3 requirements in 1 spec files"
        ),
    ]


@pytest.mark.req("FR-056")
def test_check_passes_when_every_named_id_is_defined(
    traced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (traced / "docs/requirements/more.md").write_text("# More\n\n- FR-099: defined here\n")
    assert _trace(traced, "--check") == 0
    assert capsys.readouterr().out == (
        "tiergate trace --check: 2 tests name 3 IDs, 0 of them undefined; "
        "4 requirements in 2 spec files\n"
    )


@pytest.mark.parametrize("mode", ["--check", "--static"])
@pytest.mark.req("NFR-001")
def test_without_a_requirements_table_the_error_names_pyproject(
    ws_root: Path, add_member: Callable[..., Path], mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add_member("alpha")
    assert _trace(ws_root, mode) == 2
    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {ws_root.resolve() / 'pyproject.toml'}: "
            "tool.tiergate.requirements: not configured; add the table to trace requirements\n"
        ),
    )


@pytest.mark.req("FR-051")
def test_a_duplicate_requirement_is_an_error_naming_file_and_line(
    traced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (traced / "docs/requirements/more.md").write_text("# More\n\n- FR-001: twice\n")
    assert _trace(traced, "--check") == 2
    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {traced.resolve() / 'docs/requirements/more.md'}:3: "
            "FR-001 is defined twice: here and at docs/requirements/alpha.md:3\n"
        ),
    )


def test_an_output_that_cannot_be_written_is_an_error_naming_it(
    traced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert _trace(traced, "--format", "markdown", "--output", str(folder)) == 2
    assert capsys.readouterr() == (
        "",
        f"tiergate: error: {folder}: cannot write the matrix: is a folder, not a file\n",
    )
    assert list(folder.iterdir()) == []
    assert list(tmp_path.glob(".*partial")) == []


def test_run_static_and_check_exclude_each_other(
    traced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        _trace(traced, "--static", "--check")
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "tiergate trace: error: argument --check: not allowed with argument --static"
    )


# ------------------------------------------------------------------- from a run


@pytest.fixture
def ran(traced: Path, run: RunFolder) -> RunFolder:
    """Run r1: the unit test proving FR-001 passed, the integration test naming FR-002 failed."""
    del traced
    unit = record("packages/alpha/tests/unit/test_a.py::test_one", requirements=("FR-001",))
    integration = record(
        "packages/alpha/tests/integration/test_b.py::test_two",
        "failed",
        tier="integration",
        requirements=("FR-002", "FR-099"),
    )
    run.tests("alpha", {"unit": Tier(records=(unit,)), "integration": Tier(records=(integration,))})
    return run


@pytest.mark.req("FR-054", "FR-055")
def test_a_run_gives_outcomes_and_the_failing_test(
    ran: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _trace(ran.root, "--run", ".tiergate/runs/r1", "--format", "markdown") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:9] == [
        "## Requirement traceability: 1 of 3 requirements proven (33.33%, bound >= 100%)",
        "",
        "source: run .tiergate/runs/r1",
        "",
        "| | ID | requirement | tiers | status | tests |",
        "|---|---|---|---|---|---|",
        "| ✅ | FR-001 | one doubles to two | any | proven | 1 passed (unit) |",
        "| ❌ | FR-002 | two doubles to four | unit | failing | 1 failed (integration) |",
        "| ❌ | FR-003 | nothing tests this; see FR-009 | any | untested | - |",
    ]


@pytest.mark.req("FR-054")
def test_the_default_run_is_used_when_it_exists_unless_static(
    ran: RunFolder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIERGATE_RUN_ID", "r1")
    assert _trace(ran.root, "--format", "json") == 1
    document = json.loads(capsys.readouterr().out)
    assert (document["source"], document["run_dirs"]) == ("run", [".tiergate/runs/r1"])
    assert _trace(ran.root, "--static", "--format", "json") == 1
    assert json.loads(capsys.readouterr().out)["source"] == "static"
    monkeypatch.setenv("TIERGATE_RUN_ID", "r2")  # no such run: the static scan
    assert _trace(ran.root, "--format", "json") == 1
    assert json.loads(capsys.readouterr().out)["source"] == "static"


def test_a_run_outside_the_root_is_shown_by_its_path_on_one_line(
    ran: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / ("elsewhere-" * 20)  # longer than the console: not cut in two
    ran.path.rename(outside)
    assert _trace(ran.root, "--run", str(outside)) == 1
    assert f"source: run {outside}" in capsys.readouterr().out.splitlines()

"""The tools gate over tool sessions written in the tools' own JSON shapes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.advisories.audit import AuditResult
from tiergate.advisories.osv import Finding
from tiergate.errors import ArtifactError
from tiergate.gates import tools
from tiergate.runfolder import MANIFEST, read_manifest, write_manifest
from unit.conftest import bandit_json, mypy_line, ruff_finding, sqlfluff_file

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from tiergate.runfolder import SessionKind
    from unit.conftest import RunFolder

TYPE_ALPHA = "type-3.11(package='alpha')"
IDNA = Finding(
    package="idna",
    version="3.4",
    advisory_id="PYSEC-2024-60",
    aliases=("CVE-2024-3651", "GHSA-jjg7-2v4v-x38h"),
    fixed_in=("3.7",),
    summary="Denial of service in idna.encode()",
)
CLEAN_AUDIT = AuditResult(source="offline", findings=(), packages_audited=12)


def _results(run: RunFolder) -> dict[str, GateResult]:
    return {result.gate: result for result in tools.GATE.evaluate(run.context())}


@pytest.mark.req("FR-034")
def test_every_expected_tool_session_that_did_not_run_is_red(
    workspace: Path, alpha: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.12\n")
    add_member("empty")  # no source and no tests: nothing to type-check
    results = _results(run)
    assert list(results) == [
        "tools/lint",
        f"tools/{TYPE_ALPHA}",
        "tools/type-3.12(package='alpha')",
        "tools/sql",
        "tools/security",
        "tools/audit",
    ]
    lint = results["tools/lint"]
    assert (lint.title, lint.status, lint.measured, lint.bound) == (
        "lint findings",
        "failed",
        "not run: no results in the run",
        "0 findings",
    )
    assert lint.details == ('run: nox -s "lint"',)
    typed = results[f"tools/{TYPE_ALPHA}"]
    assert typed.title == f"type findings ({TYPE_ALPHA})"
    assert typed.details == (f'run: nox -s "{TYPE_ALPHA}"',)


@pytest.mark.req("FR-040")
def test_a_type_session_whose_python_is_not_installed_warns_locally_and_fails_when_strict(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.99\n")
    gate = "tools/type-3.99(package='alpha')"
    local = _results(run)[gate]
    assert (local.status, local.measured) == ("warning", "not run: Python 3.99 not found")
    assert local.details == ("install Python 3.99, or remove it from .python-version",)
    strict = {r.gate: r for r in tools.GATE.evaluate(run.context(strict=True))}[gate]
    assert (strict.status, strict.measured) == ("failed", "not run: Python 3.99 not found")
    # the interpreter of 3.11 is here: its type session is simply missing, and red
    assert _results(run)[f"tools/{TYPE_ALPHA}"].status == "failed"


def test_clean_tools_pass_with_zero_findings(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.lint()
    run.types("alpha", mypy_line("a.py", 1, "Revealed type is int", None, severity="note"))
    run.sql(sqlfluff_file("db/schema.sql"))
    run.security(bandit_json())
    run.audit(CLEAN_AUDIT)
    results = _results(run)
    assert {(r.status, r.measured, r.details) for r in results.values()} == {
        ("passed", "0 findings", ())
    }
    assert len(results) == 5


@pytest.mark.req("FR-034")
def test_findings_are_counted_from_each_tool_and_listed(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    source = "packages/alpha/src/alpha/calc.py"
    del alpha
    run.lint(  # ruff names files absolutely: shown relative to the root, where they are under it
        ruff_finding(f"{workspace}/{source}", 1, "F401", "`os` imported but unused"),
        ruff_finding(f"/elsewhere/{source}", 4, "ANN001", "Missing type annotation for `x`"),
    )
    run.types(
        "alpha",
        mypy_line(source, 4, "Function is missing a type annotation", "no-untyped-def"),
        mypy_line(source, 4, "Use -> None if function does not return a value", None, "note"),
    )
    run.sql(
        sqlfluff_file("db/ok.sql"),
        sqlfluff_file("db/q.sql", (1, "LT01", "Expected single whitespace."), (3, "CP01", "Up.")),
    )
    audit = AuditResult(source="offline", findings=(IDNA,), packages_audited=12)
    run.security(bandit_json((source, 1, "B404", "Consider possible security implications.")))
    run.audit(audit)
    results = _results(run)
    assert {gate: r.measured for gate, r in results.items()} == {
        "tools/lint": "2 findings",
        f"tools/{TYPE_ALPHA}": "1 findings",
        "tools/sql": "2 findings",
        "tools/security": "1 findings",
        "tools/audit": "1 findings",
    }
    assert all(r.status == "failed" for r in results.values())
    assert results["tools/lint"].details == (
        f"{source}:1: F401 `os` imported but unused",
        f"/elsewhere/{source}:4: ANN001 Missing type annotation for `x`",
    )
    assert results[f"tools/{TYPE_ALPHA}"].details == (
        f"{source}:4: Function is missing a type annotation [no-untyped-def]",
    )
    assert results["tools/sql"].details == (
        "db/q.sql:1: LT01 Expected single whitespace.",
        "db/q.sql:3: CP01 Up.",
    )
    assert results["tools/security"].details == (
        f"{source}:1: B404 Consider possible security implications.",
    )
    assert results["tools/audit"].details == ("idna==3.4: PYSEC-2024-60",)


def test_a_long_list_of_findings_shows_ten_and_counts_the_rest(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.lint(*(ruff_finding("a.py", row, "E501", "Line too long") for row in range(1, 13)))
    lint = _results(run)["tools/lint"]
    assert lint.measured == "12 findings"
    assert lint.details[9] == "a.py:10: E501 Line too long"
    assert lint.details[10:] == ("... and 2 more",)


NOTHING = AuditResult(
    source="none", findings=(), packages_audited=0, messages=("PyPI did not answer",)
)
NOT_AUDITED = "dependencies were NOT audited: no advisory source answered"


@pytest.mark.req("FR-146")
@pytest.mark.parametrize(("strict", "status"), [(False, "warning"), (True, "failed")])
def test_dependencies_not_audited_warn_locally_and_fail_when_strict(
    alpha: Path, run: RunFolder, strict: bool, status: str
) -> None:
    del alpha
    run.audit(NOTHING)
    gate = {r.gate: r for r in tools.GATE.evaluate(run.context(strict=strict))}
    audit = gate["tools/audit"]
    assert (audit.status, audit.measured) == (status, "0 findings, dependencies NOT audited")
    assert audit.details == (NOT_AUDITED,)


@pytest.mark.req("FR-146")
@pytest.mark.parametrize("strict", [False, True])
def test_not_audited_beside_bandit_findings_is_its_own_row_in_both_modes(
    alpha: Path, run: RunFolder, strict: bool
) -> None:
    del alpha
    run.security(bandit_json(("a.py", 3, "B602", "shell=True")))
    run.audit(NOTHING)
    results = {r.gate: r for r in tools.GATE.evaluate(run.context(strict=strict))}
    security, audit = results["tools/security"], results["tools/audit"]
    assert (security.status, security.measured) == ("failed", "1 findings")
    assert security.details == ("a.py:3: B602 shell=True",)
    assert (audit.status, audit.measured) == (
        "failed" if strict else "warning",
        "0 findings, dependencies NOT audited",
    )
    assert audit.details == (NOT_AUDITED,)


@pytest.mark.req("FR-144")
def test_files_the_format_check_would_reformat_are_findings(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tool(
        "lint",
        {
            "findings": ("ruff.json", json.dumps([ruff_finding("a.py", 1, "F401", "unused")])),
            "format": ("ruff-format.txt", "packages/alpha/src/alpha/calc.py\nnoxfile.py\n"),
        },
        outcome="failed",
        message="ruff: 1 finding(s), 2 file(s) would be reformatted",
    )
    lint = _results(run)["tools/lint"]
    assert (lint.status, lint.measured) == ("failed", "3 findings")
    assert lint.details == (
        "a.py:1: F401 unused",
        "packages/alpha/src/alpha/calc.py: would be reformatted",
        "noxfile.py: would be reformatted",
    )


@pytest.mark.req("FR-145")
def test_bandit_with_no_source_anywhere_is_said_and_not_a_crash(
    workspace: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    del workspace
    add_member("docs-only", tests=True)
    run.tool("security", {}, message="bandit: no source to scan")
    security = _results(run)["tools/security"]
    assert (security.status, security.measured) == (
        "passed",
        "0 findings (bandit: no source to scan)",
    )


@pytest.mark.req("FR-145")
def test_bandit_missing_where_there_is_source_is_red(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tool("security", {}, message="bandit exit 0")
    security = _results(run)["tools/security"]
    assert (security.status, security.measured) == ("failed", "crashed: no findings file")


@pytest.mark.req("FR-141")
def test_a_tool_stopped_by_a_usage_error_shows_its_own_line(alpha: Path, run: RunFolder) -> None:
    del alpha
    message = "mypy: There are no .py[i] files in directory 'tests'"
    run.tool(
        "type",
        {"findings": ("mypy.jsonl", "")},
        package="alpha",
        python="3.11",
        outcome="crashed",
        message=message,
    )
    typed = _results(run)[f"tools/{TYPE_ALPHA}"]
    assert (typed.status, typed.measured) == ("failed", f"crashed: {message}")


def test_a_failed_tool_without_findings_is_red_with_its_message(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    run.tool(
        "lint",
        {"findings": ("ruff.json", "[]")},
        outcome="failed",
        message="ruff: 0 finding(s), format check exit 1",
    )
    run.tool("sql", {"findings": ("sqlfluff.json", "")}, outcome="failed")
    results = _results(run)
    lint = results["tools/lint"]
    assert (lint.status, lint.measured) == ("failed", "1 findings")
    assert lint.details == ("ruff: 0 finding(s), format check exit 1",)
    assert results["tools/sql"].details == ("the tool reported a failure",)


@pytest.mark.parametrize(
    ("kind", "files", "what"),
    [
        ("lint", {"findings": ("ruff.json", "")}, "ruff report"),
        ("sql", {"findings": ("sqlfluff.json", " \n")}, "sqlfluff report"),
    ],
)
def test_a_passed_tool_whose_report_is_blank_is_red_never_unseen_green(
    alpha: Path, run: RunFolder, kind: SessionKind, files: dict[str, tuple[str, str]], what: str
) -> None:
    del alpha
    run.tool(kind, files)
    result = _results(run)[f"tools/{kind}"]
    assert (result.status, result.measured) == (
        "failed",
        f"crashed: empty {what}: the tool wrote nothing",
    )


@pytest.mark.req("FR-034")
def test_a_crashed_tool_or_one_without_its_findings_file_is_red(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    run.tool("lint", {}, outcome="crashed", message="CommandFailed: ruff not found")
    run.tool("sql", {}, outcome="passed")  # the manifest lists no findings file
    run.tool("security", {})  # no bandit.json
    run.tool("audit", {"requirements": ("requirements.txt", "idna==3.4\n")})  # no audit.json
    results = _results(run)
    assert results["tools/lint"].measured == "crashed: CommandFailed: ruff not found"
    tools_run = ("tools/lint", "tools/sql", "tools/security", "tools/audit")
    assert [results[g].measured for g in tools_run[1:]] == ["crashed: no findings file"] * 3
    assert {results[g].status for g in tools_run} == {"failed"}


def test_a_findings_file_that_is_not_json_names_file_and_line(alpha: Path, run: RunFolder) -> None:
    del alpha
    folder = run.tool("lint", {"findings": ("ruff.json", "[\n  {oops")})
    with pytest.raises(ArtifactError, match=r"ruff\.json:2: not JSON") as raised:
        _results(run)
    assert raised.value.path == folder / "ruff.json"


def test_a_mypy_line_that_is_not_json_names_file_and_line(alpha: Path, run: RunFolder) -> None:
    del alpha
    good = mypy_line("a.py", 1, "bad", "misc")
    run.tool(
        "type", {"findings": ("mypy.jsonl", f"{good}\n{{oops\n")}, package="alpha", python="3.11"
    )
    with pytest.raises(ArtifactError, match=r"mypy\.jsonl:2: not JSON"):
        _results(run)


def test_the_audit_json_is_read_as_the_audit_writes_it(alpha: Path, run: RunFolder) -> None:
    del alpha
    audit = AuditResult(source="online", findings=(IDNA,), packages_audited=3)
    folder = run.audit(audit)
    written = json.loads((folder / "audit.json").read_text())
    assert (written["status"], written["findings"][0]["advisory_id"]) == ("failed", "PYSEC-2024-60")
    assert _results(run)["tools/audit"].details == ("idna==3.4: PYSEC-2024-60",)


def test_a_mypy_finding_without_a_line_names_its_file_alone() -> None:
    # mypy writes line -1 for a file-level error; ":-1:" would also render as an emoji.
    def finding(line: int) -> tools.MypyFinding:
        return tools.MypyFinding(file="pkg/mod.py", line=line, message="m", severity="error")

    assert tools.mypy_where(finding(-1)) == "pkg/mod.py"
    assert tools.mypy_where(finding(7)) == "pkg/mod.py:7"


@pytest.mark.req("FR-034")
def test_a_mypy_run_in_a_members_folder_names_its_files_from_the_root(
    alpha: Path, run: RunFolder
) -> None:
    # A member with its own mypy configuration: mypy ran in the member's folder and
    # names files relative to it; the manifest says where it ran.
    del alpha
    message = "Function is missing a type annotation"
    folder = run.types("alpha", mypy_line("src/alpha/calc.py", 4, message, "no-untyped-def"))
    manifest = read_manifest(folder / MANIFEST)
    write_manifest(folder, manifest.model_copy(update={"workdir": "packages/alpha"}))
    details = _results(run)[f"tools/{TYPE_ALPHA}"].details
    assert details == (f"packages/alpha/src/alpha/calc.py:4: {message} [no-untyped-def]",)
    outside = tools.MypyFinding(file="../common/x.py", line=2, message="m", severity="error")
    assert tools.mypy_where(outside, "packages/alpha") == "packages/common/x.py:2"

"""The patch gate on a real git repository and hand-written coverage data, counted by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ToolError
from tiergate.gates import patch
from tiergate.git import GitError
from unit.conftest import CALC, CALC_PATH, IMPORTED, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from unit.conftest import RunFolder

# The base version of alpha.calc differs from CALC on three statements:
# line 5 (`return x + x`), line 10 (`return 0`) and line 16 (`return x * 2`).
BASE = CALC.replace("2 * x", "x + x").replace("return -1", "return 0")
BASE = BASE.replace("return double(x)", "return x * 2")
FRESH_PATH = "packages/alpha/src/alpha/fresh.py"
# statements 1, 4 and 5 (when all are missing, shown as 1-5: lines 2-3 are blank)
FRESH = "LIMIT = 10\n\n\ndef clamp(x):\n    return min(x, LIMIT)\n"
UNIT = (*IMPORTED, 5)  # double() ran: line 5 is covered, 10 and 16 are not


@pytest.fixture
def changed(
    alpha: Path,
    commit_all: Callable[..., None],
    git: Callable[..., str],
) -> Path:
    """alpha on branch ``feature`` off ``main``: line 5 committed, 10 and 16 edited, fresh.py new.

    Also changed, and not coverable: a comment on line 2, a test file and the README.
    """
    root = alpha.parent.parent
    (alpha / "src/alpha/calc.py").write_text(BASE)
    (alpha / "tests/unit/test_calc.py").write_text("def test_one():\n    assert True\n")
    (alpha / "README.md").write_text("alpha\n")
    commit_all(root, "base")
    git(root, "checkout", "--quiet", "-b", "feature")
    (alpha / "src/alpha/calc.py").write_text(BASE.replace("x + x", "2 * x"))
    git(root, "commit", "--quiet", "-am", "double")
    lines = CALC.splitlines(keepends=True)
    lines[1] = "# arithmetic\n"  # a comment where a blank line was: not a statement
    (alpha / "src/alpha/calc.py").write_text("".join(lines))  # 10 and 16: not committed
    (alpha / "src/alpha/fresh.py").write_text(FRESH)  # untracked: every statement is changed
    (alpha / "tests/unit/test_calc.py").write_text("def test_two():\n    assert True\n")
    (alpha / "README.md").write_text("alpha, changed\n")
    return root


def _results(run: RunFolder, base: str | None = "main") -> dict[str, GateResult]:
    return {result.gate: result for result in patch.GATE.evaluate(run.context(base=base))}


def _unit_and_integration(run: RunFolder) -> None:
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(2), {CALC_PATH: UNIT}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: IMPORTED}),
        },
    )


@pytest.mark.req("FR-070")
def test_changed_statements_are_counted_per_member_and_in_total(
    changed: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del changed
    configure("[tool.tiergate.patch]\nmin = 50\n")
    _unit_and_integration(run)
    results = _results(run)
    assert list(results) == ["patch/package/alpha", "patch/total"]
    alpha = results["patch/package/alpha"]
    assert alpha.title == "patch coverage of alpha since main"
    # calc.py: 5 covered, 10 and 16 not; fresh.py: 1, 4, 5 never ran (no data at all)
    assert (alpha.status, alpha.measured, alpha.bound) == (
        "failed",
        "16.67% (1/6 changed lines)",
        ">= 50%",
    )
    assert alpha.details == (
        f"{CALC_PATH}: 1/3 changed lines run, missing 10, 16",
        f"{FRESH_PATH}: 0/3 changed lines run, missing 1-5",  # 2-3 are blank: one run
    )
    total = results["patch/total"]
    assert (total.status, total.measured, total.title) == (
        "failed",
        "16.67% (1/6 changed lines)",
        "patch coverage since main",
    )
    assert total.details == ()


def test_without_a_minimum_patch_coverage_is_reported_and_passes(
    changed: Path, run: RunFolder
) -> None:
    del changed
    _unit_and_integration(run)
    results = _results(run)
    assert {(r.status, r.bound) for r in results.values()} == {("passed", "none (report only)")}
    assert results["patch/total"].measured == "16.67% (1/6 changed lines)"


def test_the_configured_base_is_used_when_none_is_given(
    changed: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del changed
    configure('[tool.tiergate.patch]\nbase = "main"\nmin = 10\n')
    _unit_and_integration(run)
    context = run.context()
    assert context.base == "main"
    total = [r for r in patch.GATE.evaluate(context) if r.gate == "patch/total"]
    assert [(r.status, r.measured) for r in total] == [("passed", "16.67% (1/6 changed lines)")]


def test_without_a_base_there_is_no_patch_gate(alpha: Path, run: RunFolder) -> None:
    del alpha
    _unit_and_integration(run)
    assert _results(run, base=None) == {}


@pytest.mark.req("FR-071")
def test_a_member_whose_data_is_missing_is_not_run_and_so_is_the_total(
    changed: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del changed
    configure("[tool.tiergate.patch]\nmin = 10\n")
    run.tests(
        "alpha",
        {"unit": Tier(passing(2), {CALC_PATH: UNIT}), "integration": Tier(passing(1), None)},
    )
    results = _results(run)
    for gate in ("patch/package/alpha", "patch/total"):
        assert (results[gate].status, results[gate].measured, results[gate].details) == (
            "failed",
            "not run",
            ("no coverage data: alpha (integration)",),
        )
    assert results["patch/total"].bound == ">= 10%"


def test_changes_with_no_coverable_statement_pass_with_nothing_to_measure(
    alpha: Path,
    run: RunFolder,
    commit_all: Callable[..., None],
) -> None:
    root = alpha.parent.parent
    commit_all(root, "base")
    (alpha / "src/alpha/calc.py").write_text("# arithmetic\n" + CALC)  # every statement moved
    _unit_and_integration(run)
    results = _results(run)
    # git sees one added comment line; the statements below it are unchanged
    assert list(results) == ["patch/total"]
    total = results["patch/total"]
    assert (total.status, total.measured) == ("passed", "no coverable changed lines")


def test_a_folder_outside_git_is_a_git_error(alpha: Path, run: RunFolder) -> None:
    del alpha
    _unit_and_integration(run)
    with pytest.raises(GitError, match="not a git repository"):
        _results(run)


def test_without_git_installed_patch_coverage_is_a_tool_error(
    changed: Path, run: RunFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unit_and_integration(run)
    context = run.context(base="main")
    monkeypatch.setenv("PATH", str(changed / "no-tools-here"))
    with pytest.raises(ToolError, match="git is not installed"):
        list(patch.GATE.evaluate(context))

"""Patch coverage on a real git repository and real coverage data, counted by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.verdict import evaluate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce
    from tiergate.gates.base import GateResult

CALC_BASE = """\
def double(x: int) -> int:
    return x * 2


def triple(x: int) -> int:
    return x * 3
"""
# The change, line by line (statements are what coverage.py counts):
CALC_CHANGED = """\
# Arithmetic helpers.
def double(x: int) -> int:
    y = x + x
    return y


def triple(value: int) -> int:
    y = value * 3
    return y
"""
#  1 comment        changed, not a statement: not coverable
#  2 def double     unchanged (it moved down one line, git keeps it)
#  3 y = x + x      changed  -> covered (test_double calls double)
#  4 return y       added    -> covered
#  7 def triple     changed  -> covered (a def runs when the module is imported)
#  8 y = value * 3  changed  -> NOT covered (no test calls triple)
#  9 return y       added    -> NOT covered
FRESH = '''\
"""A module no test imports: no coverage data at all."""

LIMIT = 10


def clamp(x: int) -> int:
    return min(x, LIMIT)
'''
#  1 docstring      not a statement
#  3 LIMIT = 10     new -> NOT covered
#  6 def clamp      new -> NOT covered
#  7 return ...     new -> NOT covered
TEST_CALC = (
    "from alpha.calc import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n"
)
BETA_BASE = 'def greet(name: str) -> str:\n    return "hello " + name\n'
BETA_CHANGED = 'def greet(name: str) -> str:\n    return f"hello {name}"\n'  # line 2 -> covered
TEST_BETA = "from beta import greet\n\n\ndef test_greet() -> None:\n    assert greet('x')\n"


@pytest.fixture
def changed(  # noqa: PLR0913, PLR0917 - each fixture is one real part of the scenario
    ws_root: Path,
    built_once: BuiltOnce,
    add_member: Callable[..., Path],
    write_file: Callable[[str, str], Path],
    git_init: Callable[[Path], Path],
    git: Callable[..., str],
    run_tier: Callable[..., Path],
) -> Path:
    """Two members on a feature branch off ``base``, their unit tiers run after the change."""

    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        pyproject = ws_root / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + "\n[tool.coverage.report]\nprecision = 2\n")
        add_member("alpha", package="alpha", tests=True)
        add_member("beta", package="beta", tests=True)
        write_file("packages/alpha/src/alpha/calc.py", CALC_BASE)
        write_file("packages/alpha/tests/unit/test_calc.py", TEST_CALC)
        write_file("packages/beta/src/beta/__init__.py", BETA_BASE)
        write_file("packages/beta/tests/unit/test_beta.py", TEST_BETA)
        write_file("README.md", "# workspace\n")
        write_file(".gitignore", ".tiergate/\n__pycache__/\n.coverage*\n")
        git_init(ws_root)
        git(ws_root, "add", "-A")
        git(ws_root, "commit", "--quiet", "-m", "base")
        git(ws_root, "switch", "--quiet", "--create", "feature")
        write_file("packages/alpha/src/alpha/calc.py", CALC_CHANGED)
        write_file("packages/alpha/src/alpha/fresh.py", FRESH)
        write_file("packages/beta/src/beta/__init__.py", BETA_CHANGED)
        write_file(
            "packages/alpha/tests/unit/test_calc.py", TEST_CALC + "    assert double(0) == 0\n"
        )
        write_file("README.md", "# workspace\n\nNow with a fresh module.\n")
        git(ws_root, "add", "-A")
        git(ws_root, "commit", "--quiet", "-m", "the change")
        run_tier("alpha", "unit")
        run_tier("beta", "unit")

    built_once(build)
    return ws_root


def _patch(root: Path, config: str = "", base: str | None = "main") -> dict[str, GateResult]:
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + config)
    verdict = evaluate(root, [root / ".tiergate/runs/r1"], strict=True, only=("patch",), base=base)
    return {result.gate: result for result in verdict.results}


@pytest.mark.req("FR-070")
def test_patch_coverage_matches_the_hand_count(changed: Path) -> None:
    results = _patch(changed, "\n[tool.tiergate.patch]\nmin = 50\n")
    assert list(results) == ["patch/package/alpha", "patch/package/beta", "patch/total"]
    alpha = results["patch/package/alpha"]
    # calc.py: 3, 4, 7 covered; 8, 9 not -> 3/5. fresh.py: 3, 6, 7 not -> 0/3. alpha: 3/8.
    assert alpha.measured == "37.50% (3/8 changed lines)"
    assert (alpha.status, alpha.bound) == ("failed", ">= 50%")
    assert alpha.details == (
        "packages/alpha/src/alpha/calc.py: 3/5 changed lines run, missing 8-9",
        "packages/alpha/src/alpha/fresh.py: 0/3 changed lines run, missing 3-7",
    )
    # beta: line 2 changed and covered -> 1/1.
    beta = results["patch/package/beta"]
    assert (beta.measured, beta.status, beta.details) == (
        "100.00% (1/1 changed lines)",
        "passed",
        (),
    )
    # total: (3 + 1) / (8 + 1) = 4/9 = 44.44% -- counts add up, percentages are never averaged.
    total = results["patch/total"]
    assert (total.measured, total.status) == ("44.44% (4/9 changed lines)", "failed")
    assert total.title == "patch coverage since main"


def test_without_a_bound_patch_coverage_is_reported_and_passes(changed: Path) -> None:
    results = _patch(changed)
    assert {r.status for r in results.values()} == {"passed"}
    assert results["patch/total"].bound == "none (report only)"
    assert results["patch/total"].measured == "44.44% (4/9 changed lines)"


@pytest.mark.req("FR-071")
def test_without_a_base_the_patch_gate_has_not_looked_and_is_never_green(changed: Path) -> None:
    nothing = _patch(changed, base=None)["verdict/nothing-evaluated"]
    assert (nothing.status, nothing.title) == ("failed", "gates asked for: patch")
    # with a bound to meet, it says so itself: red in strict mode (a warning locally)
    unmet = _patch(changed, "\n[tool.tiergate.patch]\nmin = 50\n", base=None)["patch/total"]
    assert (unmet.status, unmet.measured, unmet.bound) == (
        "failed",
        "not run: no base ref to diff against",
        ">= 50%",
    )


def test_the_configured_base_is_used_when_none_is_given(changed: Path) -> None:
    results = _patch(changed, '\n[tool.tiergate.patch]\nbase = "main"\n', base=None)
    assert results["patch/total"].measured == "44.44% (4/9 changed lines)"


@pytest.mark.req("FR-070")
def test_uncommitted_edits_and_untracked_modules_count(changed: Path) -> None:
    beta = changed / "packages/beta/src/beta"
    with (beta / "__init__.py").open("a") as source:  # an unstaged edit: line 3
        source.write("LATER = 1\n")
    (beta / "later.py").write_text("A = 1\nB = 2\n")  # untracked: every line is new
    (beta / "notes.txt").write_text("not Python\n")  # untracked, not coverable
    results = _patch(changed)
    # beta: line 2 covered; line 3 and later.py's lines 1-2 never ran -> 1/4.
    assert results["patch/package/beta"].measured == "25.00% (1/4 changed lines)"
    assert results["patch/package/beta"].details == (
        "packages/beta/src/beta/__init__.py: 1/2 changed lines run, missing 3",
        "packages/beta/src/beta/later.py: 0/2 changed lines run, missing 1-2",
    )
    # total: alpha 3/8 + beta 1/4 = 4/12.
    assert results["patch/total"].measured == "33.33% (4/12 changed lines)"


@pytest.mark.req("FR-071")
def test_a_member_whose_sessions_did_not_all_run_is_not_run(changed: Path) -> None:
    integration = changed / "packages/beta/tests/integration"
    integration.mkdir()
    (integration / "test_flow.py").write_text("def test_flow() -> None:\n    pass\n")
    # beta is now expected in integration too, and that tier never ran
    results = _patch(changed, "\n[tool.tiergate.patch]\nmin = 10\n")
    beta = results["patch/package/beta"]
    assert (beta.status, beta.measured) == ("failed", "not run")
    assert beta.details == ("no coverage data: beta (integration)",)
    total = results["patch/total"]
    assert (total.status, total.measured) == ("failed", "not run")
    assert results["patch/package/alpha"].measured == "37.50% (3/8 changed lines)"


def test_only_comments_and_non_python_changes_have_nothing_to_cover(
    changed: Path, git: Callable[..., str]
) -> None:
    git(changed, "switch", "--quiet", "--create", "docs-only")
    calc = changed / "packages/alpha/src/alpha/calc.py"
    calc.write_text(calc.read_text().replace("# Arithmetic helpers.", "# Arithmetic, helped."))
    git(changed, "commit", "--quiet", "-am", "comment")
    results = _patch(changed, "\n[tool.tiergate.patch]\nmin = 100\n", base="feature")
    assert list(results) == ["patch/total"]
    assert results["patch/total"].measured == "no coverable changed lines"
    assert results["patch/total"].status == "passed"

"""The coverage gate on hand-written run folders: every scope, not run, empty data, rounding."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import coverage
import pytest

from tiergate.gates import coverage as coverage_gate
from unit.conftest import CALC_PATH, IMPORTED, INIT_PATH, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from unit.conftest import RunFolder

# alpha.calc has 10 statements (1, 4, 5, 8, 9, 10, 11, 14, 15, 16); importing it runs 5.
UNIT = (*IMPORTED, 5)  # double(): 6 of 10
INTEGRATION = (*IMPORTED, 9, 11)  # sign(1): 7 of 10
# Together: 8 of 10 (1, 4, 5, 8, 9, 11, 14, 15), missing 10 and 16.
THREE = "packages/alpha/src/alpha/three.py"


def _results(run: RunFolder) -> dict[str, GateResult]:
    return {result.gate: result for result in coverage_gate.GATE.evaluate(run.context())}


def _both_tiers(run: RunFolder, python: str = "3.11") -> Path:
    return run.tests(
        "alpha",
        {
            "unit": Tier(passing(2), {CALC_PATH: UNIT}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: INTEGRATION}),
        },
        python=python,
    )


@pytest.mark.req("FR-030")
@pytest.mark.req("FR-032")
def test_each_tier_is_judged_by_its_own_bound(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.coverage]\ntiers = { unit = 60, integration = 75 }\n")
    _both_tiers(run)
    results = _results(run)
    assert list(results) == ["coverage/tier/unit", "coverage/tier/integration"]
    unit = results["coverage/tier/unit"]
    assert (unit.status, unit.measured, unit.bound) == ("passed", "60.00% (6/10 lines)", ">= 60%")
    assert unit.details == ()
    integration = results["coverage/tier/integration"]
    assert (integration.status, integration.measured) == ("failed", "70.00% (7/10 lines)")
    assert integration.title == "coverage of tier integration"
    assert integration.details == (f"{CALC_PATH}: 70.00% missing 5, 10, 16",)


@pytest.mark.req("FR-031")
def test_combined_is_the_union_of_the_tiers_never_their_average(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.coverage]\ncombined = 80\n")
    _both_tiers(run)
    combined = _results(run)["coverage/combined"]
    # 60% and 70% average to 65%; the union of their lines is 8 of 10
    assert (combined.status, combined.measured) == ("passed", "80.00% (8/10 lines)")
    assert combined.title == "coverage, combined"


@pytest.mark.req("FR-031")
def test_the_union_agrees_with_coverage_report_on_the_combined_data(
    alpha: Path,
    run: RunFolder,
    configure: Callable[[str], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure("[tool.tiergate.coverage]\ncombined = 80\n")
    folder = _both_tiers(run)
    combined = coverage.CoverageData(basename=str(tmp_path / "combined.db"))
    for tier in ("unit", "integration"):
        part = coverage.CoverageData(basename=str(folder / tier / "coverage.db"))
        part.read()
        combined.update(part)
    combined.write()
    del alpha
    monkeypatch.chdir(run.root)  # the data's paths are relative to the root
    report = coverage.Coverage(
        data_file=str(tmp_path / "combined.db"), config_file=str(run.root / "pyproject.toml")
    )
    report.load()
    out = io.StringIO()
    percent = report.report(file=out, show_missing=True)
    assert percent == 80.0
    assert f"{CALC_PATH}      10      2  80.00%   10, 16" in out.getvalue()
    assert _results(run)["coverage/combined"].measured == "80.00% (8/10 lines)"


@pytest.mark.req("FR-031")
def test_lines_run_on_different_pythons_are_united(
    workspace: Path, alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.12\n")
    configure("[tool.tiergate.coverage]\ntiers = { unit = 80 }\n")
    run.tests("alpha", {"unit": Tier(passing(1), {CALC_PATH: UNIT}), "integration": Tier()})
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), {CALC_PATH: INTEGRATION}), "integration": Tier()},
        python="3.12",
    )
    unit = _results(run)["coverage/tier/unit"]
    assert (unit.status, unit.measured) == ("passed", "80.00% (8/10 lines)")


@pytest.mark.req("FR-030")
def test_a_member_bound_wins_over_the_root_bound(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    configure("[tool.tiergate.coverage]\npackages = { alpha = 90 }\n")
    pyproject = alpha / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.tiergate.coverage]\npackage = 50\ntiers = { unit = 61 }\n"
    )
    _both_tiers(run)
    results = _results(run)
    assert list(results) == ["coverage/package/alpha", "coverage/package/alpha/unit"]
    package = results["coverage/package/alpha"]
    assert (package.status, package.measured, package.bound) == (
        "passed",
        "80.00% (8/10 lines)",
        ">= 50%",
    )
    own_tier = results["coverage/package/alpha/unit"]
    assert own_tier.title == "coverage of alpha, tier unit"
    assert (own_tier.status, own_tier.measured, own_tier.bound) == (
        "failed",
        "60.00% (6/10 lines)",
        ">= 61%",
    )
    assert own_tier.details == (f"{CALC_PATH}: 60.00% missing 9-11, 16",)


def test_the_root_package_bound_applies_without_a_member_one(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.coverage]\npackages = { alpha = 90 }\n")
    _both_tiers(run)
    package = _results(run)["coverage/package/alpha"]
    assert (package.status, package.bound) == ("failed", ">= 90%")
    assert package.details == (f"{CALC_PATH}: 80.00% missing 10, 16",)


@pytest.mark.req("FR-030")
def test_each_file_is_judged_by_its_most_specific_glob(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    configure('[tool.tiergate.coverage]\nfiles = { "packages/alpha/src/alpha/*.py" = 90 }\n')
    _both_tiers(run)
    wide = _results(run)["coverage/files/packages/alpha/src/alpha/*.py"]
    assert (wide.status, wide.measured) == ("failed", "1 of 2 files below")  # __init__: 0 of 0
    assert wide.title == "coverage of each file in packages/alpha/src/alpha/*.py"
    assert wide.details == (f"{CALC_PATH}: 80.00% missing 10, 16",)

    pyproject = alpha / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.tiergate.coverage]\nfiles = { "src/alpha/calc.py" = 80 }\n'
    )
    results = _results(run)
    assert list(results) == [
        "coverage/files/packages/alpha/src/alpha/*.py",
        f"coverage/files/{CALC_PATH}",
    ]
    assert results["coverage/files/packages/alpha/src/alpha/*.py"].measured == "0 of 1 files below"
    assert results[f"coverage/files/{CALC_PATH}"].status == "passed"


def test_a_glob_that_matches_no_file_is_red(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure('[tool.tiergate.coverage]\nfiles = { "packages/alpha/src/alpha/gone/*.py" = 10 }\n')
    _both_tiers(run)
    result = _results(run)["coverage/files/packages/alpha/src/alpha/gone/*.py"]
    assert (result.status, result.measured, result.details) == ("failed", "no file matches", ())


@pytest.mark.req("FR-031")
def test_a_bound_is_compared_as_fail_under_compares_at_the_precision(
    alpha: Path,
    run: RunFolder,
    configure: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (alpha / "src/alpha/three.py").write_text("A = 1\nB = 2\nC = 3\n")
    configure(f'[tool.tiergate.coverage]\nfiles = {{ "{THREE}" = 66.67 }}\n')
    folder = run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {THREE: [1, 2]}),
            "integration": Tier(passing(1), {THREE: [1]}),
        },
    )
    # 2 of 3 is 66.666...%: shown as 66.67 at precision 2, and --fail-under=66.67 passes
    result = _results(run)[f"coverage/files/{THREE}"]
    assert (result.status, result.measured) == ("passed", "0 of 1 files below")
    monkeypatch.chdir(run.root)
    report = coverage.Coverage(
        data_file=str(folder / "unit/coverage.db"), config_file=str(run.root / "pyproject.toml")
    )
    report.load()
    out = io.StringIO()
    assert round(report.report(file=out, include=[THREE]), 2) == 66.67
    assert f"{THREE}       3      1  66.67%" in out.getvalue()

    configure("[tool.tiergate.coverage.packages]\nalpha = 66.68\n")
    package = _results(run)["coverage/package/alpha"]
    # calc.py never ran: 2 of 13 statements
    assert (package.status, package.measured) == ("failed", "15.38% (2/13 lines)")


@pytest.mark.req("FR-032")
def test_a_failed_scope_lists_the_worst_files_first(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    (alpha / "src/alpha/three.py").write_text("A = 1\nB = 2\nC = 3\n")
    configure("[tool.tiergate.coverage]\ntiers = { unit = 100 }\n")
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: UNIT, THREE: [1, 2]}),
            "integration": Tier(passing(1), {CALC_PATH: INTEGRATION}),
        },
    )
    unit = _results(run)["coverage/tier/unit"]
    assert unit.measured == "61.54% (8/13 lines)"
    assert unit.details == (  # 60.00% before 66.67%; __init__.py misses nothing
        f"{CALC_PATH}: 60.00% missing 9-11, 16",
        f"{THREE}: 66.67% missing 3",
    )


@pytest.mark.req("FR-042")
def test_a_tier_without_coverage_data_is_not_run_never_zero(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.coverage]\ncombined = 10\ntiers = { unit = 10, integration = 10 }\n")
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), None),  # listed, but no coverage.db was written
            "integration": Tier(passing(1), {CALC_PATH: INTEGRATION}),
        },
    )
    results = _results(run)
    unit = results["coverage/tier/unit"]
    assert (unit.status, unit.measured, unit.bound) == ("failed", "not run", ">= 10%")
    assert unit.details == ("no coverage data: alpha (unit)",)
    assert results["coverage/combined"].measured == "not run"
    assert results["coverage/tier/integration"].measured == "70.00% (7/10 lines)"


def test_a_member_with_no_data_at_all_is_not_run_not_empty(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.coverage]\ncombined = 10\n")
    run.tests("alpha", {"unit": Tier(passing(1), None), "integration": Tier(passing(1), None)})
    [combined] = coverage_gate.GATE.evaluate(run.context())
    assert (combined.gate, combined.measured) == ("coverage/combined", "not run")


def test_a_tier_no_member_has_is_not_run(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.coverage]\ntiers = { e2e = 10 }\n")
    _both_tiers(run)
    result = _results(run)["coverage/tier/e2e"]
    assert (result.status, result.measured) == ("failed", "not run: no member has e2e tests")


@pytest.mark.req("FR-046")
def test_a_member_whose_data_measured_no_line_is_red(alpha: Path, run: RunFolder) -> None:
    del alpha
    measured_nothing = {CALC_PATH: (), INIT_PATH: ()}
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), measured_nothing),
            "integration": Tier(passing(1), measured_nothing),
        },
    )
    [empty] = coverage_gate.GATE.evaluate(run.context())
    assert (empty.gate, empty.status) == ("coverage/data/alpha", "failed")
    assert empty.measured == "empty: no line of its source was measured"
    assert empty.details == ("check the tests import the package from src/ (is --source right?)",)


def test_data_in_one_tier_is_enough_to_not_be_empty(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: ()}),
            "integration": Tier(passing(1), {CALC_PATH: IMPORTED}),
        },
    )
    assert list(coverage_gate.GATE.evaluate(run.context())) == []


def test_no_member_with_source_means_no_coverage_result(
    workspace: Path,
    add_member: Callable[..., Path],
    run: RunFolder,
    configure: Callable[[str], None],
) -> None:
    member = add_member("docs", tests=True)
    (member / "tests/unit").mkdir()
    configure("[tool.tiergate.coverage]\ncombined = 90\ntiers = { unit = 90 }\n")
    run.tests("docs", {"unit": Tier(passing(1), roles=("junit", "records"))})
    assert list(coverage_gate.GATE.evaluate(run.context())) == []
    del workspace


@pytest.mark.req("FR-097")
def test_a_member_tested_by_another_is_measured_by_that_members_sessions(
    alpha: Path, add_member: Callable[..., Path], run: RunFolder, configure: Callable[[str], None]
) -> None:
    # beta has no tests of its own: alpha's tests run its code, as a root tests/ folder does.
    beta = add_member("beta", package="beta")
    (beta / "src/beta/__init__.py").write_text("A = 1\nB = 2\n")
    with (beta / "pyproject.toml").open("a") as pyproject:
        pyproject.write('[tool.tiergate]\ntested-by = "alpha"\n')
    del alpha
    configure("[tool.tiergate.coverage]\npackages = { beta = 100 }\ncombined = 70\n")
    beta_init = "packages/beta/src/beta/__init__.py"
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: UNIT, beta_init: (1, 2)}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: INTEGRATION}),
        },
    )
    results = _results(run)
    beta_bound = results["coverage/package/beta"]
    assert (beta_bound.status, beta_bound.measured) == ("passed", "100.00% (2/2 lines)")
    # 8 of alpha's 10 lines and beta's 2: 10 of 12
    assert results["coverage/combined"].measured == "83.33% (10/12 lines)"

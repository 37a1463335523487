"""Each honesty rule turns the verdict red, on real pytest runs of a throwaway workspace."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from tiergate.runfolder import read_manifest, write_manifest
from tiergate.verdict import Verdict, evaluate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce

ONLY = ("sessions", "tests", "coverage")
SOURCE = "def double(x: int) -> int:\n    return 2 * x\n"
PASSING = "from alpha import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n"


@pytest.fixture
def alpha(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    (ws_root / ".python-version").write_text("3.11\n")
    files = {"src/alpha/__init__.py": SOURCE, "tests/unit/test_alpha.py": PASSING}
    return add_member("alpha", package="alpha", tests=True, files=files)


@pytest.fixture
def ran_unit(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path], built_once: BuiltOnce
) -> Path:
    """alpha's unit tier run once for the module (each test gets it back as it was); its folder."""
    del alpha
    built_once(lambda: run_tier("alpha", "unit"))
    return ws_root / ".tiergate/runs/r1/sessions/tests-3.11-alpha"


def _verdict(root: Path, *, strict: bool = True) -> Verdict:
    return evaluate(root, [root / ".tiergate/runs/r1"], strict=strict, only=ONLY)


def _failed(verdict: Verdict) -> dict[str, str]:
    return {r.gate: r.measured for r in verdict.results if r.status == "failed"}


def test_a_complete_run_passes(ws_root: Path, ran_unit: Path) -> None:
    assert (ran_unit / "manifest.json").is_file()
    verdict = _verdict(ws_root)
    assert _failed(verdict) == {}
    assert verdict.exit_code == 0


@pytest.mark.req("FR-042")
def test_a_missing_session_is_red(ws_root: Path, alpha: Path) -> None:
    del alpha
    (ws_root / ".tiergate/runs/r1/sessions").mkdir(parents=True)
    failed = _failed(_verdict(ws_root))
    assert failed["sessions/tests-3.11(package='alpha')"] == "not run: no results in the run"


@pytest.mark.req("FR-043")
def test_a_tier_that_collected_no_tests_is_red(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path]
) -> None:
    (alpha / "tests/unit/test_alpha.py").write_text(
        "from alpha import double\n\nVALUE = double(1)\n"
    )
    run_tier("alpha", "unit")
    failed = _failed(_verdict(ws_root))
    assert failed["tests/collected"] == "1 of 1 runs below their minimum"


@pytest.mark.req("FR-044")
def test_a_skip_outside_the_allow_list_is_red(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path]
) -> None:
    skipping = (
        PASSING + "\n\ndef test_later() -> None:\n    import pytest\n    pytest.skip('no db')\n"
    )
    (alpha / "tests/unit/test_alpha.py").write_text(skipping)
    run_tier("alpha", "unit", env={"CI": "true"})
    failed = _failed(_verdict(ws_root))
    assert failed["tests/skips"].startswith("1 not allowed")


@pytest.mark.req("FR-044")
def test_an_allowed_skip_passes_and_an_expired_entry_is_red(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path]
) -> None:
    skipping = (
        PASSING + "\n\ndef test_later() -> None:\n    import pytest\n    pytest.skip('no db')\n"
    )
    (alpha / "tests/unit/test_alpha.py").write_text(skipping)
    pyproject = ws_root / "pyproject.toml"
    base = pyproject.read_text()
    entry = (
        '[[tool.tiergate.skips.allow]]\ntest = "*test_later"\nreason = "no db here"\nexpires = {}\n'
    )
    pyproject.write_text(base + entry.format("2099-01-01"))
    run_tier("alpha", "unit", env={"CI": "true"})
    assert "tests/skips" not in _failed(_verdict(ws_root))
    pyproject.write_text(base + entry.format("2020-01-01"))
    verdict = evaluate(
        ws_root, [ws_root / ".tiergate/runs/r1"], strict=True, only=ONLY, today=date(2026, 1, 1)
    )
    skips = next(r for r in verdict.results if r.gate == "tests/skips")
    assert skips.status == "failed"
    assert "allow-list entry '*test_later' expired on 2020-01-01" in skips.details


@pytest.mark.req("FR-045")
def test_a_strict_xpass_is_red(ws_root: Path, alpha: Path, run_tier: Callable[..., Path]) -> None:
    marker = "@pytest.mark.xfail(strict=True, reason='bug')"
    xpass = PASSING + f"\n\nimport pytest\n\n\n{marker}\ndef test_fixed() -> None:\n    pass\n"
    (alpha / "tests/unit/test_alpha.py").write_text(xpass)
    run_tier("alpha", "unit")
    failed = _failed(_verdict(ws_root))
    assert failed["tests/strict-xpass"] == "1"


@pytest.mark.req("FR-046")
def test_empty_coverage_data_is_red(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path]
) -> None:
    (alpha / "tests/unit/test_alpha.py").write_text(
        "def test_nothing_imported() -> None:\n    assert True\n"
    )
    run_tier("alpha", "unit")
    failed = _failed(_verdict(ws_root))
    assert {"coverage/data/alpha", "sessions/tests-3.11(package='alpha')"} & set(failed)


@pytest.mark.req("FR-040")
def test_a_missing_interpreter_warns_locally_and_fails_strictly(ws_root: Path, alpha: Path) -> None:
    del alpha
    (ws_root / ".python-version").write_text("3.99\n")
    (ws_root / "packages/alpha/pyproject.toml").write_text(
        (ws_root / "packages/alpha/pyproject.toml").read_text()
    )
    (ws_root / ".tiergate/runs/r1/sessions").mkdir(parents=True)
    local = evaluate(ws_root, [ws_root / ".tiergate/runs/r1"], strict=False, only=("sessions",))
    assert [r.status for r in local.results] == ["warning"]
    assert local.passed
    strict = evaluate(ws_root, [ws_root / ".tiergate/runs/r1"], strict=True, only=("sessions",))
    assert strict.results[0].measured == "not run: Python 3.99 not found"
    assert not strict.passed


def _rewrite_manifest(folder: Path, **changes: object) -> None:
    manifest = read_manifest(folder / "manifest.json")
    write_manifest(folder, manifest.model_copy(update=changes))


def _session_problems(root: Path) -> tuple[str, ...]:
    verdict = _verdict(root)
    result = next(r for r in verdict.results if r.gate == "sessions/tests-3.11(package='alpha')")
    assert result.status == "failed"
    return result.details


@pytest.mark.req("FR-036", "FR-047")
def test_a_crashed_session_is_red_and_exits_3(ws_root: Path, ran_unit: Path) -> None:
    _rewrite_manifest(ran_unit, outcome="crashed", message="uv sync failed")
    assert _session_problems(ws_root) == ("crashed: uv sync failed",)
    assert _verdict(ws_root).exit_code == 3


@pytest.mark.req("FR-042")
def test_a_tier_missing_from_the_manifest_is_not_run(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path]
) -> None:
    (alpha / "tests/integration").mkdir()
    (alpha / "tests/integration/test_more.py").write_text(PASSING)
    run_tier("alpha", "unit")
    assert _session_problems(ws_root) == ("tier integration: not run",)


@pytest.mark.req("FR-047")
def test_a_crashed_tier_is_red(ws_root: Path, ran_unit: Path) -> None:
    tier = read_manifest(ran_unit / "manifest.json").tiers["unit"]
    crashed = tier.model_copy(update={"outcome": "crashed", "message": "pytest exited with 3"})
    _rewrite_manifest(ran_unit, tiers={"unit": crashed})
    assert _session_problems(ws_root) == ("tier unit: crashed: pytest exited with 3",)


@pytest.mark.parametrize(
    ("removed", "problem"),
    [
        ("records", "tier unit: no test records"),
        ("junit", "tier unit: no JUnit XML"),
        ("coverage", "tier unit: no coverage data"),
    ],
)
@pytest.mark.req("FR-042")
def test_a_tier_without_an_artifact_is_red(
    ws_root: Path, ran_unit: Path, removed: str, problem: str
) -> None:
    tier = read_manifest(ran_unit / "manifest.json").tiers["unit"]
    artifacts = {role: name for role, name in tier.artifacts.items() if role != removed}
    _rewrite_manifest(ran_unit, tiers={"unit": tier.model_copy(update={"artifacts": artifacts})})
    assert problem in _session_problems(ws_root)


@pytest.mark.req("FR-047")
def test_records_that_disagree_with_junit_are_red(ws_root: Path, ran_unit: Path) -> None:
    records = ran_unit / "unit/tests.jsonl"
    records.write_text(records.read_text() * 2)
    assert _session_problems(ws_root) == ("tier unit: 2 test records but 1 tests in JUnit XML",)

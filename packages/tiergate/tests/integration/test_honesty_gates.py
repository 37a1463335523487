"""Each honesty rule turns the verdict red, on real pytest runs of a throwaway workspace."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from tiergate.verdict import Verdict, evaluate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ONLY = ("sessions", "tests", "coverage")
SOURCE = "def double(x: int) -> int:\n    return 2 * x\n"
PASSING = "from alpha import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n"


@pytest.fixture
def alpha(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    (ws_root / ".python-version").write_text("3.11\n")
    member = add_member("alpha", package="alpha", tests=True)
    (member / "src/alpha/__init__.py").write_text(SOURCE)
    (member / "tests/unit").mkdir()
    (member / "tests/unit/test_alpha.py").write_text(PASSING)
    return member


def _verdict(root: Path, *, strict: bool = True) -> Verdict:
    return evaluate(root, [root / ".tiergate/runs/r1"], strict=strict, only=ONLY)


def _failed(verdict: Verdict) -> dict[str, str]:
    return {r.gate: r.measured for r in verdict.results if r.status == "failed"}


def test_a_complete_run_passes(ws_root: Path, alpha: Path, run_tier: Callable[..., Path]) -> None:
    del alpha
    run_tier("alpha", "unit")
    verdict = _verdict(ws_root)
    assert _failed(verdict) == {}
    assert verdict.exit_code == 0


def test_a_missing_session_is_red(ws_root: Path, alpha: Path) -> None:
    del alpha
    (ws_root / ".tiergate/runs/r1/sessions").mkdir(parents=True)
    failed = _failed(_verdict(ws_root))
    assert failed["sessions/tests-3.11(package='alpha')"] == "not run: no results in the run"


def test_a_tier_that_collected_no_tests_is_red(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path]
) -> None:
    (alpha / "tests/unit/test_alpha.py").write_text(
        "from alpha import double\n\nVALUE = double(1)\n"
    )
    run_tier("alpha", "unit")
    failed = _failed(_verdict(ws_root))
    assert failed["tests/collected"] == "1 of 1 runs below their minimum"


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


def test_a_strict_xpass_is_red(ws_root: Path, alpha: Path, run_tier: Callable[..., Path]) -> None:
    marker = "@pytest.mark.xfail(strict=True, reason='bug')"
    xpass = PASSING + f"\n\nimport pytest\n\n\n{marker}\ndef test_fixed() -> None:\n    pass\n"
    (alpha / "tests/unit/test_alpha.py").write_text(xpass)
    run_tier("alpha", "unit")
    failed = _failed(_verdict(ws_root))
    assert failed["tests/strict-xpass"] == "1"


def test_empty_coverage_data_is_red(
    ws_root: Path, alpha: Path, run_tier: Callable[..., Path]
) -> None:
    (alpha / "tests/unit/test_alpha.py").write_text(
        "def test_nothing_imported() -> None:\n    assert True\n"
    )
    run_tier("alpha", "unit")
    failed = _failed(_verdict(ws_root))
    assert {"coverage/data/alpha", "sessions/tests-3.11(package='alpha')"} & set(failed)


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

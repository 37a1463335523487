"""The ratchet gate on real runs: against a committed baseline file and against main's last run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.errors import HistoryError
from tiergate.history import HISTORY_URL_ENV, record_verdict
from tiergate.history.baseline import baseline_of, write_baseline
from tiergate.history.summary import scope_counts
from tiergate.verdict import Verdict, evaluate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce
    from tiergate.gates.base import GateResult

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SOURCE = "".join(f"def f{n}() -> int:\n    return {n}\n\n\n" for n in range(5))
RATCHET = "\n[tool.tiergate.ratchet]\ntolerance = 0.5\n"


def _unit_test(*functions: int) -> str:
    calls = "\n".join(f"    assert app.f{n}() == {n}" for n in functions)
    return f"import app\n\n\ndef test_some() -> None:\n{calls or '    assert True'}\n"


@pytest.fixture
def app(ws_root: Path, add_member: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Member ``app`` (10 statements) with unit and e2e tests, the ratchet on, no store yet."""
    monkeypatch.delenv(HISTORY_URL_ENV, raising=False)
    (ws_root / ".python-version").write_text("3.11\n")
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + RATCHET)
    member = add_member("app", package="app", tests=True)
    (member / "src/app/__init__.py").write_text(SOURCE)
    (member / "tests/unit").mkdir()
    (member / "tests/e2e").mkdir()
    (member / "tests/e2e/test_e2e.py").write_text(_unit_test(0))
    return member


def _run(run_tier: Callable[..., Path], app: Path, run_id: str, *functions: int) -> None:
    (app / "tests/unit/test_unit.py").write_text(_unit_test(*functions))
    run_tier("app", "unit", run_id=run_id)
    run_tier("app", "e2e", run_id=run_id)


@pytest.fixture
def good(ws_root: Path, app: Path, run_tier: Callable[..., Path], built_once: BuiltOnce) -> Path:
    """Run ``good`` (unit 90%) once for the module, and the baseline file saved from it."""

    def build() -> None:
        _run(run_tier, app, "good", 0, 1, 2, 3)  # 5 defs + 4 returns: 90%
        context = _ratchet(ws_root, "good").context
        write_baseline(
            ws_root / "tiergate-baseline.json",
            baseline_of(scope_counts(context.coverage)[0], created_at=NOW),
        )

    built_once(build)
    return ws_root / "tiergate-baseline.json"


def _ratchet(root: Path, run_id: str, *, strict: bool = False) -> Verdict:
    return evaluate(root, [root / ".tiergate/runs" / run_id], strict=strict, only=("ratchet",))


def _results(verdict: Verdict) -> dict[str, GateResult]:
    return {result.gate: result for result in verdict.results}


@pytest.mark.req("FR-065")
def test_a_committed_baseline_file_ratchets_every_scope(
    ws_root: Path, app: Path, run_tier: Callable[..., Path], good: Path
) -> None:
    assert good.is_file()
    same = _results(_ratchet(ws_root, "good"))
    assert sorted(same) == [
        "ratchet/combined",
        "ratchet/package/app",
        "ratchet/tier/e2e",
        "ratchet/tier/unit",
    ]
    assert all(result.status == "passed" for result in same.values())
    assert same["ratchet/tier/unit"].measured == (
        "90% (9/10 lines), baseline 90% (9/10 lines): drop 0 points"
    )
    assert same["ratchet/combined"].details == ("baseline: baseline file tiergate-baseline.json",)

    _run(run_tier, app, "worse", 0, 1, 2)  # one return fewer: 80%
    worse = _results(_ratchet(ws_root, "worse"))
    unit = worse["ratchet/tier/unit"]
    assert (unit.status, unit.bound) == ("failed", "drop <= 0.5 points below 90%")
    assert unit.measured == "80% (8/10 lines), baseline 90% (9/10 lines): drop 10 points"
    assert worse["ratchet/tier/e2e"].status == "passed"  # e2e tests did not change
    assert worse["ratchet/combined"].status == "failed"


@pytest.mark.req("FR-065")
def test_a_tier_missing_from_the_run_is_not_run(
    ws_root: Path, run_tier: Callable[..., Path], good: Path
) -> None:
    assert good.is_file()
    run_tier("app", "unit", run_id="half")  # e2e did not run
    half = _results(_ratchet(ws_root, "half", strict=True))
    assert half["ratchet/tier/unit"].status == "passed"
    for gate in ("ratchet/tier/e2e", "ratchet/package/app", "ratchet/combined"):
        assert (half[gate].status, half[gate].measured) == ("failed", "not run")
        assert half[gate].details[0] == "no coverage data: app (e2e)"


@pytest.mark.req("FR-065")
def test_the_last_run_recorded_on_main_is_the_baseline_but_never_the_run_itself(
    ws_root: Path,
    app: Path,
    run_tier: Callable[..., Path],
    git_init: Callable[[Path], Path],
    git: Callable[..., str],
) -> None:
    git_init(ws_root)
    git(ws_root, "add", ".")
    git(ws_root, "commit", "--quiet", "-m", "app")
    _run(run_tier, app, "main-1", 0, 1, 2, 3)
    first = _ratchet(ws_root, "main-1")
    assert [(r.gate, r.status) for r in first.results] == [("ratchet/baseline", "warning")]
    assert _ratchet(ws_root, "main-1", strict=True).results[0].status == "failed"
    record_verdict(first)
    again = _ratchet(ws_root, "main-1")  # recorded now, still not its own baseline
    assert [(r.gate, r.status) for r in again.results] == [("ratchet/baseline", "warning")]

    git(ws_root, "checkout", "--quiet", "-b", "feature")
    _run(run_tier, app, "feature-1", 0, 1)
    feature = _ratchet(ws_root, "feature-1")
    record_verdict(feature)  # a feature branch's run is never a baseline
    results = _results(_ratchet(ws_root, "feature-1"))
    assert results["ratchet/tier/unit"].status == "failed"
    assert results["ratchet/tier/unit"].details[0] == (
        "baseline: run main-1 on main in sqlite:///.tiergate/history.db"
    )


def test_a_corrupt_baseline_file_stops_the_evaluation(
    ws_root: Path, app: Path, run_tier: Callable[..., Path]
) -> None:
    _run(run_tier, app, "good", 0)
    (ws_root / "tiergate-baseline.json").write_text("{")
    with pytest.raises(HistoryError, match=r"tiergate-baseline.json:1: not JSON"):
        _ratchet(ws_root, "good")

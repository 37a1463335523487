"""Recording real runs (tiers run for real into a run folder) and reading them back as trends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.config import load_config
from tiergate.covnumbers import Counts, total
from tiergate.history import HISTORY_URL_ENV, load_trend, record_verdict
from tiergate.verdict import evaluate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SOURCE = "".join(
    f"def {name}() -> int:\n    return {n}\n\n\n"
    for n, name in ((1, "one"), (2, "two"), (3, "three"))
)
UNIT = "from app import one\n\n\ndef test_one() -> None:\n    assert one() == 1\n"
INTEGRATION = (
    "from app import two\n\n\ndef test_two() -> None:\n    assert two() == 2\n\n\n"
    "def test_slow() -> None:\n    assert True\n"
)


@pytest.fixture
def app(
    ws_root: Path,
    add_member: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Member ``app`` with unit and integration tests; one Python; the default SQLite store."""
    monkeypatch.delenv(HISTORY_URL_ENV, raising=False)
    (ws_root / ".python-version").write_text("3.11\n")
    member = add_member("app", package="app", tests=True)
    (member / "src/app/__init__.py").write_text(SOURCE)
    for tier, text in (("unit", UNIT), ("integration", INTEGRATION)):
        (member / "tests" / tier).mkdir()
        (member / "tests" / tier / f"test_{tier}.py").write_text(text)
    return member


@pytest.mark.req("FR-060")
def test_a_run_is_recorded_with_its_counts_tests_and_gate_results(
    ws_root: Path,
    app: Path,
    run_tier: Callable[..., Path],
    git_init: Callable[[Path], Path],
    git: Callable[..., str],
) -> None:
    del app
    git_init(ws_root)
    git(ws_root, "add", ".")
    git(ws_root, "commit", "--quiet", "-m", "app")
    run_tier("app", "unit")
    run_tier("app", "integration")
    verdict = evaluate(ws_root, [ws_root / ".tiergate/runs/r1"], strict=False)
    recorded = record_verdict(verdict, now=NOW)
    assert (recorded.run_id, recorded.recorded) == ("r1", True)
    assert str(recorded.store) == "sqlite:///.tiergate/history.db"

    [run] = load_trend(ws_root, load_config(ws_root))
    measured = verdict.context.coverage
    assert run.counts() == total(measured.lines(["app"])) == Counts(6, 5)  # three() never ran
    assert run.counts("app", "unit", "3.11") == total(measured.lines(["app"], ["unit"]))
    assert run.counts(tier="integration") == run.counts("app", "integration")
    assert {(t.tier, t.passed, t.total) for t in run.tests} == {
        ("integration", 2, 2),
        ("unit", 1, 1),
    }
    assert [(g.gate, g.status) for g in run.gates] == [(r.gate, r.status) for r in verdict.results]
    assert (run.recorded_at, run.branch, run.commit) == (
        NOW,
        "main",
        git(ws_root, "rev-parse", "HEAD").strip(),
    )
    assert run.verdict == ("passed" if verdict.passed else "failed")

    again = record_verdict(verdict, now=NOW)
    assert (again.run_id, again.recorded) == ("r1", False)
    assert len(load_trend(ws_root, load_config(ws_root))) == 1


@pytest.mark.req("FR-060")
def test_a_tier_that_did_not_run_is_not_stored_as_a_number(
    ws_root: Path, app: Path, run_tier: Callable[..., Path]
) -> None:
    del app
    run_tier("app", "unit")  # integration did not run
    verdict = evaluate(ws_root, [ws_root / ".tiergate/runs/r1"], strict=False)
    record_verdict(verdict, now=NOW)
    [run] = load_trend(ws_root, load_config(ws_root))
    assert run.verdict == "failed"  # history shows failures too
    assert run.counts("app", "unit") is not None
    assert run.counts(tier="integration") is None
    assert run.counts("app") is None  # the member's union needs every tier
    assert run.counts() is None
    assert run.branch is None  # not a git repository


@pytest.mark.req("FR-134")
def test_runs_by_hand_are_recorded_once_until_a_session_runs_again(
    ws_root: Path, app: Path, run_tier: Callable[..., Path]
) -> None:
    del app
    run_tier("app", "unit", run_id="local")
    run_tier("app", "integration", run_id="local")
    local = [ws_root / ".tiergate/runs/local"]
    first = record_verdict(evaluate(ws_root, local, strict=False), now=NOW)
    second = record_verdict(evaluate(ws_root, local, strict=False))
    assert first.run_id.startswith("local-")
    assert (second.run_id, second.recorded) == (first.run_id, False)

    run_tier("app", "integration", run_id="local")  # run again by hand: another state
    third = record_verdict(evaluate(ws_root, local, strict=False))
    assert third.run_id != first.run_id
    assert third.recorded
    trend = load_trend(ws_root, load_config(ws_root), limit=5)
    assert [run.run_id for run in trend] == [first.run_id, third.run_id]  # oldest first
    assert load_trend(ws_root, load_config(ws_root), branch="main") == []

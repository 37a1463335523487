"""Recording verdicts into a real SQLite store and reading them back as trends."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.config import load_config
from tiergate.covnumbers import Counts
from tiergate.history import HISTORY_URL_ENV, load_trend, record_verdict
from unit.conftest import CALC_PATH, IMPORTED, RunFolder, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def repo(
    alpha: Path,
    commit_all: Callable[..., None],
) -> Path:
    """The workspace as a git repository on main, with one commit."""
    root = alpha.parent.parent
    commit_all(root, "alpha")
    return root


def _run(root: Path, run_id: str, covered: tuple[int, ...] = IMPORTED) -> RunFolder:
    run = RunFolder(root, run_id)
    run.tests(
        "alpha",
        {"unit": Tier(passing(2), {CALC_PATH: covered}), "integration": Tier(passing(1), {})},
    )
    return run


@pytest.mark.req("FR-060")
def test_a_verdict_is_recorded_once_under_its_run_id_with_commit_and_branch(
    repo: Path, git: Callable[..., str]
) -> None:
    verdict = _run(repo, "r1").verdict(only=("tests", "coverage"))
    recorded = record_verdict(verdict, now=NOW)
    assert (recorded.run_id, recorded.recorded) == ("r1", True)
    assert str(recorded.store) == "sqlite:///.tiergate/history.db"
    assert (repo / ".tiergate/history.db").is_file()
    [run] = load_trend(repo, load_config(repo))
    assert (run.run_id, run.recorded_at, run.branch) == ("r1", NOW, "main")
    assert run.commit == git(repo, "rev-parse", "HEAD").strip()
    assert run.counts() == Counts(10, 5)
    assert [(g.gate, g.status) for g in run.gates] == [(r.gate, r.status) for r in verdict.results]

    again = record_verdict(verdict, now=NOW + timedelta(hours=1))
    assert (again.run_id, again.recorded) == ("r1", False)  # the first record is kept
    assert [r.recorded_at for r in load_trend(repo, load_config(repo))] == [NOW]


@pytest.mark.req("FR-134")
def test_a_run_of_sessions_run_by_hand_is_recorded_once(alpha: Path) -> None:
    root = alpha.parent.parent
    verdict = _run(root, "local").verdict(only=("tests",))
    first = record_verdict(verdict, now=NOW)
    second = record_verdict(verdict, now=NOW + timedelta(hours=1))
    assert re.fullmatch(r"local-20261122T100030Z-[0-9a-f]{8}", first.run_id)  # newest finish
    assert (second.run_id, second.recorded) == (first.run_id, False)
    runs = load_trend(root, load_config(root))
    # outside a git repository the commit and branch are unknown, not made up
    assert [(r.run_id, r.commit, r.branch) for r in runs] == [(first.run_id, None, None)]


@pytest.mark.req("FR-060")
def test_a_red_verdict_is_recorded_too(alpha: Path) -> None:
    root = alpha.parent.parent
    run = RunFolder(root, "r1")
    run.tests("alpha", {"unit": Tier(passing(1), {CALC_PATH: IMPORTED})})  # integration: none
    verdict = run.verdict(only=("sessions", "coverage"))
    assert record_verdict(verdict, now=NOW).recorded
    [recorded] = load_trend(root, load_config(root))
    assert (recorded.verdict, recorded.exit_code, recorded.gates_failed) == ("failed", 1, 1)
    assert recorded.counts(tier="unit") == Counts(10, 5)
    assert recorded.counts(tier="integration") is None


def test_the_store_url_comes_from_the_environment_first(
    alpha: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = alpha.parent.parent
    store = tmp_path / "elsewhere" / "runs.db"
    monkeypatch.setenv(HISTORY_URL_ENV, f"sqlite:///{store}")
    recorded = record_verdict(_run(root, "r1").verdict(only=("tests",)), now=NOW)
    assert recorded.store.path == store
    assert store.is_file()
    assert not (root / ".tiergate/history.db").exists()
    assert [r.run_id for r in load_trend(root, load_config(root))] == ["r1"]


def test_trends_are_oldest_first_limited_and_by_branch(
    repo: Path, git: Callable[..., str], configure: Callable[[str], None]
) -> None:
    covered = (IMPORTED[:4], IMPORTED, (*IMPORTED, 5))  # 4, 5 and 6 of 10
    for number, branch in enumerate(("main", "feature", "main"), start=1):
        git(repo, "checkout", "--quiet", "-B", branch)
        run = _run(repo, f"r{number}", covered[number - 1])
        record_verdict(run.verdict(only=("tests",)), now=NOW + timedelta(minutes=number))
    config = load_config(repo)
    every = load_trend(repo, config)
    assert [(r.run_id, r.branch) for r in every] == [
        ("r1", "main"),
        ("r2", "feature"),
        ("r3", "main"),
    ]
    assert [r.counts(tier="unit") for r in every] == [Counts(10, 4), Counts(10, 5), Counts(10, 6)]
    assert [r.run_id for r in load_trend(repo, config, limit=2)] == ["r2", "r3"]
    assert [r.run_id for r in load_trend(repo, config, branch="main")] == ["r1", "r3"]
    configure("[tool.tiergate.history]\ntrend-runs = 2\n")
    assert [r.run_id for r in load_trend(repo, load_config(repo))] == ["r2", "r3"]


def test_a_store_never_written_has_no_trend(alpha: Path) -> None:
    root = alpha.parent.parent
    assert load_trend(root, load_config(root)) == []
    assert not (root / ".tiergate/history.db").exists()  # reading creates nothing

"""The plan of a check: run or cached, and the first reason, on a real repo and a real cache."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate import memo
from tiergate.cache import CacheEntry, ResultCache
from tiergate.cli import main
from tiergate.config import load_config
from tiergate.inputs import InputKey
from tiergate.plan import workspace_sessions
from tiergate.reuse import OUTSIDE, Planned, plan_sessions
from tiergate.runfolder import SessionManifest, session_dir, write_manifest
from tiergate.scope import scope_since
from tiergate.workspace import load_workspace
from unit.input_repo import BASE_ENV, src_layout

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tiergate.runfolder import SessionKind
    from unit.input_repo import KeyRepo

APP_TYPE = "type-3.11(package='app')"
APP_TESTS = "tests-3.11(package='app')"
OTHER_TESTS = "tests-3.11(package='other')"
WHEN = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _plan(
    repo: KeyRepo,
    cache: ResultCache | None,
    base: str | None = None,
    now: datetime | None = None,
) -> dict[str, Planned]:
    workspace, config = load_workspace(repo.root), load_config(repo.root)
    scope = scope_since(repo.root, workspace, base) if base else None
    sessions = workspace_sessions(workspace, config)
    planned = plan_sessions(
        workspace, config, sessions, environ=BASE_ENV, cache=cache, scope=scope, now=now
    )
    return {plan.session: plan for plan in planned}


def _store(repo: KeyRepo, cache: ResultCache, session: str, read: dict[str, str] | None) -> None:
    """A passed session of run ``earlier``, stored under its key as it is now."""
    folder = session_dir(repo.root / "runs" / "earlier", session)
    member = "'" in session
    kinds: dict[str, SessionKind] = {"security": "security", "audit": "audit"}
    kind: SessionKind = kinds.get(session) or ("tests" if session.startswith("tests") else "type")
    manifest = SessionManifest(
        schema_version=1,
        run_id="earlier",
        session=session,
        kind=kind,
        package=session.split("'")[1] if member else None,
        python="3.11" if member else None,
        started_at=WHEN,
        finished_at=WHEN,
        outcome="passed",
        exit_code=0,
        command=["nox"],
        artifacts={},
    )
    write_manifest(folder, manifest)
    key = repo.must_key(session)
    assert isinstance(cache.save(folder, key, read_set=read), CacheEntry)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def repo(tmp_path: Path) -> KeyRepo:
    found = src_layout(tmp_path / "repo")
    found.write(".gitignore", "build/\n*.log\n.venv/\nruns/\n.tiergate/\n")
    found.commit("ignore the runs and the cache")
    return found


@pytest.fixture
def cache(repo: KeyRepo) -> ResultCache:
    return ResultCache.of(repo.root, load_config(repo.root))


@pytest.mark.req("FR-189")
def test_a_session_runs_until_stored_then_is_cached_until_an_input_changes(
    repo: KeyRepo, cache: ResultCache
) -> None:
    assert _plan(repo, cache)[APP_TYPE].why == "no entry yet"
    _store(repo, cache, APP_TYPE, None)
    cached = _plan(repo, cache)[APP_TYPE]
    assert (cached.decision, cached.why) == ("cached", "from run earlier (2026-11-30 12:00)")
    model = repo.root / "packages/core/src/core/model.py"
    model.write_text("VALUE = 2\n", encoding="utf-8")
    again = _plan(repo, cache)[APP_TYPE]
    assert again.decision == "run"
    assert again.why == (
        "packages/core/src/core/model.py changed; core is a dependency of app, through another "
        "member (since run earlier)"
    )
    assert isinstance(again.key, InputKey)
    assert again.to_json()["key"] == again.key.digest


@pytest.mark.req("FR-189")
def test_a_tests_session_is_reused_only_with_its_read_set_and_while_it_holds(
    repo: KeyRepo, cache: ResultCache
) -> None:
    _store(repo, cache, OTHER_TESTS, None)
    unseen = _plan(repo, cache)[OTHER_TESTS]
    assert (unseen.decision, unseen.why) == (
        "run",
        "stored without a read set: what its tests read is unknown",
    )
    readme = repo.root / "README.md"  # read by the tests, declared by no key of theirs
    _store(repo, cache, APP_TESTS, {"README.md": _sha(readme)})
    assert _plan(repo, cache)[APP_TESTS].decision == "cached"
    readme.write_text("# a workspace, changed\n", encoding="utf-8")
    changed = _plan(repo, cache)[APP_TESTS]
    assert (changed.decision, changed.why) == ("run", "README.md changed since it was read")


@pytest.mark.req("FR-191", "FR-202")
def test_a_dependencys_test_file_reruns_a_dependent_only_when_its_tests_read_it(
    repo: KeyRepo, cache: ResultCache
) -> None:
    util = "tests-3.11(package='util')"
    helper = repo.root / "packages/core/tests/unit/test_model.py"  # core's own test file
    for unread in (APP_TESTS, "tests-3.11(package='core')"):
        _store(repo, cache, unread, {"README.md": _sha(repo.root / "README.md")})
    _store(repo, cache, util, {"packages/core/tests/unit/test_model.py": _sha(helper)})

    helper.write_text("def test_value():\n    assert 1\n", encoding="utf-8")
    planned = _plan(repo, cache)

    assert planned[APP_TESTS].decision == "cached"  # no input of app's, nor read by its tests
    assert (planned[util].decision, planned[util].why) == (
        "run",
        "packages/core/tests/unit/test_model.py changed since it was read",
    )
    assert planned["tests-3.11(package='core')"].why == (
        "packages/core/tests/unit/test_model.py changed (since run earlier)"
    )


@pytest.mark.req("FR-189")
def test_changed_since_leaves_out_what_it_does_not_reach_unless_cached(
    repo: KeyRepo, cache: ResultCache
) -> None:
    _store(repo, cache, OTHER_TESTS, {"README.md": _sha(repo.root / "README.md")})
    repo.git("branch", "--quiet", "base")
    (repo.root / "packages/app/src/app/main.py").write_text("X = 1\n", encoding="utf-8")
    planned = _plan(repo, cache, base="base")
    assert planned[APP_TYPE].decision == "run"
    assert planned[OTHER_TESTS].decision == "cached"
    core = planned["tests-3.11(package='core')"]
    assert (core.decision, core.why) == ("not run", OUTSIDE)
    assert planned["lint"].decision == "run"  # the repository's tools are never out of scope


def test_without_a_cache_every_session_runs(repo: KeyRepo) -> None:
    planned = _plan(repo, None)
    assert {plan.decision for plan in planned.values()} == {"run"}
    assert planned[APP_TYPE].why == "the cache is off"


@pytest.mark.req("FR-196")
def test_an_online_audit_is_reused_for_its_configured_hours_only(
    repo: KeyRepo, cache: ResultCache
) -> None:
    _store(repo, cache, "audit", None)  # finished at WHEN
    _store(repo, cache, "security", None)  # bandit's findings do not go stale with time
    within = _plan(repo, cache, now=WHEN + timedelta(minutes=59))["audit"]
    assert (within.decision, within.why) == ("cached", "from run earlier (2026-11-30 12:00)")
    late = _plan(repo, cache, now=WHEN + timedelta(hours=2, minutes=5))["audit"]
    assert late.decision == "run"
    assert _plan(repo, cache, now=WHEN + timedelta(days=40))["security"].decision == "cached"
    assert late.why == (
        "the online audit of run earlier is 2 h 05 min old, more than online-reuse-hours (1 h): "
        "new advisories must reach the verdict"
    )

    pyproject = repo.root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    section = '[tool.tiergate.security]\nadvisory-db = "advisories"\n'
    assert section in text
    pyproject.write_text(text.replace(section, f"{section}online-reuse-hours = 4\n"))
    _store(repo, cache, "audit", None)
    assert _plan(repo, cache, now=WHEN + timedelta(hours=2))["audit"].decision == "cached"

    pyproject.write_text(text.replace(section, f"{section}online-reuse-hours = 0\n"))
    _store(repo, cache, "audit", None)
    never = _plan(repo, cache, now=WHEN + timedelta(seconds=1))["audit"]
    assert (never.decision, never.why) == (
        "run",
        "online audit results go stale with new advisories (online-reuse-hours = 0)",
    )


@pytest.fixture
def plan_cli(
    repo: KeyRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., str]]:
    """``tiergate plan <args>`` in this process, seeing only the keys' base environment."""
    for name in list(os.environ):
        if name not in BASE_ENV:
            monkeypatch.delenv(name)

    def plan(*args: str) -> str:
        code = main(["--root", str(repo.root), "plan", *args])
        out = capsys.readouterr()
        assert (code, out.err) == (0, "")
        return out.out

    yield plan
    memo.use(None)


@pytest.mark.req("FR-189")
def test_tiergate_plan_prints_each_session_its_decision_and_why(
    repo: KeyRepo, cache: ResultCache, plan_cli: Callable[..., str]
) -> None:
    _store(repo, cache, APP_TYPE, None)
    document = json.loads(plan_cli("--format", "json"))
    sessions = {row["session"]: row for row in document["sessions"]}
    assert sessions[APP_TYPE]["decision"] == "cached"
    assert sessions[APP_TYPE]["why"] == "from run earlier (2026-11-30 12:00)"
    assert sessions[APP_TESTS] == {
        "session": APP_TESTS,
        "decision": "run",
        "why": "no entry yet",
        "key": sessions[APP_TESTS]["key"],
    }
    ran = len(sessions) - 1
    assert (document["scope"], document["counts"]) == (
        None,
        {"run": ran, "cached": 1, "not run": 0},
    )

    table = plan_cli()
    assert "tiergate plan" in table
    row = next(line for line in table.splitlines() if APP_TYPE in line)
    assert "cached" in row
    assert "from run earlier" in row
    assert table.splitlines()[-1] == f"{ran} run, 1 cached, 0 not run"

    uncached = plan_cli("--no-cache")
    assert uncached.splitlines()[-1] == f"{ran + 1} run, 0 cached, 0 not run"


def test_tiergate_plan_names_its_scope(
    repo: KeyRepo, cache: ResultCache, plan_cli: Callable[..., str]
) -> None:
    del cache
    repo.git("branch", "--quiet", "base")
    (repo.root / "packages/app/src/app/main.py").write_text("X = 1\n", encoding="utf-8")
    shown = plan_cli("--changed-since", "base")
    assert shown.startswith("scope: ")
    assert "not run" in shown
    document = json.loads(plan_cli("--changed-since", "base", "--format", "json"))
    assert document["scope"] == shown.splitlines()[0].removeprefix("scope: ")
    assert document["counts"]["not run"] > 0

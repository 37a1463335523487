"""The layout corpus: monorepos as real teams lay them out, adopted and checked for real.

Each monorepo (see ``corpus.py``) is a git repository with none of tiergate's
files; ``tiergate init`` adopts it and ``invoke check`` runs every step (lint,
type, sql, security, the tests sessions, the gates). A broken test must turn the
check red and be named by its id relative to the workspace root; fixed, the
check passes. Every member's tests session must have run, with the tiers its
tests are in: a member silently absent would be a green that did not look.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

import corpus
from corpus import DEFAULT_TIER, Check, Repo
from monorepo_factory import PYTHON
from tiergate.config import load_config
from tiergate.runfolder import session_name

if TYPE_CHECKING:
    from pathlib import Path

GREEN = r"^PASSED: all \d+ steps( \(\d+ cached\))?$"
"""The check's last line when every session and the gates passed (some maybe reused)."""


def _every_member_tested(repo: Repo, check: Check, *, failed: str | None = None) -> None:
    """Each member has a tests session in the verdict and the run, with its tiers."""
    fallback = load_config(repo.root).fallback_tier
    for member, tiers in repo.layout.members.items():
        name = session_name("tests", PYTHON, member)
        assert f"session {name}" in check.gates_output, f"{name} not in the verdict"
        ran = check.tests_session(member)
        assert ran is not None, f"{name} left no manifest\n{check.tail()}"
        expected = frozenset(fallback if tier == DEFAULT_TIER else tier for tier in tiers)
        outcome = "failed" if member == failed else "passed"
        assert ran == (outcome, expected), f"{name}\n{check.tail()}"


def _red_then_green(repo: Repo, failing_member: str) -> None:
    failing = repo.layout.failing
    assert failing is not None
    first = repo.check()
    assert first.returncode == 1, first.tail()
    tests = session_name("tests", PYTHON, failing_member)
    assert first.not_passed == {tests, "gates"}, first.tail()
    named = re.compile(rf"failed: {re.escape(failing.test_id)}(?![\w/.])")
    assert named.search(first.gates_output), first.tail()
    _every_member_tested(repo, first, failed=failing_member)

    repo.fix()
    second = repo.check()
    assert second.returncode == 0, second.tail()
    assert "PASSED: every gate passed" in second.gates_output, second.tail()
    assert re.search(GREEN, second.summary, re.MULTILINE), second.tail()
    _every_member_tested(repo, second)


@pytest.mark.req("FR-160", "FR-161", "FR-162", "FR-163")
def test_virtual_root_src_flat_and_namespace_members(tmp_path: Path) -> None:
    repo = corpus.adopt(tmp_path / "platform", corpus.platform())
    assert (repo.root / "noxfile.py").is_file()
    assert (repo.root / "tasks.py").is_file()
    _red_then_green(repo, failing_member="acme-beta")


@pytest.mark.req("FR-160", "FR-161", "FR-162", "FR-163")
def test_backend_package_lists_test_time_cycle_and_the_teams_own_configs(
    tmp_path: Path,
) -> None:
    repo = corpus.adopt(tmp_path / "shop", corpus.shop())
    _red_then_green(repo, failing_member="shop-ledger")


@pytest.mark.req("FR-160", "FR-164")
def test_a_member_without_tests_is_red_until_it_says_why(tmp_path: Path) -> None:
    repo = corpus.adopt(tmp_path / "untested", corpus.untested())
    first = repo.check()
    assert first.returncode == 1, first.tail()
    assert first.not_passed == {session_name("tests", PYTHON, "schemas"), "gates"}, first.tail()
    session = f"session {session_name('tests', PYTHON, 'schemas')} "
    row = [line for line in first.gates_output.splitlines() if session in line]
    assert len(row) == 1, first.tail()
    assert "no test files found" in row[0], row
    assert "packages/schemas" in row[0], row

    corpus.declare_untested(repo)
    second = repo.check()
    assert second.returncode == 0, second.tail()
    assert f"not tested: {corpus.UNTESTED_REASON}" in second.gates_output, second.tail()
    assert re.search(GREEN, second.summary, re.MULTILINE), second.tail()
    _every_member_tested(repo, second)
    assert second.tests_session("schemas") is None

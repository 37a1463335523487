"""The branch a run belongs to: git's, else what GitHub Actions says for a detached checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.git import branch_name

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

CI_VARIABLES = ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "GITHUB_REF_TYPE")


@pytest.fixture
def repo(
    tmp_path: Path,
    git_init: Callable[[Path], Path],
    git: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    folder = git_init(tmp_path / "repo")
    (folder / "a.txt").write_text("a\n")
    git(folder, "add", "a.txt")
    git(folder, "commit", "--quiet", "-m", "first")
    return folder


def test_the_checked_out_branch_wins(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_HEAD_REF", "feature")
    assert branch_name(repo) == "main"


def test_a_detached_pull_request_checkout_takes_the_head_ref(
    repo: Path, git: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo, "checkout", "--quiet", "--detach")
    assert branch_name(repo) is None
    monkeypatch.setenv("GITHUB_REF_NAME", "12/merge")
    monkeypatch.setenv("GITHUB_HEAD_REF", "feature")
    assert branch_name(repo) == "feature"


def test_a_detached_push_takes_the_ref_name_unless_it_is_a_tag(
    repo: Path, git: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo, "checkout", "--quiet", "--detach")
    monkeypatch.setenv("GITHUB_HEAD_REF", "")
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    assert branch_name(repo) == "main"
    monkeypatch.setenv("GITHUB_REF_TYPE", "tag")
    assert branch_name(repo) is None


def test_outside_a_repository_only_ci_can_tell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert branch_name(tmp_path) is None
    monkeypatch.setenv("GITHUB_REF_NAME", "release")
    assert branch_name(tmp_path) == "release"

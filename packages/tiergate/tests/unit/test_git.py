"""git.py on real repositories in tmp_path: the few questions tiergate asks git."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ExitCode, ToolError
from tiergate.git import GitError, current_branch, head_commit, is_repository, run_git

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@pytest.fixture
def repo(tmp_path: Path, git_init: Callable[[Path], Path]) -> Path:
    return git_init(tmp_path / "repo")


def test_run_git_returns_standard_output(repo: Path) -> None:
    assert run_git(repo, "rev-parse", "--is-inside-work-tree") == "true\n"


def test_a_git_failure_is_one_line_naming_the_folder(repo: Path) -> None:
    with pytest.raises(GitError) as caught:
        run_git(repo, "rev-parse", "--verify", "no-such-ref")
    message = str(caught.value)
    assert message.startswith(f"{repo}: git rev-parse --verify no-such-ref: fatal:")
    assert "\n" not in message
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_output_in_another_encoding_does_not_break_decoding(
    repo: Path, git: Callable[..., str]
) -> None:
    (repo / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    git(repo, "add", "latin1.txt")
    assert "caf\N{REPLACEMENT CHARACTER}" in run_git(repo, "diff", "--cached")


def test_a_missing_git_is_a_tool_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-tools-here"))
    with pytest.raises(ToolError, match="git is not installed") as caught:
        run_git(repo, "status")
    assert caught.value.exit_code == ExitCode.CRASHED
    # What a run records about git is then unknown, never a crash of the recording.
    assert (head_commit(repo), current_branch(repo)) == (None, None)
    with pytest.raises(ToolError, match="git is not installed"):
        is_repository(repo)


def test_is_repository(repo: Path, tmp_path: Path) -> None:
    (repo / "sub").mkdir()
    assert is_repository(repo)
    assert is_repository(repo / "sub")
    outside = tmp_path / "plain"
    outside.mkdir()
    assert not is_repository(outside)


def test_head_commit_before_and_after_the_first_commit(
    repo: Path, git: Callable[..., str], tmp_path: Path
) -> None:
    assert head_commit(repo) is None
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "first")
    assert head_commit(repo) == git(repo, "rev-parse", "HEAD").strip()
    assert head_commit(tmp_path) is None  # not a repository


def test_current_branch_and_detached_head(repo: Path, git: Callable[..., str]) -> None:
    assert current_branch(repo) == "main"  # an unborn branch is still checked out
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "first")
    git(repo, "switch", "--quiet", "--create", "feature/x")
    assert current_branch(repo) == "feature/x"
    git(repo, "switch", "--quiet", "--detach", "HEAD")
    assert current_branch(repo) is None
    assert current_branch(repo.parent) is None  # not a repository

"""Churn: commits per file in a window, from a real repository's history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate import churn, memo
from tiergate.churn import commits_per_file

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

OLD = "2020-03-01T12:00:00+00:00"
RECENT = "2026-01-10T12:00:00+00:00"
WINDOW = date(2026, 1, 1)


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Path]:
    """A memo folder in use for the test, off again after it."""
    memo.use(tmp_path / "memo")
    yield tmp_path / "memo"
    memo.use(None)


def _new_process(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo as a new process finds it; walking the history now fails the test."""
    memo.use(None)
    memo.use(folder)

    def walk(root: Path, since: date) -> dict[str, int]:
        raise AssertionError(f"git log ran again for {root} since {since}")

    monkeypatch.setattr(churn, "_log", walk)


def _commit(git: Callable[..., str], root: Path, files: dict[str, str], when: str) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "change", date=when)


def test_commits_in_the_window_are_counted_per_file(
    tmp_path: Path, git_init: Callable[[Path], Path], git: Callable[..., str]
) -> None:
    root = git_init(tmp_path / "repo")
    _commit(git, root, {"a.py": "1\n", "b.py": "1\n"}, OLD)  # before the window
    _commit(git, root, {"a.py": "2\n", "b.py": "2\n"}, RECENT)
    _commit(git, root, {"a.py": "3\n", "pkg/c d.py": "1\n"}, RECENT)
    _commit(git, root, {"a.py": "4\n"}, RECENT)
    assert commits_per_file(root, WINDOW) == {"a.py": 3, "b.py": 1, "pkg/c d.py": 1}


def test_merges_are_not_counted_twice(
    tmp_path: Path, git_init: Callable[[Path], Path], git: Callable[..., str]
) -> None:
    root = git_init(tmp_path / "repo")
    _commit(git, root, {"a.py": "1\n"}, RECENT)
    git(root, "switch", "--quiet", "--create", "side")
    _commit(git, root, {"b.py": "1\n"}, RECENT)
    git(root, "switch", "--quiet", "main")
    _commit(git, root, {"a.py": "2\n"}, RECENT)
    git(root, "merge", "--quiet", "--no-edit", "side", date=RECENT)
    assert commits_per_file(root, WINDOW) == {"a.py": 2, "b.py": 1}


def test_paths_are_relative_to_a_root_inside_the_repository(
    tmp_path: Path, git_init: Callable[[Path], Path], git: Callable[..., str]
) -> None:
    root = git_init(tmp_path / "repo")
    _commit(git, root, {"ws/src/m.py": "1\n", "outside.py": "1\n"}, RECENT)
    assert commits_per_file(root / "ws", WINDOW) == {"src/m.py": 1}


def test_no_commits_yet_is_an_empty_history(
    tmp_path: Path, git_init: Callable[[Path], Path]
) -> None:
    assert commits_per_file(git_init(tmp_path / "repo"), WINDOW) == {}


def test_no_repository_or_no_git_means_unknown_churn(
    tmp_path: Path, git_init: Callable[[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert commits_per_file(tmp_path, WINDOW) is None
    root = git_init(tmp_path / "repo")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    assert commits_per_file(root, WINDOW) is None


@pytest.mark.parametrize("when", [OLD, RECENT])
def test_the_window_starts_at_midnight_utc_of_its_first_day(
    tmp_path: Path, git_init: Callable[[Path], Path], git: Callable[..., str], when: str
) -> None:
    root = git_init(tmp_path / "repo")
    _commit(git, root, {"a.py": "1\n"}, when)
    first_day = date.fromisoformat(when[:10])  # the commit is at noon UTC that day
    assert commits_per_file(root, first_day) == {"a.py": 1}
    assert commits_per_file(root, first_day + timedelta(days=1)) == {}


def test_a_commit_s_counts_are_kept_and_a_new_commit_is_counted(
    tmp_path: Path,
    git_init: Callable[[Path], Path],
    git: Callable[..., str],
    kept: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = git_init(tmp_path / "repo")
    _commit(git, root, {"a.py": "1\n"}, RECENT)
    assert commits_per_file(root, WINDOW) == {"a.py": 1}
    _new_process(kept, monkeypatch)
    assert commits_per_file(root, WINDOW) == {"a.py": 1}  # the same HEAD: from the memo
    with pytest.raises(AssertionError, match="git log ran again"):
        commits_per_file(root, WINDOW + timedelta(days=1))  # another window: counted again
    monkeypatch.undo()
    _commit(git, root, {"a.py": "2\n", "b.py": "1\n"}, RECENT)
    assert commits_per_file(root, WINDOW) == {"a.py": 2, "b.py": 1}  # a new HEAD


def test_a_shallow_clone_is_counted_again_when_it_is_deepened(
    tmp_path: Path,
    git_init: Callable[[Path], Path],
    git: Callable[..., str],
    kept: Path,
) -> None:
    origin = git_init(tmp_path / "origin")
    for text in ("1\n", "2\n", "3\n"):
        _commit(git, origin, {"a.py": text}, RECENT)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--depth=1", f"file://{origin}", str(clone))
    assert commits_per_file(clone, WINDOW) == {"a.py": 1}
    memo.save_all()
    git(clone, "fetch", "--quiet", "--deepen=2")
    assert commits_per_file(clone, WINDOW) == {"a.py": 3}  # the same HEAD, more history
    assert not (kept / "churn.json").exists()

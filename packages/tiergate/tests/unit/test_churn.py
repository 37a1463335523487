"""Churn: commits per file in a window, from a real repository's history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.churn import commits_per_file

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

OLD = "2020-03-01T12:00:00+00:00"
RECENT = "2026-01-10T12:00:00+00:00"
WINDOW = date(2026, 1, 1)


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

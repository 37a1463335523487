"""The changed lines since a base ref: diff parsing, and real repositories in tmp_path."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.diff import changes_since, parse_diff, unquote
from tiergate.errors import ToolError
from tiergate.git import GitError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

TEN = "".join(f"line {n}\n" for n in range(1, 11))


def test_hunk_headers_give_the_new_side_lines() -> None:
    text = (
        "diff --git a/x.py b/x.py\n"
        "--- a/x.py\n"
        "+++ b/x.py\n"
        "@@ -2 +2 @@\n"  # one line changed (counts omitted mean 1)
        "-old\n"
        "+new\n"
        "@@ -5,0 +6,2 @@\n"  # two lines added after line 5
        "+a\n"
        "+b\n"
        "@@ -9,2 +10,0 @@\n"  # two lines deleted: nothing on the new side
        "-c\n"
        "-d\n"
    )
    assert parse_diff(text) == {"x.py": frozenset({2, 6, 7})}


def test_content_that_looks_like_headers_is_never_taken_for_one() -> None:
    text = (
        "diff --git a/q.sql b/q.sql\n"
        "--- a/q.sql\n"
        "+++ b/q.sql\n"
        "@@ -1,2 +1,2 @@\n"
        "--- a comment removed\n"
        "-+++ b/fake.py\n"
        "+++ b/other.py\n"
        "+diff --git a/y b/y\n"
        "\\ No newline at end of file\n"
        "@@ -8 +8 @@\n"
        "-x\n"
        "+y\n"
    )
    assert parse_diff(text) == {"q.sql": frozenset({1, 2, 8})}


def test_deleted_binary_and_renamed_files_have_no_lines() -> None:
    text = (
        "diff --git a/gone.py b/gone.py\n"
        "deleted file mode 100644\n"
        "--- a/gone.py\n"
        "+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n"
        "-a\n"
        "-b\n"
        "diff --git a/logo.png b/logo.png\n"
        "Binary files a/logo.png and b/logo.png differ\n"
        "diff --git a/old.py b/new.py\n"
        "similarity index 100%\n"
        "rename from old.py\n"
        "rename to new.py\n"
    )
    assert parse_diff(text) == {}


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("b/plain.py", "b/plain.py"),
        ("b/with space.py\t", "b/with space.py"),
        ('"b/caf\\303\\251.py"', "b/caf\N{LATIN SMALL LETTER E WITH ACUTE}.py"),
        ('"b/tab\\there\\"quoted\\"\\\\.py"', 'b/tab\there"quoted"\\.py'),
    ],
)
def test_unquote_decodes_git_paths(printed: str, name: str) -> None:
    assert unquote(printed) == name


@pytest.fixture
def repo(tmp_path: Path, git_init: Callable[[Path], Path], git: Callable[..., str]) -> Path:
    """A repository whose ``base`` branch holds ``app.py`` (ten lines) and ``old.py``."""
    root = git_init(tmp_path / "repo")
    (root / "app.py").write_text(TEN)
    (root / "old.py").write_text("".join(f"value_{n} = {n}\n" for n in range(20)))
    (root / "gone.py").write_text("x = 1\n")
    (root / ".gitignore").write_text("*.log\n")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "base")
    git(root, "branch", "base")
    return root


def _edit(path: Path, changes: dict[int, str]) -> None:
    lines = path.read_text().splitlines(keepends=True)
    for number, text in changes.items():
        lines[number - 1] = text
    path.write_text("".join(lines))


def test_committed_staged_unstaged_and_untracked_changes_all_count(
    repo: Path, git: Callable[..., str]
) -> None:
    _edit(repo / "app.py", {2: "two\n"})
    git(repo, "commit", "--quiet", "-am", "committed")
    _edit(repo / "app.py", {5: "five\n"})
    git(repo, "add", "app.py")  # staged
    _edit(repo / "app.py", {9: "nine\n"})  # unstaged
    (repo / "fresh.py").write_text("a = 1\nb = 2\n")  # untracked
    (repo / "debug.log").write_text("ignored\n")  # ignored: not a change
    diff = changes_since(repo, "base")
    assert diff.lines == {"app.py": frozenset({2, 5, 9})}
    assert diff.untracked == frozenset({"fresh.py"})
    assert diff.paths == ["app.py", "fresh.py"]
    assert diff.merge_base == git(repo, "rev-parse", "base").strip()


def test_the_merge_base_leaves_out_what_landed_on_the_base_later(
    repo: Path, git: Callable[..., str]
) -> None:
    git(repo, "switch", "--quiet", "--create", "feature")
    _edit(repo / "app.py", {3: "three\n"})
    git(repo, "commit", "--quiet", "-am", "feature work")
    git(repo, "switch", "--quiet", "base")
    _edit(repo / "app.py", {8: "eight on base\n"})
    git(repo, "commit", "--quiet", "-am", "later on base")
    git(repo, "switch", "--quiet", "feature")
    assert changes_since(repo, "base").lines == {"app.py": frozenset({3})}


def test_renames_keep_only_edited_lines_and_deletions_leave_nothing(
    repo: Path, git: Callable[..., str]
) -> None:
    git(repo, "mv", "old.py", "moved.py")
    _edit(repo / "moved.py", {4: "value_3 = 'three'\n"})
    git(repo, "rm", "--quiet", "gone.py")
    git(repo, "commit", "--quiet", "-am", "move and delete")
    diff = changes_since(repo, "base")
    assert diff.lines == {"moved.py": frozenset({4})}
    assert diff.untracked == frozenset()


def test_a_new_tracked_file_counts_every_line(repo: Path, git: Callable[..., str]) -> None:
    (repo / "pkg").mkdir()
    (repo / "pkg" / "new module.py").write_text("a = 1\n\nb = 2\n")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "new")
    assert changes_since(repo, "base").lines == {"pkg/new module.py": frozenset({1, 2, 3})}


def test_paths_are_relative_to_a_root_inside_the_repository(
    repo: Path, git: Callable[..., str]
) -> None:
    workspace = repo / "ws"
    (workspace / "src").mkdir(parents=True)
    (workspace / "src" / "m.py").write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "workspace")
    _edit(repo / "app.py", {1: "outside the workspace\n"})
    (workspace / "loose.py").write_text("y = 2\n")
    diff = changes_since(workspace, "base")
    assert diff.lines == {"src/m.py": frozenset({1})}
    assert diff.untracked == frozenset({"loose.py"})


def test_an_unknown_ref_is_one_line_naming_the_folder(repo: Path) -> None:
    with pytest.raises(GitError) as caught:
        changes_since(repo, "origin/main")
    assert str(caught.value) == (
        f"{repo}: unknown git ref 'origin/main' "
        "(in CI, fetch the history: actions/checkout with fetch-depth: 0)"
    )


def test_an_option_is_not_a_ref(repo: Path) -> None:
    with pytest.raises(GitError, match="'--output=x' is not a git ref"):
        changes_since(repo, "--output=x")


def test_unrelated_histories_have_no_merge_base(repo: Path, git: Callable[..., str]) -> None:
    git(repo, "switch", "--quiet", "--orphan", "island")
    (repo / "island.py").write_text("z = 0\n")
    git(repo, "add", "island.py")
    git(repo, "commit", "--quiet", "-m", "unrelated")
    with pytest.raises(GitError, match="'base' and HEAD have no common history"):
        changes_since(repo, "base")


def test_not_a_repository_is_one_line_naming_the_folder(tmp_path: Path) -> None:
    with pytest.raises(GitError) as caught:
        changes_since(tmp_path, "main")
    assert str(caught.value) == (
        f"{tmp_path}: not a git repository (patch coverage diffs against 'main')"
    )


def test_a_missing_git_is_a_tool_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-tools-here"))
    with pytest.raises(ToolError, match="git is not installed"):
        changes_since(repo, "base")

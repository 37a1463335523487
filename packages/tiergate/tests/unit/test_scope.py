"""--changed-since: the members a change can affect, on real git repositories of two layouts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.errors import TiergateError
from tiergate.scope import scope_since
from tiergate.workspace import load_workspace
from unit.input_repo import flat_layout, src_layout

if TYPE_CHECKING:
    from pathlib import Path

    from unit.input_repo import KeyRepo


def _scope(repo: KeyRepo, *changes: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    if not repo.git("branch", "--list", "base"):
        repo.git("branch", "--quiet", "base")
    for change in changes:
        path = repo.root / change
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# changed\n", encoding="utf-8")
    found = scope_since(repo.root, load_workspace(repo.root), "base")
    return found.changed, found.members, found.describe()


@pytest.mark.req("FR-189")
@pytest.mark.parametrize(
    ("changes", "changed", "members"),
    [
        # core: util and testkit use it, app uses util and testkit; ext and other stay out.
        (("packages/core/src/core/model.py",), ("core",), ("app", "core", "testkit", "util")),
        (("packages/app/src/app/main.py",), ("app",), ("app",)),
        # ext's code is tested by app's sessions: app is in scope with it.
        (("packages/ext/src/ext/__init__.py",), ("ext",), ("app", "ext")),
        # A new, untracked test file counts; so does a deleted one.
        (("packages/other/tests/test_new.py",), ("other",), ("other",)),
        ((), (), ()),
    ],
)
def test_a_change_puts_its_members_and_their_dependents_in_scope(
    tmp_path: Path, changes: tuple[str, ...], changed: tuple[str, ...], members: tuple[str, ...]
) -> None:
    repo = src_layout(tmp_path / "repo")
    assert _scope(repo, *changes)[:2] == (changed, members)


@pytest.mark.req("FR-189")
def test_a_committed_change_and_a_deletion_count_from_the_merge_base(tmp_path: Path) -> None:
    repo = src_layout(tmp_path / "repo")
    repo.git("branch", "--quiet", "base")
    (repo.root / "packages/other/tests/test_other.py").unlink()
    repo.commit("remove a test")
    found = scope_since(repo.root, load_workspace(repo.root), "base")
    assert found.changed_files == ("packages/other/tests/test_other.py",)
    assert found.members == ("other",)
    assert found.describe().startswith("changed since base (")
    assert found.describe().endswith("): other")


@pytest.mark.req("FR-189")
def test_a_file_of_no_member_puts_every_member_in_scope(tmp_path: Path) -> None:
    repo = src_layout(tmp_path / "repo")
    changed, members, said = _scope(repo, "conftest.py")
    assert changed == members
    assert set(members) == {m.name for m in load_workspace(repo.root).members}
    assert "conftest.py is no member's, so every member" in said


@pytest.mark.req("FR-189")
def test_in_a_flat_layout_the_roots_files_are_the_root_members(tmp_path: Path) -> None:
    repo = flat_layout(tmp_path / "repo")
    assert _scope(repo, "tests/test_root.py")[:2] == (("mono",), ("mono",))
    changed, members, said = _scope(repo, "libs/alpha/alpha/__init__.py")
    assert (changed, members) == (("alpha", "mono"), ("alpha", "beta", "mono"))
    assert said.endswith(": alpha, mono; with dependents: beta")


def test_an_unknown_ref_is_one_line_naming_the_root(tmp_path: Path) -> None:
    repo = src_layout(tmp_path / "repo")
    with pytest.raises(TiergateError, match="unknown git ref 'nowhere'"):
        scope_since(repo.root, load_workspace(repo.root), "nowhere")

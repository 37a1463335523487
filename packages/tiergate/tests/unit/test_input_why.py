"""Why a session runs again: the first changed input, named as a person would, on real repos."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.inputs.why import why_it_runs
from tiergate.workspace import load_workspace
from unit.input_repo import BASE_ENV, flat_layout, src_layout

if TYPE_CHECKING:
    from pathlib import Path

    from unit.input_repo import KeyRepo

APP_TESTS = "tests-3.11(package='app')"


def _why(repo: KeyRepo, session: str, member: str | None, change: str, text: str) -> str | None:
    before = repo.must_key(session)
    path = repo.root / change
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        (path.read_text(encoding="utf-8") if path.exists() else "") + text, encoding="utf-8"
    )
    after = repo.must_key(session)
    return why_it_runs(before, after, load_workspace(repo.root), member)


@pytest.mark.req("FR-189")
@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("packages/app/src/app/main.py", "packages/app/src/app/main.py changed"),
        (
            "packages/util/src/util/__init__.py",
            "packages/util/src/util/__init__.py changed; util is a dependency of app",
        ),
        (
            "packages/core/src/core/model.py",
            (
                "packages/core/src/core/model.py changed; core is a dependency of app, "
                "through another member"
            ),
        ),
        (
            "packages/ext/src/ext/__init__.py",
            "packages/ext/src/ext/__init__.py changed; app's tests test ext",
        ),
        ("packages/app/tests/unit/test_new.py", "packages/app/tests/unit/test_new.py is new"),
        ("conftest.py", "conftest.py changed"),  # the root's: no member's
    ],
)
def test_a_changed_file_is_named_with_how_its_member_reaches_the_session(
    tmp_path: Path, change: str, said: str
) -> None:
    repo = src_layout(tmp_path / "repo")
    why = _why(repo, APP_TESTS, "app", change, "# changed\n")
    assert why is not None
    assert why == said


@pytest.mark.req("FR-189")
def test_configuration_a_deleted_file_and_the_environment_are_named(tmp_path: Path) -> None:
    repo = src_layout(tmp_path / "repo")
    workspace = load_workspace(repo.root)
    before = repo.must_key(APP_TESTS)
    text = (repo.root / "pyproject.toml").read_text(encoding="utf-8")
    strict = 'addopts = ["--strict-markers"]'
    assert strict in text
    (repo.root / "pyproject.toml").write_text(
        text.replace(strict, 'addopts = ["--strict-markers", "-x"]'), encoding="utf-8"
    )
    after = repo.must_key(APP_TESTS)
    assert why_it_runs(before, after, workspace, "app") == (
        "[tool.pytest] in pyproject.toml changed"
    )
    (repo.root / "packages/app/src/app/main.py").unlink()
    gone = repo.must_key(APP_TESTS)
    assert why_it_runs(after, gone, workspace, "app") == "packages/app/src/app/main.py was deleted"
    ci = repo.must_key(APP_TESTS, environ={**BASE_ENV, "CI": "true"})
    assert why_it_runs(gone, ci, workspace, "app") == "the environment variable CI changed"
    assert why_it_runs(ci, ci, workspace, "app") is None


@pytest.mark.req("FR-189")
def test_in_a_flat_layout_the_root_members_file_is_its_own(tmp_path: Path) -> None:
    repo = flat_layout(tmp_path / "repo")
    why = _why(
        repo, "tests-3.11(package='beta')", "beta", "libs/alpha/alpha/__init__.py", "X = 1\n"
    )
    assert why == "libs/alpha/alpha/__init__.py changed; alpha is a dependency of beta"
    why = _why(repo, "tests-3.11(package='mono')", "mono", "tests/test_root.py", "# more\n")
    assert why == "tests/test_root.py changed"

"""The input key of tests and type sessions, on real git repositories: hits and misses.

Each miss changes one input and checks that the key changes and that exactly
that input is named; each hit changes something outside the session's inputs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tiergate.inputs import InputKey, changed_inputs
from unit.input_repo import BASE_ENV, KeyRepo, flat_layout, src_layout

if TYPE_CHECKING:
    from collections.abc import Callable

APP_TESTS = "tests-3.11(package='app')"
APP_TYPE = "type-3.11(package='app')"


@pytest.fixture
def repo(tmp_path: Path) -> KeyRepo:
    return src_layout(tmp_path / "repo")


def _edit(repo: KeyRepo, name: str, old: str, new: str) -> None:
    path = repo.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(name: str, text: str = "# changed\n") -> Callable[[KeyRepo], object]:
    def change(repo: KeyRepo) -> None:
        with (repo.root / name).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return change


@pytest.mark.req("FR-190", "FR-191")
def test_the_same_inputs_give_the_same_key_and_its_parts_are_named(repo: KeyRepo) -> None:
    first = repo.must_key(APP_TESTS)
    again = repo.must_key(APP_TESTS)

    assert again == first
    assert changed_inputs(first, again) == []
    assert re.fullmatch(r"[0-9a-f]{64}", first.digest)
    expected = {
        "packages/app/src/app/main.py",  # the member
        "packages/app/tests/unit/test_main.py",
        "packages/util/src/util/__init__.py",  # a dependency
        "packages/core/src/core/model.py",  # a transitive one
        "packages/testkit/src/testkit/__init__.py",  # a test-time one
        "packages/ext/src/ext/__init__.py",  # tested by app
        "conftest.py",
        ".python-version",
        "pyproject.toml[tool.pytest]",
        "pyproject.toml[tool.coverage]",
        "pyproject.toml[tool.mypy]",
        "pyproject.toml[tool.tiergate]",
        "pyproject.toml[tool.uv]",
        "uv.lock:pytest",
        "uv.lock:pluggy",  # pytest's dependency
        "python",
        "tool:tiergate",
        "tool:tiergate-nox",
        "tool:pytest-tiergate",
        "noxfile.py",
        "command",
    }
    assert expected <= set(first.parts)
    unrelated = {"packages/other/src/other/__init__.py", "uv.lock:requests", "uv.lock:attrs"}
    assert not unrelated & set(first.parts)  # another member; util's own test group
    assert "pyproject.toml[tool.ruff]" not in first.parts


@pytest.mark.req("FR-190")
def test_a_key_is_the_same_in_another_process_and_survives_json(repo: KeyRepo) -> None:
    key = repo.must_key(APP_TESTS)
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from unit.input_repo import KeyRepo;"
        "print(KeyRepo(Path(sys.argv[1])).must_key(sys.argv[3]).model_dump_json())"
    )
    tests = Path(__file__).resolve().parents[1]
    child = subprocess.run(
        [sys.executable, "-c", script, str(repo.root), str(tests), APP_TESTS],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "123"},  # another order of every set and dict
    )

    assert InputKey.model_validate_json(child.stdout) == key
    assert InputKey.model_validate_json(key.model_dump_json()) == key


MISSES: dict[str, tuple[Callable[[KeyRepo], object], str]] = {
    "a source file of the member": (
        _append("packages/app/src/app/main.py"),
        "packages/app/src/app/main.py",
    ),
    "a source file of a dependency": (
        _append("packages/util/src/util/__init__.py"),
        "packages/util/src/util/__init__.py",
    ),
    "a source file of a transitive dependency": (
        _append("packages/core/src/core/model.py"),
        "packages/core/src/core/model.py",
    ),
    "a test-time dependency": (
        _append("packages/testkit/src/testkit/__init__.py"),
        "packages/testkit/src/testkit/__init__.py",
    ),
    "a test file": (
        _append("packages/app/tests/unit/test_main.py"),
        "packages/app/tests/unit/test_main.py",
    ),
    "an untracked new test file": (
        lambda repo: repo.write("packages/app/tests/unit/test_new.py", "def test():\n    pass\n"),
        "packages/app/tests/unit/test_new.py",
    ),
    "a deleted tracked file": (
        lambda repo: (repo.root / "packages/app/tests/integration/test_flow.py").unlink(),
        "packages/app/tests/integration/test_flow.py",
    ),
    "the root conftest.py": (_append("conftest.py"), "conftest.py"),
    "a conftest.py of the member": (
        _append("packages/app/tests/conftest.py"),
        "packages/app/tests/conftest.py",
    ),
    "a new conftest.py between the root and the member": (
        lambda repo: repo.write("packages/conftest.py", ""),
        "packages/conftest.py",
    ),
    "[tool.pytest]": (
        lambda repo: _edit(repo, "pyproject.toml", "--strict-markers", "--strict-config"),
        "pyproject.toml[tool.pytest]",
    ),
    "[tool.coverage]": (
        lambda repo: _edit(repo, "pyproject.toml", "branch = true", "branch = false"),
        "pyproject.toml[tool.coverage]",
    ),
    "a new pytest.ini at the root": (
        lambda repo: repo.write("pytest.ini", "[pytest]\n"),
        "pytest.ini",
    ),
    ".python-version": (_append(".python-version", "# the supported Pythons\n"), ".python-version"),
    "a locked distribution of its environment": (
        lambda repo: _edit(repo, "uv.lock", 'version = "8.3.3"', 'version = "8.3.4"'),
        "uv.lock:pytest",
    ),
    "a transitive locked distribution": (
        lambda repo: _edit(repo, "uv.lock", 'version = "1.5.0"', 'version = "1.6.0"'),
        "uv.lock:pluggy",
    ),
    "the member's pyproject.toml": (
        _append("packages/app/pyproject.toml"),
        "packages/app/pyproject.toml",
    ),
    "the noxfile": (_append("noxfile.py"), "noxfile.py"),
    "a helper beside a dependency's tests": (
        lambda repo: repo.write("packages/core/tests/unit/helpers.py", "X = 1\n"),
        "packages/core/tests/unit/helpers.py",
    ),
    "a conftest.py of a dependency": (
        lambda repo: repo.write("packages/core/tests/conftest.py", ""),
        "packages/core/tests/conftest.py",
    ),
}


@pytest.mark.req("FR-191", "FR-192", "FR-193")
@pytest.mark.parametrize("change", list(MISSES), ids=list(MISSES))
def test_a_change_to_one_input_changes_the_key_and_names_it(repo: KeyRepo, change: str) -> None:
    mutate, name = MISSES[change]
    before = repo.must_key(APP_TESTS)

    mutate(repo)
    after = repo.must_key(APP_TESTS)

    assert after.digest != before.digest
    assert changed_inputs(before, after) == [name]


HITS: dict[str, Callable[[KeyRepo], object]] = {
    "another member's source": _append("packages/other/src/other/__init__.py"),
    "another member's new untracked file": lambda repo: repo.write(
        "packages/other/src/other/extra.py", "X = 1\n"
    ),
    "an ignored file inside the member": lambda repo: repo.write(
        "packages/app/debug.log", "noise\n"
    ),
    "an ignored folder": lambda repo: repo.write("build/lib/app/main.py", "copied\n"),
    "the lock of a distribution outside its environment": lambda repo: _edit(
        repo, "uv.lock", 'version = "2.32.3"', 'version = "2.32.4"'
    ),
    "the lock of util's own test group": lambda repo: _edit(
        repo, "uv.lock", 'version = "24.2.0"', 'version = "24.3.0"'
    ),
    "another table of the root pyproject.toml": lambda repo: _edit(
        repo, "pyproject.toml", "line-length = 100", "line-length = 120"
    ),
    "the root's lint dependency group": lambda repo: _edit(
        repo, "pyproject.toml", 'lint = ["ruff"]', 'lint = ["ruff>=0.6"]'
    ),
    "a file outside every member": _append("README.md"),
    "a test file of a dependency": _append("packages/util/tests/test_util.py"),
    "a test file of a transitive dependency": _append("packages/core/tests/unit/test_model.py"),
    "a new test file of a dependency": lambda repo: repo.write(
        "packages/core/tests/unit/test_more.py", "def test():\n    pass\n"
    ),
    "a committed change (the content is what counts)": lambda repo: repo.commit("no change"),
}


@pytest.mark.req("FR-191", "FR-192", "FR-193")
@pytest.mark.parametrize("change", list(HITS), ids=list(HITS))
def test_a_change_outside_its_inputs_keeps_the_key(repo: KeyRepo, change: str) -> None:
    before = repo.must_key(APP_TESTS)

    HITS[change](repo)

    assert repo.must_key(APP_TESTS) == before


@pytest.mark.req("FR-194")
def test_the_environment_variables_that_matter_are_parts_set_or_not(repo: KeyRepo) -> None:
    before = repo.must_key(APP_TESTS)

    ci = repo.must_key(APP_TESTS, environ={**BASE_ENV, "CI": "true"})
    empty = repo.must_key(APP_TESTS, environ={**BASE_ENV, "CI": ""})
    noise = {"TIERGATE_RUN_ID": "20261122T101500Z-3f9a", "HOME": "/elsewhere", "TERM": "dumb"}
    unrelated = repo.must_key(APP_TESTS, environ={**BASE_ENV, **noise})
    seeded = repo.must_key(APP_TESTS, environ={**BASE_ENV, "PYTHONHASHSEED": "1"})
    pytest_env = repo.must_key(APP_TESTS, environ={**BASE_ENV, "PYTEST_ADDOPTS": "-x"})
    mypy_env = repo.must_key(APP_TESTS, environ={**BASE_ENV, "MYPYPATH": "stubs"})

    assert changed_inputs(before, ci) == ["env:CI"]
    assert changed_inputs(ci, empty) == ["env:CI"]  # empty is not unset, nor "true"
    assert changed_inputs(before, empty) == ["env:CI"]
    assert unrelated == before
    assert changed_inputs(before, seeded) == ["env:PYTHONHASHSEED"]
    assert changed_inputs(before, pytest_env) == ["env:PYTEST_ADDOPTS"]
    assert mypy_env == before  # mypy's variables are the type session's
    assert changed_inputs(
        repo.must_key(APP_TYPE), repo.must_key(APP_TYPE, environ={**BASE_ENV, "MYPYPATH": "x"})
    ) == ["env:MYPYPATH"]


@pytest.mark.req("FR-194")
def test_the_command_line_and_the_interpreter_are_parts(repo: KeyRepo) -> None:
    before = repo.must_key(APP_TESTS)

    with_args = repo.must_key(APP_TESTS, posargs=["-k", "flow"])
    other_python = repo.must_key("tests-3.12(package='app')")

    assert changed_inputs(before, with_args) == ["command"]
    assert changed_inputs(before, other_python) == ["python", "command"]


@pytest.mark.req("FR-193", "FR-194")
def test_a_type_session_has_its_own_environment_and_the_mypy_version(repo: KeyRepo) -> None:
    tests, types = repo.must_key(APP_TESTS), repo.must_key(APP_TYPE)

    assert {"uv.lock:mypy", "uv.lock:typing-extensions", "tool:mypy"} <= set(types.parts)
    assert "uv.lock:pytest" not in types.parts
    assert "packages/ext/src/ext/__init__.py" not in types.parts  # tested by app, not typed with it
    assert "uv.lock:mypy" not in tests.parts

    _edit(repo, "uv.lock", 'version = "1.13.0"', 'version = "1.14.0"')
    assert changed_inputs(types, repo.must_key(APP_TYPE)) == ["uv.lock:mypy", "tool:mypy"]
    assert repo.must_key(APP_TESTS) == tests


@pytest.mark.req("FR-191")
def test_a_flat_layout_root_member_leaves_out_the_members_nested_in_it(tmp_path: Path) -> None:
    repo = flat_layout(tmp_path / "flat")
    root, beta = "tests-3.11(package='mono')", "tests-3.11(package='beta')"
    before_root, before_beta = repo.must_key(root), repo.must_key(beta)

    assert {"tests/test_root.py", "pyproject.toml", "uv.lock"} <= set(before_root.parts)
    assert not any(name.startswith("libs/") for name in before_root.parts)
    assert {"libs/alpha/alpha/core.py", "libs/beta/tests/test_beta.py"} <= set(before_beta.parts)

    _append("libs/alpha/alpha/core.py")(repo)
    assert changed_inputs(before_beta, repo.must_key(beta)) == ["libs/alpha/alpha/core.py"]
    assert repo.must_key(root) == before_root

    _append("tests/test_root.py")(repo)
    assert changed_inputs(before_root, repo.must_key(root)) == ["tests/test_root.py"]
    assert changed_inputs(before_beta, repo.must_key(beta)) == ["libs/alpha/alpha/core.py"]


@pytest.mark.req("FR-191")
@pytest.mark.parametrize("run_dir", [None, "build/tiergate/runs"])
def test_what_a_check_writes_is_no_input_of_a_member_at_the_root(
    tmp_path: Path, run_dir: str | None
) -> None:
    """No ``.gitignore`` names tiergate's folders: its runs, cache and history stay out."""
    repo = flat_layout(tmp_path / "flat")
    if run_dir is not None:
        _append("pyproject.toml", f'\n[tool.tiergate]\nrun-dir = "{run_dir}"\n')(repo)
    root = "tests-3.11(package='mono')"
    before_root = repo.must_key(root)
    runs = run_dir or ".tiergate/runs"
    for name in (
        f"{runs}/20261201T101500Z-3f9a/sessions/tests-3.11-mono/manifest.json",
        f"{Path(runs).parent.as_posix()}/cache/entries/ab/entry.json",
        ".tiergate/history.db",
        ".tiergate/crash.log",
    ):
        repo.write(name, "written by a check\n")

    assert repo.must_key(root) == before_root
    repo.write("tests/conftest.py", "# the user's\n")
    assert changed_inputs(before_root, repo.must_key(root)) == ["tests/conftest.py"]


@pytest.mark.req("FR-191")
@pytest.mark.parametrize("layout", ["src", "flat"])
def test_a_dependencys_test_files_are_inputs_of_its_own_sessions_only(
    tmp_path: Path, layout: str
) -> None:
    if layout == "src":
        repo = src_layout(tmp_path / "repo")
        own, dependent = "tests-3.11(package='core')", APP_TESTS
        test_file = "packages/core/tests/unit/test_model.py"
        source = "packages/core/src/core/model.py"
    else:
        repo = flat_layout(tmp_path / "flat")
        own, dependent = "tests-3.11(package='alpha')", "tests-3.11(package='beta')"
        test_file, source = "libs/alpha/tests/test_alpha.py", "libs/alpha/alpha/core.py"
    before_own, before_dependent = repo.must_key(own), repo.must_key(dependent)
    typed = repo.key(dependent.replace("tests-", "type-"))
    assert test_file in before_own.parts
    assert test_file not in before_dependent.parts
    assert source in before_dependent.parts

    _append(test_file)(repo)

    assert changed_inputs(before_own, repo.must_key(own)) == [test_file]
    assert repo.must_key(dependent) == before_dependent
    assert repo.key(dependent.replace("tests-", "type-")) == typed

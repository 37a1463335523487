"""What a key makes of hostile files, when there is no key, and how two keys are compared."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError

from tiergate.config import load_config
from tiergate.git import listed_files
from tiergate.inputs import InputKey, InputScan, NoKey, changed_inputs, session_key, unkeyed
from tiergate.inputs.hashing import marker
from tiergate.workspace import load_workspace
from unit.input_repo import BASE_ENV, KeyRepo, flat_layout, src_layout

if TYPE_CHECKING:
    from pathlib import Path

APP_TESTS = "tests-3.11(package='app')"
MAIN = "packages/app/src/app/main.py"


@pytest.fixture
def repo(tmp_path: Path) -> KeyRepo:
    return src_layout(tmp_path / "repo")


def _reason(found: InputKey | NoKey) -> str:
    assert isinstance(found, NoKey), found
    assert "\n" not in found.reason
    return found.reason


# ------------------------------------------------------------ hostile files
@pytest.mark.req("FR-198")
def test_a_file_larger_than_any_read_limit_is_streamed_into_its_digest(repo: KeyRepo) -> None:
    block = os.urandom(1 << 20)
    big = repo.root / "packages/app/src/app/data.bin"
    with big.open("wb") as handle:
        for _ in range(20):  # 20 MiB: past the 16 MiB the configuration readers take
            handle.write(block)

    key = repo.must_key(APP_TESTS)

    assert key.parts["packages/app/src/app/data.bin"] == hashlib.sha256(block * 20).hexdigest()


@pytest.mark.req("FR-198")
def test_a_symlink_out_of_the_repository_is_its_link_text(repo: KeyRepo, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("one\n")
    (repo.root / "packages/app/src/app/link.txt").symlink_to(outside)
    before = repo.must_key(APP_TESTS)

    outside.write_text("two\n")  # what it points at is not read
    assert repo.must_key(APP_TESTS) == before

    (repo.root / "packages/app/src/app/link.txt").unlink()
    (repo.root / "packages/app/src/app/link.txt").symlink_to(tmp_path / "other.txt")
    assert changed_inputs(before, repo.must_key(APP_TESTS)) == ["packages/app/src/app/link.txt"]


@pytest.mark.req("FR-198")
def test_a_symlink_inside_the_repository_carries_its_targets_content(repo: KeyRepo) -> None:
    (repo.root / "packages/app/src/app/alias.py").symlink_to("main.py")
    before = repo.must_key(APP_TESTS)

    with (repo.root / MAIN).open("a") as handle:
        handle.write("# changed\n")

    assert changed_inputs(before, repo.must_key(APP_TESTS)) == [
        "packages/app/src/app/alias.py",
        MAIN,
    ]


@pytest.mark.req("FR-198")
def test_a_fifo_or_folder_where_git_lists_a_file_is_a_marker_never_a_hang(
    repo: KeyRepo,
) -> None:
    (repo.root / MAIN).unlink()
    os.mkfifo(repo.root / MAIN)
    (repo.root / "packages/app/tests/conftest.py").unlink()
    (repo.root / "packages/app/tests/conftest.py").mkdir()
    result: list[InputKey | NoKey] = []

    worker = threading.Thread(target=lambda: result.append(repo.key(APP_TESTS)), daemon=True)
    worker.start()
    worker.join(timeout=60)

    assert not worker.is_alive(), "hashing a FIFO blocked"
    key = result[0]
    assert isinstance(key, InputKey)
    assert key.parts[MAIN] == marker("fifo")
    assert key.parts["packages/app/tests/conftest.py"] == marker("folder")


@pytest.mark.req("FR-198")
def test_a_nested_repository_is_listed_as_a_folder(repo: KeyRepo) -> None:
    nested = KeyRepo(repo.root / "packages/app/vendored")
    nested.root.mkdir()
    nested.git("init", "--quiet")

    key = repo.must_key(APP_TESTS)

    assert key.parts["packages/app/vendored/"] == marker("folder")


@pytest.mark.req("FR-198", "FR-197")
def test_a_listed_file_behind_a_symlink_loop_cannot_be_read(repo: KeyRepo) -> None:
    folder = repo.root / "packages/app/tests/integration"
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.symlink_to("integration")  # a loop: git still lists the tracked test_flow.py in it

    assert _reason(repo.key(APP_TESTS)) == (
        "cannot read packages/app/tests/integration/test_flow.py: too many symbolic links"
    )


@pytest.mark.req("FR-198")
def test_a_symlink_loop_itself_is_its_link_text(repo: KeyRepo) -> None:
    (repo.root / "packages/app/src/app/loop").symlink_to("loop")
    assert "packages/app/src/app/loop" in repo.must_key(APP_TESTS).parts


@pytest.mark.req("FR-198")
def test_names_that_are_not_utf8_or_read_as_other_parts_keep_apart(tmp_path: Path) -> None:
    repo = flat_layout(tmp_path / "flat")
    os.close(os.open(bytes(repo.root) + b"/caf\xe9.txt", os.O_CREAT | os.O_WRONLY))
    for name in ("python", "command", "tool:ruff"):
        (repo.root / name).write_text(name)

    key = repo.must_key("tests-3.11(package='mono')")

    assert {"caf\\xe9.txt", "./python", "./command", "./tool:ruff", "python", "command"} <= set(
        key.parts
    )
    assert InputKey.model_validate_json(key.model_dump_json()) == key


# ------------------------------------------------------------------ no key
@pytest.mark.req("FR-197")
def test_a_folder_that_is_not_a_git_repository_has_no_key(repo: KeyRepo) -> None:
    (repo.root / ".git").rename(repo.root / "not-git")
    reason = _reason(repo.key(APP_TESTS))
    assert reason.startswith(f"{repo.root}: git ls-files -z --cached --others --exclude-standard ")
    assert "not a git repository" in reason


@pytest.mark.req("FR-197")
def test_without_git_there_is_no_key(repo: KeyRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo.root / "no-tools-here"))
    assert _reason(repo.key(APP_TESTS)).startswith("git is not installed")


@pytest.mark.req("FR-197")
def test_a_missing_interpreter_gives_no_key(repo: KeyRepo, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    environ = {**BASE_ENV, "PATH": str(empty)}
    assert _reason(repo.key("tests-3.99(package='app')", environ=environ)) == (
        "no Python 3.99 found as nox looks for it (PATH, pyenv, uv)"
    )


@pytest.mark.req("FR-197")
def test_without_a_lock_or_outside_it_there_is_no_key(repo: KeyRepo) -> None:
    lock = repo.root / "uv.lock"
    text = lock.read_text()
    lock.write_text(text.replace('{ editable = "packages/util" }', '{ directory = "../vendor" }'))
    assert _reason(repo.key(APP_TESTS)).startswith(
        "uv.lock installs from ../vendor, outside the repository, whose files git cannot list: "
    )

    lock.write_text(text.replace('name = "app"', 'name = "application"'))
    assert _reason(repo.key(APP_TESTS)) == "uv.lock holds no entry for app: run `uv lock`"

    lock.unlink()
    assert _reason(repo.key(APP_TESTS)) == "no uv.lock: the session's environment is not locked"
    assert "no uv.lock" in _reason(repo.key("lint"))  # its lint group is locked nowhere


@pytest.mark.req("FR-191")
def test_a_source_outside_the_repository_is_keyed_by_the_files_git_lists_in_it(
    repo: KeyRepo,
) -> None:
    vendor = src_layout(repo.root.parent / "vendor")  # a sibling checkout, its own git repository
    vendor.write(".gitignore", "build/\n")
    vendor.commit("ignore build")
    lock = repo.root / "uv.lock"
    lock.write_text(
        lock.read_text().replace('{ editable = "packages/util" }', '{ directory = "../vendor" }')
    )
    before = repo.must_key(APP_TESTS)
    assert str(vendor.root / "packages/core/src/core/model.py") in before.parts

    vendor.write("build/generated.py", "x = 1\n")  # ignored there: not an input
    assert repo.must_key(APP_TESTS).digest == before.digest

    vendor.write("packages/core/src/core/model.py", "VALUE = 2\n")  # changed, not committed
    after = repo.must_key(APP_TESTS)
    assert changed_inputs(before, after)[0] == str(vendor.root / "packages/core/src/core/model.py")


@pytest.mark.req("FR-197")
def test_an_unknown_session_or_member_has_no_key(repo: KeyRepo, tmp_path: Path) -> None:
    assert _reason(repo.key("docs")) == "'docs' is not a session tiergate knows the inputs of"
    assert "no workspace member named 'nope'" in _reason(repo.key("tests-3.11(package='nope')"))
    workspace = load_workspace(repo.root)
    elsewhere = session_key(
        tmp_path, workspace, load_config(repo.root), APP_TESTS, environ=BASE_ENV
    )
    assert _reason(elsewhere).startswith("the workspace was read from")


# ------------------------------------------------------------- comparison
@pytest.mark.req("FR-199")
def test_changed_inputs_names_files_first_then_each_kind_sorted() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    other = hashlib.sha256(b"y").hexdigest()
    names = [
        "command",
        "env:CI",
        "advisory-db",
        "tool:ruff",
        "python",
        "uv.lock:pytest",
        "pyproject.toml[tool.pytest]",
        "./python",
        "b.py",
        "a/z.py",
    ]
    old = InputKey.of(dict.fromkeys(names, digest))
    new = InputKey.of({**dict.fromkeys(names[1:], other), "added.py": digest})

    assert changed_inputs(old, new) == [
        "./python",
        "a/z.py",
        "added.py",
        "b.py",
        "pyproject.toml[tool.pytest]",
        "uv.lock:pytest",
        "python",
        "tool:ruff",
        "advisory-db",
        "env:CI",
        "command",  # removed
    ]
    assert changed_inputs(new, new) == []


@pytest.mark.req("FR-190")
def test_a_key_whose_digest_does_not_match_its_parts_is_refused() -> None:
    key = InputKey.of({"a.py": hashlib.sha256(b"a").hexdigest()})
    with pytest.raises(ValidationError, match="the digest does not match the parts"):
        InputKey(digest=key.digest, parts={"a.py": hashlib.sha256(b"b").hexdigest()})
    with pytest.raises(ValidationError, match="is not a SHA-256 hex digest"):
        InputKey(digest=key.digest, parts={"a.py": "not hex"})
    with pytest.raises(ValidationError):
        key.digest = "0" * 64


@pytest.mark.req("FR-199")
def test_one_computation_hashes_each_file_once_for_every_session(repo: KeyRepo) -> None:
    workspace, config = load_workspace(repo.root), load_config(repo.root)
    scan = InputScan(workspace, config, BASE_ENV)

    app = repo.must_key(APP_TESTS, scan=scan)
    hashed = scan.hashed
    util = repo.must_key("tests-3.11(package='util')", scan=scan)  # its files are app's too
    core = repo.must_key("tests-3.11(package='core')", scan=scan)

    files = {name for name in app.parts if (repo.root / name).is_file()}
    assert hashed >= len(files)  # and the absent configuration files looked for
    # util's and core's inputs were all looked at for app, less their own test files
    assert scan.hashed - hashed == len(["test_util.py", "test_model.py"])
    assert (
        util.parts["packages/core/src/core/model.py"]
        == app.parts["packages/core/src/core/model.py"]
    )
    assert core.digest != util.digest


@pytest.mark.req("FR-191")
def test_git_lists_tracked_and_untracked_files_but_not_ignored_ones(repo: KeyRepo) -> None:
    repo.write("packages/app/new.py", "")
    repo.write("build/out.py", "")
    (repo.root / "README.md").unlink()
    # written by Python as it imports, ignored or not: never an input
    repo.write("packages/app/src/app/__pycache__/main.cpython-311.pyc", "compiled")
    repo.write("__pycache__/noxfile.cpython-311.pyc", "compiled")

    files = listed_files(repo.root)

    assert "packages/app/new.py" in files
    assert "README.md" in files  # deleted but tracked: a change to see
    assert not any(name.startswith("build/") for name in files)
    assert not any("__pycache__" in name for name in files)
    assert list(files) == sorted(set(files))


@pytest.mark.req("FR-215")
def test_reads_no_key_holds_are_named_sorted(repo: KeyRepo, tmp_path: Path) -> None:
    """Listed files are held; an ignored file, or one outside the repository, is not."""
    repo.write("build/fixture.log", "made by a test\n")
    workspace, config = load_workspace(repo.root), load_config(repo.root)
    scan = InputScan(workspace, config, BASE_ENV)
    elsewhere = str(tmp_path / "elsewhere.txt")
    reads = ["packages/core/src/core/model.py", elsewhere, "build/fixture.log", "README.md"]
    assert unkeyed(scan, workspace.member("app"), reads) == sorted([elsewhere, "build/fixture.log"])


def test_without_git_no_read_is_named(tmp_path: Path) -> None:
    repo = src_layout(tmp_path / "repo")
    shutil.rmtree(repo.root / ".git")
    workspace, config = load_workspace(repo.root), load_config(repo.root)
    scan = InputScan(workspace, config, BASE_ENV)
    assert unkeyed(scan, workspace.member("app"), ["build/fixture.log"]) == []

"""Each tests session gives pytest a temporary root of its own: sessions run at once.

Sharing the system's temporary folder, one pytest's cleanup of old ``tmp_path``
folders removed or failed on another's, and a session whose tests all passed failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tiergate_nox.testing import TEMP_ROOT_ENV, pytest_temp_root

TEST = "def test_where(tmp_path):\n    print('TMP=' + str(tmp_path))\n"


def _tmp_path_of(folder: Path, env: dict[str, str]) -> Path:
    (folder / "test_where.py").write_text(TEST, encoding="utf-8")
    outer = {k: v for k, v in os.environ.items() if k != TEMP_ROOT_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider", "test_where.py"],
        cwd=folder,
        env={**outer, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("TMP=")]
    return Path(line.removeprefix("TMP="))


@pytest.mark.req("FR-221")
def test_each_session_of_each_workspace_has_its_own_root_outside_it(tmp_path: Path) -> None:
    one, other = tmp_path / "one", tmp_path / "other"
    roots = {
        Path(pytest_temp_root(root, session, {})[TEMP_ROOT_ENV])
        for root in (one, other)
        for session in ("tests-3.12(package='a')", "tests-3.13(package='a')")
    }
    assert len(roots) == 4
    system = Path(tempfile.gettempdir())
    for root in roots:
        assert root.is_dir()
        assert root.is_relative_to(system)
        assert not root.is_relative_to(tmp_path)
    again = pytest_temp_root(one, "tests-3.12(package='a')", {})
    assert Path(again[TEMP_ROOT_ENV]) in roots  # the same every run: pytest keeps its newest three


@pytest.mark.req("FR-221")
def test_pytest_makes_tmp_path_in_the_session_root_unless_the_user_chose_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "ws").mkdir()
    env = pytest_temp_root(tmp_path / "ws", "tests-3.13(package='a')", {})
    assert _tmp_path_of(tmp_path / "ws", env).is_relative_to(Path(env[TEMP_ROOT_ENV]).resolve())
    assert pytest_temp_root(tmp_path / "ws", "tests-3.13(package='a')", {TEMP_ROOT_ENV: "/x"}) == {}


@pytest.mark.req("FR-221")
@pytest.mark.parametrize("taken_by", ["a link", "a file", "a folder others may write into"])
def test_a_name_taken_by_anything_but_a_private_folder_is_not_used(
    tmp_path: Path, taken_by: str
) -> None:
    workspace = tmp_path / "ws"
    folder = Path(pytest_temp_root(workspace, "tests-3.13(package='a')", {})[TEMP_ROOT_ENV])
    folder.rmdir()
    try:
        if taken_by == "a link":
            (tmp_path / "elsewhere").mkdir()
            folder.symlink_to(tmp_path / "elsewhere")
        elif taken_by == "a file":
            folder.write_text("", encoding="utf-8")
        else:
            folder.mkdir(mode=0o700)
            folder.chmod(0o777)
        assert pytest_temp_root(workspace, "tests-3.13(package='a')", {}) == {}
    finally:
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        else:
            folder.rmdir()

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    AddMember = Callable[..., Path]
    WriteFile = Callable[[str, str], Path]

REPOSITORY = Path(__file__).resolve().parents[4]


def tiergate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``tiergate`` console script, as a user would."""
    script = shutil.which("tiergate", path=str(Path(sys.executable).parent))
    script = script or shutil.which("tiergate")
    assert script is not None, "the tiergate console script is not installed"
    env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    return subprocess.run(
        [script, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.req("FR-005")
def test_table_lists_members_and_order(ws_root: Path, add_member: AddMember) -> None:
    add_member("app", "core", requires_python=">=3.12")
    add_member("core")

    result = tiergate("workspace", cwd=ws_root)

    assert (result.returncode, result.stderr) == (0, "")
    assert "\x1b[" not in result.stdout  # not a TTY: no colour
    for text in ("member", "used by", "app", "core", "packages/app", "3.12, 3.13"):
        assert text in result.stdout
    assert "order (dependencies first): core, app" in result.stdout


@pytest.mark.req("FR-005")
def test_json_parses_and_follows_root_option(
    ws_root: Path, add_member: AddMember, tmp_path: Path
) -> None:
    add_member("app", "core")
    add_member("core")

    result = tiergate("--root", str(ws_root), "workspace", "--json", cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert data["schema_version"] == 2
    assert [member["name"] for member in data["members"]] == ["core", "app"]
    assert data["members"][0]["dependents"] == ["app"]


@pytest.mark.req("NFR-001")
def test_broken_pyproject_is_one_error_line_and_exit_2(
    ws_root: Path, write_file: WriteFile
) -> None:
    broken = write_file("packages/app/pyproject.toml", '[project]\nname = "app\n')

    result = tiergate("workspace", cwd=ws_root)

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tiergate: error: ")
    assert f"{broken.resolve()}:2:" in lines[0]
    assert "Traceback" not in result.stderr


def test_cycle_is_reported_not_raised(ws_root: Path, add_member: AddMember) -> None:
    add_member("a", "b")
    add_member("b", "a")
    result = tiergate("workspace", "--json", cwd=ws_root)
    assert result.returncode == 2
    assert "dependency cycle: a -> b -> a" in result.stderr
    assert "Traceback" not in result.stderr


def test_this_repository_as_json() -> None:
    result = tiergate("workspace", "--json", cwd=REPOSITORY)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    order = [member["name"] for member in data["members"]]
    assert {"tiergate", "pytest-tiergate", "tiergate-nox", "tiergate-monorepo"} <= set(order)
    # tiergate's tests use pytest-tiergate, which depends on tiergate: one group, no order
    together = next(group for group in data["order"] if "tiergate" in group)
    assert "pytest-tiergate" in together
    assert order[-1] == "tiergate-monorepo"

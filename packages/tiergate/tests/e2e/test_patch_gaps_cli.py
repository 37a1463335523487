"""``tiergate gates --base`` and ``tiergate gaps`` as real processes: output and exit codes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from run_cli import tiergate

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce


SOURCE = "def one() -> int:\n    return 1\n\n\ndef two() -> int:\n    return 2\n"
TEST = "from alpha import one\n\n\ndef test_one() -> None:\n    assert one() == 1\n"


def _tiergate(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return tiergate(root, *args, **{"TIERGATE_RUN_ID": "r1", **env})


@pytest.fixture
def ran(
    ws_root: Path,
    built_once: BuiltOnce,
    add_member: Callable[..., Path],
    run_tier: Callable[..., Path],
) -> Path:
    """One member, ``two()`` untested, its unit tier run (run id r1)."""

    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        files = {"src/alpha/__init__.py": SOURCE, "tests/unit/test_alpha.py": TEST}
        add_member("alpha", package="alpha", tests=True, files=files)
        (ws_root / ".gitignore").write_text(".tiergate/\n__pycache__/\n.coverage*\n")
        run_tier("alpha", "unit")

    built_once(build)
    return ws_root


def test_patch_coverage_and_gaps_in_the_gates_report(
    ran: Path, git_init: Callable[[Path], Path], git: Callable[..., str]
) -> None:
    git_init(ran)
    git(ran, "add", "-A")
    git(ran, "commit", "--quiet", "-m", "base")
    source = ran / "packages/alpha/src/alpha/__init__.py"
    source.write_text(SOURCE.replace("return 2", "return 1 + 1"))  # uncommitted, never run
    result = _tiergate(ran, "gates", "--only", "patch", "--base", "HEAD")
    assert result.returncode == 0, result.stdout + result.stderr  # no bound: report only
    assert "patch coverage of alpha since HEAD" in result.stdout
    assert "0% (0/1 changed lines)" in result.stdout  # precision 0, like coverage report
    assert "where to write the next test (1 of 1 gaps)" in result.stdout
    assert "packages/alpha/src/alpha/__init__.py:5 two" in result.stdout
    pyproject = ran / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.tiergate.patch]\nmin = 80\n")
    failed = _tiergate(ran, "gates", "--only", "patch", "--base", "HEAD", "--format", "markdown")
    assert failed.returncode == 1
    assert "- packages/alpha/src/alpha/\\_\\_init\\_\\_.py: 0/1 changed lines run, missing 6" in (
        failed.stdout
    )


@pytest.mark.parametrize("problem", ["unknown ref", "not a repository", "no git"])
@pytest.mark.req("FR-072")
def test_bad_base_input_is_one_line(
    ran: Path, git_init: Callable[[Path], Path], git: Callable[..., str], problem: str
) -> None:
    env = {}
    if problem != "not a repository":
        git_init(ran)
        git(ran, "commit", "--quiet", "--allow-empty", "-m", "base")
    if problem == "no git":
        env["PATH"] = str(ran / "no-tools-here")
    result = _tiergate(ran, "gates", "--only", "patch", "--base", "origin/main", **env)
    expected = {
        "unknown ref": (2, f"{ran}: unknown git ref 'origin/main'"),
        "not a repository": (2, f"{ran}: not a git repository"),
        "no git": (3, "git is not installed"),
    }[problem]
    assert result.returncode == expected[0], result.stdout + result.stderr
    assert result.stderr.startswith(f"tiergate: error: {expected[1]}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.req("FR-073")
def test_gaps_command_table_json_and_no_data(ran: Path) -> None:
    table = _tiergate(ran, "gaps")
    assert table.returncode == 0, table.stderr
    assert "packages/alpha/src/alpha/__init__.py:5 two" in table.stdout
    assert "no git history" in table.stdout
    document = json.loads(_tiergate(ran, "gaps", "--json", "--top", "1").stdout)
    assert document["found"] == 1
    assert document["top"][0]["function"] == "two"
    assert document["top"][0]["missing"] == "6"
    empty = _tiergate(ran, "gaps", "--run", ".tiergate/runs/none")
    assert empty.returncode == 2
    assert empty.stderr.count("\n") == 1
    bad_top = _tiergate(ran, "gaps", "--top", "0")
    assert bad_top.returncode == 2
    assert "expected a whole number from 1 to 1000, got '0'" in bad_top.stderr

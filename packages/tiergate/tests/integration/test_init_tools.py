"""What ``tiergate init`` writes whole passes the real tools as written."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main

if TYPE_CHECKING:
    from pathlib import Path

ROOT = """\
[project]
name = "acme"
version = "0"
requires-python = ">=3.11"

[dependency-groups]
dev = ["tiergate-nox"]

[tool.uv.workspace]
members = ["packages/*"]

[tool.uv.sources]
tiergate-nox = { path = "../tiergate/packages/tiergate-nox", editable = true }
"""


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    """A one-member workspace after ``tiergate init``."""
    (tmp_path / "pyproject.toml").write_text(ROOT, encoding="utf-8")
    (tmp_path / ".python-version").write_text("3.12\n", encoding="utf-8")
    member = tmp_path / "packages" / "calc"
    (member / "tests").mkdir(parents=True)
    (member / "pyproject.toml").write_text('[project]\nname = "calc"\nversion = "1"\n', "utf-8")
    (member / "tests" / "test_calc.py").write_text("def test_it() -> None:\n    pass\n", "utf-8")
    assert main(["--root", str(tmp_path), "init"]) == 0
    return tmp_path


def _tool(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=root, capture_output=True, text=True, check=False
    )


@pytest.mark.req("FR-151")
@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "--select", "ALL", "--isolated", "noxfile.py", "tasks.py"),
        ("ruff", "check", "--select", "ALL", "--ignore", "CPY001", "--isolated", "noxfile.py"),
        ("ruff", "check", "--select", "ALL", "--ignore", "CPY001", "--isolated", "tasks.py"),
        ("ruff", "format", "--check", "--isolated", "noxfile.py", "tasks.py"),
        ("mypy", "--strict", "--no-incremental", "noxfile.py", "tasks.py"),
        (
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/tiergate.yml",
        ),
    ],
    ids=["ruff-all", "ruff-all-but-cpy-noxfile", "ruff-all-but-cpy-tasks", "format", "mypy", "gha"],
)
def test_the_written_files_pass_the_tools_as_written(
    initialised: Path, command: tuple[str, ...]
) -> None:
    result = _tool(initialised, *command)

    assert result.returncode == 0, result.stdout + result.stderr

"""The digest an environment's stamp holds: what uv reads to rebuild it, and what it installed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate_nox.install import environment_digest

if TYPE_CHECKING:
    from pathlib import Path

LOCK = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "1.0.0"
source = { editable = "packages/app" }
dependencies = [{ name = "vendored" }]

[[package]]
name = "vendored"
version = "0.1.0"
source = { directory = "../vendored" }
"""
SYNC = [("uv", "sync", "--frozen", "--package", "app")]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace whose lock installs a member and a sibling checkout; a built environment."""
    root = tmp_path / "mono"
    _write(root / "uv.lock", LOCK)
    _write(root / "pyproject.toml", "[tool.uv.workspace]\nmembers = ['packages/*']\n")
    _write(root / "packages/app/pyproject.toml", "[project]\nname = 'app'\n")
    _write(root / "packages/app/src/app/__init__.py", "")
    _write(tmp_path / "vendored/pyproject.toml", "[project]\nname = 'vendored'\n")
    _write(tmp_path / "vendored/src/vendored/__init__.py", "")
    venv = root / ".nox/tests"
    _write(venv / "pyvenv.cfg", "home = /usr/bin\n")
    _write(venv / "lib/python3.12/site-packages/vendored-0.1.0.dist-info/RECORD", "")
    _write(venv / "lib/python3.12/site-packages/_app.pth", str(root / "packages/app/src"))
    return root, venv


@pytest.mark.req("FR-218")
@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        ("packages/app/pyproject.toml", True),
        ("../vendored/pyproject.toml", True),  # a local source outside the workspace
        ("uv.lock", True),
        (".nox/tests/lib/python3.12/site-packages/other-2.0.dist-info/RECORD", True),
        (".nox/tests/lib/python3.12/site-packages/_app.pth", True),
        ("packages/app/src/app/__init__.py", False),  # source: an editable install reads it
        ("../vendored/src/vendored/__init__.py", False),  # uv rebuilds on build files only
        (".nox/tests/lib/python3.12/site-packages/__pycache__/six.cpython-312.pyc", False),
    ],
)
def test_the_digest_changes_with_what_uv_would_rebuild_on_and_nothing_else(
    layout: tuple[Path, Path], change: str, rebuilt: bool
) -> None:
    root, venv = layout
    before = environment_digest(root, venv, SYNC)
    assert before is not None
    target = root / change
    _write(target, (target.read_text(encoding="utf-8") if target.exists() else "") + "\n# x\n")
    assert (environment_digest(root, venv, SYNC) != before) is rebuilt


def test_other_commands_or_no_readable_lock_never_match(layout: tuple[Path, Path]) -> None:
    root, venv = layout
    before = environment_digest(root, venv, SYNC)
    assert environment_digest(root, venv, [*SYNC, ("uv", "pip", "install", "ruff==0.1")]) != before
    (root / "uv.lock").write_bytes(b"\xff not TOML")
    assert environment_digest(root, venv, SYNC) is None

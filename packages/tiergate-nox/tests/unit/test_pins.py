"""Tool versions pinned in ``.pre-commit-config.yaml``, read from real files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ConfigError
from tiergate.pins import PRE_COMMIT_CONFIG, Pin, read_pins

if TYPE_CHECKING:
    from pathlib import Path

MIRRORS = """\
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.9
    hooks:
      - id: ruff
      - id: ruff-format
  - repo: https://github.com/pre-commit/mirrors-mypy.git
    rev: 'v1.11.2'
    hooks:
      - id: mypy
        additional_dependencies: ["types-requests==2.32.0"]
  - repo: https://github.com/sqlfluff/sqlfluff
    rev: 3.2.0
    hooks:
      - id: sqlfluff-lint
  - repo: https://github.com/PyCQA/bandit
    rev: 1.7.10
    hooks:
      - id: bandit
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v5.0.0
    hooks:
      - id: check-yaml
"""

LOCAL = """\
repos:
  - repo: local
    hooks:
      - id: ruff
        entry: ruff check --fix
        language: python
        additional_dependencies: ["ruff==0.17.6"]
      - id: ruff-format
        entry: ruff format
        language: python
        additional_dependencies: ["ruff==0.17.6"]
      - id: bandit
        entry: bandit -c pyproject.toml
        language: python
        additional_dependencies: ["bandit[toml]==1.9.4", "pbr"]
      - id: mypy
        entry: mypy
        language: python
        additional_dependencies: ["mypy>=1.11", "types-pyyaml==6.0.12"]
      - id: check-toml
        entry: check-toml
        language: python
        additional_dependencies: ["pre-commit-hooks==6.0.0"]
"""


def _write(root: Path, text: str) -> Path:
    path = root / ".pre-commit-config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.req("FR-142")
def test_mirror_revisions_pin_their_tools(tmp_path: Path) -> None:
    _write(tmp_path, MIRRORS)
    assert read_pins(tmp_path) == {
        "ruff": Pin("ruff", "0.6.9", "ruff==0.6.9", 3),
        "mypy": Pin("mypy", "1.11.2", "mypy==1.11.2", 8),
        "sqlfluff": Pin("sqlfluff", "3.2.0", "sqlfluff==3.2.0", 13),
        "bandit": Pin("bandit", "1.7.10", "bandit==1.7.10", 17),
    }


@pytest.mark.req("FR-142")
def test_local_hooks_pin_by_exact_additional_dependencies_only(tmp_path: Path) -> None:
    _write(tmp_path, LOCAL)
    assert read_pins(tmp_path) == {
        "ruff": Pin("ruff", "0.17.6", "ruff==0.17.6", 7),
        "bandit": Pin("bandit", "1.9.4", "bandit[toml]==1.9.4", 15),
    }


def test_a_frozen_revision_is_read_from_its_comment(tmp_path: Path) -> None:
    sha = "8983acb92ee4b01924893632cf90af926fa608f0"
    _write(
        tmp_path,
        f"repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        f"    rev: {sha}  # frozen: v0.8.1\n    hooks:\n      - id: ruff\n",
    )
    assert read_pins(tmp_path)["ruff"].requirement == "ruff==0.8.1"


def test_no_file_pins_nothing(tmp_path: Path) -> None:
    assert read_pins(tmp_path) == {}


def test_a_file_that_is_not_utf8_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / PRE_COMMIT_CONFIG
    path.write_bytes(b"repos: []\n# caf\xe9\n")
    with pytest.raises(ConfigError) as raised:
        read_pins(tmp_path)
    assert str(raised.value) == (
        f"{path}:2: not a pre-commit configuration: not UTF-8 text (byte 15)"
    )


@pytest.mark.req("FR-142")
@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            "repos:\n  - repo: local\n    hooks: [\n",
            "not a pre-commit configuration: invalid YAML: ",
            4,
        ),
        ("repos: {a: 1}\n", "'repos' must be a list of hook repositories", None),
        (
            (
                "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
                "    rev: main\n    hooks: []\n"
            ),
            "rev 'main' of https://github.com/astral-sh/ruff-pre-commit is not a version",
            3,
        ),
        (
            (
                "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.9\n"
                "  - repo: local\n    hooks:\n      - id: r\n"
                "        additional_dependencies: ['ruff==0.7.0']\n"
            ),
            "ruff is pinned twice: 0.6.9 (line 3) and 0.7.0",
            7,
        ),
        (
            "repos: []\nupdated: 2024-13-45\n",
            "not a pre-commit configuration: invalid YAML: month must be in 1..12",
            None,
        ),
        ("[" * 100_000 + "]" * 100_000, "not a pre-commit configuration: nested too deep", None),
    ],
)
def test_a_broken_file_is_one_line_naming_it(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        read_pins(tmp_path)
    assert raised.value.message.startswith(message)
    assert (raised.value.path, raised.value.line) == (path, line)
    assert "\n" not in str(raised.value)

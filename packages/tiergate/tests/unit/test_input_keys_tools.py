"""The input keys of the lint, sql, security and audit sessions, and of the tools they install."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import pytest

from tiergate.inputs import InputKey, NoKey, changed_inputs
from unit.input_repo import BASE_ENV, KeyRepo, src_layout

if TYPE_CHECKING:
    from pathlib import Path

RUFF_PIN = """\
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v{version}
    hooks:
      - id: ruff
"""


@pytest.fixture
def repo(tmp_path: Path) -> KeyRepo:
    return src_layout(tmp_path / "repo")


def _append(repo: KeyRepo, name: str, text: str = "# changed\n") -> None:
    with (repo.root / name).open("a", encoding="utf-8") as handle:
        handle.write(text)


def _edit(repo: KeyRepo, name: str, old: str, new: str) -> None:
    path = repo.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _reason(found: InputKey | NoKey) -> str:
    assert isinstance(found, NoKey), found
    return found.reason


# ------------------------------------------------------------------- lint
@pytest.mark.req("FR-195")
def test_lint_depends_on_every_python_file_and_ruffs_configuration(repo: KeyRepo) -> None:
    before = repo.must_key("lint")

    assert {
        "packages/other/src/other/__init__.py",
        "packages/app/tests/unit/test_main.py",
        "conftest.py",
        "pyproject.toml[tool.ruff]",
        ".gitignore",
        "tool:ruff",
        "uv.lock:ruff",
    } <= set(before.parts)
    assert "python" not in before.parts  # ruff is one binary
    assert not {"README.md", "queries/report.sql", "pyproject.toml[tool.pytest]"} & set(
        before.parts
    )

    _append(repo, "packages/other/src/other/__init__.py")
    _append(repo, "README.md")
    _edit(repo, "pyproject.toml", "--strict-markers", "--strict-config")
    after = repo.must_key("lint")
    assert changed_inputs(before, after) == ["packages/other/src/other/__init__.py"]

    _edit(repo, "pyproject.toml", "line-length = 100", "line-length = 99")
    repo.write("packages/app/ruff.toml", "line-length = 80\n")
    _append(repo, ".gitignore", "dist/\n")
    assert changed_inputs(after, repo.must_key("lint")) == [
        ".gitignore",
        "packages/app/ruff.toml",
        "pyproject.toml[tool.ruff]",
    ]


@pytest.mark.req("FR-195")
def test_ruff_settings_the_key_cannot_follow_give_no_key(repo: KeyRepo) -> None:
    repo.write("packages/app/ruff.toml", 'extend = "../../../elsewhere/ruff.toml"\n')
    assert _reason(repo.key("lint")) == (
        "packages/app/ruff.toml: ruff's extend = '../../../elsewhere/ruff.toml' "
        "is not a file of the repository"
    )

    repo.write("packages/app/ruff.toml", 'extend = "../../base-ruff.toml"\n')
    repo.write("base-ruff.toml", "line-length = 90\n")
    key = repo.must_key("lint")
    assert "base-ruff.toml" in key.parts  # an extended file inside the repository is followed

    repo.write("packages/app/ruff.toml", "respect-gitignore = false\n")
    assert "lints files git ignores" in _reason(repo.key("lint"))


@pytest.mark.req("FR-195")
def test_ruff_including_other_files_makes_every_file_an_input(repo: KeyRepo) -> None:
    _edit(repo, "pyproject.toml", "line-length = 100", 'extend-include = ["*.pyw"]')
    assert "README.md" in repo.must_key("lint").parts


@pytest.mark.req("FR-195")
def test_the_pre_commit_pin_is_the_tool_version(repo: KeyRepo) -> None:
    locked = repo.must_key("lint")
    repo.write(".pre-commit-config.yaml", RUFF_PIN.format(version="0.6.9"))
    assert repo.must_key("lint").parts["tool:ruff"] == locked.parts["tool:ruff"]  # same version

    repo.write(".pre-commit-config.yaml", RUFF_PIN.format(version="0.7.0"))
    assert _reason(repo.key("lint")) == (
        "ruff==0.7.0 pinned in .pre-commit-config.yaml line 3, but uv.lock locks 0.6.9 in "
        "the 'lint' group: the install resolves the difference anew"
    )

    _edit(repo, "pyproject.toml", 'lint = ["ruff"]\n', "")  # no group: the pin alone
    pinned = repo.must_key("lint")
    assert changed_inputs(locked, pinned) == ["uv.lock:ruff", "tool:ruff"]


@pytest.mark.req("FR-195")
def test_a_tool_neither_pinned_nor_locked_has_no_key(repo: KeyRepo) -> None:
    _edit(repo, "pyproject.toml", 'sql = ["sqlfluff"]\n', "")
    assert _reason(repo.key("sql")) == (
        "sqlfluff: no dependency group locks it and no pin: the session installs the newest release"
    )
    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n      - id: sqlfluff\n"
        '        additional_dependencies: ["sqlfluff==3.2.0"]\n',
    )
    assert "its dependencies are resolved anew on install" in _reason(repo.key("sql"))


# -------------------------------------------------------------------- sql
@pytest.mark.req("FR-195")
def test_sql_depends_on_every_sql_file_the_session_finds(repo: KeyRepo) -> None:
    before = repo.must_key("sql")
    assert {"queries/report.sql", "pyproject.toml[tool.sqlfluff]", "tool:sqlfluff"} <= set(
        before.parts
    )
    assert {"uv.lock:sqlfluff", "uv.lock:click", "python"} <= set(before.parts)

    repo.write("build/generated.sql", "SELECT 2;\n")  # ignored by git, linted all the same
    repo.write(".venv/lib/vendored.sql", "SELECT 3;\n")  # a folder the session never enters
    _append(repo, "packages/app/src/app/main.py")
    after = repo.must_key("sql")
    assert changed_inputs(before, after) == ["build/generated.sql"]

    repo.write(".sqlfluff", "[sqlfluff]\ndialect = postgres\n")
    _edit(repo, "pyproject.toml", 'dialect = "ansi"', 'dialect = "sqlite"')
    assert changed_inputs(after, repo.must_key("sql")) == [
        ".sqlfluff",
        "pyproject.toml[tool.sqlfluff]",
    ]


# --------------------------------------------------------------- security
def _offline(repo: KeyRepo, advisories: Path) -> None:
    shutil.copytree(advisories, repo.root / "advisories")


@pytest.mark.req("FR-196")
def test_an_online_audit_has_a_key_of_its_own(repo: KeyRepo) -> None:
    online, offline = repo.must_key("audit"), repo.must_key("audit", audit="offline")
    assert changed_inputs(online, offline) == ["audit"]
    assert repo.must_key("security") == repo.must_key("security", audit="offline")


@pytest.mark.req("FR-196")
def test_security_depends_on_the_sources_and_the_audit_on_the_lock_and_the_advisory_data(
    repo: KeyRepo, advisory_db: Path
) -> None:
    _offline(repo, advisory_db)
    security, audit = repo.must_key("security"), repo.must_key("audit", audit="offline")
    assert {
        "packages/other/src/other/__init__.py",
        "pyproject.toml[tool.bandit]",
        "pyproject.toml[tool.tiergate]",
        "tool:bandit",
    } <= set(security.parts)
    assert {"uv.lock", "pyproject.toml[tool.tiergate]", "tool:pip-audit", "advisory-db"} <= set(
        audit.parts
    )
    assert not {"uv.lock", "tool:pip-audit", "advisory-db"} & set(security.parts)
    assert not {"tool:bandit", "pyproject.toml[tool.bandit]"} & set(audit.parts)
    assert not any(name.startswith("packages/") for name in audit.parts)
    assert "packages/app/tests/unit/test_main.py" not in security.parts  # tests are not source

    _append(repo, "packages/app/tests/unit/test_main.py")
    assert repo.must_key("security") == security

    # a change to a member's source reruns bandit and reuses the audit, and the other way round
    _append(repo, "packages/core/src/core/model.py")
    _edit(repo, "pyproject.toml", 'skips = ["B101"]', 'skips = ["B101", "B404"]')
    after = repo.must_key("security")
    assert changed_inputs(security, after) == [
        "packages/core/src/core/model.py",
        "pyproject.toml[tool.bandit]",
    ]
    assert repo.must_key("audit", audit="offline") == audit
    _edit(repo, "uv.lock", 'version = "24.2.0"', 'version = "24.3.0"')  # any distribution
    relocked = repo.must_key("audit", audit="offline")
    assert changed_inputs(audit, relocked) == ["uv.lock"]
    assert repo.must_key("security") == after

    record = next((repo.root / "advisories" / "vulns").glob("*/*"))
    stamp = record.stat().st_mtime_ns
    os.utime(record, ns=(stamp, stamp + 1_000_000_000))
    assert changed_inputs(relocked, repo.must_key("audit", audit="offline")) == ["advisory-db"]
    assert repo.must_key("security") == after


@pytest.mark.req("FR-196")
def test_the_advisory_database_the_environment_names_is_the_one_in_the_key(
    repo: KeyRepo, advisory_db: Path, tmp_path: Path
) -> None:
    _offline(repo, advisory_db)
    configured = repo.must_key("audit", audit="offline")
    shutil.copytree(advisory_db, tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "vulns" / "newpackage").mkdir()
    (tmp_path / "elsewhere" / "vulns" / "newpackage" / "PYSEC-0000-1.yaml").write_text("id: x\n")
    env = {**BASE_ENV, "TIERGATE_ADVISORY_DB": str(tmp_path / "elsewhere")}

    assert changed_inputs(configured, repo.must_key("audit", audit="offline", environ=env)) == [
        "advisory-db",
        "env:TIERGATE_ADVISORY_DB",
    ]
    missing = repo.must_key("audit", audit="offline", environ={**env, "TIERGATE_ADVISORY_DB": ""})
    assert missing.parts["advisory-db"] != configured.parts["advisory-db"]


@pytest.mark.req("FR-195", "FR-198")
def test_a_ruff_extend_that_loops_is_no_file_of_the_repository(repo: KeyRepo) -> None:
    (repo.root / "loop.toml").symlink_to("loop.toml")
    repo.write("ruff.toml", 'extend = "loop.toml"\n')
    assert _reason(repo.key("lint")) == (
        "ruff.toml: ruff's extend = 'loop.toml' is not a file of the repository"
    )

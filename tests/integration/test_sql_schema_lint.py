"""The history store's schema files pass sqlfluff, each folder in its own dialect.

The ``sql`` nox session lints every ``.sql`` file from the repository root, whose
``[tool.sqlfluff.core]`` says ``ansi``; each migrations folder carries a
``.sqlfluff`` naming its dialect, and sqlfluff applies the nearest one. The
real sqlfluff of the root ``sql`` group runs here, in an environment of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MIGRATIONS = REPO / "packages/tiergate/src/tiergate/history/migrations"
FOLDERS = {"sqlite": "sqlite", "postgresql": "postgres"}
"""Migrations folder -> the sqlfluff dialect its .sqlfluff names."""


def _sqlfluff(*args: str) -> subprocess.CompletedProcess[str]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH: it runs sqlfluff from the locked sql group")
    return subprocess.run(
        [uv, "run", "--isolated", "--frozen", "--only-group", "sql", "sqlfluff", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        timeout=600,
    )


@pytest.mark.parametrize("folder", sorted(FOLDERS))
@pytest.mark.req("FR-062")
def test_the_schema_files_pass_sqlfluff(folder: str) -> None:
    files = sorted(str(p.relative_to(REPO)) for p in (MIGRATIONS / folder).glob("*.sql"))
    assert len(files) >= 2  # schema_migrations.sql and 0001_...
    result = _sqlfluff("lint", "--format=json", *files)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    linted = {entry["filepath"]: entry["violations"] for entry in json.loads(result.stdout)}
    assert linted == {path: [] for path in files}


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_each_folder_names_its_dialect_and_needs_it(folder: str) -> None:
    config = (MIGRATIONS / folder / ".sqlfluff").read_text()
    assert f"dialect = {FOLDERS[folder]}" in config
    schema = str((MIGRATIONS / folder / "0001_runs.sql").relative_to(REPO))
    result = _sqlfluff("lint", "--dialect", "ansi", schema)  # the root's dialect, forced
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "PRS" in result.stdout  # unparsable as ansi: the folder's own dialect is what passes

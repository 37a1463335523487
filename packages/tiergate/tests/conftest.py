"""Fixtures shared by the tiergate tests: throwaway uv workspaces written to tmp_path."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

ROOT_PYPROJECT = """\
[tool.uv.workspace]
members = ["packages/*"]
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    """A workspace root: members "packages/*", Pythons 3.11, 3.12, 3.13, no member yet."""
    root = tmp_path / "ws"
    _write(root / "pyproject.toml", ROOT_PYPROJECT)
    _write(root / ".python-version", "3.11\n3.12\n3.13\n")
    return root


@pytest.fixture
def write_file(ws_root: Path) -> Callable[[str, str], Path]:
    """Write dedented text to a path relative to the workspace root; return the path."""

    def write(relative: str, text: str) -> Path:
        return _write(ws_root / relative, text)

    return write


@pytest.fixture
def add_member(ws_root: Path) -> Callable[..., Path]:
    """Write a member ``packages/<name>`` depending on ``*dependencies``; return its folder.

    Keywords: ``folder`` (relative to the root), ``requires_python``, ``groups``
    (name -> requirement strings), ``package`` (an import package under src/),
    ``tests`` (create tests/).
    """

    def add(  # noqa: PLR0913 - one keyword per optional part of a member
        name: str,
        *dependencies: str,
        folder: str | None = None,
        requires_python: str | None = None,
        groups: Mapping[str, Sequence[str]] | None = None,
        package: str | None = None,
        tests: bool = False,
    ) -> Path:
        path = ws_root / (folder or f"packages/{name}")
        lines = ["[project]", f'name = "{name}"', 'version = "1.0"']
        if requires_python is not None:
            lines.append(f'requires-python = "{requires_python}"')
        lines.append(f"dependencies = {json.dumps(list(dependencies))}")
        if groups:
            lines.append("\n[dependency-groups]")
            lines.extend(f"{group} = {json.dumps(list(raws))}" for group, raws in groups.items())
        _write(path / "pyproject.toml", "\n".join(lines) + "\n")
        if package is not None:
            _write(path / "src" / package / "__init__.py", "")
        if tests:
            (path / "tests").mkdir()
        return path

    return add


@pytest.fixture
def run_tier(ws_root: Path) -> Callable[..., Path]:
    """Run one tier of a member's tests for real, the way the tests session does.

    ``run_tier(package, tier, python="3.11", run_id="r1", args=())`` runs pytest
    with pytest-tiergate under coverage into the run folder and (re)writes the
    session's manifest with that tier added; returns the session folder.
    """
    import os  # noqa: PLC0415 - only this fixture needs them
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from datetime import UTC, datetime  # noqa: PLC0415

    from tiergate.runfolder import (  # noqa: PLC0415
        Outcome,
        SessionManifest,
        TierRun,
        read_manifest,
        session_dir,
        session_name,
        write_manifest,
    )

    def run(  # noqa: PLR0913 - one keyword per part of a session
        package: str,
        tier: str,
        *,
        python: str = "3.11",
        run_id: str = "r1",
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> Path:
        name = session_name("tests", python, package)
        folder = session_dir(ws_root / ".tiergate" / "runs" / run_id, name)
        (folder / tier).mkdir(parents=True, exist_ok=True)
        member = ws_root / "packages" / package
        command = [
            sys.executable,
            "-m",
            "coverage",
            "run",
            "--parallel-mode",
            f"--source={member / 'src'}",
            "-m",
            "pytest",
            str(member / "tests"),
            f"--tier={tier}",
            f"--tiergate-root={ws_root}",
            "-p",
            "no:cacheprovider",
            f"--junitxml={folder / tier / 'junit.xml'}",
            f"--tiergate-records={folder / tier / 'tests.jsonl'}",
            *args,
        ]
        environment = {
            k: v for k, v in os.environ.items() if k not in {"CI", "COVERAGE_PROCESS_START"}
        }
        environment.update(
            {"COVERAGE_FILE": str(folder / tier / "coverage.db"), "PYTHONPATH": str(member / "src")}
        )
        environment.update(env or {})
        code = subprocess.run(
            command, cwd=ws_root, env=environment, capture_output=True, check=False
        ).returncode
        subprocess.run(
            [sys.executable, "-m", "coverage", "combine", "--quiet"],
            cwd=ws_root,
            env=environment,
            check=False,
            capture_output=True,
        )
        outcome: Outcome = "passed" if code == 0 else "failed" if code in {1, 5} else "crashed"
        artifacts = {
            "junit": f"{tier}/junit.xml",
            "records": f"{tier}/tests.jsonl",
            "coverage": f"{tier}/coverage.db",
        }
        tiers = {}
        if (folder / "manifest.json").exists():
            tiers = dict(read_manifest(folder / "manifest.json").tiers)
        tiers[tier] = TierRun(exit_code=code, outcome=outcome, artifacts=artifacts)
        now = datetime.now(UTC)
        bad = any(t.outcome != "passed" for t in tiers.values())
        worst: Outcome = "failed" if bad else "passed"
        write_manifest(
            folder,
            SessionManifest(
                schema_version=1,
                run_id=run_id,
                session=name,
                kind="tests",
                package=package,
                python=python,
                started_at=now,
                finished_at=now,
                outcome=worst,
                exit_code=code,
                command=command,
                artifacts={},
                tiers=tiers,
            ),
        )
        return folder

    return run

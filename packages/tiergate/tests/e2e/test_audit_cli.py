from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tiergate.advisories.osv import age_in_days

REPO_ROOT = Path(__file__).resolve().parents[4]
SHARED_DB = REPO_ROOT.parent / "shared" / "advisory-db"
CLI = "import sys; from tiergate.cli import main; sys.exit(main())"
UNREACHABLE = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
"""The online service made unreachable on any machine: a proxy on a closed port."""

needs_snapshot = pytest.mark.skipif(
    not (SHARED_DB / "vulns").is_dir(),
    reason=f"the offline advisory snapshot is not at {SHARED_DB}",
)


def tiergate_audit(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    dropped = {"CI", "TIERGATE_ADVISORY_DB", "NO_PROXY", "no_proxy"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    argv = [sys.executable, "-c", CLI, "--root", str(REPO_ROOT), "audit", *map(str, args)]
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**base, "COLUMNS": "120", **(env or {})},
    )


@pytest.fixture
def vulnerable(tmp_path: Path) -> Path:
    path = tmp_path / "vulnerable.txt"
    path.write_text("requests==2.19.0\n    # via my-app\nidna==3.10\n", encoding="utf-8")
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.txt"
    path.write_text("-e ./packages/tiergate\nrequests==2.32.3\nidna==3.10\n", encoding="utf-8")
    return path


@needs_snapshot
@pytest.mark.req("FR-037")
def test_vulnerable_requirements_fail_offline(vulnerable: Path, tmp_path: Path) -> None:
    out = tmp_path / "run" / "audit.json"
    result = tiergate_audit(
        "--offline",
        "--advisory-db",
        SHARED_DB,
        "--requirements",
        vulnerable,
        "--json-output",
        out,
    )
    assert result.returncode == 1, result.stderr
    assert "PYSEC-2018-28" in result.stdout
    assert "CVE-2018-18074" in result.stdout
    age = age_in_days(datetime(2024, 10, 10, tzinfo=UTC))
    assert f"advisory database from 2024-10-10, {age} days old" in result.stdout
    assert f"offline advisory database {SHARED_DB.resolve()}" in result.stdout
    assert "packages audited: 2" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["status"], data["source"], data["packages_audited"]) == ("failed", "offline", 2)
    assert "PYSEC-2018-28" in [f["advisory_id"] for f in data["findings"]]


@needs_snapshot
@pytest.mark.req("FR-037")
def test_clean_requirements_pass_offline(clean: Path) -> None:
    result = tiergate_audit("--offline", "--advisory-db", SHARED_DB, "--requirements", clean)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout
    assert "packages audited: 2" in result.stdout
    assert "days old" in result.stdout


@pytest.mark.req("NFR-001")
def test_missing_database_is_one_line_on_stderr(clean: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-db"
    result = tiergate_audit("--offline", "--advisory-db", missing, "--requirements", clean)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"tiergate: error: {missing}: advisory database folder not found"
    ]
    assert "Traceback" not in result.stdout + result.stderr


def test_unpinned_requirement_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "loose.txt"
    path.write_text("idna==3.10\nrequests>=2\n", encoding="utf-8")
    result = tiergate_audit("--offline", "--requirements", path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"tiergate: error: {path}:2: requests is not pinned")


@pytest.mark.req("FR-041")
def test_not_audited_fails_in_ci(clean: Path) -> None:
    result = tiergate_audit(
        "--online-timeout",
        "2",
        "--requirements",
        clean,
        env={"CI": "true", "TIERGATE_ADVISORY_DB": "", **UNREACHABLE},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "source: none" in result.stdout
    assert "online audit unavailable" in result.stdout
    assert "FAILED: dependencies were NOT audited" in result.stdout


@pytest.mark.req("FR-041")
def test_not_audited_warns_loudly_locally(clean: Path) -> None:
    result = tiergate_audit(
        "--no-advisory-db", "--online-timeout", "2", "--requirements", clean, env=UNREACHABLE
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING: dependencies were NOT audited" in result.stdout
    assert "2 package(s) were NOT audited" in result.stdout


@pytest.mark.req("FR-041")
def test_not_audited_fails_with_strict(clean: Path) -> None:
    result = tiergate_audit("--offline", "--no-advisory-db", "--strict", "--requirements", clean)
    assert result.returncode == 1
    assert "NOT audited" in result.stdout


@needs_snapshot
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_default_audits_every_locked_package(tmp_path: Path) -> None:
    export = subprocess.run(
        [
            "uv",
            "export",
            "--frozen",
            "--no-hashes",
            "--no-emit-workspace",
            "--all-packages",
            "--all-groups",
            "--format",
            "requirements.txt",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    pins = [line for line in export.stdout.splitlines() if line and line[0].isalnum()]
    out = tmp_path / "audit.json"
    result = tiergate_audit(
        "--offline", "--json-output", out, env={"TIERGATE_ADVISORY_DB": str(SHARED_DB)}
    )
    assert result.returncode in {0, 1}, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["source"] == "offline"
    assert data["packages_audited"] == len(pins) > 0
    assert f"packages audited: {len(pins)}" in result.stdout

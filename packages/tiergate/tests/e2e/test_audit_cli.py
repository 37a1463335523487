from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tiergate.advisories.audit import UV_EXPORT
from tiergate.advisories.osv import age_in_days

REPO_ROOT = Path(__file__).resolve().parents[4]
CLI = "import sys; from tiergate.cli import main; sys.exit(main())"
UNREACHABLE = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
"""The online service made unreachable on any machine: a proxy on a closed port."""


def tiergate_audit(
    *args: str | Path, env: dict[str, str] | None = None, root: Path = REPO_ROOT
) -> subprocess.CompletedProcess[str]:
    dropped = {"CI", "TIERGATE_ADVISORY_DB", "NO_PROXY", "no_proxy"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    argv = [sys.executable, "-c", CLI, "--root", str(root), "audit", *map(str, args)]
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


@pytest.mark.req("FR-037")
def test_vulnerable_requirements_fail_offline(
    vulnerable: Path, tmp_path: Path, advisory_db: Path
) -> None:
    out = tmp_path / "run" / "audit.json"
    result = tiergate_audit(
        "--offline",
        "--advisory-db",
        advisory_db,
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
    assert f"offline advisory database {advisory_db.resolve()}" in result.stdout
    assert "packages audited: 2" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["status"], data["source"], data["packages_audited"]) == ("failed", "offline", 2)
    assert "PYSEC-2018-28" in [f["advisory_id"] for f in data["findings"]]


@pytest.mark.req("FR-037")
def test_clean_requirements_pass_offline(clean: Path, advisory_db: Path) -> None:
    result = tiergate_audit("--offline", "--advisory-db", advisory_db, "--requirements", clean)
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


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_default_audits_every_locked_package(tmp_path: Path, advisory_db: Path) -> None:
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
        "--offline", "--json-output", out, env={"TIERGATE_ADVISORY_DB": str(advisory_db)}
    )
    assert result.returncode in {0, 1}, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["source"] == "offline"
    assert data["packages_audited"] == len(pins) > 0
    assert f"packages audited: {len(pins)}" in result.stdout


# ------------------------------------------- the export of a workspace with local sources

BUILD_SYSTEM = """
[build-system]
requires = ["uv_build>=0.13.9,<0.14"]
build-backend = "uv_build"
"""


def _project(folder: Path, name: str, version: str, body: str = "") -> Path:
    (folder / "src" / name).mkdir(parents=True)
    (folder / "src" / name / "__init__.py").write_text("")
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "{version}"\nrequires-python = ">=3.11"\n'
        f"dependencies = []\n{body}{BUILD_SYSTEM}"
    )
    return folder


def _uv(folder: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_PROJECT", "VIRTUAL_ENV"))}
    done = subprocess.run(
        ["uv", *args],
        cwd=folder,
        env={**env, "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"uv {' '.join(args)}: {done.stderr}"
    return done.stdout


@pytest.fixture
def local_sources(tmp_path: Path) -> Path:
    """A locked workspace whose member uses an editable path, a path and a local wheel.

    Its one index release, requests 2.19.0, comes from a flat index of this folder
    (a stand-in wheel built here; the machine may be offline), so that the
    real advisory PYSEC-2018-28 of the fixture matches it.
    """
    root = tmp_path / "ws"
    _project(root / "libs/localdep", "localdep", "0.1.0")
    _project(root / "libs/third", "third", "0.1.0")
    _uv(
        _project(tmp_path / "other", "other", "0.1.0"),
        "build",
        "--offline",
        "--wheel",
        "-o",
        str(root / "wheels"),
    )
    _uv(
        _project(tmp_path / "requests", "requests", "2.19.0"),
        "build",
        "--offline",
        "--wheel",
        "-o",
        str(root / "index"),
    )
    _project(
        root / "packages/app",
        "app",
        "1.0",
        '\n[tool.uv.sources]\nlocaldep = { path = "../../libs/localdep", editable = true }\n'
        'third = { path = "../../libs/third" }\n'
        'other = { path = "../../wheels/other-0.1.0-py3-none-any.whl" }\n',
    )
    app = root / "packages/app/pyproject.toml"
    app.write_text(
        app.read_text().replace(
            "dependencies = []",
            'dependencies = ["localdep", "third", "other", "requests==2.19.0"]',
        )
    )
    (root / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
        '[[tool.uv.index]]\nname = "local"\nurl = "./index"\nformat = "flat"\n'
    )
    _uv(root, "lock", "--offline")
    return root


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
@pytest.mark.req("FR-121", "FR-122", "FR-123", "FR-124")
def test_the_export_of_local_sources_is_audited_without_a_crash(
    local_sources: Path, advisory_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "audit.json"
    result = tiergate_audit(
        "--offline", "--advisory-db", advisory_db, "--json-output", out, root=local_sources
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "│ requests │ 2.19.0  │ PYSEC-2018-28 " in result.stdout
    assert "packages audited: 1" in result.stdout
    assert "not auditable (local): 3" in result.stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["status"], document["packages_audited"]) == ("failed", 1)
    assert {
        (e["kind"], e["editable"], e["target"], e["name"]) for e in document["not_auditable"]
    } == {
        ("path", True, "./libs/localdep", None),
        ("path", False, "./libs/third", None),
        ("path", False, "./wheels/other-0.1.0-py3-none-any.whl", "other"),
    }
    export = _uv(local_sources, *UV_EXPORT[1:]).splitlines()
    printed = result.stdout.splitlines()
    for entry in document["not_auditable"]:
        assert entry["target"] in export[entry["line"] - 1]
        what = f"{'editable ' if entry['editable'] else ''}path {entry['target']}"
        named = f"{entry['name']}: {what}" if entry["name"] else what
        assert f"  line {entry['line']}: {named}" in printed

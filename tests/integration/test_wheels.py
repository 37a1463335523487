"""The three packages build offline into wheels and sdists that pass ``twine check --strict``.

Each wheel must hold every file of its package's source folder (the JSON
Schemas, the SQL migrations, the report and scaffold templates are read at run
time from the installed package) and the entry points that make it work.
"""

from __future__ import annotations

import configparser
import email
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = {  # distribution: (member folder, import name)
    "tiergate": ("packages/tiergate", "tiergate"),
    "pytest-tiergate": ("packages/pytest-tiergate", "pytest_tiergate"),
    "tiergate-nox": ("packages/tiergate-nox", "tiergate_nox"),
}
VERSION = "0.1.0"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=REPO,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = _run("uv", "build", "--all-packages", "--offline", "--out-dir", str(out))
    assert built.returncode == 0, built.stderr
    return out


def _wheel(dist: Path, distribution: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(dist / f"{distribution.replace('-', '_')}-{VERSION}-py3-none-any.whl")


def _source_files(distribution: str) -> set[str]:
    member, module = PACKAGES[distribution]
    src = REPO / member / "src"
    tracked = _run("git", "ls-files", "-z", "--", f"{member}/src/{module}").stdout.split("\0")
    return {
        (REPO / name).relative_to(src).as_posix()
        for name in tracked
        if name and (REPO / name).is_file()
    }


def _entry_points(wheel: zipfile.ZipFile, distribution: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    info = f"{distribution.replace('-', '_')}-{VERSION}.dist-info"
    parser.read_string(wheel.read(f"{info}/entry_points.txt").decode())
    return parser


@pytest.mark.req("FR-159")
def test_all_wheels_and_sdists_build_offline_and_pass_twine_check_strict(dist: Path) -> None:
    artifacts = sorted(p.name for p in dist.iterdir() if p.suffix in {".whl", ".gz"})
    expected = sorted(
        f"{name.replace('-', '_')}-{VERSION}{suffix}"
        for name in PACKAGES
        for suffix in ("-py3-none-any.whl", ".tar.gz")
    )
    assert artifacts == expected
    checked = _run(
        sys.executable, "-m", "twine", "check", "--strict", *(str(dist / a) for a in artifacts)
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == len(artifacts), checked.stdout


@pytest.mark.req("FR-159")
@pytest.mark.parametrize("distribution", sorted(PACKAGES))
def test_each_wheel_holds_every_file_of_its_source_and_a_markdown_description(
    dist: Path, distribution: str
) -> None:
    _, module = PACKAGES[distribution]
    with _wheel(dist, distribution) as wheel:
        names = set(wheel.namelist())
        info = f"{distribution.replace('-', '_')}-{VERSION}.dist-info"
        metadata = email.message_from_bytes(wheel.read(f"{info}/METADATA"))
    source = _source_files(distribution)
    assert f"{module}/__init__.py" in source
    assert f"{module}/py.typed" in source
    assert source <= names, sorted(source - names)
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata["License-Expression"] == "MIT"
    assert f"# {distribution}" in metadata.get_payload()


@pytest.mark.req("FR-159")
def test_the_tiergate_wheel_holds_its_data_files_and_the_cli(dist: Path) -> None:
    with _wheel(dist, "tiergate") as wheel:
        names = {n for n in wheel.namelist() if not n.endswith("/")}
        scripts = _entry_points(wheel, "tiergate")["console_scripts"]
    groups = {
        "schemas": {n for n in names if n.startswith("tiergate/schemas/") and n.endswith(".json")},
        "migrations": {
            n for n in names if n.startswith("tiergate/history/migrations/") and n.endswith(".sql")
        },
        "templates": {n for n in names if n.startswith("tiergate/report/templates/")},
        "scaffold": {n for n in names if n.startswith("tiergate/scaffold/files/")},
    }
    src = REPO / "packages/tiergate/src"
    on_disk = {
        "schemas": src.glob("tiergate/schemas/*.json"),
        "migrations": src.glob("tiergate/history/migrations/**/*.sql"),
        "templates": src.glob("tiergate/report/templates/*"),
        "scaffold": src.glob("tiergate/scaffold/files/*"),
    }
    for group, found in on_disk.items():
        expected = {p.relative_to(src).as_posix() for p in found}
        assert expected, group
        assert groups[group] == expected, group
    assert {"tiergate/history/migrations/sqlite/0001_runs.sql"} <= groups["migrations"]
    assert "tiergate/py.typed" in names
    assert scripts["tiergate"] == "tiergate.cli:command"


@pytest.mark.req("FR-159")
def test_the_pytest_tiergate_wheel_registers_the_plugin(dist: Path) -> None:
    with _wheel(dist, "pytest-tiergate") as wheel:
        plugins = _entry_points(wheel, "pytest-tiergate")["pytest11"]
        assert "pytest_tiergate/plugin.py" in wheel.namelist()
    assert dict(plugins) == {"tiergate": "pytest_tiergate.plugin"}


@pytest.mark.req("FR-159")
def test_the_tiergate_nox_wheel_holds_its_modules(dist: Path) -> None:
    with _wheel(dist, "tiergate-nox") as wheel:
        modules = {n for n in wheel.namelist() if n.endswith(".py")}
    on_disk = REPO / "packages/tiergate-nox/src"
    expected = {p.relative_to(on_disk).as_posix() for p in on_disk.glob("tiergate_nox/**/*.py")}
    assert {"tiergate_nox/sessions.py", "tiergate_nox/tasks.py"} <= expected
    assert modules == expected


@pytest.mark.req("FR-159")
def test_each_sdist_holds_its_pyproject_readme_and_source(dist: Path) -> None:
    for distribution in PACKAGES:
        stem = f"{distribution.replace('-', '_')}-{VERSION}"
        with tarfile.open(dist / f"{stem}.tar.gz") as sdist:
            names = {name.removeprefix(f"{stem}/") for name in sdist.getnames()}
        source = {f"src/{name}" for name in _source_files(distribution)}
        assert {"pyproject.toml", "README.md", "PKG-INFO"} <= names, distribution
        assert source <= names, sorted(source - names)

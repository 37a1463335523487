"""The supported Pythons are listed once, in .python-version; everything else agrees with it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

REPO = Path(__file__).resolve().parents[2]
PYTHONS = [
    line.strip() for line in (REPO / ".python-version").read_text().splitlines() if line.strip()
]
PACKAGES = sorted(p for p in (REPO / "packages").iterdir() if (p / "pyproject.toml").is_file())


def test_python_version_lists_the_supported_interpreters() -> None:
    assert PYTHONS == ["3.11", "3.12", "3.13"]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
@pytest.mark.req("FR-004")
def test_package_metadata_agrees_with_python_version(package: Path) -> None:
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    prefix = "Programming Language :: Python :: 3."
    listed = sorted(
        c.removeprefix("Programming Language :: Python :: ")
        for c in project["classifiers"]
        if c.startswith(prefix) and c != "Programming Language :: Python :: 3 :: Only"
    )
    assert listed == PYTHONS
    spec = SpecifierSet(project["requires-python"])
    assert all(spec.contains(f"{v}.0") for v in PYTHONS)
    assert not spec.contains("3.10.0")


@pytest.mark.req("FR-015")
def test_ci_reads_the_pythons_instead_of_listing_them() -> None:
    workflow = (REPO / ".github/workflows/ci.yml").read_text()
    for version in PYTHONS:
        assert f'"{version}"' not in workflow
        assert f"'{version}'" not in workflow
    assert ".python-version" in workflow

"""pre-commit hooks are local, and install the tools at the versions uv.lock pins."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]


def _locked() -> dict[str, str]:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    return {canonicalize_name(p["name"]): p["version"] for p in lock["package"] if "version" in p}


@pytest.mark.req("NFR-005")
def test_hooks_are_local_only() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]


@pytest.mark.req("NFR-005")
def test_hook_tools_are_pinned_to_the_locked_versions() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    locked = _locked()
    checked = 0
    for hook in config["repos"][0]["hooks"]:
        for dependency in hook.get("additional_dependencies", []):
            requirement = Requirement(dependency)
            name = canonicalize_name(requirement.name)
            pins = [s.version for s in requirement.specifier if s.operator == "=="]
            assert pins, f"{hook['id']}: {dependency} is not pinned with =="
            if name in locked:
                assert pins[0] == locked[name], (
                    f"{hook['id']}: {dependency} vs uv.lock {locked[name]}"
                )
                checked += 1
    assert checked >= 4  # ruff (x2), sqlfluff, bandit


def test_every_fast_gate_has_a_hook() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    ids = {hook["id"] for hook in config["repos"][0]["hooks"]}
    expected = {"ruff", "ruff-format", "sqlfluff", "bandit", "check-toml", "check-yaml"}
    assert expected | {"trailing-whitespace", "end-of-file"} <= ids

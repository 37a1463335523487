"""The coverage gate's scopes on real coverage data of a throwaway workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.verdict import evaluate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce
    from tiergate.gates.base import GateResult

SOURCE = "def half(x: int) -> int:\n    return x // 2\n\n\ndef never() -> int:\n    return 0\n"
TEST = "from beta import half\n\n\ndef test_half() -> None:\n    assert half(4) == 2\n"


@pytest.fixture
def beta(
    ws_root: Path,
    built_once: BuiltOnce,
    add_member: Callable[..., Path],
    run_tier: Callable[..., Path],
) -> Path:
    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        files = {
            "src/beta/__init__.py": SOURCE,
            "src/beta/unused.py": "VALUE = 1\n",
            "tests/unit/test_beta.py": TEST,
        }
        add_member("beta", package="beta", tests=True, files=files)
        run_tier("beta", "unit")

    built_once(build)
    return ws_root / "packages/beta"


def _coverage(root: Path, root_config: str, member_config: str = "") -> dict[str, GateResult]:
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + root_config)
    member = root / "packages/beta/pyproject.toml"
    member.write_text(member.read_text() + member_config)
    verdict = evaluate(root, [root / ".tiergate/runs/r1"], strict=True, only=("coverage",))
    return {r.gate: r for r in verdict.results}


@pytest.mark.req("FR-030")
def test_every_scope_is_measured_against_its_bound(ws_root: Path, beta: Path) -> None:
    del beta
    results = _coverage(
        ws_root,
        "\n[tool.coverage.report]\nprecision = 1\n"
        "[tool.tiergate.coverage]\ncombined = 50\n"
        "tiers = { unit = 70, e2e = 10 }\npackages = { beta = 40 }\n"
        'files = { "packages/beta/src/beta/*.py" = 50 }\n',
        '\n[tool.tiergate.coverage]\ntiers = { unit = 60 }\nfiles = { "src/beta/unused.py" = 0 }\n',
    )
    # 4 statements in __init__ (2 def + 2 return; half() ran), 1 in unused.py (never imported)
    assert results["coverage/combined"].measured == "60.0% (3/5 lines)"
    assert results["coverage/combined"].status == "passed"
    unit = results["coverage/tier/unit"]
    assert (unit.status, unit.bound) == ("failed", ">= 70%")
    assert unit.details[0] == "packages/beta/src/beta/unused.py: 0.0% missing 1"
    assert results["coverage/tier/e2e"].measured == "not run: no member has e2e tests"
    assert results["coverage/package/beta"].status == "passed"
    assert results["coverage/package/beta/unit"].status == "passed"
    files = results["coverage/files/packages/beta/src/beta/*.py"]
    assert files.measured == "0 of 1 files below"  # unused.py is judged by the member's glob
    assert results["coverage/files/packages/beta/src/beta/unused.py"].status == "passed"


@pytest.mark.req("FR-030")
def test_a_member_bound_overrides_the_root_one(ws_root: Path, beta: Path) -> None:
    del beta
    results = _coverage(
        ws_root,
        "\n[tool.tiergate.coverage]\npackages = { beta = 10 }\n",
        "\n[tool.tiergate.coverage]\npackage = 95\n",
    )
    assert results["coverage/package/beta"].bound == ">= 95%"
    assert results["coverage/package/beta"].status == "failed"


def test_a_glob_matching_nothing_is_red(ws_root: Path, beta: Path) -> None:
    del beta
    results = _coverage(ws_root, '\n[tool.tiergate.coverage]\nfiles = { "nowhere/*.py" = 10 }\n')
    assert results["coverage/files/nowhere/*.py"].measured == "no file matches"
    assert results["coverage/files/nowhere/*.py"].status == "failed"


@pytest.mark.req("FR-046")
def test_a_member_whose_data_is_empty_is_red(
    ws_root: Path, beta: Path, run_tier: Callable[..., Path]
) -> None:
    (beta / "tests/unit/test_beta.py").write_text("def test_alone() -> None:\n    assert True\n")
    run_tier("beta", "unit")
    results = _coverage(ws_root, "")
    data = results.get("coverage/data/beta")
    assert data is not None
    assert data.status == "failed"

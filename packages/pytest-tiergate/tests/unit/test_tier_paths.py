from __future__ import annotations

from pathlib import Path

import pytest

from tiergate.tiers import folder_tiers

ROOT = Path("/ws")
DEFAULT = {"unit": ("tests/unit",), "integration": ("tests/integration",), "e2e": ("tests/e2e",)}


@pytest.mark.parametrize(
    ("relative", "tiers"),
    [
        ("tests/unit/test_a.py", ["unit"]),
        ("packages/x/tests/unit/test_a.py", ["unit"]),
        ("packages/x/tests/unit/deep/test_a.py", ["unit"]),
        ("packages/x/tests/e2e/test_a.py", ["e2e"]),
        ("tests/unittest/test_a.py", []),
        ("unit/test_a.py", []),
        ("tests/test_a.py", []),
    ],
)
@pytest.mark.req("FR-020")
def test_a_tier_path_matches_whole_consecutive_parts(relative: str, tiers: list[str]) -> None:
    assert folder_tiers(ROOT / relative, ROOT, DEFAULT) == tiers


def test_parts_above_the_root_do_not_count() -> None:
    root = Path("/home/me/tests/unit/ws")
    assert folder_tiers(root / "tests/e2e/test_a.py", root, DEFAULT) == ["e2e"]


def test_every_path_of_every_tier_is_tried_in_tier_order() -> None:
    tiers = {"fast": ("checks/quick", "tests/unit"), "slow": ("tests",)}
    assert folder_tiers(ROOT / "checks/quick/test_a.py", ROOT, tiers) == ["fast"]
    assert folder_tiers(ROOT / "tests/unit/test_a.py", ROOT, tiers) == ["fast", "slow"]


def test_a_file_outside_the_root_is_matched_on_its_whole_path() -> None:
    assert folder_tiers(Path("/elsewhere/tests/unit/test_a.py"), ROOT, DEFAULT) == ["unit"]

"""Fixtures: throwaway monorepos (see monorepo_factory.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from monorepo_factory import OTHER_PYTHON, PYTHON, Monorepo, make_monorepo


@pytest.fixture
def monorepo(tmp_path: Path) -> Monorepo:
    """A throwaway monorepo tested on this test's Python."""
    return make_monorepo(tmp_path / "mono", (PYTHON,))


@pytest.fixture
def monorepo_two_pythons(tmp_path: Path) -> Monorepo:
    """The same monorepo listing this test's Python and another one."""
    return make_monorepo(tmp_path / "mono", (PYTHON, OTHER_PYTHON))

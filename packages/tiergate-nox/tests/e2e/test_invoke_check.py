from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from monorepo_factory import OTHER_PYTHON

if TYPE_CHECKING:
    from monorepo_factory import Monorepo


@pytest.mark.req("FR-014", "FR-040")
def test_check_in_ci_fails_and_names_the_missing_interpreter(
    monorepo_two_pythons: Monorepo,
) -> None:
    mono = monorepo_two_pythons
    result = mono.run("invoke", "check", env=mono.env_without_pyenv(CI="true"))
    assert result.returncode == 1
    out = result.stdout
    assert "tiergate check" in out
    assert f"Python interpreter {OTHER_PYTHON} not found" in out
    summary = out[out.rindex("tiergate check") :]
    for step in ("lint", "type", "sql", "security", "tests", "gates"):
        assert step in summary
    assert "FAILED: type, tests, gates" in summary

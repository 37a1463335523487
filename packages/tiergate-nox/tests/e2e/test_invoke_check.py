from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import OTHER_PYTHON

if TYPE_CHECKING:
    from monorepo_factory import Monorepo


def _sections(out: str) -> dict[str, str]:
    """Each step's output, by step name (the summary after the last step left out)."""
    steps = out[: out.rindex("tiergate check")]
    parts = re.split(r"^=== (\w+): .*$", steps, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.req("FR-014", "FR-040")
def test_check_in_ci_fails_and_names_the_missing_interpreter(
    monorepo_two_pythons: Monorepo,
) -> None:
    mono = monorepo_two_pythons
    result = mono.run("invoke", "check", env=mono.env_without_pyenv(CI="true"))
    assert result.returncode == 1
    out = result.stdout
    sections = _sections(out)
    assert list(sections) == ["lint", "type", "sql", "security", "tests", "gates"]
    for step in ("type", "tests"):
        assert f"Python interpreter {OTHER_PYTHON} not found" in sections[step], step
    assert f"Python {OTHER_PYTHON} not found" in sections["gates"]
    summary = out[out.rindex("tiergate check") :]
    (verdict,) = re.findall(r"^FAILED: (.*)$", summary, flags=re.MULTILINE)
    assert {"type", "tests", "gates"} <= set(verdict.split(", "))

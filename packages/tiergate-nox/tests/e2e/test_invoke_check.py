from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import OTHER_PYTHON, PYTHON

if TYPE_CHECKING:
    from monorepo_factory import Monorepo


def _ended(out: str, session: str) -> tuple[str, str]:
    """How ``session`` ended, and what was printed then: its end line and its log's last lines."""
    ended = rf"^\[ *\w+\] (\w+) +{re.escape(session)} in .*\n(?:    \| .*\n)*"
    block = re.search(ended, out, re.MULTILINE)
    assert block is not None, f"{session} never ended in:\n{out}"
    return block.group(1), block.group(0)


@pytest.mark.req("FR-014", "FR-040", "FR-185", "FR-186")
def test_check_in_ci_fails_and_names_the_missing_interpreter(
    monorepo_two_pythons: Monorepo,
) -> None:
    mono = monorepo_two_pythons
    result = mono.run("invoke", "check", env=mono.env_without_pyenv(CI="true"))
    assert result.returncode == 1
    out = result.stdout
    assert out.startswith("tiergate check: 12 sessions to run, 0 cached, ")
    missing = set()
    for kind in ("type", "tests"):
        for package in ("calc", "report"):
            session = f"{kind}-{OTHER_PYTHON}(package='{package}')"
            status, printed = _ended(out, session)
            assert status == "failed", printed
            assert f"Python interpreter {OTHER_PYTHON} not found" in printed
            assert _ended(out, f"{kind}-{PYTHON}(package='{package}')")[0] == "passed"
            missing.add(session)
    gates = out[out.index("=== gates:") : out.rindex("tiergate check")]
    assert f"Python {OTHER_PYTHON} not found" in gates
    summary = out[out.rindex("tiergate check") :]
    (verdict,) = re.findall(r"^FAILED: (.*)$", summary, flags=re.MULTILINE)
    assert set(verdict.split(", ")) == {*missing, "gates"}

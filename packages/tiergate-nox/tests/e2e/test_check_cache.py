"""A real ``invoke check`` again: what holds is cached and labelled; a change or failure runs."""

from __future__ import annotations

import re
import subprocess
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import PYTHON

if TYPE_CHECKING:
    from monorepo_factory import Monorepo

IDENTITY = ("-c", "user.name=tiergate", "-c", "user.email=tiergate@example.com")


def _git(mono: Monorepo, *args: str) -> None:
    subprocess.run(["git", "-C", str(mono.root), *args], check=True, capture_output=True)


def _check(mono: Monorepo, run_id: str, *options: str) -> tuple[int, str]:
    env = mono.env(CI="true", TIERGATE_RUN_ID=run_id)
    done = mono.run("invoke", "check", "--jobs", "2", *options, env=env)
    return done.returncode, done.stdout + done.stderr


def _planned(out: str) -> dict[str, str]:
    """Session -> ``cached``, or why it runs, as the check announced them."""
    plan = dict.fromkeys(re.findall(r"^cached  (\S+) from run", out, re.MULTILINE), "cached")
    return plan | dict(re.findall(r"^run     (\S+): (.*)$", out, re.MULTILINE))


TABLE_TEST = """from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_table() -> None:
    assert (ROOT / "data/table.txt").read_text() == "1\\n"
    assert (ROOT / "local.cfg").read_text() == "local\\n"
"""


@pytest.mark.req("FR-189", "FR-215")
def test_a_second_check_reuses_what_holds_and_reruns_what_changed(monorepo: Monorepo) -> None:
    mono = monorepo
    mono.write(".gitignore", ".nox/\n.tiergate/\n.venv/\n__pycache__/\nlocal.cfg\n")
    mono.write("data/table.txt", "1\n")  # of no member: in no key, read by a test
    mono.write("local.cfg", "local\n")  # ignored by git, read by a test
    mono.write("packages/calc/tests/unit/test_table.py", TABLE_TEST)
    _git(mono, "init", "--quiet", "--initial-branch=main")
    _git(mono, "add", "--all")
    _git(mono, *IDENTITY, "commit", "--quiet", "-m", "monorepo")

    code, first = _check(mono, "first")
    assert code == 0, first
    assert _planned(first)["lint"] == "no entry yet"
    calc_tests = f"tests-{PYTHON}(package='calc')"
    log = (mono.root / f".tiergate/runs/first/logs/tests-{PYTHON}-calc.log").read_text()
    assert "read, and not in the input key: local.cfg\n" in log, log

    code, second = _check(mono, "second")
    assert code == 0, second
    plan = _planned(second)
    # Every session is reused (the online audit too, within online-reuse-hours).
    assert set(plan.values()) == {"cached"}, plan
    assert len(plan) == 8
    summary = second[second.rindex("tiergate check") :]
    assert re.search(r"│ lint +│ cached +│ .*from run first", summary), summary
    assert "PASSED: all 9 steps (8 cached)" in summary
    gates = second[second.index("=== gates:") : second.rindex("tiergate check")]
    assert "8 of 8 sessions cached" in gates

    mono.write("data/table.txt", "2\n")
    code, changed = _check(mono, "table")
    assert code == 1, changed  # run again, and the test sees the change
    assert _planned(changed)[calc_tests] == "data/table.txt changed since it was read"
    assert _planned(changed)[f"tests-{PYTHON}(package='report')"] == "cached"
    mono.write("data/table.txt", "1\n")

    source = mono.root / "packages/calc/src/calc/__init__.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n\n# a change\n", encoding="utf-8")
    code, third = _check(mono, "third")
    assert code == 0, third
    assert _planned(third)["lint"].startswith("packages/calc/src/calc/__init__.py changed")
    assert _planned(third)["sql"] == "cached"
    assert _planned(third)["security"].startswith("packages/calc/src/calc/__init__.py changed")
    assert _planned(third)["audit"] == "cached"  # the lock did not change: nor did the audit

    source.write_text(source.read_text(encoding="utf-8") + "x=[ 1 ,2 ]\n", encoding="utf-8")
    for run_id in ("fourth", "fifth"):  # a failed lint is never stored: it runs every time
        code, out = _check(mono, run_id)
        assert code == 1, out
        assert _planned(out)["lint"].startswith("packages/calc/src/calc/__init__.py changed")

    code, off = _check(mono, "sixth", "--no-cache")
    assert code == 1, off
    assert set(_planned(off).values()) == {"the cache is off"}

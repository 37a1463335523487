"""``tiergate init --measure``: coverage bounds just under what a first run of the tests measures.

The tests sessions run once (``python -m nox -s tests``) into a run folder of
their own; the run is read as the gates read it (:class:`~tiergate.gates.base.Context`,
:mod:`tiergate.measure`), and each measured percentage becomes a bound: floored
to one decimal, minus half a point. A scope that did not run gets no bound.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

from tiergate.config import load_config
from tiergate.context import Context
from tiergate.covnumbers import total
from tiergate.errors import ToolError
from tiergate.runfolder import RUN_ID_ENV, new_run_id

if TYPE_CHECKING:
    from collections.abc import Sequence
    from fractions import Fraction
    from pathlib import Path

    from tiergate.measure import Measurements

MARGIN = 5
"""Tenths of a point a bound sits under the measured, floored percentage."""


def bound_under(ratio: Fraction) -> float:
    """Covered ``ratio`` 0.8739 (87.39%) -> ``86.8``: floored to one decimal, minus half a point."""
    tenths = math.floor(ratio * 1000)
    return max(tenths - MARGIN, 0) / 10


def run_tests(root: Path) -> Path:
    """Lock, then run every tests session once; return the run folder they wrote."""
    if importlib.util.find_spec("nox") is None:
        raise ToolError("nox is not installed here: --measure runs the tests sessions with it")
    _run(root, ["uv", "lock", "--quiet"], "uv lock")
    run_id = f"init-{new_run_id()}"
    env = {**os.environ, RUN_ID_ENV: run_id}
    _run(root, [sys.executable, "-m", "nox", "--session", "tests"], "nox", env=env, check=False)
    return root / load_config(root).run_dir / run_id


def measure(root: Path, run_dir: Path) -> dict[str, object]:
    """The bounds of the run in ``run_dir``: ``combined``, ``tiers`` and ``packages``."""
    measured = Context.load(root, [run_dir], strict=False).coverage
    packages = [member.name for member in measured.members]
    bounds: dict[str, object] = {}
    combined = _bound(measured, packages, None)
    if combined is not None:
        bounds["combined"] = combined
    tiers = {
        tier: bound
        for tier in measured.context.config.tiers
        if (bound := _bound(measured, _with_tier(measured, tier), (tier,))) is not None
    }
    per_package = {
        name: bound for name in packages if (bound := _bound(measured, [name], None)) is not None
    }
    bounds.update({key: s for key, s in (("tiers", tiers), ("packages", per_package)) if s})
    return bounds


def _with_tier(measured: Measurements, tier: str) -> list[str]:
    return [name for name, tiers in measured.tiers.items() if tier in tiers]


def _bound(
    measured: Measurements, packages: Sequence[str], tiers: tuple[str, ...] | None
) -> float | None:
    if not packages or measured.not_run(packages, tiers):
        return None
    counts = total(measured.lines(packages, tiers))
    if not counts.statements or not measured.union_of(packages, tiers):
        return None
    return bound_under(counts.ratio)


def _run(
    root: Path,
    command: list[str],
    tool: str,
    *,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> None:
    """Run ``command`` in ``root``, its output on this process's; a missing tool is a ToolError."""
    if command[0] != sys.executable and shutil.which(command[0]) is None:
        raise ToolError(f"{tool} is not on PATH: --measure runs the tests with it", path=root)
    code = subprocess.run(command, cwd=root, env=env, check=False).returncode
    if check and code:
        raise ToolError(f"{tool} exited with {code}", path=root)

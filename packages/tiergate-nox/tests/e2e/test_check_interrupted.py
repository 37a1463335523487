"""Ctrl-C during a real ``invoke check``: every session stops, nothing half-written reads green."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import PYTHON
from tiergate.runfolder import read_sessions

if TYPE_CHECKING:
    from monorepo_factory import Monorepo

WAIT = 300.0

SLOW_TEST = """
import os
import pathlib
import time

MARKER = {marker!r}


def test_slow() -> None:
    pathlib.Path(MARKER).write_text(str(os.getpid()))
    time.sleep(120)
"""


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stat = Path(f"/proc/{pid}/stat")
        if not stat.exists() or stat.read_text(encoding="ascii").split()[2] == "Z":
            return True
        time.sleep(0.1)
    return False


AS_FROM_A_TERMINAL = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from invoke.main import program; sys.exit(program.run())"
)
"""``invoke`` with Ctrl-C reaching it as from a terminal, even when the tests run with SIGINT
ignored (a background job of a shell without job control passes that on)."""


@pytest.mark.req("FR-187")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_a_check_stops_its_sessions_and_never_reads_green(
    monorepo: Monorepo, tmp_path: Path, stop: signal.Signals
) -> None:
    marker = tmp_path / "pytest.pid"
    monorepo.write("packages/calc/tests/unit/test_slow.py", SLOW_TEST.format(marker=str(marker)))
    env = monorepo.env(CI="true", TIERGATE_RUN_ID="stopped")
    check = subprocess.Popen(
        [sys.executable, "-c", AS_FROM_A_TERMINAL, "check", "--jobs", "2"],
        cwd=monorepo.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + WAIT
    while not (marker.exists() and marker.read_text()):
        assert check.poll() is None, check.communicate()[0]
        assert time.monotonic() < deadline, "the slow test never started"
        time.sleep(0.2)
    check.send_signal(stop)
    out, _ = check.communicate(timeout=60)
    assert check.returncode == 130, out
    assert _gone(int(marker.read_text())), "pytest still runs after the check stopped"
    summary = out[out.rindex("tiergate check") :]
    assert "INTERRUPTED: tests-" in summary
    assert "(package='calc')" in summary.split("INTERRUPTED: ")[1].splitlines()[0]
    assert "gates" in summary.split("FAILED: ")[1]
    assert "=== gates:" not in out
    run_dir = monorepo.root / ".tiergate" / "runs" / "stopped"
    # What the run holds is whole: every manifest reads, every artifact it lists is there
    # (read_sessions checks both), and the interrupted session is not passed.
    sessions = read_sessions(run_dir)
    calc = sessions.get(f"tests-{PYTHON}(package='calc')")
    assert calc is None or calc[1].outcome != "passed"
    assert not list(run_dir.glob("sessions/*/.*.partial"))
    gates = monorepo.run("tiergate", "gates", "--run", str(run_dir), "--no-record")
    assert gates.returncode != 0, gates.stdout

"""Real nox sessions forked from the warm server record what a new nox process records."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from processes import Quiet
from tiergate.runfolder import read_manifest, session_dir
from tiergate_nox import forks
from tiergate_nox.jobs import NOX, PRELOAD
from tiergate_nox.schedule import Job, JobResult, run_jobs

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from monorepo_factory import Monorepo

pytestmark = pytest.mark.skipif(not forks.supported(), reason="the fork server runs on Linux")

PARENT = """import json
import os
from pathlib import Path

import nox

from tiergate_nox.sessions import register_sessions

register_sessions(".")


@nox.session(python=False)
def parent(session: nox.Session) -> None:
    parent = os.getppid()
    cmdline = Path(f"/proc/{{parent}}/cmdline").read_text()
    Path({out!r}).write_text(json.dumps([parent, cmdline]))
"""


def _sessions(mono: Monorepo, run_id: str, preload: Sequence[str] | None) -> list[JobResult]:
    noxfile = ("--noxfile", str(mono.root / "noxfile.py"))
    logs = mono.root / ".tiergate" / "logs" / run_id
    jobs = [
        Job(name, (*NOX, *noxfile, "--session", name), logs / f"{name}.log")
        for name in ("sql", "lint")
    ]
    env = mono.env(TIERGATE_RUN_ID=run_id)
    return run_jobs(jobs, slots=2, reporter=Quiet(), env=env, preload=preload)


@pytest.mark.req("FR-224")
def test_forked_nox_sessions_record_what_new_nox_processes_record(monorepo: Monorepo) -> None:
    forked = _sessions(monorepo, "forked", PRELOAD)
    spawned = _sessions(monorepo, "spawned", None)
    assert [(r.job.name, r.status, r.exit_code) for r in forked] == [
        ("sql", "passed", 0),
        ("lint", "passed", 0),
    ]
    assert [(r.status, r.exit_code) for r in spawned] == [("passed", 0)] * 2
    runs = monorepo.root / ".tiergate" / "runs"
    for name in ("sql", "lint"):
        one, other = (
            read_manifest(session_dir(runs / run, name) / "manifest.json")
            for run in ("forked", "spawned")
        )
        assert (one.outcome, one.kind, one.message) == (other.outcome, other.kind, other.message)
        command = [part.replace("/runs/forked/", "/runs/spawned/") for part in one.command]
        assert command == other.command
        assert sorted(one.artifacts) == sorted(other.artifacts)
        log = (monorepo.root / ".tiergate" / "logs" / "forked" / f"{name}.log").read_text()
        assert f"Session {name} was successful" in log


@pytest.mark.req("FR-224")
def test_a_forked_session_runs_under_the_fork_server(monorepo: Monorepo, tmp_path: Path) -> None:
    out = tmp_path / "parent.json"
    monorepo.write("noxfile.py", PARENT.format(out=str(out)))
    job = Job(
        "parent",
        (*NOX, "--noxfile", str(monorepo.root / "noxfile.py"), "--session", "parent"),
        tmp_path / "parent.log",
    )
    env = monorepo.env()
    (result,) = run_jobs([job], slots=1, reporter=Quiet(), env=env, preload=PRELOAD)
    assert result.status == "passed", job.log.read_text()
    parent, cmdline = json.loads(out.read_text())
    assert parent != os.getpid()
    assert cmdline.split("\0")[1:3] == ["-m", "tiergate_nox.forks"]

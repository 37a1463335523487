"""Jobs forked from one warm Python behave as the new interpreters they replace."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from processes import Quiet, ended
from tiergate_nox import forks
from tiergate_nox.check import CheckOptions, _run_sessions, fork_server
from tiergate_nox.forks import Forked, ForkServer
from tiergate_nox.schedule import Job, run_jobs

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

pytestmark = pytest.mark.skipif(not forks.supported(), reason="the fork server runs on Linux")


@pytest.fixture
def server() -> Iterator[ForkServer]:
    started = ForkServer({**os.environ, "FORKS_TEST": "from the server's environment"}, ["json"])
    yield started
    started.close()


def _code(text: str) -> tuple[str, str, str]:
    return (sys.executable, "-c", textwrap.dedent(text))


def _forked(server: ForkServer, command: Sequence[str], log: Path) -> Forked:
    child = server.spawn(command, log)
    assert child is not None
    return child


SELF = """
    import json, os, sys
    print(json.dumps({
        "argv": sys.argv,
        "main": __name__,
        "own_session": os.getsid(0) == os.getpid() == os.getpgid(0),
        "parent": os.getppid(),
        "stdin": sys.stdin.read(),
        "env": os.environ.get("FORKS_TEST"),
        "cwd": os.getcwd(),
        "preloaded": "json.decoder" in sys.modules,
        "masked": sorted(int(s) for s in __import__("signal").pthread_sigmask(0, [])),
        "sigint": repr(__import__("signal").getsignal(__import__("signal").SIGINT)),
    }))
    print("to stderr", file=sys.stderr)
"""


@pytest.mark.req("FR-224")
def test_a_forked_job_is_a_new_interpreter_in_a_session_of_its_own(
    server: ForkServer, tmp_path: Path
) -> None:
    log = tmp_path / "self.log"
    child = _forked(server, (*_code(SELF), "one", "two"), log)
    assert child.wait() == 0
    seen_line, stderr_line = log.read_text().splitlines()
    seen = json.loads(seen_line)
    assert seen["argv"] == ["-c", "one", "two"]
    assert seen["main"] == "__main__"
    assert seen["own_session"]
    assert seen["parent"] != os.getpid()  # forked by the server, not started here
    assert seen["stdin"] == ""
    assert seen["env"] == "from the server's environment"
    assert seen["cwd"] == str(Path.cwd())
    assert seen["preloaded"]  # imported by the server before it forked
    assert seen["masked"] == []
    assert seen["sigint"] == repr(signal.default_int_handler)
    assert stderr_line == "to stderr"


@pytest.mark.req("FR-224")
def test_every_job_is_forked_from_the_same_warm_server(server: ForkServer, tmp_path: Path) -> None:
    parents = []
    for number in range(3):
        log = tmp_path / f"{number}.log"
        assert _forked(server, _code("import os; print(os.getppid())"), log).wait() == 0
        parents.append(int(log.read_text()))
    assert len(set(parents)) == 1
    assert parents[0] != os.getpid()


@pytest.mark.req("FR-224")
def test_a_module_runs_as_python_m_runs_it(tmp_path: Path) -> None:
    module = tmp_path / "shown.py"
    module.write_text(
        "import sys\nif __name__ == '__main__':\n    print(sys.argv[1:])\n    sys.exit(4)\n"
    )
    log = tmp_path / "module.log"
    env_path = f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    with_path = ForkServer({**os.environ, "PYTHONPATH": env_path}, [])
    try:
        child = _forked(with_path, (sys.executable, "-m", "shown", "--flag", "x"), log)
        assert child.wait() == 4
    finally:
        with_path.close()
    assert log.read_text() == "['--flag', 'x']\n"


@pytest.mark.req("FR-224")
@pytest.mark.parametrize(
    ("code", "expected", "output"),
    [
        ("import sys; sys.exit(3)", 3, ""),
        ("import sys; sys.exit('going')", 1, "going\n"),
        ("raise ValueError('broken')", 1, 'File "<string>", line 1'),
        ("import os, signal; os.kill(os.getpid(), signal.SIGTERM)", -signal.SIGTERM, ""),
        ("raise KeyboardInterrupt", -signal.SIGINT, "KeyboardInterrupt"),
        ("import atexit; atexit.register(print, 'at exit')", 0, "at exit\n"),
    ],
    ids=["exit-code", "exit-message", "exception", "signal", "keyboard-interrupt", "atexit"],
)
def test_a_forked_job_ends_with_the_code_a_new_interpreter_gives(
    server: ForkServer, tmp_path: Path, code: str, expected: int, output: str
) -> None:
    log = tmp_path / "job.log"
    assert _forked(server, (sys.executable, "-c", code), log).wait() == expected
    assert output in log.read_text()
    assert "forks.py" not in log.read_text()  # the server's own frames are not the job's


@pytest.mark.parametrize(
    "command",
    [("echo", "plain"), ("/no/such/python", "-c", "pass"), (sys.executable, "-X", "dev", "x.py")],
    ids=["other-program", "other-python", "other-options"],
)
def test_what_is_not_python_c_or_m_of_this_python_is_not_forked(
    server: ForkServer, tmp_path: Path, command: tuple[str, ...]
) -> None:
    assert server.spawn(command, tmp_path / "x.log") is None


@pytest.mark.req("FR-224")
def test_the_scheduler_starts_what_it_cannot_fork_as_before(tmp_path: Path) -> None:
    jobs = [
        Job("python", _code("import os; print(os.getppid())"), tmp_path / "python.log"),
        Job("shell", ("sh", "-c", "echo $PPID"), tmp_path / "shell.log"),
    ]
    results = run_jobs(jobs, slots=1, reporter=Quiet(), preload=[])
    assert [result.status for result in results] == ["passed", "passed"]
    assert int((tmp_path / "python.log").read_text()) != os.getpid()
    assert int((tmp_path / "shell.log").read_text()) == os.getpid()


@pytest.mark.req("FR-224")
def test_where_forking_is_not_supported_every_job_starts_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    job = Job("python", _code("import os; print(os.getppid())"), tmp_path / "python.log")
    (result,) = run_jobs([job], slots=1, reporter=Quiet(), preload=[])
    assert result.status == "passed"
    assert int((tmp_path / "python.log").read_text()) == os.getpid()


@pytest.mark.req("FR-224")
def test_a_server_lost_while_jobs_run_fails_them_and_kills_them(
    server: ForkServer, tmp_path: Path
) -> None:
    ready = tmp_path / "ready"
    waiting = f"import pathlib, time; pathlib.Path({str(ready)!r}).touch(); time.sleep(60)"
    child = _forked(server, (sys.executable, "-c", waiting), tmp_path / "long.log")
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process = server._process
    assert process is not None
    process.kill()  # the server dies; the job it forked runs on, unknown to anyone
    assert child.wait() == -signal.SIGKILL  # failed, never passed
    assert ended(child.pid)
    assert server.spawn(_code("pass"), tmp_path / "later.log") is None  # started anew instead


@pytest.mark.parametrize(
    "line",
    [
        b"not json",
        b"[1, 2]",
        b'{"started": true}',
        b'{"started": 1}',
        b'{"started": -1}',
        b'{"started": "12"}',
        b'{"ended": 12}',
        b'{"ended": 12, "code": "0"}',
        b'{"refused": 3}',
        b'{"other": 1}',
    ],
)
def test_an_answer_the_server_cannot_give_is_refused(line: bytes) -> None:
    with pytest.raises(ValueError, match=r"."):
        forks._answer_of(line)


@pytest.mark.parametrize(
    "request_line",
    [
        b'{"argv": 3}',
        b"[]",
        b"not json",
        b'{"argv": ["-c"], "log": "x.log"}',
        b'{"argv": ["-X", "dev"], "log": "x.log"}',
        b'{"argv": ["-c", "pass"]}',
    ],
)
def test_a_bad_request_is_refused_and_the_server_goes_on(
    tmp_path: Path, request_line: bytes
) -> None:
    server = ForkServer(None, [])
    try:
        process = server._server()
        assert process.stdin is not None
        process.stdin.write(request_line + b"\n")
        process.stdin.flush()
        answer = server._next(block=True)
        assert answer is not None
        assert answer.kind == "refused"
        assert _forked(server, _code("pass"), tmp_path / "ok.log").wait() == 0
    finally:
        server.close()


@pytest.mark.req("FR-224")
@pytest.mark.parametrize("fork", [True, False], ids=["forked", "no-fork"])
def test_the_check_forks_its_sessions_unless_told_not_to(tmp_path: Path, fork: bool) -> None:
    job = Job("session", _code("import os; print(os.getppid())"), tmp_path / "logs/session.log")
    options = CheckOptions(slots=1, fork=fork)
    console = Console(file=io.StringIO())
    with fork_server(options, dict(os.environ)) as server:
        assert (server is not None) is fork
        (result,) = _run_sessions(
            [job], options, dict(os.environ), console, tmp_path, server=server
        )
    assert result.status == "passed"
    parent = int(job.log.read_text())
    assert (parent != os.getpid()) is fork


@pytest.mark.req("FR-224")
def test_a_server_started_early_and_never_used_is_killed_and_a_used_one_ends_itself(
    tmp_path: Path,
) -> None:
    unused = ForkServer(None, ("json",))
    unused.start()
    process = unused._process
    assert process is not None
    unused.close()
    assert process.returncode == -signal.SIGKILL  # not waited for while it imports

    used = ForkServer(None, ())
    used.start()
    process = used._process
    assert process is not None
    assert _forked(used, _code("pass"), tmp_path / "ok.log").wait() == 0
    used.stop()  # it ends on its own while the caller goes on
    assert process.wait(timeout=30) == 0
    assert used.spawn(_code("pass"), tmp_path / "late.log") is None  # nothing forked after stop
    used.close()

"""Start each session by forking one warm Python instead of starting a new one.

Every session of a check is ``python -m nox --session NAME``: a new interpreter
that imports nox, tiergate and tiergate-nox before it does anything (about
0.5 s), where ``nox -R`` pays that once for all its sessions. A *fork server*
pays it once per check: a Python process started with the jobs' environment and
folder imports those modules, then forks one child per job, which runs the
command as a new interpreter would: ``python -m MODULE ARGS`` through
:func:`runpy.run_module`, ``python -c CODE ARGS`` through :func:`exec`; in a
session of its own (its own process group, as ``start_new_session`` gives),
standard input from ``/dev/null``, standard output and error into the job's log,
``SIGINT`` raising :class:`KeyboardInterrupt`, ``atexit`` run at its end.

The server only imports: it reads no workspace and runs no session code, so a
child starts where a new interpreter would, short of the imports. It forks only
while it has one thread, and only on Linux (macOS' system libraries are not
safe to use after ``fork``); what it cannot or will not start, the caller
starts as a process of its own (:meth:`ForkServer.spawn` returns ``None``).

Protocol, JSON lines: the caller writes ``{"argv": [...], "log": path}``; the
server answers each in order with ``{"started": pid}`` or ``{"refused": why}``,
and writes ``{"ended": pid, "code": code}`` when a child ends (``code`` as
:attr:`subprocess.Popen.returncode`: negative for a signal). It ignores
``SIGINT``, ``SIGTERM`` and ``SIGHUP`` (stopping the jobs is the caller's work:
it signals their process groups) and ends when its standard input closes.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import runpy
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
import types
from collections import deque
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Literal, NoReturn

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

REAP_EVERY = 1.0
"""Seconds the server waits at most before it looks for ended children (``SIGCHLD`` wakes it)."""
CLOSE_WAIT = 5.0
"""Seconds :meth:`ForkServer.close` waits for the server to end before killing it."""
_IGNORED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def supported() -> bool:
    """Whether jobs may be forked here (Linux, where ``os.fork`` is safe to use)."""
    return sys.platform == "linux" and hasattr(os, "fork")


def forkable(command: Sequence[str]) -> bool:
    """Whether ``command`` is ``python -m MODULE ...`` or ``python -c CODE ...`` of this Python."""
    return len(command) >= 3 and command[0] == sys.executable and command[1] in {"-m", "-c"}


# ----------------------------------------------------------------------------- the caller's side


@dataclass
class ForkServer:
    """A fork server for jobs run with ``env`` (``None``: this process's), started when first used.

    ``preload``: the modules the server imports before it forks; one that
    cannot be imported is left to the children (they fail as a new interpreter
    would).
    """

    env: Mapping[str, str] | None
    preload: Sequence[str]
    _process: subprocess.Popen[bytes] | None = None
    _pending: deque[_Answer] = field(default_factory=deque)
    _buffer: bytes = b""
    _codes: dict[int, int] = field(default_factory=dict)
    _running: set[int] = field(default_factory=set)
    _news: set[int] = field(default_factory=set)
    """Children whose end was read but not yet asked about (:meth:`returncode`)."""
    _gone: bool = False
    _forked: bool = False
    """Whether a child was ever asked for: a server that forked none is killed at close."""

    def start(self) -> None:
        """Start the server now, so that it imports ``preload`` while the caller works."""
        if self._gone:
            return
        try:
            self._server()
        except OSError:
            self._lost()

    def spawn(self, command: Sequence[str], log: Path) -> Forked | None:
        """Start ``command`` in a child writing into ``log``; ``None``: start it yourself."""
        if self._gone or not forkable(command):
            return None
        request = json.dumps({"argv": list(command[1:]), "log": str(log)})
        try:
            server = self._server()  # not while signals wait: its children would inherit that
        except OSError:
            self._lost()
            return None
        # Ctrl-C waits until the child's id is known: a child started but not known would run on.
        with _signals_held():
            self._forked = True
            try:
                _write_all(server.stdin, request)
            except OSError:
                self._lost()
                return None
            while (answer := self._next(block=True)) is not None:
                if answer.kind == "started":
                    self._running.add(answer.pid)
                    return Forked(self, answer.pid)
                if answer.kind == "refused":
                    return None
        return None

    def returncode(self, pid: int, *, block: bool) -> int | None:
        """How child ``pid`` ended (``None``: still running); ``block``: wait for it."""
        while pid not in self._codes:
            if self._gone:  # it was killed when the server was lost
                return -signal.SIGKILL
            if self._next(block=block) is None and not block:
                return None
        self._news.discard(pid)
        return self._codes[pid]

    def wait_any(self, timeout: float) -> None:
        """Wait until a child has ended that no one asked about yet, or ``timeout`` seconds."""
        while self._next(block=False) is not None:
            pass
        if self._news:
            return
        stdout = self._process.stdout if self._process is not None else None
        if self._gone or stdout is None:
            time.sleep(timeout)
            return
        select.select([stdout.fileno()], [], [], timeout)

    def stop(self) -> None:
        """Once its jobs have ended: the server forks nothing more and begins to end.

        Its ending (an interpreter with nox imported takes a few tenths of a second to
        shut down) then overlaps the caller's work; :meth:`close` waits for it.
        """
        self._gone = True
        process = self._process
        if process is not None and process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()

    def close(self) -> None:
        """End the server (one that forked nothing is killed); children still running run on."""
        process = self._process
        if process is not None and not self._forked:
            process.kill()  # perhaps still importing: nothing of it is waited for
        self.stop()
        self._process = None
        if process is None:
            return
        try:
            process.wait(timeout=CLOSE_WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _server(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, *self.preload],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=dict(self.env) if self.env is not None else None,
                start_new_session=True,  # a terminal's Ctrl-C is for the caller to pass on
            )
        return self._process

    def _next(self, *, block: bool) -> _Answer | None:
        """The next answer of the server (``None``: none yet, or it is gone); ``ended`` recorded."""
        while not self._pending:
            if self._gone or not self._read(block=block):
                return None
        answer = self._pending.popleft()
        if answer.kind == "ended":
            self._codes[answer.pid] = answer.code
            self._news.add(answer.pid)
            self._running.discard(answer.pid)
        return answer

    def _read(self, *, block: bool) -> bool:
        """Read what the server wrote; ``False``: nothing yet (or it is gone)."""
        stdout = self._process.stdout if self._process is not None else None
        if stdout is None:
            self._lost()
            return False
        fd = stdout.fileno()
        if not select.select([fd], [], [], None if block else 0)[0]:
            return False
        with _signals_held():  # what was read is kept before a Ctrl-C can interrupt
            chunk = os.read(fd, 65536)
            if not chunk:
                self._lost()
                return False
            *lines, self._buffer = (self._buffer + chunk).split(b"\n")
            try:
                self._pending.extend(_answer_of(line) for line in lines)
            except ValueError:
                self._lost()
                return False
        return True

    def _lost(self) -> None:
        """The server ended or spoke nonsense: its children are killed, as failed jobs."""
        self._gone = True
        for pid in self._running:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            self._codes.setdefault(pid, -signal.SIGKILL)
        self._running.clear()


@dataclass
class Forked:
    """A job the server forked; what the scheduler needs of a :class:`subprocess.Popen`."""

    server: ForkServer
    pid: int
    returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code if the child has ended, else ``None``."""
        if self.returncode is None:
            self.returncode = self.server.returncode(self.pid, block=False)
        return self.returncode

    def wait(self) -> int:
        """Wait for the child to end; its exit code."""
        if self.returncode is None:
            code = self.server.returncode(self.pid, block=True)
            self.returncode = code if code is not None else -signal.SIGKILL
        return self.returncode


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Within the block, ``SIGINT`` and ``SIGTERM`` wait (their handlers run after it)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _write_all(stream: IO[bytes] | None, line: str) -> None:
    if stream is None:
        raise OSError("the fork server has no input")
    stream.write(line.encode() + b"\n")
    stream.flush()


@dataclass(frozen=True)
class _Answer:
    """A line of the server: a child ``started``, ``ended`` (with its ``code``), or ``refused``."""

    kind: Literal["started", "refused", "ended"]
    pid: int = 0
    code: int = 0


def _answer_of(line: bytes) -> _Answer:
    """The server's line, checked; :class:`ValueError` for anything else."""
    match json.loads(line):
        case {"started": int(pid)} if _child_pid(pid):
            return _Answer("started", pid)
        case {"refused": str()}:
            return _Answer("refused")
        case {"ended": int(pid), "code": int(code)} if _child_pid(pid):
            return _Answer("ended", pid, code)
    raise ValueError(f"not an answer: {line!r}")


def _child_pid(pid: int) -> bool:
    """Whether ``pid`` can be a child's: never a bool, init or a process group of all."""
    return not isinstance(pid, bool) and pid > 1


# ---------------------------------------------------------------------------- the server's side


def serve(preload: Sequence[str]) -> None:
    """Import ``preload``, then fork a child per request until standard input closes."""
    for sig in _IGNORED:
        signal.signal(sig, signal.SIG_IGN)
    for name in preload:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    # A child's end wakes the server at once: SIGCHLD writes into a pipe it waits on.
    woken, wake = os.pipe()
    os.set_blocking(woken, False)
    os.set_blocking(wake, False)
    signal.set_wakeup_fd(wake)
    signal.signal(signal.SIGCHLD, _nothing)
    buffer = b""
    while True:
        ready = select.select([0, woken], [], [], REAP_EVERY)[0]
        if woken in ready:
            with contextlib.suppress(BlockingIOError):
                while os.read(woken, 512):
                    pass
        if 0 in ready:
            chunk = os.read(0, 65536)
            if not chunk:
                return
            *lines, buffer = (buffer + chunk).split(b"\n")
            for line in lines:
                _answer(line, (woken, wake))
        _reap()


def _nothing(signum: int, frame: types.FrameType | None) -> None:
    """``SIGCHLD``'s handler: its only work is the byte the interpreter writes into the pipe."""
    del signum, frame


def _answer(line: bytes, own: tuple[int, int]) -> None:
    """Fork a child for the request ``line``; ``own``: the server's descriptors it must close."""
    try:
        request = json.loads(line)
        argv = [str(arg) for arg in request["argv"]]
        log = str(request["log"])
    except (ValueError, KeyError, TypeError) as error:
        _say({"refused": f"bad request: {error}"})
        return
    if len(argv) < 2 or argv[0] not in {"-m", "-c"}:
        _say({"refused": f"not python -m or -c: {argv!r}"})
        return
    if threading.active_count() != 1:
        _say({"refused": "the server has started a thread"})
        return
    try:
        pid = os.fork()
    except OSError as error:
        _say({"refused": str(error)})
        return
    if pid == 0:
        _child(argv, log, own)
    _say({"started": pid})


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _say({"ended": pid, "code": os.waitstatus_to_exitcode(status)})


def _say(message: dict[str, object]) -> None:
    data = json.dumps(message).encode() + b"\n"
    while data:
        data = data[os.write(1, data) :]


def _child(argv: list[str], log: str, own: tuple[int, int]) -> NoReturn:
    """Become the job: a session of its own, its log as output; never returns."""
    code = 1
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in own:
            os.close(fd)
        output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(nothing)
        os.close(output)
        for sig in _IGNORED:
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        code = _run(argv)
        atexit._run_exitfuncs()  # noqa: SLF001 - what a new interpreter runs at its end
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        if code == -signal.SIGINT:  # as the interpreter ends on an uncaught KeyboardInterrupt
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        os._exit(code)


def _run(argv: list[str]) -> int:
    """Run ``-m MODULE ARGS`` or ``-c CODE ARGS`` as ``__main__``; the exit code Python gives.

    ``-SIGINT``: it ended on an uncaught :class:`KeyboardInterrupt`.
    """
    flag, target, *rest = argv
    try:
        if flag == "-m":
            sys.argv = [target, *rest]  # runpy puts the module's path first
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            sys.argv = ["-c", *rest]
            main = types.ModuleType("__main__")
            sys.modules["__main__"] = main
            code = compile(target, "<string>", "exec")
            exec(code, main.__dict__)  # noqa: S102 - what python -c does  # nosec B102
    except SystemExit as exit_:
        return _exit_code(exit_.code)
    except KeyboardInterrupt as error:
        trace = error.__traceback__
        traceback.print_exception(error.with_traceback(trace.tb_next if trace else None))
        return -signal.SIGINT
    except BaseException as error:  # noqa: BLE001 - what the interpreter does with any exception
        trace = error.__traceback__
        error = error.with_traceback(trace.tb_next if trace else None)  # from the job's code on
        sys.excepthook(type(error), error, error.__traceback__)
        return 1
    return 0


def _exit_code(code: object) -> int:
    """What ``sys.exit(code)`` makes the exit code; a message is printed, as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # noqa: T201 - as the interpreter prints it
    return 1


if __name__ == "__main__":
    serve(sys.argv[1:])

"""The read set: every file a tests session's tests were seen to read, with its SHA-256.

``--tiergate-reads FILE`` installs an audit hook (:func:`sys.addaudithook`) that
keeps the path of every ``open`` event that reads (``open``, ``io.open_code``,
so every import, and ``os.open`` with read flags); at the end of the session
the modules in :data:`sys.modules` are added (a ``.pyc`` as its source, when
the source is there), the paths are sorted (see :class:`Places`) and FILE is
written as JSON::

    {
        "version": 1,
        "root": "<workspace root>",
        "reads": {"<root-relative POSIX path or absolute path>": "<sha256>" | "absent"},
        "outside": ["<absolute path>", ...],
        "unseen": "child processes are not seen",
    }

A path read and then deleted is ``absent``; one that cannot be read at the
end is ``unreadable``; folders are left out. The hook only adds to a set:
paths are resolved, sorted and hashed once, at the end.

Under pytest-xdist each worker sends the paths it kept to the controller
(``workeroutput``), which writes the union, once. A worker that went down
without sending them leaves no FILE (a read set must not miss reads): one line
on stderr says so. A FILE that cannot be written is a usage error at start
(``ERROR: --tiergate-reads: ...``, exit code 4); FILE of an earlier run is
removed at start, so a run that ends early never leaves a stale one.
"""

from __future__ import annotations

import json
import os
import site
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest

from tiergate.reading import path_problem, stream_sha256

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

VERSION: Final = 1
UNSEEN: Final = "child processes are not seen"
ABSENT: Final = "absent"
UNREADABLE: Final = "unreadable"
SYSTEM: Final = ("/proc", "/sys", "/dev")
"""Not files: left out wherever the root is."""
HYPOTHESIS: Final = ".hypothesis"
"""hypothesis's example database (in the working folder): the session's own state."""

_OUTPUT_KEY: Final = "tiergate_reads"
_LOG = pytest.StashKey["ReadLog"]()
_NOT_READING: Final = os.O_DIRECTORY if hasattr(os, "O_DIRECTORY") else 0


class ReadLog:
    """The paths this process opened for reading while :attr:`active`, as the audit hook saw them.

    The hook adds to a set and does nothing else: no I/O, no hashing, nothing
    that raises another ``open`` event. A relative path is kept with the
    working folder of its open; a relative ``os.open`` is not kept: its event
    does not say whether it was relative to a folder descriptor (``dir_fd``,
    as :func:`shutil.rmtree` opens), so the file it names is unknown.
    """

    def __init__(self) -> None:
        self.active = True
        self.absolute: set[str | bytes] = set()
        self.relative: set[tuple[str, str | bytes]] = set()

    def audit(self, event: str, args: tuple[object, ...]) -> None:
        """The audit hook: keep the path of an ``open`` that reads a named file."""
        if event != "open" or not self.active:
            return
        path, mode, flags = args
        if not isinstance(path, (str, bytes)) or not isinstance(flags, int):
            return  # an open file descriptor: its path was opened before
        if flags & os.O_ACCMODE == os.O_WRONLY or flags & _NOT_READING:
            return
        if os.path.isabs(path):  # noqa: PTH117 - no Path object in the hook: it must stay cheap
            self.absolute.add(path)
            return
        if mode is None:
            return  # os.open: relative to a folder descriptor (dir_fd) the event does not name
        try:
            self.relative.add((os.getcwd(), path))  # noqa: PTH109 - same: the cheapest call
        except OSError:
            return  # the working folder is gone: the open itself fails, as it would without us

    def paths(self) -> Iterator[str]:
        """Every path seen, absolute (not yet resolved)."""
        for path in self.absolute:
            yield os.fsdecode(path)
        for folder, path in self.relative:
            yield str(Path(folder, os.fsdecode(path)))


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root + os.sep) for root in roots)


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(path)


@dataclass
class Places:
    """Where a path read lies: left out, inside the root, temporary, or outside.

    ``excluded`` (the environment, pytest's temporary folders, :data:`SYSTEM`)
    is left out even inside the root (a virtualenv in the repository);
    ``outputs`` are the session's own files, left out too, as is any coverage
    data file (``.coverage``, ``.coverage.*``); ``temporary`` (the system's
    temporary folder, and any of pytest's folders that holds the root) is left
    out unless inside the root.
    """

    root: str
    excluded: tuple[str, ...]
    outputs: frozenset[str]
    temporary: tuple[str, ...]
    _folders: dict[str, str] = field(default_factory=dict)

    def keep(self, path: str) -> str | None:
        """``path`` (absolute) resolved, if it belongs in the read set; else ``None``."""
        absolute = os.path.normpath(path)
        if _under(absolute, self.excluded):
            return None
        absolute = source_of(absolute)
        real = self.resolve(absolute)
        name = Path(real).name
        if (
            _under(real, self.excluded)
            or real in self.outputs
            or name == ".coverage"
            or name.startswith(".coverage.")
        ):
            return None
        if _under(real, (self.root,)) or not _under(real, self.temporary):
            return real
        return None

    def resolve(self, absolute: str) -> str:
        """``absolute`` with its links resolved (folders resolved once each)."""
        folder, name = os.path.split(absolute)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = _real(folder)
        real = Path(real_folder, name)
        return _real(real) if real.is_symlink() else str(real)

    def key(self, real: str) -> str:
        """The name of ``real`` in the read set: root-relative POSIX, else absolute."""
        if _under(real, (self.root,)):
            return Path(real).relative_to(self.root).as_posix()
        return real

    def outside(self, real: str) -> bool:
        """Whether ``real`` (kept) lies outside the root."""
        return not _under(real, (self.root,))


def source_of(path: str) -> str:
    """The source of the compiled module ``path`` (``__pycache__/m.cpython-312.pyc``), if there."""
    if not path.endswith(".pyc"):
        return path
    compiled = Path(path)
    if compiled.parent.name == "__pycache__":
        source = compiled.parent.parent / (compiled.name.partition(".")[0] + ".py")
    else:
        source = compiled.with_suffix(".py")
    return str(source) if source.is_file() else path


def module_files() -> Iterator[str]:
    """The ``__file__`` of every module imported in this process, absolute."""
    here = Path.cwd()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            yield os.path.normpath(here / path)


def places(config: pytest.Config, target: Path) -> Places:
    """The places of this session: its root, environment, temporary folders and outputs."""
    root = _real(workspace_root(config))
    invoked = config.invocation_params.dir
    state: list[str | None] = [
        os.environ.get("PYTEST_DEBUG_TEMPROOT"),
        config.option.basetemp,
        HYPOTHESIS,
        *config.getoption("tiergate_reads_exclude"),
    ]
    outputs: list[str | Path | None] = [target, target.with_name(f".{target.name}.partial")]
    outputs += [config.getoption(name, default=None) for name in ("xmlpath", "tiergate_records")]
    outputs.append(os.environ.get("COVERAGE_FILE"))
    folders = {_real(invoked / p) for p in state if p}
    # A folder of pytest's state that holds the workspace (the repository of an outer
    # suite's test, under that suite's PYTEST_DEBUG_TEMPROOT) is left out outside the
    # workspace only, as the temporary folder is: else no read of the workspace counts.
    around = {folder for folder in folders if _under(root, (folder,))}
    excluded = environment(root) | _cache_folder(config) | set(SYSTEM) | (folders - around)
    temporary = {tempfile.gettempdir(), _real(tempfile.gettempdir()), *around}
    return Places(
        root=root,
        excluded=tuple(sorted(excluded)),
        outputs=frozenset(_real(invoked / p) for p in outputs if p),
        temporary=tuple(sorted(temporary)),
    )


def environment(root: str) -> set[str]:
    """The interpreter's folders: prefixes (unless one holds ``root``), stdlib, site-packages."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    found = {_real(p) for p in prefixes if not _under(root, (_real(p),))}
    libraries = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib")}
    libraries |= {*site.getsitepackages(), site.getusersitepackages()}
    return found | {p for p in libraries if p} | {_real(p) for p in libraries if p}


def _cache_folder(config: pytest.Config) -> set[str]:
    """The cache folder of pytest (read and written by every run), unless the cache is off."""
    try:
        folder = str(config.getini("cache_dir"))
    except ValueError:  # -p no:cacheprovider: no such setting
        return set()
    return {_real(config.rootpath / Path(os.path.expandvars(folder)).expanduser())}


def workspace_root(config: pytest.Config) -> Path:
    """The workspace root as the plugin finds it: ``--tiergate-root``, ``$TIERGATE_ROOT``, rootdir.

    (The option is pytest-tiergate's; without it loaded, the environment or rootdir.)
    """
    given = config.getoption("tiergate_root", default=None) or os.environ.get("TIERGATE_ROOT")
    return config.invocation_params.dir / given if given else config.rootpath


def digest(real: str) -> str | None:
    """The SHA-256 of the file ``real``, ``absent``, ``unreadable``; ``None`` if not a file."""
    try:
        path = Path(real)
        if not path.is_file():
            return None if os.path.lexists(path) else ABSENT
        found = stream_sha256(path)
    except (OSError, ValueError):
        return UNREADABLE
    return ABSENT if found is None else found


def read_set(kept: Iterable[str], where: Places) -> dict[str, object]:
    """The JSON document of the paths ``kept``, hashed now."""
    reads: dict[str, str] = {}
    outside: list[str] = []
    for real in sorted(set(kept)):
        found = digest(real)
        if found is None:
            continue
        reads[where.key(real)] = found
        if where.outside(real):
            outside.append(real)
    return {
        "version": VERSION,
        "root": where.root,
        "reads": dict(sorted(reads.items())),
        "outside": outside,
        "unseen": UNSEEN,
    }


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--tiergate-reads`` option."""
    group = parser.getgroup("tiergate")
    group.addoption(
        "--tiergate-reads",
        metavar="FILE",
        default=None,
        help="write the files the tests were seen to read, with their SHA-256, to FILE (JSON)",
    )
    group.addoption(
        "--tiergate-reads-exclude",
        action="append",
        default=[],
        metavar="PATH",
        help="leave the files under PATH out of the read set, like the session's own state "
        "(repeatable)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Start recording before the first conftest is imported, when the option is given."""
    if getattr(early_config.known_args_namespace, "tiergate_reads", None):
        _start(early_config)


def pytest_configure(config: pytest.Config) -> None:
    """Start recording (if not yet), check FILE can be written, register the collector."""
    given = config.getoption("tiergate_reads")
    if not given:
        return
    target = config.invocation_params.dir / given
    if not is_worker(config):
        _check_writable(target)
    _start(config)
    config.pluginmanager.register(ReadSet(config, target), "tiergate-reads")


def is_worker(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist worker."""
    return hasattr(config, "workerinput")


def recording(config: pytest.Config) -> bool:
    """Whether this session records its reads."""
    return _LOG in config.stash


def _start(config: pytest.Config) -> None:
    if _LOG not in config.stash:
        log = config.stash[_LOG] = ReadLog()
        sys.addaudithook(log.audit)


def _check_writable(target: Path) -> None:
    """Remove an earlier FILE; a FILE that cannot be written is a usage error, now."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        partial.touch()
        partial.unlink()
    except (OSError, ValueError) as failure:
        raise pytest.UsageError(
            f"--tiergate-reads: cannot write {target}: {path_problem(failure)}"
        ) from None


class ReadSet:
    """At the session's end: this process's reads, sent (a worker) or written with the workers'."""

    def __init__(self, config: pytest.Config, target: Path) -> None:
        self.config = config
        self.target = target
        self.received: list[str] = []
        self.missing: list[str] = []

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        """Take the paths a finished worker kept; note a worker that sent none."""
        output = getattr(node, "workeroutput", None)
        paths = output.get(_OUTPUT_KEY) if isinstance(output, dict) else None
        if isinstance(paths, list) and error is None:
            self.received.extend(str(path) for path in paths)
        else:
            name = getattr(getattr(node, "gateway", None), "id", "a worker")
            self.missing.append(str(name))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Stop recording; send the kept paths (a worker) or write FILE."""
        log = self.config.stash[_LOG]
        log.active = False
        where = places(self.config, self.target)
        kept = {real for path in [*log.paths(), *module_files()] if (real := where.keep(path))}
        if is_worker(self.config):
            output: dict[str, object] = self.config.workeroutput  # type: ignore[attr-defined]
            output[_OUTPUT_KEY] = sorted(kept)
            return
        if self.missing:
            sys.stderr.write(
                f"tiergate: --tiergate-reads: {self.target} not written: "
                f"{', '.join(self.missing)} ended without sending its reads\n"
            )
            return
        document = read_set(kept | set(self.received), where)
        try:
            partial = self.target.with_name(f".{self.target.name}.partial")
            partial.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
            partial.replace(self.target)
        except OSError as failure:
            sys.stderr.write(
                f"tiergate: --tiergate-reads: cannot write {self.target}: {path_problem(failure)}\n"
            )
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

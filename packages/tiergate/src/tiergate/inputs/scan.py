"""What one computation of keys reads, each thing once.

git's file list, file digests, the lock, the pins, the root configuration and
the interpreters.

An :class:`InputScan` lives for one call (the keys of one check): files can
change between calls, so nothing is kept across them. What cannot be known is
:class:`Incomplete`, which becomes the session's :class:`~tiergate.inputs.key.NoKey`.
"""

from __future__ import annotations

import bisect
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiergate.config import read_toml
from tiergate.errors import TiergateError, first_line
from tiergate.git import listed_files
from tiergate.inputs.hashing import Unreadable, file_digest
from tiergate.inputs.interpreters import FOLDER, Missing, interpreter_digests
from tiergate.inputs.lock import Environment, Lock, LockProblem
from tiergate.pins import Pin, read_pins
from tiergate.reading import exists

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from tiergate.config import TiergateConfig
    from tiergate.workspace import Member, Workspace

LOCK = "uv.lock"
STATE_FOLDER = ".tiergate"
"""tiergate's folder at the root: the default run folders, cache, history store, crash log."""


class Incomplete(Exception):  # noqa: N818 - a state: the key cannot be complete
    """A key cannot be complete; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InputScan:
    """The inputs of every session of one workspace, read lazily and once per computation."""

    def __init__(
        self,
        workspace: Workspace,
        config: TiergateConfig,
        environ: Mapping[str, str],
    ) -> None:
        self.root = workspace.root
        self.workspace = workspace
        self.config = config
        self.environ = dict(environ)
        self.hashed = 0
        """How many repository paths were looked at on disk so far (each at most once)."""
        self._digests: dict[str, str] = {}
        self._interpreters: dict[str, str | Missing] = {}
        self._tables: dict[str, dict[str, Any]] = {}
        self._environments: dict[tuple[str | None, tuple[str, ...]], Environment] = {}
        self._outside: dict[Path, list[str]] = {}
        self._own_tests: dict[str, frozenset[str]] = {}
        self._member_files: dict[Path, tuple[str, ...]] = {}

    @cached_property
    def files(self) -> tuple[str, ...]:
        """The files git sees: tracked, and untracked but not ignored; sorted.

        tiergate's own are left out, ignored by git or not: what is below
        ``.tiergate/`` (the default run folders, cache, history store and crash
        log), the configured run folders and the result cache. A check writes
        them; as inputs of a member at the root, they would change its key at
        every check.
        """
        try:
            listed = listed_files(self.root)
        except TiergateError as error:
            raise Incomplete(first_line(error)) from None
        own = tuple(self._own_folders())
        return tuple(name for name in listed if not name.startswith(own))

    def _own_folders(self) -> Iterator[str]:
        """The folders tiergate writes below the root, as ``folder/`` prefixes of names."""
        folders = (
            self.root / STATE_FOLDER,
            self.root / self.config.run_dir,
            self.config.cache_folder(self.root),
        )
        for folder in map(Path, map(os.path.normpath, folders)):
            if folder != self.root and folder.is_relative_to(self.root):
                yield folder.relative_to(self.root).as_posix() + "/"

    @cached_property
    def listed(self) -> frozenset[str]:
        """:attr:`files` as a set."""
        return frozenset(self.files)

    def digest(self, name: str) -> str:
        """The digest of the repository file ``name`` (relative, POSIX), hashed once."""
        known = self._digests.get(name)
        if known is None:
            try:
                known = file_digest(self.root / name, self.root)
            except Unreadable as problem:
                raise Incomplete(f"cannot read {name}: {problem.reason}") from None
            self.hashed += 1
            self._digests[name] = known
        return known

    def under(self, folder: str, *, nested: Iterable[str] = ()) -> list[str]:
        """The listed files inside ``folder`` (``""``: all), less those in ``nested`` folders."""
        files = self.files
        if folder:
            prefix = folder.rstrip("/") + "/"
            start = bisect.bisect_left(files, prefix)
            end = bisect.bisect_left(files, prefix[:-1] + "0")  # "0" sorts right after "/"
            files = files[start:end]
        skip = tuple(n.rstrip("/") + "/" for n in nested)
        return [name for name in files if not name.startswith(skip)] if skip else list(files)

    def member_files(self, path: Path) -> list[str]:
        """The listed files of the folder ``path`` (a member's) less the members nested in it.

        Found once per scan: every session of a member's dependents asks again.
        """
        found = self._member_files.get(path)
        if found is None:
            folder = self.relative(path)
            nested = [
                self.relative(m.path)
                for m in self.workspace.members
                if m.path != path and m.path.is_relative_to(path)
            ]
            found = self._member_files[path] = tuple(self.under(folder, nested=nested))
        return list(found)

    def own_tests(self, member: Member) -> frozenset[str]:
        """The test files pytest collects for ``member`` outside its source (repository names).

        They are no input of its dependents' sessions.

        A dependent's environment installs the member's source, not its tests; should
        a dependent's test read one of them, the session's read set holds it. Helper
        modules and ``conftest.py`` beside them stay inputs.
        """
        known = self._own_tests.get(member.name)
        if known is None:
            inside = set(member.tests_in_source)
            known = frozenset(
                self.relative(path)
                for path in member.test_files
                if path not in inside and path.is_relative_to(self.root)
            )
            self._own_tests[member.name] = known
        return known

    def inside(self, path: Path) -> str | None:
        """``path`` resolved, relative to the root (``""``: the root); ``None``: outside it."""
        try:
            resolved = path.resolve()
            # A loop: RuntimeError before Python 3.13; from 3.13 the link is left unresolved.
            if resolved.is_symlink():
                return None
        except (OSError, RuntimeError):
            return None
        return self.relative(resolved) if resolved.is_relative_to(self.root) else None

    def relative(self, path: Path) -> str:
        """``path`` (inside the root) as a repository-relative POSIX name (``""``: the root)."""
        name = path.relative_to(self.root).as_posix()
        return "" if name == "." else name

    @property
    def has_lock(self) -> bool:
        """Whether the repository has a ``uv.lock``."""
        return exists(self.root / LOCK)

    @cached_property
    def lock(self) -> Lock:
        """``uv.lock``, parsed; none is :class:`Incomplete` (``uv sync --frozen`` needs it)."""
        if not self.has_lock:
            raise Incomplete("no uv.lock: the session's environment is not locked")
        return Lock(self._toml(LOCK, "lock file", shared=True))

    def environment(self, member: str | None, groups: Sequence[str]) -> Environment:
        """The locked environment of a member and its ``groups`` (``None``: the root's groups).

        Its local sources are inputs by their files (see :meth:`local_files`).
        """
        wanted = (member, tuple(groups))
        if wanted not in self._environments:
            try:
                if member is not None:
                    env = self.lock.member_environment(member, groups)
                else:
                    root = next((m.name for m in self.workspace.members if m.is_root), None)
                    env = self.lock.group_environment(root, groups[0])
            except LockProblem as problem:
                raise Incomplete(problem.reason) from None
            self._environments[wanted] = env
        return self._environments[wanted]

    def local_files(self, env: Environment) -> list[str]:
        """The listed files of the folders and files ``env`` installs from.

        A folder is taken less the members nested in it, as a member's own files are.
        A source outside the repository (a sibling checkout) is taken by the
        files git lists in it, as absolute paths; one that is not in a git work
        tree cannot be listed: :class:`Incomplete`.
        """
        found: list[str] = []
        for local in env.local:
            name = self.inside(self.root / local)
            if name is None:
                found.extend(self._outside_files(local))
            else:
                found.extend([name] if name in self.listed else self.member_files(self.root / name))
        return found

    def _outside_files(self, local: str) -> list[str]:
        """The files of the local source ``local`` outside the repository, absolute; listed once."""
        path = Path(os.path.normpath(self.root / local))
        found = self._outside.get(path)
        if found is not None:
            return found
        if path.is_file():
            found = [str(path)]
        else:
            try:
                found = [str(path / name) for name in listed_files(path)]
            except TiergateError as error:
                reason = f"uv.lock installs from {local}, outside the repository, whose files"
                raise Incomplete(f"{reason} git cannot list: {first_line(error)}") from None
        self._outside[path] = found
        return found

    @cached_property
    def pins(self) -> dict[str, Pin]:
        """The tool versions ``.pre-commit-config.yaml`` pins."""
        try:
            return read_pins(self.root)
        except TiergateError as error:
            raise Incomplete(first_line(error)) from None

    def table(self, name: str) -> dict[str, Any]:
        """The parsed TOML file ``name`` (repository-relative)."""
        if name not in self._tables:
            self._tables[name] = self._toml(name, "TOML file")
        return self._tables[name]

    def _toml(self, name: str, what: str, *, shared: bool = False) -> dict[str, Any]:
        try:
            return read_toml(self.root / name, what, shared=shared)
        except TiergateError as error:
            raise Incomplete(first_line(error)) from None

    def interpreter(self, version: str) -> str:
        """The digest of the interpreter nox would run for ``version`` (asked once per scan)."""
        self.prefetch((version,))
        found = self._interpreters[version]
        if isinstance(found, Missing):
            raise Incomplete(found.reason)
        return found

    def prefetch(self, versions: Iterable[str]) -> None:
        """Ask every interpreter of ``versions`` not asked yet who it is, all at once."""
        wanted = [v for v in dict.fromkeys(versions) if v not in self._interpreters]
        if wanted:
            memo = self.config.memo_folder(self.root)
            cache = memo / FOLDER if memo is not None else None
            self._interpreters.update(interpreter_digests(wanted, self.root, self.environ, cache))

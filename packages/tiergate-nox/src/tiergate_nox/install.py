"""Build a session's environment with uv, from the lock file, holding only what it needs.

A session gathers the commands that build its environment in a :class:`Provision`
(``uv sync --frozen`` of a member or of the root's groups, then ``uv pip
install`` of pinned tools) and applies them at once. They run unless the
environment's stamp holds the digest of what they would see now
(:func:`environment_digest`): ``uv.lock``, the build files of every local source
it installs from (workspace members, sibling checkouts: what uv reads to decide
whether to rebuild one), the ``UV_*`` settings, and the environment itself as
they left it (its ``pyvenv.cfg``, and each distribution's metadata folder and
``.pth`` file in ``site-packages``: installing, removing or upgrading anything
in it changes them). Skipping saves a uv process a session (0.12 to 0.21 s
measured) and says so in the log.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.errors import ArtifactError, TiergateError
from tiergate.files import write_whole
from tiergate.inputs.hashing import Unreadable, file_digest
from tiergate.inputs.lock import Lock
from tiergate.reading import read_bytes, read_toml

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from tiergate.workspace import Member

STAMP = ".tiergate-provision"
"""The stamp in the environment's folder: the digest of what its last provisioning saw."""

_BUILD_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
"""A local source's files that uv's default ``cache-keys`` watch to rebuild it."""


class Provision:
    """The commands that build one session's environment; run when anything they read changed."""

    def __init__(self, session: nox.Session, root: Path) -> None:
        self._session = session
        self._root = root
        self._commands: list[tuple[str, ...]] = []
        self._location = Path(session.virtualenv.location)
        self.syncs_groups = False
        """Whether a sync names a dependency group (what the session's tools come with)."""

    def sync(self, *, member: Member | None = None, groups: tuple[str, ...]) -> None:
        """``uv sync --frozen`` into the session's virtualenv.

        With ``member``: that member, its workspace dependencies and its ``groups``
        (``member=None``: only the root's ``groups``, no project). Nothing else.
        """
        target = ["--package", member.name] if member is not None else ["--no-install-project"]
        if member is not None and member.is_root:
            target = []
        flag = "--group" if member is not None else "--only-group"
        selection = [arg for group in groups for arg in (flag, group)]
        self.syncs_groups = self.syncs_groups or bool(groups)
        self._commands.append(
            ("uv", "sync", "--frozen", "--no-default-groups", *target, *selection)
        )

    def install(self, *requirements: str) -> None:
        """``uv pip install`` ``requirements`` into the session's virtualenv, over the sync."""
        self._commands.append(("uv", "pip", "install", "--quiet", *requirements))

    def apply(self) -> None:
        """Run the commands, unless the stamp shows they already built this environment."""
        if not self._commands:
            return
        stamp = self._location / STAMP
        before = environment_digest(self._root, self._location, self._commands)
        if before is not None and _stamped(stamp) == before:
            self._session.log(
                "environment unchanged since it was provisioned "
                "(uv.lock, local sources' build files, its packages): uv not run"
            )
            return
        stamp.unlink(missing_ok=True)
        ran = True
        for command in self._commands:
            done = self._session.run_install(
                *command,
                f"--python={self._location}",
                env={"UV_PROJECT_ENVIRONMENT": str(self._location)},
            )
            ran = ran and done is not None  # None: nox's --no-install left it as it was
        after = environment_digest(self._root, self._location, self._commands)
        if ran and after is not None:
            write_whole(stamp, after, "environment stamp")


def environment_digest(root: Path, location: Path, commands: Sequence[Sequence[str]]) -> str | None:
    """What ``commands`` read and what they leave in ``location``, in one SHA-256.

    ``None`` when ``uv.lock`` cannot be read: then nothing can be known unchanged.
    """
    try:
        lock = Lock(read_toml(root / "uv.lock", "lock file", ArtifactError, shared=True))
    except TiergateError:
        return None
    digest = hashlib.sha256(json.dumps(list(map(list, commands))).encode())
    files = [root / "uv.lock", root / "pyproject.toml"]
    for source in lock.local_sources():
        path = root / source
        files += [path / name for name in _BUILD_FILES] if path.is_dir() else [path]
    for path in [*files, location / "pyvenv.cfg"]:
        digest.update(f"\0{path}\0{_content(path, root)}".encode())
    settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("UV_"))
    digest.update(json.dumps(settings).encode())
    for entry in _installed(location):
        digest.update(f"\0{entry.name}\0{_identity(entry)}".encode())
    return digest.hexdigest()


def _installed(location: Path) -> list[os.DirEntry[str]]:
    """What uv installed in the environment: each distribution's metadata folder, each ``.pth``.

    Not the ``site-packages`` folder itself: Python writes bytecode into it when
    it imports a module from it, which changes nothing uv installed.
    """
    found: list[os.DirEntry[str]] = []
    for folder in (*location.glob("lib*/python*/site-packages"), location / "Lib/site-packages"):
        try:
            with os.scandir(folder) as entries:
                found += [e for e in entries if e.name.endswith((".dist-info", ".pth"))]
        except OSError:
            continue
    return sorted(found, key=lambda entry: entry.path)


def _identity(entry: os.DirEntry[str]) -> str:
    """A metadata folder or ``.pth`` file as installed: replaced or rewritten, it differs."""
    try:
        state = entry.stat(follow_symlinks=False)
    except OSError as failure:
        return f"unreadable: {failure.strerror}"
    return f"{state.st_ino}\0{state.st_mtime_ns}\0{state.st_size}"


def _content(path: Path, root: Path) -> str:
    """What stands for the file's content in the digest: its digest, or why it has none."""
    try:
        return file_digest(path, root)
    except Unreadable as problem:
        return f"unreadable: {problem.reason}"


def _stamped(stamp: Path) -> str | None:
    """The digest a stamp holds; None when there is none to read."""
    try:
        return read_bytes(stamp, "environment stamp", ArtifactError, limit=64).decode("ascii")
    except (ArtifactError, UnicodeDecodeError):
        return None

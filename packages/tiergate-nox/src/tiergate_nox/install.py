"""Build a session's environment with uv, from the lock file, holding only what it needs.

A session gathers the commands that build its environment in a :class:`Provision`
(``uv sync --frozen`` of a member or of the root's groups, then ``uv pip
install`` of pinned tools) and applies them at once. They run unless the
environment's stamp says the same commands already ran on the same inputs:
``uv.lock``, every member's build files (what uv reads to decide whether an
editable member needs a rebuild), the ``UV_*`` settings, and the environment
itself as they left it (its ``pyvenv.cfg``, and each distribution's metadata
folder and ``.pth`` file in ``site-packages``: installing, removing or upgrading
anything in it changes them).
Skipping saves a uv process a session (about 0.15 s) and says so in the log.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.errors import ArtifactError
from tiergate.reading import read_bytes, stream_sha256

if TYPE_CHECKING:
    from collections.abc import Iterable

    import nox

    from tiergate.workspace import Member

STAMP = ".tiergate-provision"
"""The stamp in the environment's folder: the digest of what its last provisioning saw."""

_BUILD_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
"""A member's files that uv's default ``cache-keys`` watch for an editable install."""


class Provision:
    """The commands that build one session's environment; run when anything they read changed."""

    def __init__(self, session: nox.Session, root: Path, members: Iterable[Member]) -> None:
        self._session = session
        self._root = root
        self._members = tuple(members)
        self._commands: list[tuple[str, ...]] = []
        self._location = str(session.virtualenv.location)
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
        stamp = Path(self._location) / STAMP
        if _stamped(stamp) == self._digest():
            self._session.log(
                "environment unchanged since it was provisioned "
                "(uv.lock, members' build files, its packages): uv not run"
            )
            return
        stamp.unlink(missing_ok=True)
        ran = True
        for command in self._commands:
            where = f"--python={self._location}"
            done = self._session.run_install(
                *command, where, env={"UV_PROJECT_ENVIRONMENT": self._location}
            )
            ran = ran and done is not None  # None: nox's --no-install left it as it was
        if ran:
            temporary = stamp.with_suffix(".tmp")
            temporary.write_text(self._digest(), encoding="ascii")
            temporary.replace(stamp)

    def _digest(self) -> str:
        """What the commands read and what they leave, in one SHA-256."""
        digest = hashlib.sha256(json.dumps(self._commands).encode())
        files = [self._root / "uv.lock", self._root / "pyproject.toml"]
        files += [m.path / name for m in self._members for name in _BUILD_FILES]
        for path in files:
            digest.update(f"\0{path}\0{_content(path)}".encode())
        settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("UV_"))
        digest.update(json.dumps(settings).encode())
        location = Path(self._location)
        digest.update(f"\0{_content(location / 'pyvenv.cfg')}".encode())
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


def _content(path: Path) -> str:
    """What stands for the file's content in the digest: its SHA-256, or why there is none."""
    try:
        return stream_sha256(path) or "absent"
    except OSError as failure:
        return f"unreadable: {failure.strerror}"


def _stamped(stamp: Path) -> str | None:
    """The digest a stamp holds; None when there is none to read."""
    try:
        return read_bytes(stamp, "environment stamp", ArtifactError, limit=64).decode("ascii")
    except (ArtifactError, UnicodeDecodeError):
        return None

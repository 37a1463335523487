"""What every generated session shares: the workspace it runs in, its record, running tools.

Running a tool: its exit code and output (:func:`run`, :func:`capture`), the
tool itself as the repository pins it (:func:`provide`), its own first error
line when it stops on a usage or configuration error (:func:`first_error`),
and the outcome it gives the session (:func:`finish_tool`).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from nox.command import CommandFailed
from packaging.utils import canonicalize_name

from tiergate.config import read_toml
from tiergate.pins import PRE_COMMIT_CONFIG, read_pins
from tiergate.runfolder import session_name
from tiergate_nox.install import Provision
from tiergate_nox.record import SessionRecord

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import nox

    from tiergate.config import TiergateConfig
    from tiergate.runfolder import SessionKind
    from tiergate.workspace import Member, Workspace

_ERROR = re.compile(r"error|failed|invalid|not found|cannot|no \S+ files", re.IGNORECASE)


@dataclass(frozen=True)
class SessionContext:
    """The workspace, its configuration and the run folder every session writes into."""

    root: Path
    workspace: Workspace
    config: TiergateConfig
    run_dir: Path

    def record(
        self, kind: SessionKind, python: str | None = None, package: str | None = None
    ) -> SessionRecord:
        """The session's folder in the run; its manifest is written when the block ends."""
        return SessionRecord(
            run_dir=self.run_dir,
            run_id=self.run_dir.name,
            session=session_name(kind, python, package),
            kind=kind,
            package=package,
            python=python,
        )

    def provision(self, session: nox.Session) -> Provision:
        """The commands that will build ``session``'s environment (none yet)."""
        return Provision(session, self.root)

    def member_for(self, session: nox.Session, package: str) -> Member:
        """The member ``package``; the session is skipped on a Python it does not support."""
        member = self.workspace.member(package)
        if str(session.python) not in member.pythons:
            session.skip(
                f"{package} does not support Python {session.python} ({member.requires_python})"
            )
        return member


def first_error(tool: str, *outputs: str) -> str:
    """The tool's own first error line in ``outputs`` (a usage synopsis is skipped)."""
    lines: list[str] = []
    for output in outputs:
        in_usage = False
        for line in output.splitlines():
            in_usage = line.startswith("usage:") or (in_usage and line[:1].isspace())
            if line.strip() and not in_usage:
                lines.append(line.strip())
    if not lines:
        return "stopped without a message"
    number = next((n for n, line in enumerate(lines) if _ERROR.search(line)), 0)
    chosen = lines[number]
    following = lines[number + 1] if number + 1 < len(lines) else ""
    if following.startswith("Cause:"):  # ruff says "ruff failed", then what failed
        chosen = following.removeprefix("Cause:").strip()
    elif following.startswith("-->"):
        chosen = f"{chosen} ({following.removeprefix('-->').strip()})"
    return chosen.removeprefix(f"{tool}: ")


def provide(
    ctx: SessionContext,
    session: nox.Session,
    tools: Sequence[str],
    *,
    group: str | None = None,
    provision: Provision | None = None,
) -> None:
    """Install ``tools``: synced from the root's ``group`` if any, pinned by pre-commit over it.

    ``provision``: the caller's, holding its own sync (the tools come with it when
    it syncs a dependency group); the tools' commands join it. Then the environment
    is built.
    """
    provision = provision or ctx.provision(session)
    group_defined = provision.syncs_groups
    if group is not None:
        root_groups = read_toml(ctx.root / "pyproject.toml").get("dependency-groups", {})
        group_defined = bool(defined_groups((group,), root_groups))
        if group_defined:
            provision.sync(groups=(group,))
    pins = read_pins(ctx.root)
    wanted: list[str] = []
    for tool in tools:
        pin = pins.get(tool)
        if pin is not None:
            session.log(f"{tool}: {pin.requirement}, pinned in {PRE_COMMIT_CONFIG} line {pin.line}")
            wanted.append(pin.requirement)
        elif not group_defined:
            session.log(f"{tool}: no dependency group holds it and no pin: the newest release")
            wanted.append(tool)
        else:
            session.log(f"{tool}: the version locked in uv.lock")
    if wanted:
        provision.install(*wanted)
    provision.apply()


def defined_groups(groups: Sequence[str], defined: object) -> tuple[str, ...]:
    """Those of ``groups`` that ``defined`` (a ``[dependency-groups]`` table) declares."""
    names = {canonicalize_name(str(name)) for name in items_of(defined)}
    return tuple(group for group in groups if canonicalize_name(group) in names)


def items_of(value: object) -> list[object]:
    """The keys of a table or the items of an array read from a configuration file."""
    return list(value) if isinstance(value, Mapping | list | tuple) else []


def capture(
    session: nox.Session,
    command: Sequence[str],
    *,
    stdout: IO[str] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """Run ``command``: its exit code, stdout (unless sent to ``stdout``) and stderr, echoed."""
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8") as err,
    ):
        code = run(session, command, stdout=stdout or out, stderr=err, env=env)
        out.seek(0)
        err.seek(0)
        captured, errors = out.read(), err.read()
    for text in (captured, errors):
        if text.strip():
            session.log(text.rstrip())
    return code, captured, errors


def run(  # noqa: PLR0913 - where each stream goes, the environment, and whose program
    session: nox.Session,
    command: Sequence[str],
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    env: dict[str, str] | None = None,
    external: bool = False,
) -> int:
    """Run ``command``; its exit code (a missing program still raises).

    stderr goes where stdout goes unless ``stderr`` says otherwise.
    """
    errors = stderr if stderr is not None else subprocess.STDOUT
    try:
        session.run(*command, stdout=stdout, stderr=errors, env=env, external=external)
    except CommandFailed as failure:
        if failure.return_code is None:
            raise
        return failure.return_code
    return 0


def finish_tool(session: nox.Session, rec: SessionRecord, code: int, message: str) -> None:
    """0: passed; 1: the tool found problems; anything else: the tool crashed."""
    rec.finish("passed" if code == 0 else "failed" if code == 1 else "crashed", code, message)
    if code:
        session.error(message)


def inside(path: Path, containers: Sequence[Path]) -> bool:
    """True when ``path`` is one of ``containers`` or below one."""
    return any(path.is_relative_to(container) for container in containers)

"""The input key of each session: which inputs each kind of session depends on.

- ``tests-<python>(package=...)`` and ``type-<python>(package=...)``: the files
  of the member, of the members it tests (``tested-by``) and of every member
  they depend on, transitively, test-time dependencies included (less the test
  files pytest collects for those: a dependent's read set holds any it reads); the root's
  configuration those tools read; the locked distributions of its
  environment; the interpreter.
- ``lint``: every Python file, ruff's configuration, the ruff version.
- ``sql``: every ``.sql`` file, sqlfluff's configuration, the sqlfluff version.
- ``security``: the members' source, bandit's configuration, the bandit version.
- ``audit``: the whole ``uv.lock``, the pip-audit version, the offline advisory
  database and whether the audit asks the online service (whose answer is reused
  for a while only: :mod:`tiergate.reuse`).

Every session also depends on the code that runs it (the noxfile, tiergate and
tiergate-nox), on the environment variables :mod:`tiergate.inputs.environ`
lists, and on its command line.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import metadata
from typing import TYPE_CHECKING, Final, Literal

from packaging.utils import canonicalize_name

from tiergate.errors import TiergateError, first_line
from tiergate.inputs.environ import add_environment
from tiergate.inputs.hashing import text_digest, value_digest
from tiergate.inputs.key import InputKey, NoKey, Parts
from tiergate.inputs.scan import Incomplete, InputScan
from tiergate.inputs.tools import (
    add_audit,
    add_if_present,
    add_lint,
    add_security,
    add_sql,
    add_tool_version,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.workspace import Member, Workspace

Audit = Literal["online", "offline"]

_TOOL_INPUTS: Final[Mapping[str, Callable[[InputScan, Parts], None]]] = {
    "lint": add_lint,
    "sql": add_sql,
    "security": add_security,
    "audit": add_audit,
}
_MEMBER_SESSION = re.compile(
    r"^(?P<kind>tests|type)-(?P<python>\d+\.\d+)\(package=(?P<q>['\"]?)(?P<package>[^'\"]+)(?P=q)\)$"
)
_ROOT_TABLES = ("pytest", "coverage", "mypy")
"""``[tool.<name>*]`` tables of the root ``pyproject.toml`` a tests or type session reads
(``pytest`` covers ``[tool.pytest.ini_options]``, ``[tool.pytest]`` and its plugins')."""
_ROOT_EXACT = ("tiergate", "uv")
"""``[tool.<name>]`` tables it reads, these names exactly."""
_CONFIG_FILES = (
    "conftest.py",
    "pytest.ini",
    ".pytest.ini",
    "tox.ini",
    "setup.cfg",
    ".coveragerc",
    "mypy.ini",
    ".mypy.ini",
    "uv.toml",
)
"""Files pytest, coverage, mypy and uv read from the root and the folders down to a member."""
_RUNNERS = ("tiergate", "tiergate-nox", "pytest-tiergate")
"""The distributions that run a session; pytest-tiergate only runs in tests sessions."""


def session_key(  # noqa: PLR0913 - the workspace, the session and how it runs
    root: Path,
    workspace: Workspace,
    config: TiergateConfig,
    session: str,
    *,
    environ: Mapping[str, str],
    posargs: Sequence[str] = (),
    audit: Audit = "online",
    scan: InputScan | None = None,
) -> InputKey | NoKey:
    """The input key of ``session`` (a nox session name), or why there is none.

    ``posargs``: the extra arguments it runs with. ``audit``: whether the audit
    session asks the online service (``tiergate audit`` without
    ``--offline``: no key) or only the offline database. ``scan``: what an earlier
    key of the same computation read (see :func:`session_keys`).
    """
    if root.resolve() != workspace.root:
        return NoKey(reason=f"the workspace was read from {workspace.root}, not {root}")
    scan = scan if scan is not None else InputScan(workspace, config, environ)
    try:
        return _parts(scan, session, posargs, audit).key()
    except Incomplete as problem:
        return NoKey(reason=problem.reason)
    except TiergateError as error:
        return NoKey(reason=first_line(error))


def session_keys(  # noqa: PLR0913 - the workspace, the sessions and how they run
    workspace: Workspace,
    config: TiergateConfig,
    sessions: Sequence[str],
    *,
    environ: Mapping[str, str],
    posargs: Sequence[str] = (),
    audit: Audit = "online",
) -> dict[str, InputKey | NoKey]:
    """The key of each of ``sessions``: every file hashed and every interpreter asked once."""
    scan = InputScan(workspace, config, environ)
    scan.prefetch(m["python"] for s in sessions if (m := _MEMBER_SESSION.match(s)))
    return {
        session: session_key(
            workspace.root,
            workspace,
            config,
            session,
            environ=environ,
            posargs=posargs,
            audit=audit,
            scan=scan,
        )
        for session in sessions
    }


def _parts(scan: InputScan, session: str, posargs: Sequence[str], audit: Audit) -> Parts:
    parts = Parts()
    found = _MEMBER_SESSION.match(session)
    if found is not None:
        kind = found["kind"]
        member = scan.workspace.member(found["package"])
        _add_member_session(scan, parts, kind, member)
        parts.add("python", scan.interpreter(found["python"]))
    elif session in _TOOL_INPUTS:
        kind = session
        if session == "audit":  # an online audit is reused for a while only: see reuse
            parts.add("audit", text_digest(audit))
        _TOOL_INPUTS[session](scan, parts)
        if session != "lint":  # ruff is one binary: the interpreter does not run it
            parts.add("python", scan.interpreter(scan.workspace.pythons[0]))
    else:
        raise Incomplete(f"{session!r} is not a session tiergate knows the inputs of")
    _add_runners(scan, parts, kind)
    add_environment(parts, kind, scan.environ)
    parts.add("command", text_digest(json.dumps([session, *posargs])))
    return parts


def _add_member_session(scan: InputScan, parts: Parts, kind: str, member: Member) -> None:
    """A tests or type session: its members' files, the root's configuration, its environment."""
    workspace = scan.workspace
    tested = [member]
    if kind == "tests":
        tested += [m for m in workspace.members if m.tested_by == member.name]
    names = {m.name for m in tested}
    for one in tested:
        names.update(workspace.dependencies_of(one.name, transitive=True))
    depended = [m for m in workspace.members if m.name in names]
    others_tests = set().union(*(scan.own_tests(m) for m in depended if m not in tested))
    files = [name for one in depended for name in scan.member_files(one.path)]
    groups = _session_groups(kind, member)
    env = scan.environment(member.name, groups)
    for name in [*files, *scan.local_files(env)]:
        if name not in others_tests:
            parts.add_file(name, scan.digest(name))
    for name, digest in env.digests.items():
        parts.add(f"uv.lock:{name}", digest)
    if kind == "type":
        add_tool_version(scan, parts, "mypy", env, groups[0] if groups else None)
    _add_root_configuration(scan, parts, member)


def unkeyed(scan: InputScan, member: Member, reads: Iterable[str]) -> list[str]:
    """Those of ``reads`` (read-set names) that no tests session's key of ``member`` holds.

    A key holds the files git lists in the repository and those of the local
    sources outside it the member's test environment installs; the rest (a file
    git ignores, one elsewhere on the machine) is held only by the read set.
    Sorted; none without git; when the environment cannot be known, only the
    listed files count.
    """
    try:
        held = set(scan.listed)
    except Incomplete:
        return []
    try:
        env = scan.environment(member.name, _session_groups("tests", member))
        held.update(scan.local_files(env))
    except Incomplete:
        pass
    return sorted(name for name in set(reads) if name not in held)


def _session_groups(kind: str, member: Member) -> tuple[str, ...]:
    """The dependency groups the session syncs: the test group, or ``type`` when declared."""
    if kind == "tests":
        return (member.test_group,) if member.test_group else ()
    declared = {str(canonicalize_name(group)): group for group in member.dependency_groups}
    return (declared["type"],) if "type" in declared else ()


def _add_root_configuration(scan: InputScan, parts: Parts, member: Member) -> None:
    """The root tables, ``.python-version``, and the config files from the root to the member."""
    tool = scan.table("pyproject.toml").get("tool", {})
    for name in sorted(tool if isinstance(tool, dict) else {}):
        if name in _ROOT_EXACT or name.startswith(_ROOT_TABLES):
            parts.add(f"pyproject.toml[tool.{name}]", value_digest(tool[name]))
    parts.add_file(".python-version", scan.digest(".python-version"))
    folder = scan.relative(member.path)
    ancestors = [""] + ["/".join(folder.split("/")[:n]) for n in range(1, folder.count("/") + 1)]
    for ancestor in ancestors if folder else []:
        names = [*_CONFIG_FILES, *(["pyproject.toml"] if ancestor else [])]
        for name in (f"{ancestor}/{n}" if ancestor else n for n in names):
            add_if_present(scan, parts, name)


def _add_runners(scan: InputScan, parts: Parts, kind: str) -> None:
    """The noxfile, and the version (and, for a member, the source) of what runs the session."""
    add_if_present(scan, parts, "noxfile.py")
    members = {canonicalize_name(m.name): m for m in scan.workspace.members}
    for runner in _RUNNERS:
        if runner == "pytest-tiergate" and kind != "tests":
            continue
        member = members.get(canonicalize_name(runner))
        if member is None:
            parts.add(f"tool:{runner}", text_digest(_installed_version(runner)))
            continue
        locked = scan.lock.version(runner) if scan.has_lock else None
        parts.add(f"tool:{runner}", text_digest(locked or member.version))
        for source in member.source:
            name = scan.relative(source)
            for file in [name] if name in scan.listed else scan.under(name):
                parts.add_file(file, scan.digest(file))


@functools.cache
def _installed_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "\0not installed"

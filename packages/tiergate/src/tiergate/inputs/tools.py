"""The inputs of the tool sessions (``lint``, ``sql``, ``security``, ``audit``) and tool versions.

A tool's version is the one its session installs: the version pinned in
``.pre-commit-config.yaml`` (installed over the synced group), else the one
``uv.lock`` locks in the root's group for it. A tool neither pinned nor locked
is installed at its newest release, and a pinned tool whose dependencies no
locked group holds gets them resolved anew: neither has a complete key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from tiergate.advisories.audit import resolve_advisory_db
from tiergate.files import find_files
from tiergate.inputs.hashing import marker, text_digest, value_digest
from tiergate.inputs.scan import Incomplete
from tiergate.pins import PRE_COMMIT_CONFIG
from tiergate.reading import path_problem

if TYPE_CHECKING:
    from tiergate.inputs.key import Parts
    from tiergate.inputs.lock import Environment
    from tiergate.inputs.scan import InputScan

NO_DEPENDENCIES = frozenset({"ruff"})
"""Tools that are one binary with no Python dependencies: their pin is their whole install."""
_PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")
_RUFF_FILES = ("ruff.toml", ".ruff.toml")
_GIT_IGNORES = (".gitignore", ".ignore")
_SQLFLUFF_FILES = (".sqlfluff", ".sqlfluffignore", "setup.cfg", "tox.ini", "pep8.ini")


def add_lint(scan: InputScan, parts: Parts) -> None:
    """``lint``: the Python files ruff lints, its configuration and version."""
    everything = False
    for name in scan.files:
        base = name.rsplit("/", 1)[-1]
        if base == "pyproject.toml":
            data = _toml_or_file(scan, parts, name)
            table = _tool_table(data, "ruff")
            if table is not None:
                project = data.get("project", {})
                requires = project.get("requires-python") if isinstance(project, dict) else None
                parts.add(f"{name}[tool.ruff]", value_digest([table, requires]))
                everything |= _ruff_settings(scan, parts, name, table)
        elif base in _RUFF_FILES:
            parts.add_file(name, scan.digest(name))
            everything |= _ruff_settings(scan, parts, name, _toml_or_file(scan, parts, name))
        elif base in _GIT_IGNORES:
            parts.add_file(name, scan.digest(name))
    for name in scan.files:
        if everything or name.endswith(_PYTHON_SUFFIXES):
            parts.add_file(name, scan.digest(name))
    _add_tools(scan, parts, "lint", ("ruff",))


def _ruff_settings(scan: InputScan, parts: Parts, name: str, table: dict[str, Any]) -> bool:
    """Whether ruff lints more than Python files; a file ruff's ``extend`` names is added.

    ``respect-gitignore = false`` (ruff lints what git ignores) or an ``extend``
    outside the repository cannot be followed: :class:`Incomplete`.
    """
    if table.get("respect-gitignore") is False:
        raise Incomplete(f"{name}: ruff's respect-gitignore = false lints files git ignores")
    extend = table.get("extend")
    if isinstance(extend, str):
        try:
            extended = Path(extend).expanduser()
        except RuntimeError:  # ~user of no known user
            extended = Path(extend)
        relative = scan.inside((scan.root / name).parent / extended)
        if relative is None or relative not in scan.listed:
            raise Incomplete(f"{name}: ruff's extend = {extend!r} is not a file of the repository")
        parts.add_file(relative, scan.digest(relative))
    return "include" in table or "extend-include" in table


def add_sql(scan: InputScan, parts: Parts) -> None:
    """``sql``: every ``.sql`` file the session finds, sqlfluff's configuration and version."""
    for name in _sql_files(scan.root):
        parts.add_file(name, scan.digest(name))
    for name in scan.files:
        base = name.rsplit("/", 1)[-1]
        if base in _SQLFLUFF_FILES:
            parts.add_file(name, scan.digest(name))
        elif base == "pyproject.toml":
            table = _tool_table(_toml_or_file(scan, parts, name), "sqlfluff")
            if table is not None:
                parts.add(f"{name}[tool.sqlfluff]", value_digest(table))
    _add_tools(scan, parts, "sql", ("sqlfluff",))


def _sql_files(root: Path) -> list[str]:
    """The ``.sql`` files below ``root`` as the sql session finds them (ignored ones too)."""
    return [path.relative_to(root).as_posix() for path in find_files(root, "*.sql")]


def add_security(scan: InputScan, parts: Parts) -> None:
    """``security``: the members' source, bandit's configuration and version."""
    for member in scan.workspace.members:
        for source in member.source:
            name = scan.relative(source)
            for file in [name] if name in scan.listed else scan.under(name):
                parts.add_file(file, scan.digest(file))
    _add_root_tables(scan, parts, ("bandit", "tiergate", "uv"))
    add_if_present(scan, parts, ".bandit")
    _add_tools(scan, parts, "security", ("bandit",))


def add_audit(scan: InputScan, parts: Parts) -> None:
    """``audit``: the lock, the audit's settings, pip-audit's version and the advisory data."""
    _add_root_tables(scan, parts, ("tiergate", "uv"))
    add_if_present(scan, parts, "uv.lock")
    _add_tools(scan, parts, "security", ("pip-audit",))
    parts.add("advisory-db", _advisory_db(scan))


def _add_root_tables(scan: InputScan, parts: Parts, tables: tuple[str, ...]) -> None:
    """The root ``pyproject.toml``'s ``[tool.<table>]`` of each of ``tables`` it has."""
    tool = scan.table("pyproject.toml").get("tool", {})
    for table in tables:
        if isinstance(tool, dict) and table in tool:
            parts.add(f"pyproject.toml[tool.{table}]", value_digest(tool[table]))


def _advisory_db(scan: InputScan) -> str:
    """The offline database's identity: its folder and each record's name, size and mtime."""
    configured = scan.config.security.advisory_db
    folder = resolve_advisory_db(scan.root, configured, environ=scan.environ)
    if folder is None:
        return marker("no advisory database")
    folder = folder.resolve()
    records: list[str] = []
    try:
        with os.scandir(folder / "vulns") as packages:
            owners = [(entry.name, entry.path) for entry in packages if entry.is_dir()]
        for owner, where in owners:
            with os.scandir(where) as entries:
                for entry in entries:
                    status = entry.stat()
                    name = f"{owner}/{entry.name}"
                    records.append(f"{name}\0{status.st_size}\0{status.st_mtime_ns}")
    except (FileNotFoundError, NotADirectoryError):
        return marker("advisory database absent")
    except OSError as failure:
        problem = path_problem(failure)
        raise Incomplete(f"cannot read the advisory database {folder}: {problem}") from None
    return text_digest("\n".join([str(folder), *sorted(records)]))


def _add_tools(scan: InputScan, parts: Parts, group: str, tools: tuple[str, ...]) -> None:
    """The root ``group``'s locked environment (when declared) and the version of each tool."""
    declared = scan.table("pyproject.toml").get("dependency-groups", {})
    names = (
        {canonicalize_name(str(g)): str(g) for g in declared} if isinstance(declared, dict) else {}
    )
    env = None
    if canonicalize_name(group) in names:
        env = scan.environment(None, (names[canonicalize_name(group)],))
        for name, digest in env.digests.items():
            parts.add(f"uv.lock:{name}", digest)
        for name in scan.local_files(env):
            parts.add_file(name, scan.digest(name))
    for tool in tools:
        add_tool_version(scan, parts, tool, env, group if env is not None else None)


def add_tool_version(
    scan: InputScan, parts: Parts, tool: str, env: Environment | None, group: str | None
) -> None:
    """``tool:<tool>``: the version the session installs (see the module's rules)."""
    pin = scan.pins.get(tool)
    locked = env.versions.get(str(canonicalize_name(tool))) if env is not None else None
    if pin is not None:
        where = f"pinned in {PRE_COMMIT_CONFIG} line {pin.line}"
        if locked is not None and not _same(locked, pin.version):
            raise Incomplete(
                f"{tool}=={pin.version} {where}, but uv.lock locks {locked} in the {group!r} "
                "group: the install resolves the difference anew"
            )
        if locked is None and tool not in NO_DEPENDENCIES:
            raise Incomplete(
                f"{tool}=={pin.version} {where}, but no locked group holds it: "
                "its dependencies are resolved anew on install"
            )
        parts.add(f"tool:{tool}", text_digest(pin.version))
    elif locked is not None:
        parts.add(f"tool:{tool}", text_digest(locked))
    else:
        raise Incomplete(
            f"{tool}: no dependency group locks it and no pin: the session installs the newest "
            "release"
        )


def _same(locked: str, pinned: str) -> bool:
    try:
        return Version(locked) == Version(pinned)
    except InvalidVersion:
        return locked == pinned


def add_if_present(scan: InputScan, parts: Parts, name: str) -> None:
    """Add the repository file ``name`` when something is there (or git lists it)."""
    digest = scan.digest(name)
    if digest != marker("absent") or name in scan.listed:
        parts.add_file(name, digest)


def _toml_or_file(scan: InputScan, parts: Parts, name: str) -> dict[str, Any]:
    """The parsed TOML file ``name``; one that is not valid TOML is a part whole (and ``{}``)."""
    try:
        return scan.table(name)
    except Incomplete:
        parts.add_file(name, scan.digest(name))  # the tool fails on it: its bytes are the input
        return {}


def _tool_table(data: dict[str, Any], table: str) -> dict[str, Any] | None:
    tool = data.get("tool", {})
    found = tool.get(table) if isinstance(tool, dict) else None
    return found if isinstance(found, dict) else None

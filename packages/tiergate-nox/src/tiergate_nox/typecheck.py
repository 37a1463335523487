"""The ``type-<python>(package=...)`` session: mypy as the repository configured it.

mypy's configuration is found the way mypy finds it (the member's own, else the
root's); when it names what to check, mypy checks that; otherwise the member's
source and tests, less what ``exclude`` leaves out. Strictness is the
repository's choice: nothing is added to its configuration.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import read_toml
from tiergate.errors import ArtifactError, ConfigError, ExitCode
from tiergate.files import read_ini, relative
from tiergate.gates.tools import mypy_errors
from tiergate_nox.base import (
    capture,
    defined_groups,
    finish_tool,
    first_error,
    inside,
    items_of,
    provide,
)

if TYPE_CHECKING:
    import nox

    from tiergate.workspace import Member
    from tiergate_nox.base import SessionContext

_MYPY_CONFIGS = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")
"""mypy's own search order within a folder."""
MYPY_CACHE = "mypy-cache"
"""mypy's cache of a type session, in the session's own environment folder."""


def type_check(ctx: SessionContext, session: nox.Session, package: str) -> None:
    """``type-<python>(package=...)``: mypy on the member with the repository's configuration."""
    member = ctx.member_for(session, package)
    with ctx.record("type", str(session.python), package) as rec:
        groups = defined_groups(("type",), member.dependency_groups)
        provision = ctx.provision(session)
        provision.sync(member=member, groups=groups)
        provide(ctx, session, ("mypy",), provision=provision)
        config = find_mypy_config(member.path, ctx.root)
        folder = config.path.parent if config is not None else ctx.root
        targets: list[Path] = []
        if config is None or not config.self_targeted:
            targets = _mypy_targets(ctx, member, config, folder)
            if not targets:
                message = f"mypy: no file of {member.name} is left to check"
                if config is not None:
                    message += f" ({config.path} excludes them)"
                rec.finish("crashed", None, message)
                session.error(message)
        where = [f"--config-file={config.path}"] if config is not None else []
        # The check runs type sessions at once; mypy's cache is not safe to share between
        # processes ("database is locked"), so each session keeps its own (a cache_dir the
        # configuration names still wins).
        env = {"MYPY_CACHE_DIR": str(Path(session.virtualenv.location) / MYPY_CACHE)}
        bases = _namespace_bases(member, folder)
        if bases:
            where.append("--explicit-package-bases")
            env["MYPYPATH"] = os.pathsep.join(bases)
            session.log(f"mypy: namespace packages, MYPYPATH={env['MYPYPATH']}")
        rec.command = ["mypy", *where, "-O", "json", *(relative(t, folder) for t in targets)]
        rec.workdir = relative(folder, ctx.root)
        findings = rec.artifact("findings", "mypy.jsonl")
        with session.chdir(folder), findings.open("w", encoding="utf-8") as out:
            code, _, errors = capture(session, rec.command, stdout=out, env=env)
        try:
            found = mypy_errors(findings, rec.workdir)
        except ArtifactError as error:
            finish_tool(session, rec, ExitCode.CRASHED, f"mypy: {error}")
            return
        for line in found:
            session.log(line)
        message = f"mypy: {len(found)} error(s)"
        if code not in (0, 1):
            message = f"mypy: {first_error('mypy', *found, errors)}"
        finish_tool(session, rec, code, message)


def _namespace_bases(member: Member, folder: Path) -> list[str]:
    """The folders a member's namespace packages are named from (``acme.beta``: above ``acme``).

    mypy names a file by the nearest folder without an ``__init__.py``, so a namespace
    package's modules would get two names; with these bases on ``MYPYPATH`` and
    ``--explicit-package-bases`` they get the one their import name says. None: no
    namespace package.
    """
    if not any("." in name for name in member.import_packages):
        return []
    bases = {
        path.parents[name.count(".")]
        for path, name in zip(member.source, member.import_packages, strict=True)
    }
    return sorted(relative(base, folder) for base in bases)


@dataclass(frozen=True)
class MypyConfig:
    """The mypy configuration that applies to a member: its file and its ``[mypy]`` options."""

    path: Path
    options: dict[str, object]

    @property
    def self_targeted(self) -> bool:
        """True when it names what to check (``files``, ``packages`` or ``modules``)."""
        return any(self.options.get(key) for key in ("files", "packages", "modules"))

    def excludes(self, target: Path, folder: Path) -> bool:
        """Whether mypy, run in ``folder``, would leave ``target`` out while crawling to it."""
        raw = self.options.get("exclude") or []
        patterns = [raw.strip()] if isinstance(raw, str) else [str(p) for p in items_of(raw)]
        parts = Path(os.path.relpath(target, folder)).parts
        # mypy matches each folder (with a trailing "/") and file it crawls, relative to
        # the working directory; a path given on its command line is never matched, so
        # the single files are dropped here by the same rule.
        paths = ["/".join(parts[: n + 1]) + "/" for n in range(len(parts) - 1)]
        paths.append("/".join(parts) + ("/" if target.is_dir() else ""))
        try:
            return any(re.search(p, path) for p in patterns if p for path in paths)
        except re.error as error:
            raise ConfigError(
                f"mypy exclude is not a regular expression: {error}", path=self.path
            ) from None


def find_mypy_config(member_dir: Path, root: Path) -> MypyConfig | None:
    """The configuration mypy finds: the member's own first, then the root's (None: none)."""
    for folder in dict.fromkeys((member_dir, root)):
        for name in _MYPY_CONFIGS:
            path = folder / name
            if path.is_file() and (options := _mypy_options(path)) is not None:
                return MypyConfig(path, options)
    return None


def _mypy_options(path: Path) -> dict[str, object] | None:
    if path.suffix == ".toml":
        tool = read_toml(path).get("tool")
        table = tool.get("mypy") if isinstance(tool, dict) else None
        return table if isinstance(table, dict) else None
    sections = read_ini(path)
    if "mypy" in sections:
        return {key: value for key, (value, _) in sections["mypy"].items() if key}
    return {} if path.name != "setup.cfg" else None  # mypy reads a mypy.ini with no [mypy]


def _mypy_targets(
    ctx: SessionContext, member: Member, config: MypyConfig | None, folder: Path
) -> list[Path]:
    """The member's source, its test folders and its test files outside both, less excludes.

    A test folder is given whole (its conftest.py and helper modules with it) unless it
    is the member's own folder or holds another member; tests found below the member's
    own folder bring the top folder that holds them (``tests/``), whole.
    """
    others = [m.path for m in ctx.workspace.members if m.path != member.path]
    test_folders = [
        root
        for root in member.test_roots
        if root != member.path
        and root.is_relative_to(member.path)
        and not any(other.is_relative_to(root) for other in others)
        and not inside(root, member.source)
    ]
    # Tests found below the member's own folder: give each top folder holding them whole.
    test_folders += sorted(
        {
            member.path / path.relative_to(member.path).parts[0]
            for path in member.test_files
            if path.is_relative_to(member.path)
            and len(path.relative_to(member.path).parts) > 1
            and not inside(path, [*member.source, *test_folders])
        }
    )
    folders = [*member.source, *test_folders]
    files = [path for path in member.test_files if not inside(path, folders)]
    extra = [ctx.root / "noxfile.py", ctx.root / "tasks.py"] if member.is_root else []
    return [
        target
        for target in (*folders, *files, *extra)
        if target.exists() and _checkable(target, config, folder)
    ]


def _checkable(target: Path, config: MypyConfig | None, folder: Path) -> bool:
    """False when ``exclude`` leaves ``target`` out, or every Python file in it (mypy exit 2)."""
    if config is not None and config.excludes(target, folder):
        return False
    if not target.is_dir():
        return True
    files = chain(target.rglob("*.py"), target.rglob("*.pyi"))
    return any(config is None or not config.excludes(path, folder) for path in files)

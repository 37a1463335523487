"""The tool sessions: type (mypy), lint (ruff), sql (sqlfluff), security (bandit, audit).

Each runs its tool the way the repository configured it (its own configuration
files, the version it pins in ``.pre-commit-config.yaml``) and writes the tool's
own JSON into its folder of the run. A tool that stops on a usage or
configuration error is ``crashed`` with the tool's own first error line.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from typing import IO, TYPE_CHECKING

from nox.command import CommandFailed
from packaging.utils import canonicalize_name

from tiergate.config import read_toml
from tiergate.errors import ConfigError
from tiergate.files import relative
from tiergate.gates.tools import mypy_where
from tiergate_nox.install import install, sync
from tiergate_nox.pins import PRE_COMMIT_CONFIG, read_pins

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from tiergate.workspace import Member
    from tiergate_nox.base import SessionContext
    from tiergate_nox.record import SessionRecord

_SKIP_DIRS = {".git", ".venv", ".nox", ".tiergate", "node_modules", "__pycache__"}
_MYPY_CONFIGS = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")
"""mypy's own search order within a folder."""
_ERROR = re.compile(r"error|failed|invalid|not found|cannot|no \S+ files", re.IGNORECASE)
_REFORMAT = re.compile(r"^Would reformat: (?P<path>.+)$")
_LOCATION = re.compile(r"^\s*--> (?P<path>.+?):\d+:\d+$")


# ------------------------------------------------------------------- type
def type_check(ctx: SessionContext, session: nox.Session, package: str) -> None:
    """``type-<python>(package=...)``: mypy on the member with the repository's configuration."""
    member = ctx.member_for(session, package)
    with ctx.record("type", str(session.python), package) as rec:
        groups = _defined(("type",), member.dependency_groups)
        sync(session, member=member, groups=groups)
        _provide(ctx, session, ("mypy",), group_defined=bool(groups))
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
        bases, env = _namespace_bases(member, folder), None
        if bases:
            where.append("--explicit-package-bases")
            env = {"MYPYPATH": os.pathsep.join(bases)}
            session.log(f"mypy: namespace packages, MYPYPATH={env['MYPYPATH']}")
        rec.command = ["mypy", *where, "-O", "json", *(relative(t, folder) for t in targets)]
        findings = rec.artifact("findings", "mypy.jsonl")
        with session.chdir(folder), findings.open("w", encoding="utf-8") as out:
            code, _, errors = _capture(session, rec.command, stdout=out, env=env)
        found = _mypy_errors(findings)
        for line in found:
            session.log(line)
        message = f"mypy: {len(found)} error(s)"
        if code not in (0, 1):
            message = f"mypy: {first_error('mypy', *found, errors)}"
        _finish(session, rec, code, message)


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
        patterns = [raw.strip()] if isinstance(raw, str) else [str(p) for p in _items(raw)]
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
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        line = getattr(error, "lineno", None)
        raise ConfigError(f"invalid INI: {error.message}", path=path, line=line) from None
    if parser.has_section("mypy"):
        return dict(parser["mypy"])
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
        and not _inside(root, member.source)
    ]
    # Tests found below the member's own folder: give each top folder holding them whole.
    test_folders += sorted(
        {
            member.path / path.relative_to(member.path).parts[0]
            for path in member.test_files
            if path.is_relative_to(member.path)
            and len(path.relative_to(member.path).parts) > 1
            and not _inside(path, [*member.source, *test_folders])
        }
    )
    folders = [*member.source, *test_folders]
    files = [path for path in member.test_files if not _inside(path, folders)]
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


def _inside(path: Path, containers: Sequence[Path]) -> bool:
    return any(path.is_relative_to(container) for container in containers)


def _mypy_errors(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("{"):
            item = json.loads(raw)
            where = mypy_where(item)
            lines.append(f"{where}: {item['severity']}: {item['message']} [{item.get('code')}]")
    return lines


# ------------------------------------------------------------------- lint
def lint(ctx: SessionContext, session: nox.Session) -> None:
    """``lint``: ruff check and ruff format --check on the repository, as it configures them."""
    with ctx.record("lint") as rec:
        _provide(ctx, session, ("ruff",), group="lint")
        findings = rec.artifact("findings", "ruff.json")
        rec.command = ["ruff", "check", "--output-format=json", f"--output-file={findings}", "."]
        check, _, errors = _capture(session, rec.command)
        if check not in (0, 1):
            _finish(session, rec, check, f"ruff: {first_error('ruff', errors)}")
            return
        count = len(json.loads(findings.read_text(encoding="utf-8") or "[]"))
        if count:
            session.run("ruff", "check", "--output-format=concise", ".", success_codes=[0, 1])
        fmt, out, errors = _capture(session, ["ruff", "format", "--check", "."])
        unformatted = reformat_paths(out)
        rec.artifact("format", "ruff-format.txt").write_text(
            "".join(f"{path}\n" for path in unformatted), encoding="utf-8"
        )
        message = f"ruff: {count} finding(s), {len(unformatted)} file(s) would be reformatted"
        if fmt not in (0, 1):
            message = f"ruff format: {first_error('ruff', errors, out)}"
        _finish(session, rec, fmt if fmt not in (0, 1) else max(check, fmt), message)


def reformat_paths(output: str) -> list[str]:
    """The files ``ruff format --check`` would reformat, from its output (old and new forms)."""
    lines = output.splitlines()
    # older ruff: "Would reformat: a.py"; newer: "unformatted: ..." then " --> a.py:1:2"
    found = [m["path"] for line in lines if (m := _REFORMAT.match(line))]
    found += [
        m["path"]
        for line, after in pairwise(lines)
        if line.startswith("unformatted:") and (m := _LOCATION.match(after))
    ]
    return sorted(dict.fromkeys(found))


# -------------------------------------------------------------------- sql
def sql(ctx: SessionContext, session: nox.Session) -> None:
    """``sql``: sqlfluff on every ``.sql`` file of the repository."""
    with ctx.record("sql") as rec:
        _provide(ctx, session, ("sqlfluff",), group="sql")
        files = sorted(str(p.relative_to(ctx.root)) for p in _find(ctx.root, "*.sql"))
        findings = rec.artifact("findings", "sqlfluff.json")
        if not files:
            findings.write_text("[]\n", encoding="utf-8")
            session.log("sql: no .sql files in the repository; nothing to lint")
            rec.finish("passed", 0, "no .sql files")
            return
        rec.command = ["sqlfluff", "lint", "--format=json", f"--write-output={findings}", *files]
        code, out, errors = _capture(session, rec.command)
        message = f"sqlfluff: {first_error('sqlfluff', errors, out)}"
        if code == 1 and findings.is_file():
            report = json.loads(findings.read_text(encoding="utf-8") or "[]")
            bad = [one for one in report if one.get("violations")]
            message = f"sqlfluff: problems in {len(bad)} of {len(files)} file(s)"
        _finish(session, rec, code, message)


# --------------------------------------------------------------- security
def security(ctx: SessionContext, session: nox.Session) -> None:
    """``security``: bandit on every member's source and the audit of the lock."""
    with ctx.record("security") as rec:
        _provide(ctx, session, ("bandit", "pip-audit"), group="security")
        sources = sorted({relative(p, ctx.root) for m in ctx.workspace.members for p in m.source})
        bandit_code, bandit_note = 0, "bandit: no source to scan"
        if sources:
            bandit_code, bandit_note = _bandit(ctx, session, rec, sources)
        else:
            session.log(f"security: {bandit_note}: no member has source")
        requirements = rec.artifact("requirements", "requirements.txt")
        session.run_install(
            "uv",
            "export",
            "--frozen",
            "--no-hashes",
            "--no-emit-workspace",
            "--all-packages",
            "--all-groups",
            "--format=requirements.txt",
            f"--output-file={requirements}",
            "--quiet",
        )
        audit_out = rec.artifact("findings", "audit.json")
        rec.command = [
            sys.executable,
            "-m",
            "tiergate",
            "--root",
            str(ctx.root),
            "audit",
            f"--requirements={requirements}",
            f"--json-output={audit_out}",
        ]
        audit_code = _run(session, rec.command, external=True)
        code = bandit_code if bandit_code not in (0, 1) else max(bandit_code, audit_code)
        _finish(session, rec, code, f"{bandit_note}, audit exit {audit_code}")


def _bandit(
    ctx: SessionContext, session: nox.Session, rec: SessionRecord, sources: list[str]
) -> tuple[int, str]:
    """Run bandit on ``sources``: its exit code and what to say about it."""
    config = bandit_config(ctx.root)
    # Tests kept beside the code (*_test.py) are tests, not source: asserts are their job.
    tests = sorted(
        {
            relative(path, ctx.root)
            for member in ctx.workspace.members
            for path in member.test_files
            if _inside(path, member.source)
        }
    )
    if tests:
        config = [*config, "-x", ",".join(tests)]
    out = rec.artifact("bandit", "bandit.json")
    code, stdout, errors = _capture(
        session, ["bandit", "-q", *config, "-f", "json", "-o", str(out), "-r", *sources]
    )
    if code == 1:
        session.run("bandit", "-q", *config, "-r", *sources, success_codes=[1])
    if code not in (0, 1):
        return code, f"bandit: {first_error('bandit', errors, stdout)}"
    return code, f"bandit exit {code}"


def bandit_config(root: Path) -> list[str]:
    """Options naming bandit's configuration: the root's ``[tool.bandit]``, else ``.bandit``."""
    tool = read_toml(root / "pyproject.toml").get("tool")
    if isinstance(tool, dict) and "bandit" in tool:
        return ["-c", str(root / "pyproject.toml")]
    dotted = root / ".bandit"
    if not dotted.is_file():
        return []
    parser = configparser.RawConfigParser()
    try:
        parser.read(dotted, encoding="utf-8")
    except configparser.Error:
        return ["-c", str(dotted)]  # not INI: bandit's YAML configuration
    # An INI .bandit holds command-line options; bandit finds one only inside its targets.
    return ["--ini", str(dotted)] if parser.has_section("bandit") else ["-c", str(dotted)]


# ----------------------------------------------------------------- shared
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


def _provide(
    ctx: SessionContext,
    session: nox.Session,
    tools: Sequence[str],
    *,
    group: str | None = None,
    group_defined: bool | None = None,
) -> None:
    """Install ``tools``: synced from the root's ``group`` if any, pinned by pre-commit over it.

    ``group_defined`` (the caller synced already): whether the tools came with the sync.
    """
    if group is not None:
        root_groups = read_toml(ctx.root / "pyproject.toml").get("dependency-groups", {})
        group_defined = bool(_defined((group,), root_groups))
        if group_defined:
            sync(session, groups=(group,))
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
        install(session, *wanted)


def _defined(groups: Sequence[str], defined: object) -> tuple[str, ...]:
    """Those of ``groups`` that ``defined`` (a ``[dependency-groups]`` table) declares."""
    names = {canonicalize_name(str(name)) for name in _items(defined)}
    return tuple(group for group in groups if canonicalize_name(group) in names)


def _items(value: object) -> list[object]:
    """The keys of a table or the items of an array read from a configuration file."""
    return list(value) if isinstance(value, Mapping | list | tuple) else []


def _capture(
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
        code = _run(session, command, stdout=stdout or out, stderr=err, env=env)
        out.seek(0)
        err.seek(0)
        captured, errors = out.read(), err.read()
    for text in (captured, errors):
        if text.strip():
            session.log(text.rstrip())
    return code, captured, errors


def _run(  # noqa: PLR0913 - where each stream goes, the environment, and whose program
    session: nox.Session,
    command: Sequence[str],
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    env: dict[str, str] | None = None,
    external: bool = False,
) -> int:
    errors = stderr if stderr is not None else subprocess.STDOUT
    try:
        session.run(*command, stdout=stdout, stderr=errors, env=env, external=external)
    except CommandFailed as failure:
        if failure.return_code is None:
            raise
        return failure.return_code
    return 0


def _finish(session: nox.Session, rec: SessionRecord, code: int, message: str) -> None:
    """0: passed; 1: the tool found problems; anything else: the tool crashed."""
    rec.finish("passed" if code == 0 else "failed" if code == 1 else "crashed", code, message)
    if code:
        session.error(message)


def _find(root: Path, pattern: str) -> list[Path]:
    return [
        path
        for path in root.rglob(pattern)
        if not _SKIP_DIRS.intersection(path.relative_to(root).parts)
    ]

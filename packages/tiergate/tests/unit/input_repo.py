"""Real git repositories holding small uv workspaces, for the input-key tests.

``src_layout`` (members under ``packages/*`` with ``src/`` layouts, a workspace
root without ``[project]``) and ``flat_layout`` (members under ``libs/*`` with
flat packages and a ``tests/`` folder, the root a member too) write every file,
a ``uv.lock`` in uv's own format, then ``git init`` and commit.

The src layout: ``app`` depends on ``util``, which depends on ``core``; ``app``'s
test group holds ``pytest`` and the member ``testkit``; ``ext`` is tested by
``app``; ``other`` depends on nothing of these (its third-party dependency is
``requests``); ``util``'s test group adds ``attrs``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.config import load_config
from tiergate.inputs import InputKey, NoKey, session_key
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from tiergate.inputs.scan import InputScan

BASE_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "HOME": os.environ.get("HOME", "/"),
    **{name: os.environ[name] for name in ("PYENV_ROOT",) if name in os.environ},
}
"""What a key sees of the environment by default: enough to find git and Python, no more."""

THIRD_PARTY: dict[str, tuple[str, tuple[str, ...]]] = {
    "attrs": ("24.2.0", ()),
    "bandit": ("1.7.10", ("pyyaml",)),
    "click": ("8.1.7", ()),
    "idna": ("3.10", ()),
    "iniconfig": ("2.0.0", ()),
    "mypy": ("1.13.0", ("typing-extensions",)),
    "pip-audit": ("2.7.3", ("requests",)),
    "pluggy": ("1.5.0", ()),
    "pytest": ("8.3.3", ("iniconfig", "pluggy")),
    "pyyaml": ("6.0.2", ()),
    "requests": ("2.32.3", ("idna",)),
    "ruff": ("0.6.9", ()),
    "sqlfluff": ("3.2.0", ("click",)),
    "typing-extensions": ("4.12.2", ()),
}
"""Distribution -> (version, its dependencies), locked as uv locks a registry package."""

ROOT_GROUPS = {"lint": ["ruff"], "sql": ["sqlfluff"], "security": ["bandit", "pip-audit"]}


@dataclass(frozen=True)
class LockedMember:
    """A workspace member as ``uv.lock`` holds it."""

    name: str
    folder: str
    dependencies: tuple[str, ...] = ()
    groups: Mapping[str, tuple[str, ...]] | None = None
    virtual: bool = False


def lock_text(
    members: Sequence[LockedMember], root_groups: Mapping[str, Sequence[str]] | None
) -> str:
    """A ``uv.lock`` of ``members`` and :data:`THIRD_PARTY`, as uv writes one.

    ``root_groups``: the dependency groups of a workspace root with no ``[project]``
    (uv keeps them in the lock's ``[manifest]``).
    """
    lines = ["version = 1", "revision = 3", 'requires-python = ">=3.11"', "", "[manifest]"]
    lines.append(f"members = {json.dumps(sorted(m.name for m in members))}")
    if root_groups:
        lines += ["", "[manifest.dependency-groups]"]
        lines += [f"{g} = [{_names(names)}]" for g, names in sorted(root_groups.items())]
    packages = [(name, *spec) for name, spec in THIRD_PARTY.items()]
    for name, version, dependencies in sorted(packages):
        digest = hashlib.sha256(f"{name}-{version}".encode()).hexdigest()
        base = f"https://files.example.invalid/{name}-{version}"
        lines += ["", "[[package]]", f'name = "{name}"', f'version = "{version}"']
        lines.append('source = { registry = "https://pypi.org/simple" }')
        if dependencies:
            lines.append(f"dependencies = [{_names(dependencies)}]")
        lines.append(f'sdist = {{ url = "{base}.tar.gz", hash = "sha256:{digest}", size = 100 }}')
        wheel = f'{{ url = "{base}-py3-none-any.whl", hash = "sha256:{digest[::-1]}", size = 90 }}'
        lines.append(f"wheels = [{wheel}]")
    for member in sorted(members, key=lambda m: m.name):
        kind = "virtual" if member.virtual else "editable"
        lines += ["", "[[package]]", f'name = "{member.name}"', 'version = "1.0"']
        lines.append(f'source = {{ {kind} = "{member.folder}" }}')
        if member.dependencies:
            lines.append(f"dependencies = [{_names(member.dependencies)}]")
        if member.groups:
            lines += ["", "[package.dev-dependencies]"]
            lines += [f"{g} = [{_names(names)}]" for g, names in sorted(member.groups.items())]
    return "\n".join(lines) + "\n"


def _names(names: Sequence[str]) -> str:
    return ", ".join(f'{{ name = "{name}" }}' for name in names)


class KeyRepo:
    """A workspace in a real git repository, and the keys of its sessions."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        """Write dedented ``text`` to ``relative``; return the path."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def git(self, *args: str) -> str:
        """Run real git in the repository; its output."""
        return subprocess.run(
            ["git", "-C", str(self.root), *args], capture_output=True, text=True, check=True
        ).stdout

    def commit(self, message: str = "change") -> None:
        """Commit every change (the repository's own identity, no signing)."""
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message)

    def key(
        self,
        session: str,
        *,
        environ: Mapping[str, str] | None = None,
        posargs: Sequence[str] = (),
        audit: str = "online",
        scan: InputScan | None = None,
    ) -> InputKey | NoKey:
        """The key of ``session``, read afresh (workspace and configuration included)."""
        workspace = load_workspace(self.root)
        return session_key(
            self.root,
            workspace,
            load_config(self.root),
            session,
            environ=BASE_ENV if environ is None else environ,
            posargs=posargs,
            audit="offline" if audit == "offline" else "online",
            scan=scan,
        )

    def must_key(
        self,
        session: str,
        *,
        environ: Mapping[str, str] | None = None,
        posargs: Sequence[str] = (),
        audit: str = "online",
        scan: InputScan | None = None,
    ) -> InputKey:
        """The key of ``session``, which must be complete."""
        found = self.key(session, environ=environ, posargs=posargs, audit=audit, scan=scan)
        assert isinstance(found, InputKey), found
        return found


def _init(root: Path) -> KeyRepo:
    repo = KeyRepo(root)
    repo.git("init", "--quiet", "--initial-branch=main")
    for key, value in (
        ("user.name", "Tiergate Test"),
        ("user.email", "test@tiergate.invalid"),
        ("commit.gpgsign", "false"),
    ):
        repo.git("config", "--local", key, value)
    repo.commit("initial")
    return repo


def _member(repo: KeyRepo, member: LockedMember, extra: str = "") -> None:
    groups = "".join(
        f"{g} = {json.dumps(list(names))}\n" for g, names in (member.groups or {}).items()
    )
    repo.write(
        f"{member.folder}/pyproject.toml",
        f'[project]\nname = "{member.name}"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
        f"dependencies = {json.dumps(list(member.dependencies))}\n"
        + (f"\n[dependency-groups]\n{groups}" if groups else "")
        + extra,
    )


SRC_MEMBERS = (
    LockedMember("core", "packages/core", groups={"test": ("pytest",)}),
    LockedMember("util", "packages/util", ("core",), {"test": ("pytest", "attrs")}),
    LockedMember(
        "app", "packages/app", ("util",), {"test": ("pytest", "testkit"), "type": ("mypy",)}
    ),
    LockedMember("testkit", "packages/testkit", ("core",)),
    LockedMember("ext", "packages/ext"),
    LockedMember("other", "packages/other", ("requests",), {"test": ("pytest",)}),
)
ROOT_PYPROJECT = """\
[tool.uv.workspace]
members = ["packages/*"]

[dependency-groups]
lint = ["ruff"]
sql = ["sqlfluff"]
security = ["bandit", "pip-audit"]

[tool.pytest.ini_options]
addopts = ["--strict-markers"]

[tool.coverage.run]
branch = true

[tool.mypy]
strict = true

[tool.ruff]
line-length = 100

[tool.sqlfluff.core]
dialect = "ansi"

[tool.bandit]
skips = ["B101"]

[tool.tiergate.security]
advisory-db = "advisories"
"""


def src_layout(root: Path) -> KeyRepo:
    """The src-layout workspace (see the module), committed."""
    repo = KeyRepo(root)
    root.mkdir(parents=True, exist_ok=True)
    repo.write("pyproject.toml", ROOT_PYPROJECT)
    repo.write(".python-version", "3.11\n3.12\n")
    repo.write(".gitignore", "build/\n*.log\n.venv/\n")
    repo.write("conftest.py", "collect_ignore = []\n")
    repo.write("noxfile.py", '"""Sessions."""\n')
    repo.write("README.md", "# a workspace\n")
    repo.write("queries/report.sql", "SELECT 1;\n")
    for member in SRC_MEMBERS:
        extra = '\n[tool.tiergate]\ntested-by = "app"\n' if member.name == "ext" else ""
        _member(repo, member, extra)
        package = member.name
        repo.write(f"{member.folder}/src/{package}/__init__.py", f'"""The {package} package."""\n')
    repo.write("packages/core/src/core/model.py", "VALUE = 1\n")
    repo.write("packages/core/tests/unit/test_model.py", "def test_value():\n    assert True\n")
    repo.write("packages/util/tests/test_util.py", "def test_util():\n    assert True\n")
    repo.write("packages/app/src/app/main.py", "def main():\n    return 0\n")
    repo.write("packages/app/tests/conftest.py", "")
    repo.write("packages/app/tests/unit/test_main.py", "def test_main():\n    assert True\n")
    repo.write("packages/app/tests/integration/test_flow.py", "def test_flow():\n    pass\n")
    repo.write("packages/other/tests/test_other.py", "def test_other():\n    assert True\n")
    repo.write("uv.lock", lock_text(SRC_MEMBERS, ROOT_GROUPS))
    return _init(root)


FLAT_MEMBERS = (
    LockedMember("mono", ".", groups={"test": ("pytest",)}, virtual=True),
    LockedMember("alpha", "libs/alpha", groups={"test": ("pytest",)}),
    LockedMember("beta", "libs/beta", ("alpha",), {"test": ("pytest",)}),
)


def flat_layout(root: Path) -> KeyRepo:
    """A root member with ``tests/``, and ``libs/*`` members with flat packages and ``tests/``."""
    repo = KeyRepo(root)
    root.mkdir(parents=True, exist_ok=True)
    repo.write(
        "pyproject.toml",
        '[project]\nname = "mono"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = []\n\n[dependency-groups]\ntest = ["pytest"]\n\n'
        '[tool.uv]\npackage = false\n\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
    )
    repo.write(".python-version", "3.11\n")
    repo.write("tests/test_root.py", "def test_root():\n    assert True\n")
    for member in FLAT_MEMBERS[1:]:
        _member(repo, member)
        repo.write(f"{member.folder}/{member.name}/__init__.py", "")
        repo.write(f"{member.folder}/tests/test_{member.name}.py", "def test():\n    pass\n")
    repo.write("libs/alpha/alpha/core.py", "A = 1\n")
    repo.write("uv.lock", lock_text(FLAT_MEMBERS, None))
    return _init(root)

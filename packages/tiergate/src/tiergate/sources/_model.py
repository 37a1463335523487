"""What every reader of a member's source shares.

The member being read, what was found, and the helpers that turn folders into
import roots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tiergate.config import expect_type, table_at
from tiergate.config import shape_error as config_shape_error
from tiergate.errors import TiergateError, WorkspaceError, shown
from tiergate.files import inside, quoted_line_of
from tiergate.reading import path_problem

if TYPE_CHECKING:
    from collections.abc import Mapping

_T = TypeVar("_T")
Root = tuple[Path, str]
"""An import root: its folder (or ``.py`` file) and its dotted import name."""

TESTS = frozenset({"tests", "test"})
WILDCARDS = re.compile(r"[*?\[]")
# setuptools' flat-layout auto-discovery (setuptools.discovery) skips these.
FLAT_EXCLUDED_PACKAGES = (
    *("ci", "bin", "debian", "doc", "docs", "documentation", "manpages", "news"),
    *("newsfragments", "changelog", "test", "tests", "unit_test", "unit_tests"),
    *("example", "examples", "scripts", "tools", "util", "utils", "python", "build"),
    *("dist", "venv", "env", "requirements", "tasks", "fabfile", "site_scons"),
    *("benchmark", "benchmarks", "exercise", "exercises", "htmlcov", "[._]*"),
)
FLAT_EXCLUDED_MODULES = (
    *("setup", "conftest", "test", "tests", "example", "examples", "build", "toxfile"),
    *("noxfile", "pavement", "dodo", "tasks", "fabfile", "[Ss][Cc]onstruct", "conanfile"),
    *("manage", "benchmark", "benchmarks", "exercise", "exercises", "[._]*"),
)


@dataclass(frozen=True)
class MemberSource:
    """A member's source as its wheel would contain it.

    ``paths`` are absolute and sorted: import-package folders (a namespace
    portion is the deepest folder the member owns, ``<m>/acme/beta``) and
    single-module files; ``import_names`` are their dotted names in the same
    order; ``origin`` says in one line what decided them.
    """

    paths: tuple[Path, ...]
    import_names: tuple[str, ...]
    origin: str


@dataclass(frozen=True)
class Project:
    folder: Path
    pyproject: Mapping[str, Any]
    name: str
    file: Path
    text: str
    tried: list[str] = field(default_factory=list)

    def error(self, message: str, needle: str | None = None) -> WorkspaceError:
        line = None if needle is None else quoted_line_of(self.text, needle)
        return WorkspaceError(message, path=self.file, line=line)

    def table(self, *keys: str) -> Mapping[str, Any]:
        """The table at ``keys`` (empty when absent); another type on the way is an error."""
        return table_at(self.pyproject, keys, self.file, WorkspaceError, text=self.text)

    def strings(self, value: object, key: str) -> list[str]:
        items = expect(self, value, list, key)
        if not all(isinstance(item, str) for item in items):
            raise shape_error(self, key, "an array of strings", value)
        return items

    def existing(self, relative: str, key: str, entry: str | None = None) -> Path:
        """``relative`` in the member folder, configured under ``key`` as ``entry``; or an error.

        A path outside the member, or one the file system cannot take (a NUL
        byte, a name too long), is an error too.
        """
        path = self.folder / relative
        named = shown(relative) if entry is None else f"{shown(entry)} ({relative} in the member)"
        if not inside(path, self.folder):
            raise self.error(f"{key}: {named} is outside the member", entry or relative)
        try:
            found = path.exists()
            if "\x00" in relative:
                raise ValueError(relative)  # noqa: TRY301 - reported with the OSErrors below
        except (OSError, ValueError) as failure:
            raise self.error(
                f"{key}: {named}: {path_problem(failure)}", entry or relative
            ) from None
        if not found:
            raise self.error(f"{key}: {named} does not exist", entry or relative)
        return path


@dataclass(frozen=True)
class Found:
    roots: list[Root]
    origin: str

    def source(self) -> MemberSource:
        unique = {path: name for path, name in self.roots if name.rsplit(".", 1)[-1] not in TESTS}
        ordered = sorted(unique.items())
        return MemberSource(
            tuple(path for path, _ in ordered), tuple(name for _, name in ordered), self.origin
        )


# ------------------------------------------------------------------ shared helpers


def get(data: Mapping[str, Any], *keys: str, default: object = None) -> object:
    value: object = data
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def shape_error(member: Project, key: str, wanted: str, value: object) -> TiergateError:
    """``<key> must be <wanted>, not <value>``, naming the member's pyproject and the key's line."""
    return config_shape_error(key, wanted, value, member.file, WorkspaceError, text=member.text)


def expect(member: Project, value: object, kind: type[_T], key: str) -> _T:
    """``value`` if it is a ``kind``, else the error naming ``key`` in the member's pyproject."""
    return expect_type(value, kind, key, member.file, WorkspaceError, text=member.text)


def is_package(folder: Path) -> bool:
    return (folder / "__init__.py").is_file() or (folder / "__init__.pyi").is_file()


def has_python(folder: Path) -> bool:
    return next(folder.rglob("*.py"), None) is not None


def dotted(relative: str) -> str:
    """``acme/beta`` -> ``acme.beta``, ``pkg/tool.py`` -> ``pkg.tool``."""
    return relative.strip("/").removesuffix(".py").replace("/", ".")


def module_name(name: str) -> str:
    """The project name as a module name: lower case, runs of ``-_.`` as one ``_``."""
    return re.sub(r"[-_.]+", "_", name).lower()


def expand(path: Path, name: str, *, loose: bool = True) -> list[Root]:
    """The import roots of ``path`` shipped as ``name`` (``""``: its children are top-level).

    A regular package (or a ``.py`` file) is one root; a namespace folder is
    its portions below, with loose modules too when ``loose``.
    """
    if path.is_file():
        return [(path, name)] if path.suffix == ".py" else []
    if name and is_package(path):
        return [(path, name)]
    roots: list[Root] = []
    for child in sorted(path.iterdir()):
        if child.is_dir():
            if child.name.isidentifier() and child.name not in TESTS and has_python(child):
                inner = f"{name}.{child.name}" if name else child.name
                roots.extend(expand(child, inner, loose=loose))
        elif (
            loose
            and child.suffix == ".py"
            and child.stem.isidentifier()
            and child.stem != "__init__"
        ):
            roots.append((child, f"{name}.{child.stem}" if name else child.stem))
    return roots


def matching(folder: Path, pattern: str) -> list[Path]:
    """``pattern`` under ``folder``: every match of a glob, or the one path (may not exist)."""
    if WILDCARDS.search(pattern):
        return sorted(folder.glob(pattern))
    return [folder / pattern]


def generic(member: Project) -> Found | None:
    """No configuration named the source: ``src/``, then the member root, then ``<name>.py``."""
    src = member.folder / "src"
    member.tried.append("packages in src/")
    if src.is_dir() and (roots := expand(src, "")):
        return Found(roots, "src layout")
    member.tried.append("packages at the member root")
    roots = [
        root
        for child in sorted(member.folder.iterdir())
        if child.is_dir()
        and child.name.isidentifier()
        and not any(fnmatchcase(child.name, p) for p in FLAT_EXCLUDED_PACKAGES)
        for root in expand(child, child.name, loose=False)
    ]
    if roots:
        return Found(roots, "flat layout")
    module = member.folder / f"{module_name(member.name)}.py"
    member.tried.append(module.name)
    return Found([(module, module.stem)], "single module") if module.is_file() else None

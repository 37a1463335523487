"""What a member's source is: the top-level import packages and modules its wheel would hold.

Answered from the member's ``pyproject.toml`` and its folder alone, the way its
build backend finds them (hatchling, setuptools, flit_core, uv_build,
pdm.backend, poetry-core), else by a generic look at ``src/`` and the member
root; ``[tool.tiergate] source`` overrides both. Only top-level packages are
named (a namespace package by its deepest portions the member owns), never
their subpackages; test folders are never source.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from packaging.utils import canonicalize_name

from tiergate.errors import WorkspaceError
from tiergate.files import line_of, quoted_line_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

_T = TypeVar("_T")
_Root = tuple[Path, str]
"""An import root: its folder (or ``.py`` file) and its dotted import name."""

_TESTS = frozenset({"tests", "test"})
_TOML_TYPES: dict[type, str] = {
    str: "a string",
    list: "an array",
    dict: "a table",
    bool: "a boolean",
}
_WILDCARDS = re.compile(r"[*?\[]")
# setuptools' flat-layout auto-discovery (setuptools.discovery) skips these.
_FLAT_EXCLUDED_PACKAGES = (
    *("ci", "bin", "debian", "doc", "docs", "documentation", "manpages", "news"),
    *("newsfragments", "changelog", "test", "tests", "unit_test", "unit_tests"),
    *("example", "examples", "scripts", "tools", "util", "utils", "python", "build"),
    *("dist", "venv", "env", "requirements", "tasks", "fabfile", "site_scons"),
    *("benchmark", "benchmarks", "exercise", "exercises", "htmlcov", "[._]*"),
)
_FLAT_EXCLUDED_MODULES = (
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


def is_virtual(pyproject: Mapping[str, Any]) -> bool:
    """Whether uv treats the project as virtual (not built nor installed).

    uv's rule: ``tool.uv.package = false``, or no ``[build-system]`` and not
    ``tool.uv.package = true``.
    """
    package = _get(pyproject, "tool", "uv", "package")
    if isinstance(package, bool):
        return not package
    return "build-system" not in pyproject


def member_source(  # noqa: PLR0913 - the member's folder, data, name, file and text, and the override
    folder: Path,
    pyproject: Mapping[str, Any],
    *,
    name: str,
    file: Path,
    text: str,
    override: Sequence[str] | None = None,
) -> MemberSource:
    """Return the source of the member in ``folder`` (``pyproject`` is its parsed ``file``).

    ``override`` (``[tool.tiergate] source``, paths relative to ``folder``)
    wins; a virtual member has none; otherwise its build backend's
    configuration decides, then the generic ``src/``, flat and single-module
    layouts. Every problem is a :class:`WorkspaceError` naming ``file`` (and
    the line of the key or path to fix).
    """
    member = _Member(folder.resolve(), pyproject, name, file, text)
    if override is not None:
        return _overridden(member, override)
    _expect(
        member, _get(pyproject, "tool", "uv", "package", default=False), bool, "tool.uv.package"
    )
    if is_virtual(pyproject):
        return _virtual(member)
    if _ships_nothing(member):
        return MemberSource((), (), "hatchling bypass-selection (a wheel of metadata only)")
    return _discover(member).source()


def _ships_nothing(member: _Member) -> bool:
    """A hatchling wheel with ``bypass-selection`` and nothing named: a meta-package."""
    if _backend_reader(member) is not _hatchling:
        return False
    wheel = member.table("tool", "hatch", "build", "targets", "wheel")
    return wheel.get("bypass-selection") is True and not any(
        key in wheel for key in ("packages", "only-include", "force-include")
    )


def _virtual(member: _Member) -> MemberSource:
    """A virtual project is not installed, but packages in its ``src/`` are still its code.

    Only regular packages there count (its tests may put ``src/`` on the path);
    nothing found is no error: a virtual project may hold no code at all.
    """
    src = member.folder / "src"
    roots = (
        [(child, child.name) for child in sorted(src.iterdir()) if _is_package(child)]
        if src.is_dir()
        else []
    )
    found = _Found(roots, "virtual project: packages in src/").source()
    declared = _get(member.pyproject, "tool", "uv", "package") is False
    why = "tool.uv.package = false" if declared else "no build system"
    return found if found.paths else MemberSource((), (), f"virtual project ({why})")


@dataclass(frozen=True)
class _Member:
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
        value = _get(self.pyproject, *keys, default={})
        return _expect(self, value, dict, ".".join(keys))

    def strings(self, value: object, key: str) -> list[str]:
        items = _expect(self, value, list, key)
        if not all(isinstance(item, str) for item in items):
            raise _shape_error(self, key, "an array of strings", value)
        return items

    def existing(self, relative: str, key: str, entry: str | None = None) -> Path:
        """``relative`` in the member folder, configured under ``key`` as ``entry``; or an error."""
        path = self.folder / relative
        if not path.exists():
            named = repr(relative) if entry is None else f"{entry!r} ({relative} in the member)"
            raise self.error(f"{key}: {named} does not exist", entry or relative)
        return path


@dataclass(frozen=True)
class _Found:
    roots: list[_Root]
    origin: str

    def source(self) -> MemberSource:
        unique = {path: name for path, name in self.roots if name.rsplit(".", 1)[-1] not in _TESTS}
        ordered = sorted(unique.items())
        return MemberSource(
            tuple(path for path, _ in ordered), tuple(name for _, name in ordered), self.origin
        )


def _discover(member: _Member) -> _Found:
    found = _backend_reader(member)(member)
    if found is None:
        found = _generic(member)
    if found is None or not found.source().paths:
        raise member.error(
            f"member {member.name} has no source: looked for {', '.join(member.tried)}; "
            "name it with [tool.tiergate] source = [...]"
        )
    return found


def _overridden(member: _Member, entries: Sequence[str]) -> MemberSource:
    """The paths ``[tool.tiergate] source`` names, each named below its nearest source root."""
    if not entries:
        raise member.error("[tool.tiergate] source is empty: name at least one path", "source")
    bases = {member.folder, member.folder / "src"}
    with contextlib.suppress(WorkspaceError):
        found = _discover(member)
        bases |= {path.parents[name.count(".")] for path, name in found.roots}
    roots: list[_Root] = []
    for entry in entries:
        path = (member.folder / entry).resolve()
        inside = path.is_relative_to(member.folder) and path != member.folder
        if not inside or not (path.is_dir() or (path.is_file() and path.suffix == ".py")):
            raise member.error(
                f"[tool.tiergate] source {entry!r} is not a folder or .py file in the member",
                entry,
            )
        base = max((b for b in bases if b in path.parents), key=lambda b: len(b.parts))
        roots.append((path, _dotted(path.relative_to(base).as_posix())))
    ordered = sorted(dict(roots).items())
    return MemberSource(
        tuple(p for p, _ in ordered), tuple(n for _, n in ordered), "[tool.tiergate] source"
    )


# ------------------------------------------------------------------ shared helpers


def _get(data: Mapping[str, Any], *keys: str, default: object = None) -> object:
    value: object = data
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def _shape_error(member: _Member, key: str, wanted: str, value: object) -> WorkspaceError:
    last = key.rsplit(".", 1)[-1]
    line = line_of(member.text, f"{last} =", f"{last}=") or quoted_line_of(member.text, last)
    return WorkspaceError(f"{key} must be {wanted}, not {value!r}", path=member.file, line=line)


def _expect(member: _Member, value: object, kind: type[_T], key: str) -> _T:
    if not isinstance(value, kind):
        raise _shape_error(member, key, _TOML_TYPES[kind], value)
    return value


def _is_package(folder: Path) -> bool:
    return (folder / "__init__.py").is_file() or (folder / "__init__.pyi").is_file()


def _has_python(folder: Path) -> bool:
    return next(folder.rglob("*.py"), None) is not None


def _dotted(relative: str) -> str:
    """``acme/beta`` -> ``acme.beta``, ``pkg/tool.py`` -> ``pkg.tool``."""
    return relative.strip("/").removesuffix(".py").replace("/", ".")


def _module_name(name: str) -> str:
    """The project name as a module name: lower case, runs of ``-_.`` as one ``_``."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _expand(path: Path, name: str, *, loose: bool = True) -> list[_Root]:
    """The import roots of ``path`` shipped as ``name`` (``""``: its children are top-level).

    A regular package (or a ``.py`` file) is one root; a namespace folder is
    its portions below, with loose modules too when ``loose``.
    """
    if path.is_file():
        return [(path, name)] if path.suffix == ".py" else []
    if name and _is_package(path):
        return [(path, name)]
    roots: list[_Root] = []
    for child in sorted(path.iterdir()):
        if child.is_dir():
            if child.name.isidentifier() and child.name not in _TESTS and _has_python(child):
                inner = f"{name}.{child.name}" if name else child.name
                roots.extend(_expand(child, inner, loose=loose))
        elif (
            loose
            and child.suffix == ".py"
            and child.stem.isidentifier()
            and child.stem != "__init__"
        ):
            roots.append((child, f"{name}.{child.stem}" if name else child.stem))
    return roots


def _matching(folder: Path, pattern: str) -> list[Path]:
    """``pattern`` under ``folder``: every match of a glob, or the one path (may not exist)."""
    if _WILDCARDS.search(pattern):
        return sorted(folder.glob(pattern))
    return [folder / pattern]


# ------------------------------------------------------------------ backends


def _backend_reader(member: _Member) -> Callable[[_Member], _Found | None]:
    system = member.table("build-system")
    backend = _expect(
        member, system.get("build-backend", "setuptools"), str, "build-system.build-backend"
    )
    module = backend.split(":", 1)[0].strip()
    for prefix, reader in _READERS.items():
        if module == prefix or module.startswith(f"{prefix}."):
            return reader
    return lambda _: None


def _hatchling(member: _Member) -> _Found | None:
    build = member.table("tool", "hatch", "build")
    wheel = member.table("tool", "hatch", "build", "targets", "wheel")

    def option(key: str) -> tuple[object, str]:
        table, where = (
            (wheel, "tool.hatch.build.targets.wheel")
            if key in wheel
            else (build, "tool.hatch.build")
        )
        return table.get(key), where

    sources = _hatch_sources(member, *option("sources"))
    shipped: list[tuple[str, str, str]] = []  # (on disk, in the wheel, key)
    used: list[str] = []
    for key in ("packages", "only-include"):
        value, where = option(key)
        if value is None:
            continue
        used.append(f"[{where}] {key}")
        for entry in member.strings(value, f"{where}.{key}"):
            disk = entry.strip("/")
            wheel_path = disk.rsplit("/", 1)[-1] if key == "packages" else _remap(disk, sources)
            shipped.append((disk, wheel_path, f"{where}.{key}"))
    if shipped:
        member.tried.append(", ".join(d for d, _, _ in shipped))
        roots = [
            root
            for disk, wheel_path, key in shipped
            for root in _expand(member.existing(disk, key), _dotted(wheel_path))
        ]
        return _Found(roots, f"hatchling {' and '.join(used)}")
    return _hatch_default(member)


def _hatch_default(member: _Member) -> _Found | None:
    """Hatchling's default: ``<name>/``, ``src/<name>/``, ``<name>.py``, one ``*/<name>/``."""
    names = dict.fromkeys(
        re.sub(r"[^\w\d.]+", "_", raw) for raw in (member.name, canonicalize_name(member.name))
    )
    for name in names:
        member.tried.append(f"hatchling's {name}/, src/{name}/, {name}.py, */{name}/")
        for path in (member.folder / name, member.folder / "src" / name):
            if _is_package(path):
                return _Found([(path, name)], "hatchling default (project name)")
        if (member.folder / f"{name}.py").is_file():
            return _Found(
                [(member.folder / f"{name}.py", name)], "hatchling default (project name)"
            )
        portions = [p.parent.parent for p in member.folder.glob(f"*/{name}/__init__.py")]
        if len(portions) == 1:
            namespace = portions[0]
            return _Found(_expand(namespace, namespace.name), "hatchling default (namespace)")
    return None


def _hatch_sources(member: _Member, value: object, where: str) -> dict[str, str]:
    """The ``sources`` of hatchling as ``{"prefix/": "replacement/"}``, longest prefix first."""
    if value is None:
        return {}
    key = f"{where}.sources"
    if isinstance(value, list):
        pairs = dict.fromkeys(member.strings(value, key), "")
    else:
        table = _expect(member, value, dict, key)
        pairs = {k: _expect(member, v, str, f"{key}.{k}") for k, v in table.items()}
    prefixes = {
        (f"{k.strip('/')}/" if k.strip("/") else ""): (f"{v.strip('/')}/" if v.strip("/") else "")
        for k, v in pairs.items()
    }
    return dict(sorted(prefixes.items(), key=lambda item: -len(item[0])))


def _remap(disk: str, sources: Mapping[str, str]) -> str:
    """Where ``disk`` (a configured folder or file) lands in the wheel after ``sources``."""
    for prefix, replacement in sources.items():
        if f"{disk}/".startswith(prefix):
            return (replacement + f"{disk}/"[len(prefix) :]).strip("/")
    return disk


def _setuptools(member: _Member) -> _Found | None:
    table = member.table("tool", "setuptools")
    raw_dirs = _expect(member, table.get("package-dir", {}), dict, "tool.setuptools.package-dir")
    dirs = {
        k: _expect(member, v, str, f"tool.setuptools.package-dir.{k}") for k, v in raw_dirs.items()
    }
    packages, modules = table.get("packages"), table.get("py-modules")
    if packages is None and modules is None:
        return _setuptools_auto(member, dirs)
    roots: list[_Root] = []
    used: list[str] = []
    if isinstance(packages, dict):
        roots.extend(_setuptools_find(member, packages))
        used.append("packages.find")
    elif packages is not None:
        names = member.strings(packages, "tool.setuptools.packages")
        member.tried.append(", ".join(names))
        for name in names:
            if not any(name.startswith(f"{other}.") for other in names):
                relative = _package_path(name, dirs)
                path = member.existing(relative, "tool.setuptools.packages", name)
                roots.extend(_expand(path, name))
        used.append("packages")
    if modules is not None:
        for name in member.strings(modules, "tool.setuptools.py-modules"):
            relative = f"{_package_path(name, dirs)}.py"
            member.tried.append(relative)
            roots.append((member.existing(relative, "tool.setuptools.py-modules", name), name))
        used.append("py-modules")
    return _Found(roots, f"setuptools {' and '.join(used)}")


def _package_path(name: str, dirs: Mapping[str, str]) -> str:
    """Where setuptools looks for package ``name`` given ``package-dir`` (its find_package_path)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if (prefix := ".".join(parts[:end])) in dirs:
            return Path(dirs[prefix], *parts[end:]).as_posix()
    return Path(dirs.get("", ""), *parts).as_posix()


def _setuptools_find(member: _Member, packages: Mapping[str, Any]) -> list[_Root]:
    key = "tool.setuptools.packages.find"
    if set(packages) != {"find"}:
        raise _shape_error(
            member, "tool.setuptools.packages", "an array or {find = {...}}", dict(packages)
        )
    find = _expect(member, packages["find"], dict, key)
    where = member.strings(find.get("where", ["."]), f"{key}.where")
    include = member.strings(find.get("include", ["*"]), f"{key}.include")
    exclude = member.strings(find.get("exclude", []), f"{key}.exclude")
    namespaces = _expect(member, find.get("namespaces", True), bool, f"{key}.namespaces")
    member.tried.append(f"packages in {', '.join(where)}")
    roots: list[_Root] = []
    for folder in where:
        base = member.existing(folder, f"{key}.where")
        for name in _find_packages(base, "", include, exclude, namespaces=namespaces):
            roots.extend(_expand(base.joinpath(*name.split(".")), name))
    return roots


def _find_packages(
    folder: Path, prefix: str, include: Sequence[str], exclude: Sequence[str], *, namespaces: bool
) -> Iterator[str]:
    """The top-most packages setuptools' ``find`` includes (it also lists their subpackages)."""
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or "." in child.name or child.name == "__pycache__":
            continue
        if not namespaces and not _is_package(child):
            continue
        name = f"{prefix}{child.name}"
        if any(fnmatchcase(name, p) for p in include) and not any(
            fnmatchcase(name, p) for p in exclude
        ):
            yield name
        elif f"{name}*" not in exclude and f"{name}.*" not in exclude:
            yield from _find_packages(child, f"{name}.", include, exclude, namespaces=namespaces)


def _setuptools_auto(member: _Member, dirs: Mapping[str, str]) -> _Found | None:
    """Auto-discovery as setuptools does it: ``package-dir`` entries, src layout, flat layout."""
    explicit = {name: folder for name, folder in dirs.items() if name}
    if explicit:
        member.tried.append(", ".join(explicit.values()))
        roots = [
            root
            for name, folder in sorted(explicit.items())
            for root in _expand(member.existing(folder, "tool.setuptools.package-dir"), name)
        ]
        return _Found(roots, "setuptools package-dir")
    if "" in dirs:
        src = member.existing(dirs[""], "tool.setuptools.package-dir")
        member.tried.append(f"{dirs['']}/")
        return _Found(_expand(src, ""), "setuptools package-dir (src layout)")
    if (member.folder / "src").is_dir():
        member.tried.append("src/")
        found = _expand(member.folder / "src", "")
        return _Found(found, "setuptools auto-discovery (src layout)") if found else None
    member.tried.append("setuptools' flat layout")
    roots = [
        root
        for child in sorted(member.folder.iterdir())
        if child.is_dir()
        and (child.name.isidentifier() or child.name.endswith("-stubs"))
        and not any(fnmatchcase(child.name, p) for p in _FLAT_EXCLUDED_PACKAGES)
        for root in _expand(child, child.name)
    ] or [
        (child, child.stem)
        for child in sorted(member.folder.glob("*.py"))
        if child.stem.isidentifier()
        and not any(fnmatchcase(child.stem, p) for p in _FLAT_EXCLUDED_MODULES)
    ]
    return _Found(roots, "setuptools auto-discovery (flat layout)") if roots else None


def _flit(member: _Member) -> _Found | None:
    table = member.table("tool", "flit", "module")
    configured = "name" in table
    name = (
        _expect(member, table["name"], str, "tool.flit.module.name")
        if configured
        else member.name.replace("-", "_")
    )
    relative = name.replace(".", "/")
    found = [
        path
        for folder in (member.folder, member.folder / "src")
        for path in (folder / relative, folder / f"{relative}.py")
        if path.is_dir() or path.is_file()
    ]
    tried = f"{relative}/, {relative}.py, src/{relative}/, src/{relative}.py"
    member.tried.append(tried)
    if len(found) > 1:
        shown = " and ".join(path.relative_to(member.folder).as_posix() for path in found)
        raise member.error(f"flit_core finds module {name!r} twice: {shown}", name)
    if not found:
        if configured:
            raise member.error(f"tool.flit.module.name: no {tried} for {name!r}", name)
        return None
    origin = (
        "flit_core [tool.flit.module] name" if configured else "flit_core module (project name)"
    )
    return _Found(_expand(found[0], name), origin)


def _uv_build(member: _Member) -> _Found | None:
    key = "tool.uv.build-backend"
    table = member.table("tool", "uv", "build-backend")
    module_root = _expect(member, table.get("module-root", "src"), str, f"{key}.module-root")
    raw = table.get("module-name")
    if raw is None:
        names = [_module_name(member.name)]
    elif isinstance(raw, str):
        names = [raw]
    else:
        names = member.strings(raw, f"{key}.module-name")
    roots: list[_Root] = []
    for name in names:
        relative = Path(module_root, *name.split(".")).as_posix()
        member.tried.append(f"{relative}/")
        path = member.folder / relative
        if not path.is_dir():
            if raw is None:
                return None
            raise member.error(f"{key}.module-name {name!r}: {relative}/ does not exist", name)
        roots.extend(_expand(path, name))
    return _Found(roots, "uv_build module-name" if raw is not None else "uv_build default module")


def _pdm(member: _Member) -> _Found | None:
    table = member.table("tool", "pdm", "build")
    key = "tool.pdm.build"
    if "package-dir" in table:
        package_dir = _expect(member, table["package-dir"], str, f"{key}.package-dir")
        base = member.existing(package_dir, f"{key}.package-dir")
    else:
        base = member.folder / "src" if (member.folder / "src").is_dir() else member.folder
    includes = table.get("includes")
    if includes is None:
        member.tried.append(
            f"pdm.backend's packages in {base.relative_to(member.folder).as_posix()}/"
        )
        packages = [(p, p.name) for p in sorted(base.iterdir()) if p.is_dir() and _is_package(p)]
        modules = [(p, p.stem) for p in sorted(base.glob("*.py")) if p.stem.isidentifier()]
        found = [r for r in packages or modules if r[1] not in _TESTS]
        return _Found(found, "pdm.backend default") if found else None
    roots: list[_Root] = []
    for entry in member.strings(includes, f"{key}.includes"):
        member.tried.append(entry)
        for path in _matching(member.folder, entry):
            if not path.exists():
                raise member.error(f"{key}.includes: {entry!r} does not exist", entry)
            within = base if path.is_relative_to(base) else member.folder
            roots.extend(_expand(path, _dotted(path.relative_to(within).as_posix())))
    return _Found(roots, "pdm.backend includes")


def _poetry(member: _Member) -> _Found | None:
    key = "tool.poetry.packages"
    packages = member.table("tool", "poetry").get("packages")
    if packages is None:
        name = _module_name(member.name)
        member.tried.append(f"poetry's {name}/, {name}.py, src/{name}/, src/{name}.py")
        for folder in (member.folder, member.folder / "src"):
            for path in (folder / name, folder / f"{name}.py"):
                if path.is_dir() or path.is_file():
                    return _Found(_expand(path, name), "poetry-core default (project name)")
        return None
    roots: list[_Root] = []
    for entry in _expect(member, packages, list, key):
        spec = _expect(member, entry, dict, key)
        include = _expect(member, spec.get("include"), str, f"{key}.include")
        base = member.existing(_expect(member, spec.get("from", "."), str, f"{key}.from"), key)
        member.tried.append(include)
        for path in _matching(base, include):
            if not path.exists():
                raise member.error(f"{key}: {include!r} does not exist", include)
            roots.extend(_expand(path, _dotted(path.relative_to(base).as_posix())))
    return _Found(roots, "poetry-core [tool.poetry] packages")


def _generic(member: _Member) -> _Found | None:
    """No configuration named the source: ``src/``, then the member root, then ``<name>.py``."""
    src = member.folder / "src"
    member.tried.append("packages in src/")
    if src.is_dir() and (roots := _expand(src, "")):
        return _Found(roots, "src layout")
    member.tried.append("packages at the member root")
    roots = [
        root
        for child in sorted(member.folder.iterdir())
        if child.is_dir()
        and child.name.isidentifier()
        and not any(fnmatchcase(child.name, p) for p in _FLAT_EXCLUDED_PACKAGES)
        for root in _expand(child, child.name, loose=False)
    ]
    if roots:
        return _Found(roots, "flat layout")
    module = member.folder / f"{_module_name(member.name)}.py"
    member.tried.append(module.name)
    return _Found([(module, module.stem)], "single module") if module.is_file() else None


_READERS: dict[str, Callable[[_Member], _Found | None]] = {
    "hatchling": _hatchling,
    "setuptools": _setuptools,
    "flit_core": _flit,
    "uv_build": _uv_build,
    "pdm.backend": _pdm,
    "poetry.core": _poetry,
}

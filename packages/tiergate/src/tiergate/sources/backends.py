"""One reader per build backend: where its configuration says the wheel's packages are."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from tiergate.sources._model import (
    FLAT_EXCLUDED_MODULES,
    FLAT_EXCLUDED_PACKAGES,
    TESTS,
    Found,
    Project,
    Root,
    dotted,
    expand,
    expect,
    is_package,
    matching,
    module_name,
    shape_error,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence


# ------------------------------------------------------------------ backends


def backend_reader(member: Project) -> Callable[[Project], Found | None]:
    """The reader of the backend ``[build-system]`` names; an unknown one: the generic look."""
    system = member.table("build-system")
    backend = expect(
        member, system.get("build-backend", "setuptools"), str, "build-system.build-backend"
    )
    module = backend.split(":", 1)[0].strip()
    for prefix, reader in _READERS.items():
        if module == prefix or module.startswith(f"{prefix}."):
            return reader
    return lambda _: None


def hatchling(member: Project) -> Found | None:
    """hatchling: its wheel target's packages, only-include and sources; else its default."""
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
            for root in expand(member.existing(disk, key), dotted(wheel_path))
        ]
        return Found(roots, f"hatchling {' and '.join(used)}")
    return _hatch_default(member)


def _hatch_default(member: Project) -> Found | None:
    """Hatchling's default: ``<name>/``, ``src/<name>/``, ``<name>.py``, one ``*/<name>/``."""
    names = dict.fromkeys(
        re.sub(r"[^\w\d.]+", "_", raw) for raw in (member.name, canonicalize_name(member.name))
    )
    for name in names:
        member.tried.append(f"hatchling's {name}/, src/{name}/, {name}.py, */{name}/")
        for path in (member.folder / name, member.folder / "src" / name):
            if is_package(path):
                return Found([(path, name)], "hatchling default (project name)")
        if (member.folder / f"{name}.py").is_file():
            return Found([(member.folder / f"{name}.py", name)], "hatchling default (project name)")
        portions = [p.parent.parent for p in member.folder.glob(f"*/{name}/__init__.py")]
        if len(portions) == 1:
            namespace = portions[0]
            return Found(expand(namespace, namespace.name), "hatchling default (namespace)")
    return None


def _hatch_sources(member: Project, value: object, where: str) -> dict[str, str]:
    """The ``sources`` of hatchling as ``{"prefix/": "replacement/"}``, longest prefix first."""
    if value is None:
        return {}
    key = f"{where}.sources"
    if isinstance(value, list):
        pairs = dict.fromkeys(member.strings(value, key), "")
    else:
        table = expect(member, value, dict, key)
        pairs = {k: expect(member, v, str, f"{key}.{k}") for k, v in table.items()}
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


def _setuptools(member: Project) -> Found | None:
    table = member.table("tool", "setuptools")
    raw_dirs = expect(member, table.get("package-dir", {}), dict, "tool.setuptools.package-dir")
    dirs = {
        k: expect(member, v, str, f"tool.setuptools.package-dir.{k}") for k, v in raw_dirs.items()
    }
    packages, modules = table.get("packages"), table.get("py-modules")
    if packages is None and modules is None:
        return _setuptools_auto(member, dirs)
    roots: list[Root] = []
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
                roots.extend(expand(path, name))
        used.append("packages")
    if modules is not None:
        for name in member.strings(modules, "tool.setuptools.py-modules"):
            relative = f"{_package_path(name, dirs)}.py"
            member.tried.append(relative)
            roots.append((member.existing(relative, "tool.setuptools.py-modules", name), name))
        used.append("py-modules")
    return Found(roots, f"setuptools {' and '.join(used)}")


def _package_path(name: str, dirs: Mapping[str, str]) -> str:
    """Where setuptools looks for package ``name`` given ``package-dir`` (its find_package_path)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if (prefix := ".".join(parts[:end])) in dirs:
            return Path(dirs[prefix], *parts[end:]).as_posix()
    return Path(dirs.get("", ""), *parts).as_posix()


def _setuptools_find(member: Project, packages: Mapping[str, Any]) -> list[Root]:
    key = "tool.setuptools.packages.find"
    if set(packages) != {"find"}:
        raise shape_error(
            member, "tool.setuptools.packages", "an array or {find = {...}}", dict(packages)
        )
    find = expect(member, packages["find"], dict, key)
    where = member.strings(find.get("where", ["."]), f"{key}.where")
    include = member.strings(find.get("include", ["*"]), f"{key}.include")
    exclude = member.strings(find.get("exclude", []), f"{key}.exclude")
    namespaces = expect(member, find.get("namespaces", True), bool, f"{key}.namespaces")
    member.tried.append(f"packages in {', '.join(where)}")
    roots: list[Root] = []
    for folder in where:
        base = member.existing(folder, f"{key}.where")
        for name in _find_packages(base, "", include, exclude, namespaces=namespaces):
            roots.extend(expand(base.joinpath(*name.split(".")), name))
    return roots


def _find_packages(
    folder: Path, prefix: str, include: Sequence[str], exclude: Sequence[str], *, namespaces: bool
) -> Iterator[str]:
    """The top-most packages setuptools' ``find`` includes (it also lists their subpackages)."""
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or "." in child.name or child.name == "__pycache__":
            continue
        if not namespaces and not is_package(child):
            continue
        name = f"{prefix}{child.name}"
        if any(fnmatchcase(name, p) for p in include) and not any(
            fnmatchcase(name, p) for p in exclude
        ):
            yield name
        elif f"{name}*" not in exclude and f"{name}.*" not in exclude:
            yield from _find_packages(child, f"{name}.", include, exclude, namespaces=namespaces)


def _setuptools_auto(member: Project, dirs: Mapping[str, str]) -> Found | None:
    """Auto-discovery as setuptools does it: ``package-dir`` entries, src layout, flat layout."""
    explicit = {name: folder for name, folder in dirs.items() if name}
    if explicit:
        member.tried.append(", ".join(explicit.values()))
        roots = [
            root
            for name, folder in sorted(explicit.items())
            for root in expand(member.existing(folder, "tool.setuptools.package-dir"), name)
        ]
        return Found(roots, "setuptools package-dir")
    if "" in dirs:
        src = member.existing(dirs[""], "tool.setuptools.package-dir")
        member.tried.append(f"{dirs['']}/")
        return Found(expand(src, ""), "setuptools package-dir (src layout)")
    if (member.folder / "src").is_dir():
        member.tried.append("src/")
        found = expand(member.folder / "src", "")
        return Found(found, "setuptools auto-discovery (src layout)") if found else None
    member.tried.append("setuptools' flat layout")
    roots = [
        root
        for child in sorted(member.folder.iterdir())
        if child.is_dir()
        and (child.name.isidentifier() or child.name.endswith("-stubs"))
        and not any(fnmatchcase(child.name, p) for p in FLAT_EXCLUDED_PACKAGES)
        for root in expand(child, child.name)
    ] or [
        (child, child.stem)
        for child in sorted(member.folder.glob("*.py"))
        if child.stem.isidentifier()
        and not any(fnmatchcase(child.stem, p) for p in FLAT_EXCLUDED_MODULES)
    ]
    return Found(roots, "setuptools auto-discovery (flat layout)") if roots else None


def _flit(member: Project) -> Found | None:
    table = member.table("tool", "flit", "module")
    configured = "name" in table
    name = (
        expect(member, table["name"], str, "tool.flit.module.name")
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
    return Found(expand(found[0], name), origin)


def _uv_build(member: Project) -> Found | None:
    key = "tool.uv.build-backend"
    table = member.table("tool", "uv", "build-backend")
    module_root = expect(member, table.get("module-root", "src"), str, f"{key}.module-root")
    raw = table.get("module-name")
    if raw is None:
        names = [module_name(member.name)]
    elif isinstance(raw, str):
        names = [raw]
    else:
        names = member.strings(raw, f"{key}.module-name")
    roots: list[Root] = []
    for name in names:
        relative = Path(module_root, *name.split(".")).as_posix()
        member.tried.append(f"{relative}/")
        path = member.folder / relative
        if not path.is_dir():
            if raw is None:
                return None
            raise member.error(f"{key}.module-name {name!r}: {relative}/ does not exist", name)
        roots.extend(expand(path, name))
    return Found(roots, "uv_build module-name" if raw is not None else "uv_build default module")


def _pdm(member: Project) -> Found | None:
    table = member.table("tool", "pdm", "build")
    key = "tool.pdm.build"
    if "package-dir" in table:
        package_dir = expect(member, table["package-dir"], str, f"{key}.package-dir")
        base = member.existing(package_dir, f"{key}.package-dir")
    else:
        base = member.folder / "src" if (member.folder / "src").is_dir() else member.folder
    includes = table.get("includes")
    if includes is None:
        member.tried.append(
            f"pdm.backend's packages in {base.relative_to(member.folder).as_posix()}/"
        )
        packages = [(p, p.name) for p in sorted(base.iterdir()) if p.is_dir() and is_package(p)]
        modules = [(p, p.stem) for p in sorted(base.glob("*.py")) if p.stem.isidentifier()]
        found = [r for r in packages or modules if r[1] not in TESTS]
        return Found(found, "pdm.backend default") if found else None
    roots: list[Root] = []
    for entry in member.strings(includes, f"{key}.includes"):
        member.tried.append(entry)
        for path in matching(member.folder, entry):
            if not path.exists():
                raise member.error(f"{key}.includes: {entry!r} does not exist", entry)
            within = base if path.is_relative_to(base) else member.folder
            roots.extend(expand(path, dotted(path.relative_to(within).as_posix())))
    return Found(roots, "pdm.backend includes")


def _poetry(member: Project) -> Found | None:
    key = "tool.poetry.packages"
    packages = member.table("tool", "poetry").get("packages")
    if packages is None:
        name = module_name(member.name)
        member.tried.append(f"poetry's {name}/, {name}.py, src/{name}/, src/{name}.py")
        for folder in (member.folder, member.folder / "src"):
            for path in (folder / name, folder / f"{name}.py"):
                if path.is_dir() or path.is_file():
                    return Found(expand(path, name), "poetry-core default (project name)")
        return None
    roots: list[Root] = []
    for entry in expect(member, packages, list, key):
        spec = expect(member, entry, dict, key)
        include = expect(member, spec.get("include"), str, f"{key}.include")
        base = member.existing(expect(member, spec.get("from", "."), str, f"{key}.from"), key)
        member.tried.append(include)
        for path in matching(base, include):
            if not path.exists():
                raise member.error(f"{key}: {include!r} does not exist", include)
            roots.extend(expand(path, dotted(path.relative_to(base).as_posix())))
    return Found(roots, "poetry-core [tool.poetry] packages")


_READERS: dict[str, Callable[[Project], Found | None]] = {
    "hatchling": hatchling,
    "setuptools": _setuptools,
    "flit_core": _flit,
    "uv_build": _uv_build,
    "pdm.backend": _pdm,
    "poetry.core": _poetry,
}

"""Where a workspace member's tests are, found the way pytest collects them.

pytest's configuration is located as pytest locates it (the first file, walking
up from a folder, in pytest's order of names); a member's roots are its
``[tool.tiergate] tests-paths``, else the ``testpaths`` that apply to it, else
its folder; its files are those pytest would collect below the roots that
define at least one test, read with ``ast`` (nothing is imported). A file that
cannot be read or parsed is kept: pytest reports it as an error, so it must
not vanish from what is expected.
"""

from __future__ import annotations

import ast
import functools
import glob
import os
import shlex
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import read_toml
from tiergate.errors import ConfigError
from tiergate.files import line_of, relative

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Sequence

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
DEFAULT_PYTHON_CLASSES = ("Test",)
DEFAULT_PYTHON_FUNCTIONS = ("test",)
DEFAULT_NORECURSEDIRS = (
    "*.egg",
    ".*",
    "_darcs",
    "build",
    "CVS",
    "dist",
    "node_modules",
    "venv",
    "{arch}",
)
"""pytest's ``norecursedirs`` when the configuration does not set it."""

_PYPROJECT = "pyproject.toml"
_PLAIN_BASES = frozenset({"object", "ABC", "Generic", "Protocol"})
"""Bases that bring no test methods with them."""


@dataclass(frozen=True)
class PytestSettings:
    """The pytest configuration that applies to a folder, with pytest's defaults filled in."""

    file: Path | None
    """The configuration file pytest would use (``None``: none found)."""
    rootdir: Path
    """pytest's rootdir for that run (the folder of ``file``)."""
    testpaths: tuple[str, ...]
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    python_classes: tuple[str, ...] = DEFAULT_PYTHON_CLASSES
    python_functions: tuple[str, ...] = DEFAULT_PYTHON_FUNCTIONS
    norecursedirs: tuple[str, ...] = DEFAULT_NORECURSEDIRS


@dataclass(frozen=True)
class MemberTests:
    """Where one member's tests are, and the files that hold them."""

    roots: tuple[Path, ...]
    """Absolute paths: what pytest is given for this member."""
    ignore: tuple[Path, ...]
    """Absolute folders to pass as ``--ignore``: the other members nested in this one."""
    files: tuple[Path, ...]
    """Sorted absolute test files pytest would collect that define at least one test."""
    settings: PytestSettings
    looked_in: str
    """One line for messages, paths relative to the workspace root."""


@dataclass(frozen=True)
class _Options:
    """The pytest options one configuration file holds."""

    path: Path
    values: dict[str, object]
    toml: bool
    """TOML mode (pytest 9's native tables): list options must be TOML lists."""
    lines: dict[str, int]
    """The line of each option, where the parser knows it (ini files)."""


def pytest_settings(start: Path, stop: Path) -> PytestSettings:
    """The configuration pytest uses for arguments in ``start``.

    Walks up from ``start`` to ``stop`` (the workspace root, inclusive); the
    first match wins, in pytest's order per folder: ``pytest.toml``,
    ``.pytest.toml``, ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` with
    ``[tool.pytest]`` or ``[tool.pytest.ini_options]``, ``tox.ini`` with
    ``[pytest]``, ``setup.cfg`` with ``[tool:pytest]``. With no match, the
    first ``pyproject.toml`` seen is the (empty) configuration, as in pytest.
    A file pytest would refuse is a :class:`ConfigError` naming it.
    """
    start, stop = _absolute(start), _absolute(stop)
    first_pyproject: Path | None = None
    for folder in (start, *start.parents):
        for name, load in _LOADERS:
            path = folder / name
            if not path.is_file():
                continue
            if name == _PYPROJECT and first_pyproject is None:
                first_pyproject = path
            options = load(path)
            if options is not None:
                return _settings(options)
        if folder == stop:
            break
    if first_pyproject is not None:
        return _settings(_Options(first_pyproject, {}, toml=True, lines={}))
    return PytestSettings(file=None, rootdir=start, testpaths=())


def find_member_tests(
    member_dir: Path,
    root: Path,
    *,
    other_members: Sequence[Path],
    override: Sequence[str] | None = None,
) -> MemberTests:
    """The test roots and test files of the member in ``member_dir``, as pytest would collect them.

    ``override`` (the member's ``[tool.tiergate] tests-paths``, relative to it)
    wins over pytest's ``testpaths``; an entry of it that matches nothing is a
    :class:`ConfigError`. ``other_members`` nested in ``member_dir`` are never
    searched and are returned in ``ignore``.
    """
    member, root = _absolute(member_dir), _absolute(root)
    others = {_absolute(other) for other in other_members} - {member}
    nested = tuple(sorted(other for other in others if other.is_relative_to(member)))
    own = pytest_settings(member, root)
    heading: str | None = None
    if override is not None:
        candidates, base = _override_roots(member, override), member
        heading = f"tests-paths of {relative(member / _PYPROJECT, root)}"
    elif own.file is not None and (chosen := _testpaths_roots(member, own, nested)):
        candidates, base = chosen, own.rootdir
        heading = f"testpaths of {relative(own.file, root)}"
    else:
        candidates, base = [member], member
    # pytest reads the configuration of the folder common to the paths it is given.
    common = _common_folder(candidates)
    settings = own
    if common != member and common.is_relative_to(root):
        settings = pytest_settings(common, root)
    ignored = frozenset(str(path) for path in nested)
    roots: list[Path] = []
    files: set[Path] = set()
    for candidate in candidates:
        found = [Path(name) for name in _walk(candidate, settings, ignored)]
        kept = [path for path in found if _defines_test(_summary(path), settings)]
        # A testpath holding other members is this member's only for the files outside them.
        if candidate == member or kept or not any(p.is_relative_to(candidate) for p in nested):
            roots.append(candidate)
            files.update(kept)
    if heading is not None:
        looked_in = f"{heading}: {', '.join(relative(path, base) for path in roots)}"
    elif own.file is None or not own.testpaths:
        looked_in = f"{relative(member, root)} (no testpaths)"
    else:
        looked_in = (
            f"{relative(member, root)} (testpaths of {relative(own.file, root)} name none of it)"
        )
    return MemberTests(tuple(roots), nested, tuple(sorted(files)), settings, looked_in)


def marked_tiers(file: Path) -> frozenset[str]:
    """Tier names given by ``@pytest.mark.tier("x")`` in ``file``, read with ``ast``.

    Seen: the decorators of functions and classes (``pytest.param(marks=...)``
    within them included) and ``pytestmark`` of the module or a class (one mark
    or a list). A file that cannot be parsed names no tier.
    """
    return _summary(_absolute(file)).tiers


# --------------------------------------------------------------- configuration


def _load_pytest_toml(path: Path) -> _Options:
    document = read_toml(path)
    table = document.get("pytest")
    if isinstance(table, dict):
        return _Options(path, table, toml=True, lines={})
    loose = [key for key, value in document.items() if not isinstance(value, dict)]
    if loose:
        msg = f"pytest options must be under a [pytest] table (found {', '.join(loose)})"
        raise ConfigError(msg, path=path, line=_line(path, f"{loose[0]}"))
    return _Options(path, {}, toml=True, lines={})


def _load_pyproject(path: Path) -> _Options | None:
    tool = read_toml(path).get("tool")
    table = tool.get("pytest") if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        return None
    native = {key: value for key, value in table.items() if key != "ini_options"}
    ini = table.get("ini_options")
    if native and ini:
        msg = "[tool.pytest] and [tool.pytest.ini_options] cannot both be used (pytest refuses it)"
        raise ConfigError(msg, path=path, line=_line(path, "[tool.pytest"))
    if native:
        return _Options(path, native, toml=True, lines={})
    if isinstance(ini, dict):
        scalars: dict[str, object] = {
            k: v if isinstance(v, list) else str(v) for k, v in ini.items()
        }
        return _Options(path, scalars, toml=False, lines={})
    return None


def _load_ini_section(
    section: str, *, always: bool = False, refused: str | None = None
) -> Callable[[Path], _Options | None]:
    """A loader of the ``section`` of an ini file (an empty configuration if ``always``)."""

    def load(path: Path) -> _Options | None:
        parsed = _read_ini(path)
        if refused is not None and refused in parsed and section not in parsed:
            msg = f"pytest no longer reads [{refused}] in {path.name}: use [{section}]"
            raise ConfigError(msg, path=path, line=parsed[refused][""][1])
        if section not in parsed:
            return _Options(path, {}, toml=False, lines={}) if always else None
        entries = {key: entry for key, entry in parsed[section].items() if key}
        return _Options(
            path,
            {key: value for key, (value, _) in entries.items()},
            toml=False,
            lines={key: line for key, (_, line) in entries.items()},
        )

    return load


_LOADERS: tuple[tuple[str, Callable[[Path], _Options | None]], ...] = (
    ("pytest.toml", _load_pytest_toml),
    (".pytest.toml", _load_pytest_toml),
    ("pytest.ini", _load_ini_section("pytest", always=True)),
    (".pytest.ini", _load_ini_section("pytest", always=True)),
    (_PYPROJECT, _load_pyproject),
    ("tox.ini", _load_ini_section("pytest")),
    ("setup.cfg", _load_ini_section("tool:pytest", refused="pytest")),
)
"""pytest's configuration files, in the order it tries them in each folder."""


def _read_ini(path: Path) -> dict[str, dict[str, tuple[str, int]]]:
    """Sections of an ini file as pytest's ``iniconfig`` reads them: ``{key: (value, line)}``.

    The key ``""`` of each section holds the line of its header; what
    ``iniconfig`` refuses is a :class:`ConfigError` naming the line.
    """
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\N{BYTE ORDER MARK}")
    except UnicodeDecodeError:
        raise ConfigError("cannot read: not UTF-8 text", path=path) from None
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", path=path) from None
    sections: dict[str, dict[str, tuple[list[str], int]]] = {}
    section: str | None = None
    last: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = "" if raw.lstrip()[:1] in "#;" else raw.rstrip()
        if not line:
            continue
        header = line.split("#")[0].split(";")[0].rstrip()
        if line[0] == "[" and header.endswith("]"):
            section, last = _ini_section(header, sections, path, number), None
            sections[section] = {"": ([], number)}
        elif line[0] == "[" or line[0].isspace():
            if last is None:
                raise ConfigError("unexpected value continuation", path=path, line=number)
            last.append(line.strip())
        else:
            name, value = _ini_assignment(line, path, number)
            if section is None:
                raise ConfigError("no section header defined", path=path, line=number)
            if name in sections[section]:
                raise ConfigError(f"duplicate name {name!r}", path=path, line=number)
            last = [value] if value else []
            sections[section][name] = (last, number)
    return {
        name: {key: ("\n".join(lines), number) for key, (lines, number) in entries.items()}
        for name, entries in sections.items()
    }


def _ini_section(header: str, known: Collection[str], path: Path, number: int) -> str:
    section = header[1:-1]
    if not section or section in known:
        what = f"duplicate section {section!r}" if section else "empty section name"
        raise ConfigError(what, path=path, line=number)
    return section


def _ini_assignment(line: str, path: Path, number: int) -> tuple[str, str]:
    name, equals, value = line.partition("=")
    if not equals or ":" in name:
        name, colon, value = line.partition(":")
        if not colon:
            raise ConfigError(f"unexpected line: {line!r}", path=path, line=number)
    return name.strip(), value.strip()


def _settings(options: _Options) -> PytestSettings:
    def listed(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = options.values.get(key)
        if value is None:
            return default
        if isinstance(value, str) and not options.toml:
            try:
                return tuple(shlex.split(value))
            except ValueError as error:
                line = options.lines.get(key) or _line(options.path, key)
                raise ConfigError(f"{key}: {error}", path=options.path, line=line) from None
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        line = options.lines.get(key) or _line(options.path, key)
        msg = f"pytest option {key} must be a list of strings, not {value!r}"
        raise ConfigError(msg, path=options.path, line=line)

    return PytestSettings(
        file=options.path,
        rootdir=options.path.parent,
        testpaths=listed("testpaths", ()),
        python_files=listed("python_files", DEFAULT_PYTHON_FILES),
        python_classes=listed("python_classes", DEFAULT_PYTHON_CLASSES),
        python_functions=listed("python_functions", DEFAULT_PYTHON_FUNCTIONS),
        norecursedirs=listed("norecursedirs", DEFAULT_NORECURSEDIRS),
    )


def _line(path: Path, needle: str) -> int | None:
    try:
        return line_of(path.read_text(encoding="utf-8"), needle)
    except (OSError, UnicodeDecodeError):
        return None


# --------------------------------------------------------------------- roots


def _override_roots(member: Path, override: Sequence[str]) -> list[Path]:
    roots: list[Path] = []
    for entry in override:
        matches = sorted(glob.glob(entry, root_dir=member, recursive=True))  # noqa: PTH207 - as pytest globs
        if not matches:
            pyproject = member / _PYPROJECT
            msg = f"[tool.tiergate] tests-paths: {entry!r} matches nothing in {member.name}/"
            raise ConfigError(msg, path=pyproject, line=_line(pyproject, entry))
        roots.extend(_absolute(member / match) for match in matches)
    return _outermost(roots)


def _testpaths_roots(member: Path, settings: PytestSettings, nested: Sequence[Path]) -> list[Path]:
    """The member's share of ``testpaths``: the entries in it, or the member for those around it."""
    base = settings.rootdir
    roots: list[Path] = []
    for entry in settings.testpaths:
        # pytest globs testpaths from its rootdir, recursively.
        for match in sorted(glob.glob(entry, root_dir=base, recursive=True)):  # noqa: PTH207
            path = _absolute(base / match)
            if member.is_relative_to(path):
                roots.append(member)
            elif path.is_relative_to(member) and not any(path.is_relative_to(o) for o in nested):
                roots.append(path)
    return _outermost(roots)


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """``paths`` in order, each once, without those inside another."""
    unique = list(dict.fromkeys(paths))
    return [p for p in unique if not any(p != q and p.is_relative_to(q) for q in unique)]


def _common_folder(paths: Sequence[Path]) -> Path:
    common = Path(os.path.commonpath(paths))
    return common.parent if common.is_file() else common


# ------------------------------------------------------------------ the walk


def _walk(top: Path, settings: PytestSettings, ignored: frozenset[str]) -> Iterator[str]:
    """The ``.py`` files pytest collects below ``top`` (``top`` itself when it is a file)."""
    if not top.is_dir():
        if top.suffix == ".py" and top.is_file():
            yield str(top)
        return
    folders = [str(top)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if _recurse(entry, settings, ignored):
                    folders.append(entry.path)
            elif entry.name.endswith(".py") and any(
                _fnmatch_ex(pattern, entry.name, entry.path) for pattern in settings.python_files
            ):
                yield entry.path


def _recurse(entry: os.DirEntry[str], settings: PytestSettings, ignored: frozenset[str]) -> bool:
    if entry.name == "__pycache__" or entry.path in ignored:
        return False
    if any(_fnmatch_ex(pattern, entry.name, entry.path) for pattern in settings.norecursedirs):
        return False
    # A virtualenv, as pytest recognises one (strings, not Path: this runs for every folder).
    if os.path.isfile(f"{entry.path}/pyvenv.cfg") or os.path.isfile(  # noqa: PTH113
        f"{entry.path}/conda-meta/history"
    ):
        return False
    if entry.is_symlink():
        # pytest follows linked folders; one that links back up would never end.
        target = os.path.realpath(entry.path)
        here = os.path.realpath(os.path.dirname(entry.path))  # noqa: PTH120
        if here == target or here.startswith(target + os.sep):
            return False
    return True


def _fnmatch_ex(pattern: str, name: str, path: str) -> bool:
    """Pytest's ``fnmatch_ex``: match the name, or the whole path if the pattern has a separator."""
    if os.sep not in pattern:
        return fnmatch(name, pattern)
    return fnmatch(path, pattern if pattern.startswith(os.sep) else f"*{os.sep}{pattern}")


# ----------------------------------------------------------------- the tests


@dataclass(frozen=True)
class _Class:
    name: str
    bases: tuple[str, ...]
    methods: tuple[str, ...]
    """Its functions, fixtures left out."""
    constructor: bool
    """It defines ``__init__`` or ``__new__``: pytest does not collect it."""
    test_attr: bool | None
    """``__test__ = <literal>``, when set."""
    nested: tuple[_Class, ...]


@dataclass(frozen=True)
class _Summary:
    """What the collection needs to know of one file, parsed once."""

    parsed: bool
    functions: tuple[str, ...] = ()
    classes: tuple[_Class, ...] = ()
    tiers: frozenset[str] = frozenset()


_UNPARSED = _Summary(parsed=False)


def _summary(path: Path) -> _Summary:
    try:
        stat = path.stat()
    except OSError:
        return _UNPARSED
    return _summarize(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8192)
def _summarize(path: Path, _mtime_ns: int, _size: int) -> _Summary:
    """The summary of ``path`` as it is at that modification time and size."""
    try:
        source = path.read_bytes()
    except OSError:
        return _UNPARSED
    try:
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError, RecursionError):
        return _UNPARSED
    functions: list[str] = []
    classes: list[_Class] = []
    tiers: set[str] = set()
    for node in _flatten(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            tiers.update(_tier_names(node.decorator_list))
            if not _is_fixture(node):
                functions.append(node.name)
        elif isinstance(node, ast.ClassDef):
            classes.append(_read_class(node, tiers))
        elif (value := _pytestmark(node)) is not None:
            tiers.update(_tier_names([value]))
    return _Summary(
        parsed=True, functions=tuple(functions), classes=tuple(classes), tiers=frozenset(tiers)
    )


def _flatten(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a body, those inside ``if``, ``try`` and ``with`` blocks included."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _flatten(node.body + node.orelse)
        elif isinstance(node, ast.Try | ast.TryStar):
            blocks = [node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody]
            yield from _flatten([statement for block in blocks for statement in block])
        elif isinstance(node, ast.With | ast.AsyncWith):
            yield from _flatten(node.body)


def _read_class(node: ast.ClassDef, tiers: set[str]) -> _Class:
    tiers.update(_tier_names(node.decorator_list))
    methods: list[str] = []
    nested: list[_Class] = []
    constructor = False
    test_attr: bool | None = None
    for statement in _flatten(node.body):
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            tiers.update(_tier_names(statement.decorator_list))
            constructor = constructor or statement.name in {"__init__", "__new__"}
            if not _is_fixture(statement):
                methods.append(statement.name)
        elif isinstance(statement, ast.ClassDef):
            nested.append(_read_class(statement, tiers))
        elif (value := _pytestmark(statement)) is not None:
            tiers.update(_tier_names([value]))
        elif (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__test__" for t in statement.targets)
            and isinstance(statement.value, ast.Constant)
        ):
            test_attr = bool(statement.value.value)
    bases = tuple(name for base in node.bases if (name := _name(base)) is not None)
    return _Class(node.name, bases, tuple(methods), constructor, test_attr, tuple(nested))


def _defines_test(summary: _Summary, settings: PytestSettings) -> bool:
    """True when pytest would find a test in the file (or report it as an error)."""
    if not summary.parsed:
        return True
    if any(_matches(name, settings.python_functions) for name in summary.functions):
        return True
    known = {cls.name: cls for cls in summary.classes}
    return any(_class_has_test(cls, known, settings) for cls in summary.classes)


def _class_has_test(cls: _Class, known: dict[str, _Class], settings: PytestSettings) -> bool:
    lineage, foreign = _lineage(cls, known)
    test_attr = next((k.test_attr for k in lineage if k.test_attr is not None), None)
    if test_attr is False:
        return False
    methods = {name for k in lineage for name in k.methods}
    if any(base.endswith("TestCase") for base in foreign):
        # unittest's loader: any name, methods named test*.
        return any(name.startswith("test") for name in methods) or _may_bring_tests(foreign)
    if not (_matches(cls.name, settings.python_classes) or test_attr):
        return False
    if any(k.constructor for k in lineage):
        return False
    return (
        any(_matches(name, settings.python_functions) for name in methods)
        or any(_class_has_test(inner, known, settings) for inner in cls.nested)
        or _may_bring_tests(foreign)
    )


def _may_bring_tests(foreign: set[str]) -> bool:
    """A base defined in another module may hold test methods: the file is kept, not dropped."""
    return any(name not in _PLAIN_BASES and not name.endswith("TestCase") for name in foreign)


def _lineage(cls: _Class, known: dict[str, _Class]) -> tuple[list[_Class], set[str]]:
    """``cls`` and its bases defined in the same file, and the names of the other bases."""
    lineage: list[_Class] = []
    foreign: set[str] = set()
    pending = [cls]
    while pending:
        current = pending.pop(0)
        if current in lineage:
            continue
        lineage.append(current)
        for base in current.bases:
            local = known.get(base)
            if local is None or local is current:
                foreign.add(base)
            else:
                pending.append(local)
    return lineage, foreign


def _matches(name: str, patterns: Sequence[str]) -> bool:
    """A name pytest collects: it starts with a pattern, or matches it when it is a glob."""
    return any(
        name.startswith(pattern) or (any(c in pattern for c in "*?[") and fnmatch(name, pattern))
        for pattern in patterns
    )


def _is_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        _name(decorator.func if isinstance(decorator, ast.Call) else decorator) == "fixture"
        for decorator in node.decorator_list
    )


def _pytestmark(node: ast.stmt) -> ast.expr | None:
    """The value assigned to ``pytestmark`` by ``node``, if it is such an assignment."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, value = [node.target], node.value
    else:
        return None
    named = any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets)
    return value if named else None


def _tier_names(expressions: Iterable[ast.expr]) -> Iterator[str]:
    """String arguments of every ``mark.tier(...)`` call within the expressions."""
    for expression in expressions:
        for node in ast.walk(expression):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "tier"
                and _name(node.func.value) == "mark"
            ):
                yield from (
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                )


def _name(expression: ast.expr) -> str | None:
    """The last name of ``a.b.name``, ``name`` or ``name[...]``."""
    if isinstance(expression, ast.Subscript):
        expression = expression.value
    if isinstance(expression, ast.Attribute):
        return expression.attr
    if isinstance(expression, ast.Name):
        return expression.id
    return None


def _absolute(path: Path) -> Path:
    """``path`` made absolute and normalised as pytest does (``os.path.abspath``, no symlinks)."""
    return Path(os.path.abspath(path))  # noqa: PTH100 - resolve() would follow symlinks

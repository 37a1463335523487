"""Every file tiergate reads goes through :mod:`tiergate.reading`: an AST scan of the source.

A call that reads a file (``open`` in read mode, ``.read_text``, ``.read_bytes``,
``.open`` in read mode) or parses one (``json.load(s)``, ``tomllib.load(s)``,
``yaml.safe_load``, ``ElementTree.parse``/``fromstring``, ``tomlkit.parse``/``loads``)
anywhere but in ``tiergate/reading.py`` is an offending call site, named
``module:function``. The only ones allowed are listed in :data:`ALLOWED`, each
with the reason it reads no user input.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[4]
GUARDED_LAYER = REPOSITORY / "packages" / "tiergate" / "src" / "tiergate" / "reading.py"
GUARDED_MODULE = "tiergate.reading"

ALLOWED: dict[str, str] = {
    "pytest_tiergate.outcomes:requirement_ids": (
        "parses a JSON property the plugin itself recorded on a test report, no file; "
        "a value of another shape names no requirement"
    ),
    "tiergate.history.store:bootstrap_sql": "an SQL file shipped inside the tiergate package",
    "tiergate_nox.forks:_answer": (
        "parses a request the check wrote to its own fork server over a pipe, no file; "
        "one of another shape is refused"
    ),
    "tiergate_nox.forks:_answer_of": (
        "parses its own fork server's answer over a pipe, no file; one of another shape "
        "is a lost server"
    ),
    "tiergate.history.store:migrations": "the SQL migration files shipped inside the package",
    "tiergate.scaffold.templates:_file": "a package resource, read with importlib.resources",
}
"""``module:function`` -> why it may read a file without the guarded layer.

Only reads that are not user input belong here: package resources (read with
``importlib.resources``), SQL migration files shipped in the package, pytest-tiergate
reading back its own output.
"""

_READ_METHODS = frozenset({"read_text", "read_bytes"})
_PARSERS: dict[str, frozenset[str]] = {
    "json": frozenset({"load", "loads"}),
    "tomllib": frozenset({"load", "loads"}),
    "tomli": frozenset({"load", "loads"}),
    "yaml": frozenset({"safe_load", "load", "full_load", "unsafe_load", "safe_load_all"}),
    "xml.etree.ElementTree": frozenset({"parse", "fromstring", "iterparse", "XML"}),
    "xml.etree.cElementTree": frozenset({"parse", "fromstring", "iterparse", "XML"}),
    "defusedxml.ElementTree": frozenset({"parse", "fromstring", "iterparse", "XML"}),
    "defusedxml.cElementTree": frozenset({"parse", "fromstring", "iterparse", "XML"}),
    "tomlkit": frozenset({"parse", "loads", "load"}),
}
"""Module -> its functions that parse a file or its text."""
_WRITING = frozenset("wax")

pytestmark = pytest.mark.req("FR-170")


@dataclass(frozen=True, order=True)
class Read:
    """One call site that reads a file outside the guarded layer."""

    site: str
    """``module:function`` (``<module>`` at module level)."""
    line: int
    call: str

    def __str__(self) -> str:
        return f"{self.site} (line {self.line}: {self.call})"


def _module_name(path: Path) -> str:
    """``a.b`` of ``packages/<member>/src/a/b.py`` (``a`` of ``src/a/__init__.py``)."""
    parts = path.with_suffix("").parts
    return ".".join(parts[parts.index("src") + 1 :]).removesuffix(".__init__")


def _reads_mode(mode: ast.expr | None) -> bool:
    """Whether an ``open`` mode argument reads: absent, or a literal without w, a, x.

    A mode that is not a literal may read: it counts.
    """
    if mode is None:
        return True
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return not _WRITING & set(mode.value)
    return True


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return call.args[position] if len(call.args) > position else None


class _Scanner(ast.NodeVisitor):
    """Collect the reading calls of one module, with the function each is in."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.scope: list[str] = []
        self.aliases: dict[str, str] = {}
        """Local name -> the module it is (``import json as j``: ``j`` -> ``json``)."""
        self.imported: dict[str, tuple[str, str]] = {}
        """Local name -> (module, function) (``from json import loads``)."""
        self.found: list[Read] = []

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.aliases[alias.asname or alias.name.split(".")[0]] = (
                alias.name if alias.asname else alias.name.split(".")[0]
            )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            local = alias.asname or alias.name
            qualified = f"{node.module}.{alias.name}" if node.module else alias.name
            if qualified in _PARSERS:  # from xml.etree import ElementTree as ET
                self.aliases[local] = qualified
            elif node.module is not None:
                self.imported[local] = (node.module, alias.name)

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scoped(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scoped(node)

    def visit_Call(self, node: ast.Call) -> None:
        what = self._reading(node)
        if what is not None:
            site = f"{self.module}:{'.'.join(self.scope) or '<module>'}"
            self.found.append(Read(site, node.lineno, what))
        self.generic_visit(node)

    def _reading(self, node: ast.Call) -> str | None:  # noqa: PLR0911 - one return per kind
        func = node.func
        if isinstance(func, ast.Name):
            if func.id == "open" and func.id not in self.imported:
                return "open()" if _reads_mode(_argument(node, 1, "mode")) else None
            module, name = self.imported.get(func.id, ("", ""))
            return f"{module}.{name}()" if name in _PARSERS.get(module, ()) else None
        if not isinstance(func, ast.Attribute):
            return None
        owner = self._module_of(func.value)
        if owner == GUARDED_MODULE:  # reading.read_text(...): the guarded layer itself
            return None
        if func.attr in _READ_METHODS:
            return f".{func.attr}()"
        if func.attr == "open":
            if owner == "os":  # os.open takes flags, not a mode: tiergate writes with it
                return None
            return ".open()" if _reads_mode(_argument(node, 0, "mode")) else None
        if owner == "os" and func.attr == "fdopen":  # what os.open opened, read as a file
            return "os.fdopen()" if _reads_mode(_argument(node, 1, "mode")) else None
        if owner is not None and func.attr in _PARSERS.get(owner, ()):
            return f"{owner}.{func.attr}()"
        return None

    def _module_of(self, value: ast.expr) -> str | None:
        """The module ``value`` names (``json``, ``ET``, ``xml.etree.ElementTree``), if any."""
        dotted: list[str] = []
        while isinstance(value, ast.Attribute):
            dotted.insert(0, value.attr)
            value = value.value
        if not isinstance(value, ast.Name):
            return None
        head = self.aliases.get(value.id)
        if head is None and value.id in self.imported:
            module, name = self.imported[value.id]
            head = f"{module}.{name}"
        return ".".join([head, *dotted]) if head is not None else None


def scan() -> list[Read]:
    """Every reading call site of ``packages/*/src`` outside the guarded layer."""
    found: list[Read] = []
    for path in sorted(REPOSITORY.glob("packages/*/src/**/*.py")):
        if path == GUARDED_LAYER:
            continue
        scanner = _Scanner(_module_name(path))
        scanner.visit(ast.parse(path.read_bytes(), filename=str(path)))
        found.extend(scanner.found)
    return sorted(found)


def test_every_read_goes_through_the_guarded_layer() -> None:
    found = scan()
    offending = {read.site for read in found}
    unexpected = [str(read) for read in found if read.site not in ALLOWED]
    stale = sorted(set(ALLOWED) - offending)
    assert offending == set(ALLOWED), (
        "files read outside tiergate/reading.py (use its readers, or allow-list a read "
        "that is no user input, with the reason):\n  "
        + "\n  ".join(unexpected or ["none"])
        + "\nallow-listed but no longer reading: "
        + (", ".join(stale) or "none")
    )


def _sites(source: str) -> set[str]:
    scanner = _Scanner("m")
    scanner.visit(ast.parse(source))
    return {f"{read.site} {read.call}" for read in scanner.found}


def test_the_scan_finds_each_kind_of_read() -> None:
    source = """
import json, os, tomllib, yaml, tomlkit
from tiergate import reading
import defusedxml.ElementTree as SafeET
from xml.etree import ElementTree
from json import loads as parse_json

open("a")
open("a", "rb")
open("a", mode="w")
def f(path):
    path.read_text()
    path.read_bytes()
    path.open()
    path.open("rb")
    path.open("a", encoding="utf-8")
    json.load(path)
class C:
    def g(self, text):
        json.loads(text)
        tomllib.loads(text)
        tomllib.load(text)
        yaml.safe_load(text)
        SafeET.parse(text)
        SafeET.fromstring(text)
        ElementTree.parse(text)
        tomlkit.parse(text)
        tomlkit.loads(text)
        os.open(text, 0)
        os.fdopen(3, "rb")
        os.fdopen(4, "wb")
        text.encode()
        reading.read_text(text, "x", ValueError)
def h(text):
    return parse_json(text)
"""
    assert _sites(source) == {
        "m:<module> open()",
        "m:f .read_text()",
        "m:f .read_bytes()",
        "m:f .open()",
        "m:f json.load()",
        "m:C.g json.loads()",
        "m:C.g tomllib.loads()",
        "m:C.g tomllib.load()",
        "m:C.g yaml.safe_load()",
        "m:C.g defusedxml.ElementTree.parse()",
        "m:C.g defusedxml.ElementTree.fromstring()",
        "m:C.g xml.etree.ElementTree.parse()",
        "m:C.g tomlkit.parse()",
        "m:C.g os.fdopen()",
        "m:C.g tomlkit.loads()",
        "m:h json.loads()",
    }


def test_the_scan_names_modules_by_their_import_name() -> None:
    path = REPOSITORY / "packages" / "tiergate" / "src" / "tiergate" / "history" / "url.py"
    assert _module_name(path) == "tiergate.history.url"
    init = REPOSITORY / "packages" / "pytest-tiergate" / "src" / "pytest_tiergate" / "__init__.py"
    assert _module_name(init) == "pytest_tiergate"

"""What a test file defines, read with ``ast`` (nothing is imported): tests and tier marks."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from pathlib import Path

from pydantic import TypeAdapter

from tiergate.errors import TiergateError
from tiergate.memo import Memo
from tiergate.pytestconfig import absolute
from tiergate.reading import MAX_ARTIFACT_BYTES, read_bytes, source_salt

if TYPE_CHECKING:
    from tiergate.pytestconfig import PytestSettings

_PLAIN_BASES = frozenset({"object", "ABC", "Generic", "Protocol"})
"""Bases that bring no test methods with them."""


def marked_tiers(file: Path) -> frozenset[str]:
    """Tier names given by ``@pytest.mark.tier("x")`` in ``file``, read with ``ast``.

    Seen: the decorators of functions and classes (``pytest.param(marks=...)``
    within them included) and ``pytestmark`` of the module or a class (one mark
    or a list). A file that cannot be parsed names no tier.
    """
    return summary(absolute(file)).tiers


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
_SUMMARIES: Memo[_Summary] = Memo("test-files", TypeAdapter(_Summary), limit=5_000)
_SALT = source_salt(__file__)


def summary(path: Path) -> _Summary:
    """What ``path`` defines, parsed once per version of the file (its mtime and size)."""
    try:
        stat = path.stat()
    except OSError:
        return _UNPARSED
    return _summarize(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8192)
def _summarize(path: Path, _mtime_ns: int, _size: int) -> _Summary:
    """The summary of ``path`` as it is at that modification time and size.

    A file that cannot be read (a folder, permission, too large) or parsed (a
    syntax error, a NUL byte, nesting too deep for the parser) is unparsed:
    pytest reports it as a collection error, so it stays a test file. Parsed
    once per content (:mod:`tiergate.memo`).
    """
    try:
        source = read_bytes(path, "test file", TiergateError, limit=MAX_ARTIFACT_BYTES)
    except TiergateError:
        return _UNPARSED
    return _SUMMARIES.get(_SALT, source, lambda: _parse(source))


def _parse(source: bytes) -> _Summary:
    try:
        return _read_module(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _UNPARSED


def _read_module(tree: ast.Module) -> _Summary:
    """The test functions, classes and tier marks of a parsed module."""
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


def defines_test(summary: _Summary, settings: PytestSettings) -> bool:
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

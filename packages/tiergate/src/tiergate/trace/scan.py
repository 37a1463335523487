"""Find ``@pytest.mark.req(...)`` in test files without importing them (``ast`` only).

Seen: the decorators of test functions, methods and classes; ``pytestmark``
of a module or a class (one mark, or a list or tuple of marks); ``marks=`` of
``pytest.param(...)`` in a test's decorators (credited to the test). A test's
id is its pytest node id relative to the workspace root (``path::Class::test``),
its tier its ``@pytest.mark.tier("...")`` or its folder, as pytest-tiergate
decides. Only string literals can be read without running code, so any other
argument of ``req`` is an error.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from tiergate.errors import SpecError, clip
from tiergate.files import relative
from tiergate.reading import MAX_CONFIG_BYTES, read_bytes
from tiergate.tiers import folder_tiers, is_requirement_id

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.workspace import Workspace

_REQ = "req"
_TIER = "tier"
_PREFILTER = b".req"
"""A file without this text has no ``req`` mark: it is not parsed."""
_SHOWN = 80
"""An argument quoted in a message is cut to this many characters."""


@dataclass(frozen=True)
class MarkedTest:
    """A test that names requirements, as the static scan found it."""

    id: str
    """``path::Class::test``, the path POSIX and relative to the workspace root."""
    line: int
    tier: str | None
    """``None`` when the marks and folders give no tier, or several."""
    requirements: tuple[str, ...]
    package: str | None = None
    """The workspace member whose folders hold the test."""


def _matches(name: str, patterns: Sequence[str]) -> bool:
    """True when ``name`` starts with a pattern, or matches it if a glob (as pytest does)."""
    return any(
        fnmatchcase(name, pattern) if any(c in pattern for c in "*?[") else name.startswith(pattern)
        for pattern in patterns
    )


@dataclass(frozen=True)
class Naming:
    """Which files, classes and functions pytest collects (``[tool.pytest.ini_options]``)."""

    files: tuple[str, ...] = ("test_*.py", "*_test.py")
    classes: tuple[str, ...] = ("Test",)
    functions: tuple[str, ...] = ("test",)


def scan_workspace(workspace: Workspace, config: TiergateConfig) -> list[MarkedTest]:
    """Every test of the workspace's members that names requirements, member by member.

    The files are those pytest collects for each member (:mod:`tiergate.testfiles`),
    with the member's own pytest naming rules.
    """
    tiers = {name: tier.paths for name, tier in config.tiers.items()}
    found: list[MarkedTest] = []
    seen: set[Path] = set()
    for member in workspace.members:
        settings = member.tests.settings
        naming = Naming(settings.python_files, settings.python_classes, settings.python_functions)
        files = [path for path in member.test_files if path not in seen]
        seen.update(files)
        found.extend(
            replace(test, package=member.name)
            for path in files
            for test in scan_file(
                path, workspace.root, tiers, naming, fallback=config.fallback_tier
            )
        )
    return found


def scan_file(
    path: Path,
    root: Path,
    tiers: Mapping[str, tuple[str, ...]],
    naming: Naming,
    *,
    fallback: str | None = None,
) -> list[MarkedTest]:
    """The tests of one file that name requirements; unparsable source is a SpecError.

    ``fallback``: the tier of a test no mark and no folder places (``default-tier``).
    """
    source = read_bytes(path, "test file", SpecError, limit=MAX_CONFIG_BYTES)
    if _PREFILTER not in source:
        return []
    tree = _parse(source, path)
    placed = tuple(folder_tiers(path, root, tiers))
    module = _Module(path, relative(path, root), placed, naming, fallback)
    try:
        return list(module.tests(tree.body, module.name, ()))
    except RecursionError:
        raise SpecError("cannot scan: nested too deep", path=path) from None


def _parse(source: bytes, path: Path) -> ast.Module:
    """The syntax tree of a test file; whatever stops the parser is one :class:`SpecError`.

    A hostile file can make :func:`ast.parse` raise ``SyntaxError`` (with its
    line), ``ValueError`` (a NUL byte), ``RecursionError`` or ``MemoryError``
    (nesting too deep for the parser).
    """
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as error:
        raise SpecError(f"cannot parse: {error.msg}", path=path, line=error.lineno) from None
    except ValueError as error:
        raise SpecError(f"cannot parse: {error}", path=path) from None
    except (RecursionError, MemoryError):
        raise SpecError("cannot parse: nested too deep for the parser", path=path) from None


@dataclass(frozen=True)
class _Mark:
    name: str
    call: ast.Call | None
    """``None`` for a mark used without a call (``pytest.mark.req``)."""
    line: int


@dataclass(frozen=True)
class _Module:
    path: Path
    name: str
    folder_tiers: tuple[str, ...]
    naming: Naming
    fallback: str | None

    def tests(
        self, body: list[ast.stmt], prefix: str, inherited: tuple[_Mark, ...]
    ) -> Iterator[MarkedTest]:
        marks = inherited + tuple(_pytestmark(body))
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if _matches(node.name, self.naming.functions):
                    own = tuple(_decorator_marks(node.decorator_list, params=True))
                    test = self.test(f"{prefix}::{node.name}", node.lineno, marks + own)
                    if test is not None:
                        yield test
            elif (
                isinstance(node, ast.ClassDef)
                and _matches(node.name, self.naming.classes)
                and _collected(node)
            ):
                own = tuple(_decorator_marks(node.decorator_list, params=False))
                yield from self.tests(node.body, f"{prefix}::{node.name}", marks + own)

    def test(self, node_id: str, line: int, marks: tuple[_Mark, ...]) -> MarkedTest | None:
        """The test, when its marks name requirements."""
        requirements = {rid for mark in marks if mark.name == _REQ for rid in self.ids(mark)}
        if not requirements:
            return None
        tiers = {
            arg.value
            for mark in marks
            if mark.name == _TIER and mark.call is not None
            for arg in mark.call.args
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        }
        tiers.update(self.folder_tiers)
        if not tiers and self.fallback is not None:
            tiers.add(self.fallback)
        tier = next(iter(tiers)) if len(tiers) == 1 else None
        return MarkedTest(node_id, line, tier, tuple(sorted(requirements)))

    def ids(self, mark: _Mark) -> list[str]:
        if mark.call is None or mark.call.keywords or not mark.call.args:
            msg = (
                '@pytest.mark.req takes requirement IDs as strings, e.g. @pytest.mark.req("FR-012")'
            )
            raise SpecError(msg, path=self.path, line=mark.line)
        return [self.literal(arg) for arg in mark.call.args]

    def literal(self, arg: ast.expr) -> str:
        if isinstance(arg, ast.Constant) and is_requirement_id(arg.value):
            return arg.value
        written = ast.unparse(arg)
        msg = (
            f"@pytest.mark.req: {clip(written, _SHOWN)} is not a requirement ID as a string literal"
        )
        raise SpecError(
            f"{msg} (the static scan does not run code)", path=self.path, line=arg.lineno
        )


def _collected(node: ast.ClassDef) -> bool:
    """False for a class pytest does not collect: one with ``__init__`` or ``__test__ = False``."""
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
            return False
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__test__" for t in statement.targets)
            and isinstance(statement.value, ast.Constant)
            and not statement.value.value
        ):
            return False
    return True


def _pytestmark(body: list[ast.stmt]) -> Iterator[_Mark]:
    for statement in body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
            yield from _marks(value)


def _decorator_marks(decorators: list[ast.expr], *, params: bool) -> Iterator[_Mark]:
    for decorator in decorators:
        yield from _marks(decorator)
        if params:
            yield from _param_marks(decorator)


def _param_marks(decorator: ast.expr) -> Iterator[_Mark]:
    """``marks=`` of each ``pytest.param(...)`` listed in a ``parametrize`` decorator."""
    if not isinstance(decorator, ast.Call) or _name(decorator.func) != "parametrize":
        return
    for values in (*decorator.args, *(keyword.value for keyword in decorator.keywords)):
        for value in values.elts if isinstance(values, ast.List | ast.Tuple) else ():
            if isinstance(value, ast.Call) and _name(value.func) == "param":
                for keyword in value.keywords:
                    if keyword.arg == "marks":
                        yield from _marks(keyword.value)


def _marks(expression: ast.expr) -> Iterator[_Mark]:
    """The marks an expression is: ``pytest.mark.x(...)``, ``mark.x``, or a list/tuple of them."""
    if isinstance(expression, ast.List | ast.Tuple):
        for element in expression.elts:
            yield from _marks(element)
        return
    call = expression if isinstance(expression, ast.Call) else None
    target = call.func if call is not None else expression
    if isinstance(target, ast.Attribute) and _name(target.value) == "mark":
        yield _Mark(target.attr, call, expression.lineno)


def _name(expression: ast.expr) -> str | None:
    """The last name of ``a.b.name`` or ``name``."""
    if isinstance(expression, ast.Attribute):
        return expression.attr
    if isinstance(expression, ast.Name):
        return expression.id
    return None

"""Coverage per tier, package, file and run, from coverage.py data files, exactly.

Covered lines are the *union* of the lines executed in each data file (one per
session x tier), never an average of percentages. Statements, exclusions
(``[tool.coverage.report] exclude_also``...) and the translation of traced
lines to the first line of their statement come from coverage.py's own Python
file reporter, configured from the workspace's ``pyproject.toml``; the numbers
are then added as integers (:mod:`tiergate.covnumbers`), so the results equal
what ``coverage report`` prints for the same data, to the last digit.

Only statement coverage is computed: with ``[tool.coverage.run] branch = true``
coverage.py folds branches into its percentage and the two would differ.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from importlib.util import decode_source
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import coverage
from coverage.exceptions import CoverageException
from coverage.files import GlobMatcher, find_python_files
from coverage.python import PythonFileReporter
from coverage.regions import code_regions
from pydantic import TypeAdapter

from tiergate.covnumbers import Counts, Lines, line_ranges, total, worst_files
from tiergate.errors import ArtifactError, ConfigError, WorkspaceError
from tiergate.memo import Memo
from tiergate.reading import MAX_ARTIFACT_BYTES, exists, read_bytes, source_salt

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "Counts",
    "Lines",
    "SourceIndex",
    "line_ranges",
    "measure",
    "read_executed",
    "total",
    "union",
    "worst_files",
]


def _relative(stored: str, root: Path) -> str:
    """A data file's path as a posix path relative to ``root`` (as-is when outside it)."""
    posix = stored.replace("\\", "/")
    if not Path(stored).is_absolute():
        return PurePosixPath(posix).as_posix()
    try:
        return Path(stored).relative_to(root.resolve()).as_posix()
    except ValueError:
        return posix


def _reason(error: Exception) -> str:
    """The first line of ``error`` without coverage.py's "Couldn't use data file 'x': "."""
    text = (str(error).splitlines() or [type(error).__name__])[0]
    head, quote, rest = text.partition("': ")
    return rest if quote and head.startswith(("Couldn't use data file", "Data file")) else text


_Executed = dict[str, frozenset[int]]
_EXECUTED: Memo[_Executed] = Memo("coverage-lines", TypeAdapter(_Executed), limit=64)
"""Every command reads the memo file whole, and an entry holds every line a tier ran (20 KB of
JSON for this repository's): 64, a few runs of 16 data files; a run of more reads the rest again."""


def read_executed(data_file: Path, root: Path) -> dict[str, frozenset[int]]:
    """The lines executed per file in one coverage data file, as traced (not yet translated).

    Keys are posix paths relative to ``root`` (data files written with
    ``relative_files = true`` already store them so). Files that were measured
    but ran no line are left out, so a data file that measured nothing gives
    ``{}``; a missing, truncated or foreign file is an :class:`ArtifactError`.

    The answer is kept in the memo under the file's bytes: the bytes are read
    once, and coverage.py reads a copy of those same bytes, never the file again.
    """
    if not exists(data_file):
        raise ArtifactError("coverage data file not found", path=data_file)
    content = read_bytes(data_file, "coverage data file", ArtifactError)
    salt = source_salt(__file__, coverage.__version__, str(root.resolve()))
    return _EXECUTED.get(salt, content, lambda: _executed_in(content, data_file, root))


def _executed_in(content: bytes, data_file: Path, root: Path) -> _Executed:
    """:func:`read_executed` of ``content``, the bytes of ``data_file``."""
    with tempfile.TemporaryDirectory(prefix="tiergate-coverage-") as folder:
        copy = Path(folder) / data_file.name
        copy.write_bytes(content)
        data = coverage.CoverageData(basename=str(copy), read_only=True)
        executed: _Executed = {}
        try:
            data.read()
            with data.keep_db_open():  # one connection, not one per file
                for stored in sorted(data.measured_files()):
                    if lines := data.lines(stored):
                        key = _relative(stored, root)
                        executed[key] = executed.get(key, frozenset()).union(lines)
        except (CoverageException, sqlite3.Error) as error:
            raise ArtifactError(
                f"not a readable coverage data file: {_reason(error)}", path=data_file
            ) from None
        finally:
            data.close()
    return executed


def union(*executed: Mapping[str, frozenset[int]]) -> dict[str, frozenset[int]]:
    """The lines executed in any of ``executed`` (tiers, Pythons), file by file."""
    combined: dict[str, frozenset[int]] = {}
    for one in executed:
        for path, lines in one.items():
            combined[path] = combined[path] | lines if path in combined else lines
    return combined


def _functions(source: bytes) -> tuple[Function, ...]:
    """The function regions coverage.py finds in ``source``; none when it cannot parse it."""
    try:
        regions = code_regions(decode_source(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # UnicodeError is a ValueError
        return ()
    return tuple(
        (region.name, region.start, frozenset(region.lines))
        for region in regions
        if region.kind == "function"
    )


def _analysis_only(config: Path) -> coverage.Coverage:
    """A Coverage object used only to analyse source files, never to measure.

    Creating one tells coverage.py's automatic subprocess measurement (when this
    process is itself measured, as tiergate's own end-to-end tests are) that the
    process manages coverage itself, and its data is then thrown away. This
    object measures nothing, so the measurement already running is left to save.
    """
    running = getattr(coverage.process_startup, "coverage", None)
    saving = getattr(running, "_auto_save", False)
    analyser = coverage.Coverage(config_file=str(config), data_file=None)
    if running is not None and saving:
        running._auto_save = True  # noqa: SLF001 - coverage.py has no public switch for this
    return analyser


_Analysis = tuple[frozenset[int], dict[int, int]]
"""A file's statements and the first line of each multi-line statement's lines."""
_ANALYSES: Memo[_Analysis] = Memo("coverage-analyses", TypeAdapter(_Analysis), limit=5_000)

Function = tuple[str, int, frozenset[int]]
"""A function of a source file: qualified name, ``def`` line, and its lines (nested ones not)."""
_FUNCTIONS: Memo[tuple[Function, ...]] = Memo(
    "function-regions", TypeAdapter(tuple[Function, ...]), limit=5_000
)


class SourceIndex:
    """The measurable files of a workspace and their statements, each file parsed once."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        config = self.root / "pyproject.toml"
        try:
            self.coverage = _analysis_only(config)
        except CoverageException as error:
            raise ConfigError(f"coverage configuration: {error}", path=config) from None
        self._parsed: dict[str, _Analysis] = {}
        exclusions = json.dumps(self.coverage.get_exclude_list())
        self._salt = source_salt(__file__, coverage.__version__, exclusions)
        omit = [*self._option_list("run:omit"), *self._option_list("report:omit")]
        include = self._option_list("report:include")
        self._omit = GlobMatcher(self._patterns(omit), "omit") if omit else None
        self._include = GlobMatcher(self._patterns(include), "include") if include else None

    @property
    def precision(self) -> int:
        """``[tool.coverage.report] precision`` of the workspace (coverage.py's default: 0)."""
        value = self.coverage.get_option("report:precision")
        return value if isinstance(value, int) else 0

    def _option_list(self, name: str) -> list[str]:
        value = self.coverage.get_option(name)
        return [str(item) for item in value] if isinstance(value, list) else []

    def _patterns(self, patterns: list[str]) -> list[str]:
        """coverage.py's ``prep_patterns``, relative to the root instead of the cwd."""
        prepped: list[str] = []
        for pattern in patterns:
            prepped.append(pattern)
            if not pattern.startswith(("*", "?")):
                prepped.append(str(self.root / pattern))
        return prepped

    def _reported(self, relative: str) -> bool:
        candidates = (relative, str(self.root / relative))
        if self._omit is not None and any(self._omit.match(one) for one in candidates):
            return False
        return self._include is None or any(self._include.match(one) for one in candidates)

    def files_under(self, source: Path) -> list[str]:
        """Every file ``coverage report`` would show for ``source = [source]``, sorted.

        Found by coverage.py's own discovery (importable ``.py`` files: sub-folders
        need an ``__init__.py`` unless ``include_namespace_packages``), minus
        ``omit``/outside ``include``, so never-imported files count as 0%. A
        single-module member's source is its one file.
        """
        folder = (self.root / source).resolve()
        if not folder.is_relative_to(self.root):
            raise WorkspaceError("source folder is outside the workspace root", path=folder)
        if folder.is_file():
            path = folder.relative_to(self.root).as_posix()
            return [path] if self._reported(path) else []
        namespaces = bool(self.coverage.get_option("report:include_namespace_packages"))
        found = (
            Path(path).relative_to(self.root).as_posix()
            for path in find_python_files(str(folder), namespaces)
        )
        return sorted(path for path in found if self._reported(path))

    def _source(self, path: str) -> bytes:
        return read_bytes(self.root / path, "source file", WorkspaceError, limit=MAX_ARTIFACT_BYTES)

    def _parse(self, path: str) -> _Analysis:
        """coverage.py's analysis of ``path``, once per content (:mod:`tiergate.memo`)."""
        parsed = self._parsed.get(path)
        if parsed is None:
            parsed = _ANALYSES.get(self._salt, self._source(path), lambda: self._analyse(path))
            self._parsed[path] = parsed
        return parsed

    def functions(self, path: str) -> tuple[Function, ...]:
        """coverage.py's function regions of ``path``, once per content (:mod:`tiergate.memo`).

        Empty when the file cannot be read or parsed now (gone since the run, a
        syntax error, nesting too deep): its gaps are then ranked at module level.
        """
        try:
            source = self._source(path)
        except WorkspaceError:
            return ()
        return _FUNCTIONS.get(self._salt, source, lambda: _functions(source))

    def _analyse(self, path: str) -> _Analysis:
        reporter = PythonFileReporter(str(self.root / path), self.coverage)
        try:
            return frozenset(reporter.lines()), dict(reporter.multiline_map())
        except (CoverageException, OSError, SyntaxError, ValueError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise WorkspaceError(f"cannot analyse for coverage: {reason}", path=path) from None

    def statements(self, path: str) -> frozenset[int]:
        """The statements of ``path`` (relative posix) as ``coverage report`` counts them."""
        return self._parse(path)[0]

    def executed(self, path: str, traced: Iterable[int]) -> frozenset[int]:
        """Traced line numbers mapped to their statement's first line, as coverage.py does.

        (A multi-line ``while (...)`` condition is traced on its second line
        only; coverage.py still counts the ``while`` statement as run.)
        """
        statements, multiline = self._parse(path)
        lines = frozenset(traced)
        moved = multiline.keys() & lines
        if moved:
            lines = (lines - moved) | {multiline[line] for line in moved}
        return lines & statements


def measure(
    index: SourceIndex, files: Iterable[str], executed: Mapping[str, frozenset[int]]
) -> list[Lines]:
    """Each of ``files`` measured against ``executed`` (one data file's or a union)."""
    return [
        Lines(path, index.statements(path), index.executed(path, executed.get(path, ())))
        for path in files
    ]

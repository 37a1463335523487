"""Requirements out of Markdown spec files.

A requirement is *defined* where its ID starts a list item, a table row (its
first cell) or a heading; anywhere else an ID is *mentioned*. IDs inside code
blocks (fenced or indented) and HTML blocks are neither. The tiers a
requirement must be proven in are written on its defining line as
``[tier: e2e]`` (or ``[tiers: unit, e2e]``), or in a table column headed
``tier`` or ``tiers``. The syntax is documented in ``docs/traceability.md``.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
import time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol, TypeVar, cast

import regex  # type: ignore[import-untyped]  # regex ships no type information
from pydantic import TypeAdapter

from tiergate.errors import ConfigError, SpecError
from tiergate.files import line_of, quoted_line_of, relative
from tiergate.memo import Memo
from tiergate.reading import exists, read_text, source_salt

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from tiergate.config import RequirementsConfig

KEY = "tool.tiergate.requirements"
MATCH_TIMEOUT: Final = 1.0
"""Seconds the regular expressions may spend on one spec file, in all.

The ID patterns are the user's: one that backtracks without end (``(F+)+R`` on
a long line of ``F``) stops there, as a :class:`ConfigError` naming the
configuration file and the pattern; the few of this module on the spec's own
text stop there too, as a :class:`SpecError` naming the spec file.
"""
_EDGE = "0-9A-Za-z-"
"""An ID is a whole word: no letter, digit or ``-`` right before or after it."""


class Match(Protocol):
    """What is used of a match of the ``regex`` module."""

    def group(self, index: int = 0, /) -> str:
        """The text of the whole match (or of a group)."""

    def start(self, index: int = 0, /) -> int:
        """Where the match (or a group) starts."""

    def end(self, index: int = 0, /) -> int:
        """Where the match (or a group) ends."""


class Pattern(Protocol):
    """What is used of a compiled expression of the ``regex`` module (it ships no types)."""

    def match(self, text: str, pos: int = 0, *, timeout: float | None = None) -> Match | None:
        """The match at ``pos``, or ``None``; ``TimeoutError`` past ``timeout`` seconds."""

    def fullmatch(self, text: str, *, timeout: float | None = None) -> Match | None:
        """The match of the whole ``text``, or ``None``."""

    def finditer(self, text: str, *, timeout: float | None = None) -> Iterator[Match]:
        """Every match, left to right."""

    def sub(
        self, replace: str | Callable[[Match], str], text: str, *, timeout: float | None = None
    ) -> str:
        """``text`` with every match replaced."""


def _compile(pattern: str, flags: int = 0) -> Pattern:
    return cast("Pattern", regex.compile(pattern, flags))


_LEAD = _compile(r"[\s*_`\[]*")
_TITLE_LEAD = _compile(r"(?:\]\([^)]*\))?[\s*_`\]]*(?:[:.)\u2013\u2014-]+\s*)?")
_TAG = _compile(r"\[\s*tiers?\s*:\s*([^\]]*)\]", regex.IGNORECASE)
_CODE_SPAN = _compile(r"(`+).*?\1", regex.DOTALL)
_NOT_NEWLINE = re.compile(r"[^\n]")
_LIST = re.compile(r"[\s,]+")
_TIER_COLUMN = re.compile(r"\btiers?\b", re.IGNORECASE)
"""A header naming the tier column: ``Tier``, ``**Tiers**``, ``Tier(s)``, ``Required tier``."""
_NO_TIER = {"", "-", "\u2013", "\u2014"}
_T = TypeVar("_T")


@functools.cache
def _markdown() -> MarkdownIt:
    """The Markdown parser (imported by the first spec not read before)."""
    # pygal's import hook (once a chart was drawn in this process) has no find_spec: on
    # Python 3.11 each optional module markdown-it-py looks for and lacks is an ImportWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        from markdown_it import MarkdownIt  # noqa: PLC0415 - a warm check reads specs from the memo

    return MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class IdPattern:
    """The configured ID patterns as one expression, run by the ``regex`` module with a timeout."""

    compiled: Pattern = field(repr=False)
    patterns: tuple[str, ...]
    pyproject: Path
    line: int | None = None
    """The line of ``pyproject`` that names the patterns."""

    def too_slow(self, spec: Path, line: int) -> ConfigError:
        """The error of patterns that ran out of :data:`MATCH_TIMEOUT` on ``spec``."""
        named = ", ".join(repr(pattern) for pattern in self.patterns)
        return ConfigError(
            f"{KEY}.id-patterns: {named} took more than {MATCH_TIMEOUT:g} s on {spec}:{line} "
            "(a nested repetition such as (a+)+ backtracks without end); simplify it",
            path=self.pyproject,
            line=self.line,
        )

    def finditer(self, text: str) -> list[Match]:
        """Every ID of ``text``, within :data:`MATCH_TIMEOUT`."""
        return list(self.compiled.finditer(text, timeout=MATCH_TIMEOUT))


class _Clock:
    """What is left of :data:`MATCH_TIMEOUT` for one spec file; a call past it is an error."""

    def __init__(self, path: Path, ids: IdPattern) -> None:
        self.path = path
        self.ids = ids
        self.left = MATCH_TIMEOUT

    def run(self, work: Callable[[float], _T], line: int, *, user: bool) -> _T:
        """``work(timeout)`` with the time that is left; its time is taken off."""
        started = time.perf_counter()
        try:
            return work(max(self.left, 0.001))
        except TimeoutError:
            if user:
                raise self.ids.too_slow(self.path, line) from None
            msg = f"the spec's markup took more than {MATCH_TIMEOUT:g} s to read"
            raise SpecError(msg, path=self.path, line=line) from None
        finally:
            self.left -= time.perf_counter() - started

    def match(
        self, pattern: Pattern, text: str, pos: int, line: int, *, user: bool = False
    ) -> Match | None:
        """``pattern.match(text, pos)`` within the time left."""
        return self.run(lambda timeout: pattern.match(text, pos, timeout=timeout), line, user=user)

    def finditer(
        self, pattern: Pattern, text: str, line: int, *, user: bool = False
    ) -> list[Match]:
        """Every match of ``pattern`` in ``text`` within the time left."""
        return self.run(
            lambda timeout: list(pattern.finditer(text, timeout=timeout)), line, user=user
        )

    def sub(
        self, pattern: Pattern, replace: str | Callable[[Match], str], text: str, line: int
    ) -> str:
        """``pattern.sub(replace, text)`` within the time left."""
        return self.run(
            lambda timeout: pattern.sub(replace, text, timeout=timeout), line, user=False
        )


@dataclass(frozen=True, order=True)
class Location:
    """A line of a spec file; ``file`` is POSIX, relative to the workspace root."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Requirement:
    """One requirement, where it is defined, and the tiers it must be proven in."""

    id: str
    title: str
    location: Location
    tiers: tuple[str, ...] = ()
    """The tiers a passing test must prove it in (in tier order); empty: any tier."""


@dataclass(frozen=True)
class Specs:
    """Every requirement of the spec files, in ID order, and where IDs are mentioned."""

    files: tuple[str, ...]
    requirements: dict[str, Requirement]
    mentions: dict[str, tuple[Location, ...]]
    """ID -> where it is mentioned (not defined); IDs that are not defined included."""

    def dangling(self) -> list[tuple[str, Location]]:
        """Mentions of IDs that no spec defines."""
        return [
            (identifier, where)
            for identifier, places in self.mentions.items()
            if identifier not in self.requirements
            for where in places
        ]


def id_key(identifier: str) -> tuple[tuple[int, str, int], ...]:
    """Sort key ordering IDs naturally: ``FR-2`` before ``FR-10``."""
    return tuple(
        (0, "", int(part)) if part.isdigit() else (1, part, 0)
        for part in re.split(r"(\d+)", identifier)
        if part
    )


def id_regex(config: RequirementsConfig, pyproject: Path) -> IdPattern:
    """One regular expression finding every configured ID pattern as a whole word.

    A pattern that is not a valid regular expression (Python's :mod:`re` syntax),
    or that matches the empty string, is a :class:`ConfigError` naming
    ``pyproject`` and the pattern's line. Matching runs on the ``regex`` module,
    whose timeouts bound the time a pattern spends on a spec (:data:`MATCH_TIMEOUT`).
    """
    text = _text_or_empty(pyproject)
    for index, pattern in enumerate(config.id_patterns):
        key, line = f"{KEY}.id-patterns[{index}]", _pattern_line(text, pattern)
        try:
            _check_syntax(pattern)
            compiled = _compile(pattern)
        except re.error as error:
            msg = f"{key}: {pattern!r} is not a valid regular expression: {error.msg}"
            raise ConfigError(f"{msg} at position {error.pos}", path=pyproject, line=line) from None
        except regex.error as error:
            msg = f"{key}: {pattern!r} is not a valid regular expression: {error}"
            raise ConfigError(msg, path=pyproject, line=line) from None
        try:
            empty = compiled.fullmatch("", timeout=MATCH_TIMEOUT) is not None
        except TimeoutError:
            empty = False
        if empty:
            msg = f"{key}: {pattern!r} matches the empty string"
            raise ConfigError(msg, path=pyproject, line=line)
    alternatives = "|".join(f"(?:{pattern})" for pattern in config.id_patterns)
    whole = f"(?<![{_EDGE}])(?:{alternatives})(?![{_EDGE}])"
    first = _pattern_line(text, config.id_patterns[0])
    try:
        _check_syntax(whole)
        combined = _compile(whole)
    except (re.error, regex.error) as error:
        reason = error.msg if isinstance(error, re.error) else str(error)
        raise ConfigError(
            f"{KEY}.id-patterns: the patterns cannot be used together: {reason}",
            path=pyproject,
            line=first,
        ) from None
    line = first if len(config.id_patterns) == 1 else line_of(text, "id-patterns", "id_patterns")
    return IdPattern(combined, tuple(config.id_patterns), pyproject, line or first)


def _check_syntax(pattern: str) -> None:
    """Raise :class:`re.error` when ``pattern`` is not Python's :mod:`re` syntax.

    The messages of :mod:`re` name what is wrong and where; its warnings about
    syntax that may change meaning in a later Python are not the user's error.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        re.compile(pattern)


def spec_files(root: Path, config: RequirementsConfig, pyproject: Path) -> list[Path]:
    """The spec files the globs match, sorted by path; a glob matching none is an error."""
    text = _text_or_empty(pyproject)
    found: dict[str, Path] = {}
    for glob in config.specs:
        line = quoted_line_of(text, glob)
        try:
            matched = [path for path in root.glob(glob) if path.is_file()]
        except (ValueError, NotImplementedError) as error:
            msg = f"{KEY}.specs: invalid glob {glob!r}: {error}"
            raise ConfigError(msg, path=pyproject, line=line) from None
        if not matched:
            msg = f"{KEY}.specs: {glob!r} matches no file (is the spec folder missing?)"
            raise ConfigError(msg, path=pyproject, line=line)
        for path in matched:
            found.setdefault(relative(path, root), path)
    return [found[name] for name in sorted(found)]


def read_specs(
    root: Path, config: RequirementsConfig, tiers: Sequence[str], pyproject: Path
) -> Specs:
    """Read every spec file; a requirement defined twice is a :class:`SpecError` naming both."""
    ids = id_regex(config, pyproject)
    files = spec_files(root, config, pyproject)
    requirements: dict[str, Requirement] = {}
    mentions: dict[str, list[Location]] = {}
    salt = json.dumps([_salt(), ids.patterns, list(tiers)])
    for path in files:
        text = read_text(path, "spec file", SpecError)
        name = relative(path, root)
        parse = functools.partial(_parsed, text, path, name, ids, tiers)
        defined, mentioned = _PARSED.get(f"{salt}\0{name}", text.encode(), parse)
        for requirement in defined:
            first = requirements.get(requirement.id)
            if first is not None:
                raise SpecError(
                    f"{requirement.id} is defined twice: here and at {first.location}",
                    path=path,
                    line=requirement.location.line,
                )
            requirements[requirement.id] = requirement
        for identifier, where in mentioned:
            mentions.setdefault(identifier, []).append(where)
    return Specs(
        files=tuple(relative(path, root) for path in files),
        requirements={key: requirements[key] for key in sorted(requirements, key=id_key)},
        mentions={key: tuple(sorted(mentions[key])) for key in sorted(mentions, key=id_key)},
    )


_Parsed = tuple[tuple[Requirement, ...], tuple[tuple[str, Location], ...]]
_PARSED: Memo[_Parsed] = Memo("spec-files", TypeAdapter(_Parsed), limit=2_000)
"""What each spec file defines and mentions, per content, ID patterns, tiers and name."""


@functools.cache
def _salt() -> str:
    """What reads a spec: this module, this Python and markdown-it-py's version."""
    return source_salt(__file__, importlib.metadata.version("markdown-it-py"))


def _parsed(text: str, path: Path, name: str, ids: IdPattern, tiers: Sequence[str]) -> _Parsed:
    defined, mentioned = parse_spec(text, path, name, ids, tiers)
    return tuple(defined), tuple(mentioned)


@dataclass(frozen=True)
class _Text:
    """One piece of inline text: where it starts and whether it may define a requirement."""

    line: int
    content: str
    defining: bool
    cells: tuple[str, ...] = ()
    """A table row's other cells: mentions, title candidates, tags of the same line."""
    tier_cell: str | None = None


def parse_spec(
    text: str, path: Path, name: str, ids: IdPattern, tiers: Sequence[str]
) -> tuple[list[Requirement], list[tuple[str, Location]]]:
    """The requirements one spec file defines and the IDs it mentions.

    ``path`` is named in errors, ``name`` (relative to the root) in locations.
    The regular expressions get :data:`MATCH_TIMEOUT` for the whole file.
    """
    clock = _Clock(path, ids)
    defined: list[Requirement] = []
    mentioned: list[tuple[str, Location]] = []
    for piece in _texts(_markdown().parse(text)):
        lead = clock.match(_LEAD, piece.content, 0, piece.line)
        start = (
            clock.match(
                ids.compiled, piece.content, lead.end() if lead else 0, piece.line, user=True
            )
            if piece.defining
            else None
        )
        tags: list[str] = []
        for index, content in enumerate((piece.content, *piece.cells)):
            for found in clock.finditer(ids.compiled, content, piece.line, user=True):
                if start is None or index or found.start() != start.start():
                    line = piece.line + content.count("\n", 0, found.start())
                    mentioned.append((found.group(), Location(name, line)))
            plain = clock.sub(_CODE_SPAN, _blank, content, piece.line)
            for tag in clock.finditer(_TAG, plain, piece.line):
                if start is None:
                    msg = "a [tier: ...] tag belongs on the line that defines a requirement"
                    line = piece.line + content.count("\n", 0, tag.start())
                    raise SpecError(msg, path=path, line=line)
                tags.append(tag.group(1))
        if start is None:
            continue
        identifier = start.group()
        written = [*tags, piece.tier_cell or ""]
        demanded = {tier for value in written for tier in _LIST.split(value)} - _NO_TIER
        unknown = sorted(demanded - set(tiers))
        if unknown:
            msg = f"{identifier}: unknown tier {unknown[0]!r} (tiers: {', '.join(tiers)})"
            raise SpecError(msg, path=path, line=piece.line)
        defined.append(
            Requirement(
                id=identifier,
                title=_title(piece.content[start.end() :], piece.cells, clock, piece.line),
                location=Location(name, piece.line),
                tiers=tuple(tier for tier in tiers if tier in demanded),
            )
        )
    return defined, mentioned


def _texts(tokens: Sequence[Token]) -> Iterator[_Text]:
    """Every inline text of the document; code and HTML blocks have none."""
    header: list[str] = []
    row: list[Token] | None = None
    in_head = False
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in {"thead_open", "thead_close"}:
            in_head = kind == "thead_open"
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            if in_head:
                header = [cell.content for cell in row]
            else:
                yield from _row(row, header)
            row = None
        elif kind == "inline" and row is not None:
            row.append(token)
        elif kind == "inline" and token.map is not None:
            before = [tokens[i].type for i in range(max(0, index - 2), index)]
            defining = before[-1:] == ["heading_open"] or before == [
                "list_item_open",
                "paragraph_open",
            ]
            yield _Text(token.map[0] + 1, token.content, defining)


def _row(cells: list[Token], header: list[str]) -> Iterator[_Text]:
    """A table row: its first cell may define a requirement; the others are of the same line."""
    if not cells or cells[0].map is None:
        return
    line = cells[0].map[0] + 1
    column = next((i for i, name in enumerate(header) if i and _TIER_COLUMN.search(name)), None)
    others = [cell.content for i, cell in enumerate(cells) if i not in {0, column}]
    tier_cell = cells[column].content if column is not None and column < len(cells) else None
    yield _Text(line, cells[0].content, defining=True, cells=tuple(others), tier_cell=tier_cell)


def _title(rest: str, cells: tuple[str, ...], clock: _Clock, line: int) -> str:
    lead = clock.match(_TITLE_LEAD, rest, 0, line)
    title = clock.sub(_TAG, "", rest[lead.end() if lead else 0 :], line)
    title = " ".join(title.split()).strip(" *_")
    if not title:
        untagged = (clock.sub(_TAG, "", cell, line) for cell in cells)
        title = next((" ".join(cell.split()) for cell in untagged if cell.strip()), "")
    return title


def _blank(code: Match) -> str:
    """A code span as spaces, its line breaks kept: tags in it are not tags."""
    return _NOT_NEWLINE.sub(" ", code.group())


def _text_or_empty(path: Path) -> str:
    """The text of ``pyproject`` to find lines in for messages; empty when it cannot be read."""
    if not exists(path):
        return ""
    try:
        return read_text(path, "configuration file", ConfigError)
    except ConfigError:
        return ""


def _pattern_line(text: str, pattern: str) -> int | None:
    basic = pattern.replace("\\", "\\\\").replace('"', '\\"')
    return line_of(text, f"'{pattern}'", f'"{basic}"', pattern) or line_of(
        text, "id-patterns", "id_patterns"
    )

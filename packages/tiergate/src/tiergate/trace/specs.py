"""Requirements out of Markdown spec files.

A requirement is *defined* where its ID starts a list item, a table row (its
first cell) or a heading; anywhere else an ID is *mentioned*. IDs inside code
blocks (fenced or indented) and HTML blocks are neither. The tiers a
requirement must be proven in are written on its defining line as
``[tier: e2e]`` (or ``[tiers: unit, e2e]``), or in a table column headed
``tier`` or ``tiers``. The syntax is documented in ``docs/traceability.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from tiergate.errors import ConfigError, SpecError
from tiergate.files import line_of, quoted_line_of, relative

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from markdown_it.token import Token

    from tiergate.config import RequirementsConfig

KEY = "tool.tiergate.requirements"
_EDGE = "0-9A-Za-z-"
"""An ID is a whole word: no letter, digit or ``-`` right before or after it."""
_LEAD = re.compile(r"[\s*_`\[]*")
_TITLE_LEAD = re.compile(r"(?:\]\([^)]*\))?[\s*_`\]]*(?:[:.)\u2013\u2014-]+\s*)?")
_TAG = re.compile(r"\[\s*tiers?\s*:\s*([^\]]*)\]", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+).*?\1", re.DOTALL)
_LIST = re.compile(r"[\s,]+")
_TIER_COLUMN = re.compile(r"\btiers?\b", re.IGNORECASE)
"""A header naming the tier column: ``Tier``, ``**Tiers**``, ``Tier(s)``, ``Required tier``."""
_NO_TIER = {"", "-", "\u2013", "\u2014"}
_MARKDOWN = MarkdownIt("commonmark").enable("table")


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


def id_regex(config: RequirementsConfig, pyproject: Path) -> re.Pattern[str]:
    """One regular expression finding every configured ID pattern as a whole word.

    A pattern that is not a valid regular expression, or that matches the empty
    string, is a :class:`ConfigError` naming ``pyproject`` and the pattern's line.
    """
    text = _text_or_empty(pyproject)
    for index, pattern in enumerate(config.id_patterns):
        key, line = f"{KEY}.id-patterns[{index}]", _pattern_line(text, pattern)
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            msg = f"{key}: {pattern!r} is not a valid regular expression: {error.msg}"
            raise ConfigError(f"{msg} at position {error.pos}", path=pyproject, line=line) from None
        if compiled.fullmatch("") is not None:
            msg = f"{key}: {pattern!r} matches the empty string"
            raise ConfigError(msg, path=pyproject, line=line)
    alternatives = "|".join(f"(?:{pattern})" for pattern in config.id_patterns)
    try:
        return re.compile(f"(?<![{_EDGE}])(?:{alternatives})(?![{_EDGE}])")
    except re.error as error:
        raise ConfigError(
            f"{KEY}.id-patterns: the patterns cannot be used together: {error.msg}",
            path=pyproject,
            line=_pattern_line(text, config.id_patterns[0]),
        ) from None


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
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise SpecError("not UTF-8 text", path=path) from None
        except OSError as error:
            raise SpecError(f"cannot read: {error.strerror}", path=path) from None
        defined, mentioned = parse_spec(text, path, relative(path, root), ids, tiers)
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
    text: str, path: Path, name: str, ids: re.Pattern[str], tiers: Sequence[str]
) -> tuple[list[Requirement], list[tuple[str, Location]]]:
    """The requirements one spec file defines and the IDs it mentions.

    ``path`` is named in errors, ``name`` (relative to the root) in locations.
    """
    defined: list[Requirement] = []
    mentioned: list[tuple[str, Location]] = []
    for piece in _texts(_MARKDOWN.parse(text)):
        lead = _LEAD.match(piece.content)
        start = ids.match(piece.content, lead.end() if lead else 0) if piece.defining else None
        tags: list[str] = []
        for index, content in enumerate((piece.content, *piece.cells)):
            for found in ids.finditer(content):
                if start is None or index or found.start() != start.start():
                    line = piece.line + content.count("\n", 0, found.start())
                    mentioned.append((found.group(), Location(name, line)))
            for tag in _TAG.finditer(_CODE_SPAN.sub(_blank, content)):
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
                title=_title(piece.content[start.end() :], piece.cells),
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


def _title(rest: str, cells: tuple[str, ...]) -> str:
    lead = _TITLE_LEAD.match(rest)
    title = _TAG.sub("", rest[lead.end() if lead else 0 :])
    title = " ".join(title.split()).strip(" *_")
    if not title:
        title = next(
            (" ".join(_TAG.sub("", c).split()) for c in cells if _TAG.sub("", c).strip()), ""
        )
    return title


def _blank(code: re.Match[str]) -> str:
    """A code span as spaces, its line breaks kept: tags in it are not tags."""
    return re.sub(r"[^\n]", " ", code.group())


def _text_or_empty(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _pattern_line(text: str, pattern: str) -> int | None:
    basic = pattern.replace("\\", "\\\\").replace('"', '\\"')
    return line_of(text, f"'{pattern}'", f'"{basic}"', pattern) or line_of(
        text, "id-patterns", "id_patterns"
    )

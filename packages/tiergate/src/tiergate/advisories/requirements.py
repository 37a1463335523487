"""Read a requirements export (``uv export --format requirements.txt``) for the audit.

A requirement from an index must be pinned to one release (``name==version``):
anything else cannot be matched against advisories, so it is an error rather
than a package silently left out of the audit. Path, ``file:``, URL, VCS and
editable requirements name no release at all: they are kept apart as
:class:`~tiergate.advisories.local.LocalRequirement` ("not auditable (local)"),
listed with their line, never dropped without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from tiergate.advisories.local import LocalRequirement, editable_requirement, local_requirement
from tiergate.errors import AdvisoryError, first_line

if TYPE_CHECKING:
    from pathlib import Path

_COMMENT = re.compile(r"(^|\s+)#.*$")
_HASH_OPTION = re.compile(r"\s--hash[=\s]\S+")
_IGNORED_OPTIONS = (
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--no-index",
    "--trusted-host",
    "--prefer-binary",
    "--only-binary",
    "--no-binary",
    "--pre",
)
"""Option lines that change where packages come from, not which ones are locked."""


@dataclass(frozen=True)
class PinnedRequirement:
    """One locked release: ``name`` is PEP 503 normalised, ``version`` as written."""

    name: str
    version: str
    marker: str | None = None
    line: int | None = None

    @property
    def parsed_version(self) -> Version:
        """``version`` as a :class:`~packaging.version.Version`."""
        return Version(self.version)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines with comments removed and backslash continuations joined, numbered from 1."""
    lines: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        line = _COMMENT.sub("", raw)
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        lines.append((start, (pending + line).strip()))
        pending = ""
    if pending:
        lines.append((start, pending.strip()))
    return [(number, line) for number, line in lines if line]


def _option_name(line: str) -> str:
    return re.split(r"[\s=]", line, maxsplit=1)[0]


def parse_requirement_line(line: str, *, number: int | None = None) -> PinnedRequirement:
    """Parse one ``name==version [; marker]`` line (comments and hashes already allowed)."""
    text = _HASH_OPTION.sub("", f" {_COMMENT.sub('', line)}").strip()
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise AdvisoryError(
            f"invalid requirement {text!r}: {first_line(error)}", line=number
        ) from None
    if requirement.url:
        raise AdvisoryError(
            f"{requirement.name} comes from a URL, not a release: it cannot be audited",
            line=number,
        )
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1 or specifiers[0].operator not in {"==", "==="}:
        raise AdvisoryError(
            f"{requirement.name} is not pinned to one release ({text!r}): it cannot be audited",
            line=number,
        )
    version = specifiers[0].version
    try:
        Version(version)
    except InvalidVersion:
        raise AdvisoryError(
            f"{requirement.name}: {version!r} is not a valid version", line=number
        ) from None
    marker = str(requirement.marker) if requirement.marker is not None else None
    return PinnedRequirement(canonicalize_name(requirement.name), version, marker, number)


@dataclass(frozen=True)
class Requirements:
    """A requirements export as the audit sees it: releases to audit, and local requirements."""

    pinned: tuple[PinnedRequirement, ...]
    """Releases pinned from an index, de-duplicated and sorted by name and version."""
    local: tuple[LocalRequirement, ...]
    """Path, file, URL, VCS and editable requirements, in the order of their lines."""


def read_requirements(text: str, *, source: Path | str | None = None) -> Requirements:
    """The pinned releases and the local requirements of a requirements text.

    Raises :class:`AdvisoryError` (naming ``source`` and the line) for a line that
    is neither (an unpinned or invalid requirement), or an option that would pull
    in other files.
    """
    found: dict[tuple[str, Version], PinnedRequirement] = {}
    local: dict[tuple[str, str, bool], LocalRequirement] = {}
    for number, raw in _logical_lines(text):
        line = _HASH_OPTION.sub("", f" {raw}").strip()
        try:
            entry = _entry(line, number)
        except AdvisoryError as error:
            raise AdvisoryError(error.message, path=source, line=number) from None
        if isinstance(entry, LocalRequirement):
            local.setdefault((entry.kind, entry.target, entry.editable), entry)
        elif entry is not None:
            found.setdefault((entry.name, entry.parsed_version), entry)
    return Requirements(tuple(found[key] for key in sorted(found)), tuple(local.values()))


def _entry(line: str, number: int) -> PinnedRequirement | LocalRequirement | None:
    """One logical line: a release, a local requirement, or None for an ignored option."""
    if line.startswith("-"):
        editable = editable_requirement(line, number=number)
        if editable is not None:
            return editable
        option = _option_name(line)
        if option in _IGNORED_OPTIONS:
            return None
        raise AdvisoryError(
            f"unsupported option {option!r}: only a flat export can be audited", line=number
        )
    return local_requirement(line, number=number) or parse_requirement_line(line, number=number)


def parse_requirements(
    text: str, *, source: Path | str | None = None
) -> tuple[PinnedRequirement, ...]:
    """The pinned releases of a requirements text (:func:`read_requirements` without the rest)."""
    return read_requirements(text, source=source).pinned

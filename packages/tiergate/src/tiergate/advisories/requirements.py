"""Read a requirements export (``uv export --format requirements.txt``) into pinned releases.

Every third-party requirement must be pinned to one release (``name==version``):
anything else cannot be matched against advisories, so it is an error rather
than a package silently left out of the audit. Editable lines (``-e``, the
workspace members) are skipped; they are the code under audit, not dependencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from tiergate.errors import AdvisoryError

if TYPE_CHECKING:
    from pathlib import Path

_COMMENT = re.compile(r"(^|\s+)#.*$")
_HASH_OPTION = re.compile(r"\s--hash[=\s]\S+")
_EDITABLE = ("-e", "--editable")
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
        raise AdvisoryError(f"invalid requirement {text!r}: {error}", line=number) from None
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


def parse_requirements(
    text: str, *, source: Path | str | None = None
) -> tuple[PinnedRequirement, ...]:
    """The pinned releases of a requirements text, de-duplicated and sorted by name and version.

    Raises :class:`AdvisoryError` (naming ``source`` and the line) for a line that
    is not a pinned release, or an option that would pull in other files.
    """
    found: dict[tuple[str, Version], PinnedRequirement] = {}
    for number, line in _logical_lines(text):
        if line.startswith("-"):
            option = _option_name(line)
            if option in _EDITABLE or option in _IGNORED_OPTIONS:
                continue
            raise AdvisoryError(
                f"unsupported option {option!r}: only a flat export can be audited",
                path=source,
                line=number,
            )
        try:
            pinned = parse_requirement_line(line, number=number)
        except AdvisoryError as error:
            raise AdvisoryError(error.message, path=source, line=number) from None
        found.setdefault((pinned.name, pinned.parsed_version), pinned)
    return tuple(found[key] for key in sorted(found))

"""Requirements that name no release of an index: paths, ``file:`` URLs, other URLs, VCS.

``uv export`` writes them for path sources, local wheels, URL and git sources and
editable members (``./libs/x``, ``../wheels/x-1.0-py3-none-any.whl``,
``file:///...``, ``name @ git+https://...``, ``-e ./libs/x``). No advisory
database can match them to a release, so the audit lists them as "not auditable
(local)" instead of pretending to have checked them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from tiergate.errors import AdvisoryError, first_line

LocalKind = Literal["path", "file", "url", "vcs"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
"""A URL scheme (two characters at least, so that ``C:\\`` stays a path)."""
_VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
_NAMED_URL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")
"""``name @ url`` (PEP 508), the extras optional."""
_USERINFO = re.compile(r"^(?P<scheme>[^:/]+://)(?P<user>[^/@:]*)(?P<password>:[^/@]*)?@")
_EGG = re.compile(r"#(?:.*&)?egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")
_EDITABLE = re.compile(r"^(-e|--editable)(?:\s*=\s*|\s+|(?=[^\s=-])|$)(?P<target>.*)$")


@dataclass(frozen=True)
class LocalRequirement:
    """A requirement that names no release of an index, so no advisory can match it.

    ``kind`` is ``path`` (a folder or an archive on disk), ``file`` (a ``file:``
    URL), ``url`` (an archive on a server) or ``vcs`` (``git+`` and the like);
    ``target`` is the path or URL as written, credentials masked; ``name`` is the
    project name when the line or the file name says it.
    """

    kind: LocalKind
    target: str
    name: str | None = None
    editable: bool = False
    line: int | None = None

    def describe(self) -> str:
        """What it is in a few words: ``editable path ./libs/x``, ``demo: vcs git+https://...``."""
        what = f"{'editable ' if self.editable else ''}{self.kind} {self.target}"
        return f"{self.name}: {what}" if self.name else what

    def to_dict(self) -> dict[str, str | int | bool | None]:
        """The JSON form: ``line``, ``name``, ``kind``, ``editable``, ``target``."""
        return {
            "line": self.line,
            "name": self.name,
            "kind": self.kind,
            "editable": self.editable,
            "target": self.target,
        }


def mask_credentials(url: str) -> str:
    """``url`` with the user and password of its authority masked (as pip shows them)."""
    match = _USERINFO.match(url)
    if match is None:
        return url
    masked = f"{match['user']}:****" if match["password"] is not None else "****"
    return f"{match['scheme']}{masked}@{url[match.end() :]}"


def _kind(target: str) -> LocalKind:
    if _VCS.match(target):
        return "vcs"
    if target.lower().startswith("file:"):
        return "file"
    return "url" if _SCHEME.match(target) else "path"


def _name_from_target(target: str) -> str | None:
    """The project name a wheel or sdist file name, or an ``#egg=`` fragment, gives."""
    egg = _EGG.search(target)
    if egg is not None:
        return canonicalize_name(egg.group(1))
    filename = target.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        if filename.endswith((".tar.gz", ".zip")):
            return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


def _looks_like_path(head: str) -> bool:
    """Pip's test: a separator in it, a leading ``.`` or ``~``, or an archive's file name."""
    return "/" in head or "\\" in head or head.startswith((".", "~")) or head.endswith(_ARCHIVES)


def _local(target: str, *, name: str | None, editable: bool, line: int | None) -> LocalRequirement:
    return LocalRequirement(
        kind=_kind(target),
        target=mask_credentials(target),
        name=name or _name_from_target(target),
        editable=editable,
        line=line,
    )


def editable_requirement(line: str, *, number: int | None = None) -> LocalRequirement | None:
    """The ``-e``/``--editable`` line ``line`` as a local requirement; None if it is not one."""
    match = _EDITABLE.match(line)
    if match is None:
        return None
    target = match["target"].strip()
    if not target:
        raise AdvisoryError(f"{match[1]} without a path or URL", line=number)
    named = _named_url(target, number)
    if named is not None:
        return LocalRequirement(named.kind, named.target, named.name, editable=True, line=number)
    return _local(target.split()[0], name=None, editable=True, line=number)


def _named_url(line: str, number: int | None) -> LocalRequirement | None:
    if not _NAMED_URL.match(line):
        return None
    try:
        requirement = Requirement(line)
    except InvalidRequirement as error:
        raise AdvisoryError(
            f"invalid requirement {line!r}: {first_line(error)}", line=number
        ) from None
    if not requirement.url:
        return None
    name = canonicalize_name(requirement.name)
    return _local(requirement.url, name=name, editable=False, line=number)


def local_requirement(line: str, *, number: int | None = None) -> LocalRequirement | None:
    """``line`` as a local requirement (a path, URL or ``name @ URL``); None for anything else.

    ``line`` is one logical line without comments or hashes; an editable line
    is :func:`editable_requirement`'s.
    """
    words = line.split(";", 1)[0].split(maxsplit=1)
    head = words[0] if words else ""
    if _SCHEME.match(head) and not _NAMED_URL.match(line):
        return _local(head, name=None, editable=False, line=number)
    named = _named_url(line, number)
    if named is not None:
        return named
    if head and _looks_like_path(head):
        return _local(head, name=None, editable=False, line=number)
    return None

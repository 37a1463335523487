"""The tool versions a repository pins in ``.pre-commit-config.yaml``.

Where pre-commit pins ruff, mypy, sqlfluff or bandit, the tool sessions install
exactly that version (:mod:`tiergate_nox.base`), and it is the version in their
input key (:mod:`tiergate.inputs`). A pin is a
mirror repository's ``rev`` (``astral-sh/ruff-pre-commit``, ``pre-commit/mirrors-mypy``,
``sqlfluff/sqlfluff``, ``PyCQA/bandit``; a frozen sha is read from its
``# frozen: vX.Y.Z`` comment) or a ``repo: local`` hook's
``additional_dependencies`` entry ``tool==X.Y.Z``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from tiergate.errors import ConfigError
from tiergate.files import line_of
from tiergate.reading import exists, parse_yaml, read_text

if TYPE_CHECKING:
    from pathlib import Path

PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
TOOLS = ("ruff", "mypy", "sqlfluff", "bandit")
MIRRORS = {
    "astral-sh/ruff-pre-commit": "ruff",
    "charliermarsh/ruff-pre-commit": "ruff",
    "pre-commit/mirrors-mypy": "mypy",
    "sqlfluff/sqlfluff": "sqlfluff",
    "pycqa/bandit": "bandit",
}
"""Owner/name of a hook repository (lower case) -> the tool its ``rev`` pins."""


@dataclass(frozen=True)
class Pin:
    """One tool's pinned version and where it is pinned."""

    tool: str
    version: str
    requirement: str
    """What to install, extras kept: ``bandit[toml]==1.7.9``."""
    line: int | None


def read_pins(root: Path) -> dict[str, Pin]:
    """The pins of ``root/.pre-commit-config.yaml`` by tool (none when there is no file)."""
    path = root / PRE_COMMIT_CONFIG
    if not exists(path):
        return {}
    return parse_pins(read_text(path, "pre-commit configuration", ConfigError), path)


def parse_pins(text: str, path: Path) -> dict[str, Pin]:
    """The pins in ``text``, read from ``path``; a broken file is a :class:`ConfigError`."""
    data = parse_yaml(text, path, "pre-commit configuration", ConfigError)
    repos = data.get("repos", []) if isinstance(data, dict) else None
    if not isinstance(repos, list):
        raise ConfigError("'repos' must be a list of hook repositories", path=path)
    pins: dict[str, Pin] = {}
    for repo in repos:
        if not isinstance(repo, dict):
            raise ConfigError(f"a repos entry must be a mapping, not {repo!r}", path=path)
        for pin in _repo_pins(repo, text, path):
            known = pins.setdefault(pin.tool, pin)
            if known.version != pin.version:
                raise ConfigError(
                    f"{pin.tool} is pinned twice: {known.version} (line {known.line}) "
                    f"and {pin.version}",
                    path=path,
                    line=pin.line,
                )
    return pins


def _repo_pins(repo: dict[str, object], text: str, path: Path) -> list[Pin]:
    url = str(repo.get("repo", ""))
    if url == "local":
        return [
            pin
            for hook in _list(repo.get("hooks"), "hooks", path)
            if isinstance(hook, dict)
            for raw in _list(hook.get("additional_dependencies"), "additional_dependencies", path)
            if (pin := _dependency_pin(str(raw), text)) is not None
        ]
    slug = "/".join(url.rstrip("/").removesuffix(".git").lower().split("/")[-2:])
    tool = MIRRORS.get(slug)
    if tool is None:
        return []
    rev = str(repo.get("rev", ""))
    line = line_of(text, f"rev: {rev}", f"rev: '{rev}'", f'rev: "{rev}"', rev)
    version = _version(rev.removeprefix("v"))
    if version is None:
        frozen = re.search(rf"rev:\s*['\"]?{re.escape(rev)}['\"]?\s*#\s*frozen:\s*v?(\S+)", text)
        version = _version(frozen[1]) if frozen else None
    if version is None:
        raise ConfigError(
            f"rev {rev!r} of {url} is not a version: cannot tell which {tool} it pins",
            path=path,
            line=line,
        )
    return [Pin(tool, version, f"{tool}=={version}", line)]


def _dependency_pin(raw: str, text: str) -> Pin | None:
    try:
        requirement = Requirement(raw)
    except InvalidRequirement:
        return None  # pre-commit reports its own hooks' mistakes
    tool = canonicalize_name(requirement.name)
    specifiers = list(requirement.specifier)
    if tool not in TOOLS or len(specifiers) != 1 or specifiers[0].operator != "==":
        return None
    version = _version(specifiers[0].version)
    if version is None:
        return None
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return Pin(tool, version, f"{tool}{extras}=={version}", line_of(text, raw))


def _list(value: object, key: str, path: Path) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"'{key}' must be a list, not {value!r}", path=path)
    return value


def _version(text: str) -> str | None:
    try:
        return str(Version(text)) if text and "*" not in text else None
    except InvalidVersion:
        return None

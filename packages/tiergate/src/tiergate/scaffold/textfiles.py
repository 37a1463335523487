"""Edits of the user's own text files, by appending only: ``.gitignore`` and the pre-commit config.

The user's lines, hooks and comments are kept byte for byte and in their order;
what is added goes after them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tiergate.reading import parse_yaml
from tiergate.scaffold.changes import ScaffoldError
from tiergate.scaffold.templates import PRE_COMMIT_HEADER, local_repo

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

IGNORED = (".tiergate/", ".nox/")
"""What must never be committed: run folders and the history store; nox environments."""

_REPOS = re.compile(r"^repos\s*:\s*(#.*)?$")
_TOP_LEVEL = re.compile(r"^[^\s#-]")


def gitignore(text: str | None) -> str:
    """``text`` with a line for each of :data:`IGNORED` it does not ignore yet, appended."""
    text = text or ""
    present = {line.strip().strip("/").rstrip("*").rstrip("/") for line in text.splitlines()}
    missing = [entry for entry in IGNORED if entry.strip("/") not in present]
    if not missing:
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "".join(f"{entry}\n" for entry in missing)


def pre_commit(text: str | None, path: Path, hook_ids: Sequence[str], ruff: str) -> str:
    """``text`` with a local repo of the hooks in ``hook_ids`` that no repo declares yet.

    The repo is inserted as text after the last line of ``repos:``, at the
    indentation of its items, so nothing of the user's moves.
    """
    if text is None:
        return PRE_COMMIT_HEADER + local_repo(list(hook_ids), ruff, "  ")
    declared = _hook_ids(text, path)
    wanted = [hook_id for hook_id in hook_ids if hook_id not in declared]
    if not wanted:
        return text
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((n for n, line in enumerate(lines) if _REPOS.match(line)), None)
    if start is None:
        if any(line.startswith("repos") for line in lines):
            raise _flow_style(path, wanted)
        return "".join(lines) + "repos:\n" + local_repo(wanted, ruff, "  ")
    end = start + 1
    for number in range(start + 1, len(lines)):
        if _TOP_LEVEL.match(lines[number]):
            break
        if lines[number].strip() and not lines[number].lstrip().startswith("#"):
            end = number + 1
    items = [line for line in lines[start + 1 : end] if line.lstrip(" ").startswith("- ")]
    indent = items[0][: len(items[0]) - len(items[0].lstrip(" "))] if items else "  "
    block = local_repo(wanted, ruff, indent)
    merged = "".join([*lines[:end], block, *lines[end:]])
    _check(merged, path, declared, wanted)
    return merged


def _hook_ids(text: str, path: Path) -> list[str]:
    """Every hook id the config declares, in order."""
    data = parse_yaml(text, path, "pre-commit configuration", ScaffoldError)
    repos = data.get("repos") if isinstance(data, dict) else None
    if data is not None and not isinstance(data, dict):
        raise ScaffoldError("not a pre-commit configuration (a mapping)", path=path)
    if repos is not None and not isinstance(repos, list):
        raise ScaffoldError("repos: not a list", path=path)
    if any(
        isinstance(repo, dict) and not isinstance(repo.get("hooks", []), list)
        for repo in repos or ()
    ):
        raise ScaffoldError("repos: the hooks of a repo are not a list", path=path)
    return [
        str(hook.get("id"))
        for repo in repos or ()
        if isinstance(repo, dict)
        for hook in repo.get("hooks") or ()
        if isinstance(hook, dict)
    ]


def _check(merged: str, path: Path, declared: list[str], wanted: list[str]) -> None:
    """The merged text must read as the user's hooks, in their order, then the new ones."""
    if _hook_ids(merged, path) != [*declared, *wanted]:
        raise _flow_style(path, wanted)


def _flow_style(path: Path, wanted: list[str]) -> ScaffoldError:
    return ScaffoldError(
        "cannot add the hooks without moving yours (repos written in flow style?): "
        f"add a local repo with {', '.join(wanted)} by hand",
        path=path,
    )

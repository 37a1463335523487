"""Every change ``tiergate init`` makes to a workspace, computed before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import tomlkit

from tiergate.config import expect_type, load_config, table_at
from tiergate.errors import ConfigError
from tiergate.reading import parse_toml_document, read_text
from tiergate.scaffold import pyprojects, templates, textfiles
from tiergate.scaffold.changes import Change, change, current_text
from tiergate.scaffold.detect import detect
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from pathlib import Path

    from tomlkit.toml_document import TOMLDocument

    from tiergate.workspace import Workspace

PYPROJECT = "pyproject.toml"
PRE_COMMIT = ".pre-commit-config.yaml"
WORKFLOW = ".github/workflows/tiergate.yml"


def plan(root: Path) -> list[Change]:
    """The changes that adopt tiergate in the uv workspace at ``root`` (unchanged files too).

    A root that is not a uv workspace, or whose tiergate-nox uv cannot resolve,
    is an error naming its ``pyproject.toml``.
    """
    workspace = load_workspace(root)
    load_config(workspace.root)
    layout = detect(workspace)
    docs = _documents(workspace)
    root_doc = docs[workspace.root / PYPROJECT]
    pyprojects.edit_root(root_doc, layout, workspace.root)
    for member in workspace.members:
        tests = bool(member.test_files)
        source = bool(member.source)
        if member.is_root and not (tests or source):
            continue
        pyprojects.edit_member(
            docs[member.path / PYPROJECT], tests=tests, source=source, root=member.is_root
        )
    hooks = list(templates.HOOK_IDS)
    if "requirements" not in root_doc.get("tool", {}).get("tiergate", {}):
        hooks.remove("tiergate-trace")
    root = workspace.root
    pre_commit = root / PRE_COMMIT
    gitignore = root / ".gitignore"
    return [
        *(change(path, tomlkit.dumps(doc), PYPROJECT) for path, doc in docs.items()),
        change(root / "noxfile.py", templates.NOXFILE, "noxfile", guarded=True),
        change(root / "tasks.py", templates.TASKS, "tasks file", guarded=True),
        change(gitignore, textfiles.gitignore(current_text(gitignore, ".gitignore")), ".gitignore"),
        change(
            pre_commit,
            textfiles.pre_commit(
                current_text(pre_commit, "pre-commit configuration"),
                pre_commit,
                hooks,
                layout.ruff,
            ),
            "pre-commit configuration",
        ),
        change(root / WORKFLOW, templates.WORKFLOW, "CI workflow", guarded=True),
    ]


def bounds_change(root: Path, bounds: dict[str, object]) -> Change:
    """The root ``pyproject.toml`` with the coverage ``bounds`` it does not set yet."""
    path = root / PYPROJECT
    doc = parse_document(path)
    pyprojects.add_bounds(doc, bounds)
    return change(path, tomlkit.dumps(doc), PYPROJECT)


def _documents(workspace: Workspace) -> dict[Path, TOMLDocument]:
    """The root's and every member's ``pyproject.toml``, parsed keeping their formatting."""
    paths = [workspace.root / PYPROJECT, *(m.path / PYPROJECT for m in workspace.members)]
    return {path: parse_document(path) for path in dict.fromkeys(paths)}


def parse_document(path: Path) -> TOMLDocument:
    """The TOML file ``path`` parsed with tomlkit (formatting kept), the tables edited checked.

    Invalid TOML, or ``tool``, ``tool.tiergate``, ``tool.uv.sources`` or
    ``dependency-groups`` of another shape, is a :class:`ConfigError` naming
    the file (and line).
    """
    doc = parse_toml_document(read_text(path, "TOML file", ConfigError), path)
    data = doc.unwrap()
    table_at(data, ("tool", "tiergate"), path)
    table_at(data, ("tool", "uv", "sources"), path)
    groups = table_at(data, ("dependency-groups",), path)
    for name, entries in groups.items():
        expect_type(entries, list, f"dependency-groups.{name}", path)
    return doc

"""The files ``tiergate init`` writes whole: the noxfile, ``tasks.py``, the CI workflow, hooks.

``noxfile.py`` and ``tasks.py`` pass ``ruff check --select ALL``, ``ruff format
--check`` and ``mypy --strict`` as written, whatever the project ignores: the
copyright rule is exempted in the file itself (together with the rule that
would call that exemption unused where the project already ignores it).
"""

from __future__ import annotations

from importlib.resources import files


def _file(name: str) -> str:
    return (files("tiergate.scaffold") / "files" / name).read_text(encoding="utf-8")


NOXFILE = _file("noxfile.py.txt")
TASKS = _file("tasks.py.txt")
WORKFLOW = _file("tiergate.yml")
"""The CI workflow, modelled on tiergate's own: one job per Python, then one verdict."""

PRE_COMMIT_HEADER = """\
# Fast gates on every commit (`uv run pre-commit install`); written by tiergate init.
repos:
"""

_RUFF_HOOK = """\
- id: {id}
  name: {name}
  entry: {entry}
  language: python
  additional_dependencies: ["{ruff}"]
  types_or: [python, pyi]
  require_serial: true
"""

_TRACE_HOOK = """\
- id: tiergate-trace
  name: requirement IDs in tests are defined in the specs
  entry: uv run --frozen tiergate trace --check
  language: system
  pass_filenames: false
  files: (^|/)(test_[^/]*\\.py|[^/]*_test\\.py|[^/]*\\.md|pyproject\\.toml)$
"""

HOOK_IDS = ("ruff", "ruff-format", "tiergate-trace")
"""The ids of the hooks ``tiergate init`` adds, in order."""


def hook(hook_id: str, ruff: str) -> str:
    """The YAML of one hook (a list item at column 0); ``ruff``: its requirement string."""
    if hook_id == "ruff":
        entry = "ruff check --fix --force-exclude"
        return _RUFF_HOOK.format(id=hook_id, name="ruff check (with --fix)", entry=entry, ruff=ruff)
    if hook_id == "ruff-format":
        entry = "ruff format --force-exclude"
        return _RUFF_HOOK.format(id=hook_id, name="ruff format", entry=entry, ruff=ruff)
    return _TRACE_HOOK


def local_repo(hook_ids: list[str], ruff: str, indent: str) -> str:
    """A ``- repo: local`` item holding ``hook_ids``, its dash at column ``len(indent)``."""
    hooks = "".join(hook(hook_id, ruff) for hook_id in hook_ids)
    body = "".join(f"{indent}    {line}" for line in hooks.splitlines(keepends=True))
    return f"{indent}- repo: local  # added by tiergate init\n{indent}  hooks:\n{body}"

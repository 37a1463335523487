"""Fuzz the uv workspace: member globs, member pyproject shapes, ``.python-version``, uv.lock."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    SPECIAL_KINDS,
    examples,
    file_contents,
    fresh_folder,
    guarded,
    make_special,
    text_no_surrogates,
    toml_string,
    toml_table,
    toml_values,
    unblocking,
    write,
)
from tiergate.lockfile import locked_member_dependencies
from tiergate.pythons import read_python_versions
from tiergate.workspace import load_workspace

SEGMENTS = ("packages", "*", "**", "?", "[a-z]*", "[", "]", "a", "b", ".", "p*", "*.toml", "")
names = st.sampled_from(["a", "b", "A_b", "x.y", "-bad", "", "a b", "é", "a" * 300]) | st.text(
    max_size=8
)
requirement_strings = st.sampled_from(
    [
        "a",
        "b>=1",
        "b[extra]>=1; python_version<'3.20'",
        "a @ file:///x",
        "c ==",
        "===",
        "a; os_name ==",
        "",
        "-e .",
        "b @ git+https://u:secret@h/r",
    ]
) | st.text(max_size=12)
dependency_lists = st.lists(
    requirement_strings | toml_values | st.fixed_dictionaries({"include-group": names}),
    max_size=4,
)
version_lines = st.sampled_from(
    ["3.11", "3.12.1", "cpython-3.13", "python3.12", "3", "3.x", "2.7", "pypy3.10", "# c", ""]
) | st.text(max_size=10)


@st.composite
def globs(draw: st.DrawFn) -> str:
    """A member glob inside the example's folder: at most one ``..`` and only in front."""
    parts = draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3))
    lead = draw(st.sampled_from(["", "../", "/", "./"]))
    return lead + "/".join(parts)


@st.composite
def member_tables(draw: st.DrawFn) -> dict[str, Any]:  # noqa: C901 - a branch per optional field
    """A member's ``pyproject.toml`` data: a [project] of random fields and types."""
    project: dict[str, Any] = {}
    if draw(st.booleans()):
        project["name"] = draw(names | toml_values)
    if draw(st.booleans()):
        project["version"] = draw(st.sampled_from(["1.0", "x"]) | toml_values)
    if draw(st.booleans()):
        project["requires-python"] = draw(
            st.sampled_from([">=3.11", "<3", "~=3", ">=3.12,<3.12", "==3.*", ">=", "3.11"])
            | toml_values
        )
    if draw(st.booleans()):
        project["dependencies"] = draw(dependency_lists | toml_values)
    if draw(st.booleans()):
        project["dynamic"] = draw(st.sampled_from([["dependencies"], ["version"]]) | toml_values)
    data: dict[str, Any] = {}
    if draw(st.booleans()) or project:
        data["project"] = draw(st.just(project) | toml_values) if draw(st.booleans()) else project
    if draw(st.booleans()):
        data["dependency-groups"] = draw(
            st.dictionaries(names, dependency_lists, max_size=3) | toml_values
        )
    if draw(st.booleans()):
        data["build-system"] = {
            "build-backend": draw(
                st.sampled_from(
                    [
                        "hatchling.build",
                        "setuptools.build_meta",
                        "flit_core.buildapi",
                        "uv_build",
                        "pdm.backend",
                        "poetry.core.masonry.api",
                        "mystery",
                    ]
                )
                | toml_values
            )
        }
    tool: dict[str, Any] = {}
    for key in draw(
        st.lists(
            st.sampled_from(
                ["tiergate", "hatch", "setuptools", "flit", "uv", "pdm", "poetry", "pytest"]
            ),
            max_size=3,
            unique=True,
        )
    ):
        tool[key] = draw(_tool_table(key))
    if tool:
        data["tool"] = tool
    return data


def _tool_table(key: str) -> st.SearchStrategy[Any]:
    paths = st.lists(st.sampled_from(["src", "src/a", "..", "/", "tests", "a.py", ""]), max_size=3)
    shapes: dict[str, st.SearchStrategy[Any]] = {
        "tiergate": st.dictionaries(
            st.sampled_from(["tests", "tests-reason", "tested-by", "source", "tests-paths"]),
            paths | names | st.booleans() | toml_values,
            max_size=3,
        ),
        "hatch": st.fixed_dictionaries(
            {
                "build": st.dictionaries(
                    st.sampled_from(["packages", "only-include", "sources", "targets"]),
                    paths | toml_values,
                    max_size=3,
                )
            }
        ),
        "setuptools": st.dictionaries(
            st.sampled_from(["packages", "py-modules", "package-dir"]),
            paths | st.fixed_dictionaries({"find": toml_values}) | toml_values,
            max_size=3,
        ),
        "flit": st.fixed_dictionaries(
            {"module": st.dictionaries(st.just("name"), names | toml_values)}
        ),
        "uv": st.fixed_dictionaries(
            {
                "build-backend": st.dictionaries(
                    st.sampled_from(["module-root", "module-name"]),
                    names | paths | toml_values,
                    max_size=2,
                )
            }
        ),
        "pdm": st.fixed_dictionaries(
            {
                "build": st.dictionaries(
                    st.sampled_from(["package-dir", "includes"]),
                    paths | names | toml_values,
                    max_size=2,
                )
            }
        ),
        "poetry": st.dictionaries(
            st.just("packages"),
            st.lists(
                st.dictionaries(
                    st.sampled_from(["include", "from"]), names | paths | toml_values, max_size=2
                )
                | toml_values,
                max_size=2,
            )
            | toml_values,
        ),
        "pytest": st.fixed_dictionaries(
            {
                "ini_options": st.dictionaries(
                    st.sampled_from(["testpaths", "python_files", "norecursedirs", "addopts"]),
                    paths | names | toml_values,
                    max_size=3,
                )
            }
        ),
    }
    return shapes[key] | toml_values


def _root_text(members: object, exclude: object, root_project: bool) -> str:
    workspace: dict[str, Any] = {"members": members}
    if exclude is not None:
        workspace["exclude"] = exclude
    head = toml_table("project", {"name": "root", "version": "0"}) if root_project else ""
    return head + toml_table("tool.uv.workspace", workspace)


@settings(max_examples=examples(300))
@given(
    members=st.lists(globs(), max_size=3) | toml_values,
    exclude=st.none() | st.lists(globs(), max_size=2) | toml_values,
    root_project=st.booleans(),
    folders=st.lists(st.sampled_from(["packages/a", "packages/b", "a", "x/y", "."]), max_size=3),
    tables=st.lists(member_tables(), min_size=3, max_size=3),
)
def test_workspace_of_random_members(
    members: object,
    exclude: object,
    root_project: bool,
    folders: list[str],
    tables: list[dict[str, Any]],
) -> None:
    with fresh_folder() as base:
        root = base / "ws"
        write(root / "pyproject.toml", _root_text(members, exclude, root_project))
        write(root / ".python-version", "3.11\n3.12\n")
        for folder, table in zip(folders, tables, strict=False):
            if folder != ".":
                write(root / folder / "pyproject.toml", toml_table("", {}) + _document(table))
                write(root / folder / "src" / "a" / "__init__.py", "")
        guarded(lambda: load_workspace(root), root)


def _document(data: dict[str, Any]) -> str:
    """``data`` as a TOML document: nested tables as ``[a.b]`` headers where they are tables."""
    scalars = {key: value for key, value in data.items() if not isinstance(value, dict)}
    text = toml_table("", scalars)
    for key, value in data.items():
        if isinstance(value, dict):
            text += toml_table(toml_string(key), value)
    return text


@settings(max_examples=examples(200))
@given(
    content=file_contents,
    which=st.sampled_from(["member", "root", "python-version", "uv.lock", "pytest.ini"]),
)
def test_workspace_file_of_any_bytes(content: bytes, which: str) -> None:
    with fresh_folder() as base:
        root = base / "ws"
        write(root / "pyproject.toml", _root_text(["packages/*"], None, root_project=False))
        write(root / ".python-version", "3.11\n")
        member = root / "packages" / "a"
        write(member / "pyproject.toml", toml_table("project", {"name": "a", "version": "1"}))
        target = {
            "member": member / "pyproject.toml",
            "root": root / "pyproject.toml",
            "python-version": root / ".python-version",
            "uv.lock": root / "uv.lock",
            "pytest.ini": member / "pytest.ini",
        }[which]
        write(target, content)
        guarded(lambda: load_workspace(root), target)


@settings(max_examples=examples(400))
@given(lines=st.lists(version_lines, max_size=5), raw=st.none() | file_contents)
def test_python_version_file(lines: list[str], raw: bytes | None) -> None:
    with fresh_folder() as root:
        path = write(root / ".python-version", raw if raw is not None else "\n".join(lines))
        guarded(lambda: read_python_versions(root), path)


@settings(max_examples=examples(300))
@given(
    packages=st.lists(
        st.dictionaries(
            st.sampled_from(["name", "version", "source", "dependencies"]),
            st.fixed_dictionaries({"editable": text_no_surrogates})
            | st.lists(st.dictionaries(st.just("name"), toml_values | names), max_size=3)
            | toml_values,
            max_size=4,
        )
        | toml_values,
        max_size=4,
    )
    | toml_values,
    raw=st.none() | file_contents,
)
def test_uv_lock_of_random_shapes(packages: object, raw: bytes | None) -> None:
    with fresh_folder() as root:
        text = toml_table("", {"version": 1, "package": packages})
        path = write(root / "uv.lock", raw if raw is not None else text)
        guarded(lambda: locked_member_dependencies(root), path)


def test_special_files_in_a_workspace() -> None:
    for name in ("pyproject.toml", ".python-version", "uv.lock"):
        for kind in SPECIAL_KINDS:
            with fresh_folder() as base:
                root = base / "ws"
                write(root / "pyproject.toml", _root_text([], None, root_project=False))
                write(root / ".python-version", "3.11\n")
                path = root / name
                if path.exists():
                    path.unlink()
                make_special(path, kind)
                with unblocking(path) as blocked:
                    guarded(functools.partial(load_workspace, root), path)
                assert not blocked, f"load_workspace blocked reading {name} as a {kind}"

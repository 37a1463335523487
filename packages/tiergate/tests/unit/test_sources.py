from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

import pytest

from tiergate.errors import WorkspaceError
from tiergate.sources import MemberSource, is_virtual, member_source

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

HATCH = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
SETUPTOOLS = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
FLIT = '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n'
UV = '[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n'
PDM = '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n'
POETRY = '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
IN_SRC = 'package-dir = {"" = "src"}\n'
OTHER = '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n'


def member(folder: Path, toml: str, *files: str, name: str = "calc") -> Path:
    """Write ``pyproject.toml`` (``[project]``, then ``toml``) and ``files`` (``x/``: a folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n{toml}', encoding="utf-8")
    for relative in files:
        path = folder / relative
        if relative.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("", encoding="utf-8")
    return folder


def source(folder: Path, override: Sequence[str] | None = None) -> MemberSource:
    file = folder / "pyproject.toml"
    text = file.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return member_source(
        folder, data, name=data["project"]["name"], file=file, text=text, override=override
    )


def found(folder: Path, override: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """``(path relative to folder, import name)`` of each source root, in the returned order."""
    result = source(folder, override)
    assert all(path.is_absolute() for path in result.paths)
    assert len(result.paths) == len(result.import_names)
    base = folder.resolve()
    return [
        (path.relative_to(base).as_posix(), name)
        for path, name in zip(result.paths, result.import_names, strict=True)
    ]


def error(folder: Path, override: Sequence[str] | None = None) -> WorkspaceError:
    with pytest.raises(WorkspaceError) as caught:
        source(folder, override)
    assert caught.value.path == folder / "pyproject.toml"
    return caught.value


def line(folder: Path, needle: str) -> int:
    lines = (folder / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if needle in text)


# ---------------------------------------------------------------- generic layouts


@pytest.mark.req("FR-100")
def test_src_layout_names_top_level_packages_and_never_their_subpackages(tmp_path: Path) -> None:
    folder = member(
        tmp_path / "m",
        OTHER,
        "src/calc/__init__.py",
        "src/calc/sub/__init__.py",
        "src/zeta/__init__.py",
        "src/zeta/deep/more/__init__.py",
        "src/notes/",
    )
    assert found(folder) == [("src/calc", "calc"), ("src/zeta", "zeta")]
    assert source(folder).origin == "src layout"


@pytest.mark.req("FR-100")
def test_flat_layout_skips_tests_docs_scripts_and_hidden_folders(tmp_path: Path) -> None:
    folder = member(
        tmp_path / "m",
        OTHER,
        "calc/__init__.py",
        "tests/__init__.py",
        "test/__init__.py",
        "docs/conf.py",
        "scripts/__init__.py",
        ".venv/lib/x/__init__.py",
        "setup.py",
    )
    assert found(folder) == [("calc", "calc")]
    assert source(folder).origin == "flat layout"


@pytest.mark.req("FR-100")
def test_namespace_package_is_named_by_the_portion_the_member_owns(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", OTHER, "acme/beta/__init__.py", "acme/beta/core.py")
    assert found(folder) == [("acme/beta", "acme.beta")]


@pytest.mark.req("FR-100")
def test_namespace_below_src_keeps_loose_modules_and_skips_folders_without_python(
    tmp_path: Path,
) -> None:
    folder = member(
        tmp_path / "m",
        OTHER,
        "src/acme/beta/__init__.py",
        "src/acme/helpers.py",
        "src/acme/data/schema.json",
        "src/acme/tests/test_x.py",
    )
    assert found(folder) == [
        ("src/acme/beta", "acme.beta"),
        ("src/acme/helpers.py", "acme.helpers"),
    ]


@pytest.mark.req("FR-100")
def test_single_module_member_is_its_normalised_name(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", OTHER, "my_tool.py", "notes/readme.txt", name="My.Tool")
    assert found(folder) == [("my_tool.py", "my_tool")]
    assert source(folder).origin == "single module"


@pytest.mark.req("FR-101")
def test_an_unknown_backend_gets_the_generic_discovery(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", OTHER, "src/calc/__init__.py", "calc/__init__.py")
    # src/ wins over the flat layout, as the generic discovery tries it first.
    assert found(folder) == [("src/calc", "calc")]


# ---------------------------------------------------------------- hatchling


@pytest.mark.req("FR-101")
def test_hatchling_packages_outside_src_strip_their_parent(tmp_path: Path) -> None:
    toml = f'{HATCH}[tool.hatch.build.targets.wheel]\npackages = ["lib/calc", "lib/acme"]\n'
    folder = member(
        tmp_path / "m",
        toml,
        "lib/calc/__init__.py",
        "lib/acme/beta/__init__.py",
        "src/x/__init__.py",
    )
    assert found(folder) == [("lib/acme/beta", "acme.beta"), ("lib/calc", "calc")]
    assert source(folder).origin == "hatchling [tool.hatch.build.targets.wheel] packages"


@pytest.mark.req("FR-101")
def test_hatchling_wheel_target_wins_over_the_build_table(tmp_path: Path) -> None:
    toml = f'{HATCH}[tool.hatch.build]\npackages = ["one/calc"]\n'
    folder = member(tmp_path / "m", toml, "one/calc/__init__.py", "two/calc/__init__.py")
    assert found(folder) == [("one/calc", "calc")]
    assert source(folder).origin == "hatchling [tool.hatch.build] packages"
    toml += '[tool.hatch.build.targets.wheel]\npackages = ["two/calc"]\n'
    member(folder, toml)
    assert found(folder) == [("two/calc", "calc")]


@pytest.mark.req("FR-101")
def test_hatchling_only_include_is_named_by_where_sources_put_it(tmp_path: Path) -> None:
    toml = (
        f"{HATCH}[tool.hatch.build.targets.wheel]\n"
        'only-include = ["lib/acme/beta", "tool.py", "code/gamma"]\n'
        'sources = ["lib"]\n'
    )
    folder = member(
        tmp_path / "m", toml, "lib/acme/beta/__init__.py", "tool.py", "code/gamma/__init__.py"
    )
    assert found(folder) == [
        ("code/gamma", "code.gamma"),
        ("lib/acme/beta", "acme.beta"),
        ("tool.py", "tool"),
    ]
    assert source(folder).origin == "hatchling [tool.hatch.build.targets.wheel] only-include"


@pytest.mark.req("FR-101")
def test_hatchling_sources_table_renames_and_an_emptied_folder_ships_its_children(
    tmp_path: Path,
) -> None:
    toml = (
        f"{HATCH}[tool.hatch.build.targets.wheel]\n"
        'only-include = ["src/old", "pkgs"]\n'
        '[tool.hatch.build.targets.wheel.sources]\n"src/old" = "new"\n"pkgs" = ""\n'
    )
    folder = member(
        tmp_path / "m", toml, "src/old/__init__.py", "pkgs/one/__init__.py", "pkgs/two.py"
    )
    assert found(folder) == [("pkgs/one", "one"), ("pkgs/two.py", "two"), ("src/old", "new")]


@pytest.mark.req("FR-101")
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (("src/my_calc/__init__.py", "other/__init__.py"), [("src/my_calc", "my_calc")]),
        (("my_calc/__init__.py", "src/my_calc/__init__.py"), [("my_calc", "my_calc")]),
        (("my_calc.py", "other/__init__.py"), [("my_calc.py", "my_calc")]),
        (
            ("acme/my_calc/__init__.py", "acme/more/__init__.py"),
            [("acme/more", "acme.more"), ("acme/my_calc", "acme.my_calc")],
        ),
    ],
)
def test_hatchling_default_discovery_follows_the_project_name(
    tmp_path: Path, files: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    folder = member(tmp_path / "m", HATCH, *files, name="My-Calc")
    assert found(folder) == expected
    assert source(folder).origin.startswith("hatchling default")


@pytest.mark.req("FR-101")
def test_hatchling_finding_nothing_by_name_falls_back_to_the_generic_discovery(
    tmp_path: Path,
) -> None:
    folder = member(tmp_path / "m", HATCH, "src/engine/__init__.py", name="calc-suite")
    assert found(folder) == [("src/engine", "engine")]
    assert source(folder).origin == "src layout"


# ---------------------------------------------------------------- setuptools


@pytest.mark.req("FR-101")
def test_setuptools_package_dir_for_the_root_and_per_package(tmp_path: Path) -> None:
    folder = member(
        tmp_path / "m",
        f'{SETUPTOOLS}[tool.setuptools]\npackage-dir = {{"" = "lib"}}\n',
        "lib/calc/__init__.py",
        "lib/single.py",
        "src/ignored/__init__.py",
    )
    assert found(folder) == [("lib/calc", "calc"), ("lib/single.py", "single")]
    toml = (
        f"{SETUPTOOLS}[tool.setuptools]\n"
        'packages = ["acme.beta", "acme.beta.sub", "calc"]\n'
        '[tool.setuptools.package-dir]\n"" = "lib"\n"acme.beta" = "code/beta"\n'
    )
    member(folder, toml, "code/beta/__init__.py", "code/beta/sub/__init__.py")
    assert found(folder) == [("code/beta", "acme.beta"), ("lib/calc", "calc")]
    assert source(folder).origin == "setuptools packages"


@pytest.mark.req("FR-101")
def test_setuptools_packages_find_with_where_include_exclude_and_namespaces(
    tmp_path: Path,
) -> None:
    toml = (
        f"{SETUPTOOLS}[tool.setuptools.packages.find]\n"
        'where = ["src"]\ninclude = ["acme*", "calc*"]\nexclude = ["calc.internal*"]\n'
    )
    folder = member(
        tmp_path / "m",
        toml,
        "src/acme/beta/__init__.py",
        "src/calc/__init__.py",
        "src/other/__init__.py",
    )
    assert found(folder) == [("src/acme/beta", "acme.beta"), ("src/calc", "calc")]
    assert source(folder).origin == "setuptools packages.find"
    member(folder, f"{toml}namespaces = false\n")
    # Without namespaces setuptools does not enter acme/ (no __init__.py).
    assert found(folder) == [("src/calc", "calc")]


@pytest.mark.req("FR-101")
def test_setuptools_py_modules_and_the_legacy_default_backend(tmp_path: Path) -> None:
    toml = '[build-system]\nrequires = ["setuptools"]\n[tool.setuptools]\npy-modules = ["tool"]\n'
    folder = member(tmp_path / "m", toml, "tool.py", "calc/__init__.py")
    assert found(folder) == [("tool.py", "tool")]
    assert source(folder).origin == "setuptools py-modules"


@pytest.mark.req("FR-101")
def test_setuptools_flat_auto_discovery_excludes_what_setuptools_excludes(
    tmp_path: Path,
) -> None:
    folder = member(
        tmp_path / "m",
        SETUPTOOLS,
        "calc/__init__.py",
        "tools/__init__.py",
        "benchmarks/run.py",
        "examples/demo.py",
        "_private/__init__.py",
        "setup.py",
    )
    assert found(folder) == [("calc", "calc")]
    assert source(folder).origin == "setuptools auto-discovery (flat layout)"
    (folder / "calc/__init__.py").unlink()
    (folder / "calc/__init__.py").parent.rmdir()
    (folder / "tool.py").write_text("")
    assert found(folder) == [("tool.py", "tool")]


# ---------------------------------------------------------------- flit, uv_build, pdm, poetry


@pytest.mark.req("FR-101")
def test_flit_module_from_the_project_name_or_a_dotted_name_in_src(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", FLIT, "my_calc.py", "other/__init__.py", name="my-calc")
    assert found(folder) == [("my_calc.py", "my_calc")]
    assert source(folder).origin == "flit_core module (project name)"
    toml = f'{FLIT}[tool.flit.module]\nname = "acme.beta"\n'
    folder = member(tmp_path / "n", toml, "src/acme/beta/__init__.py", "src/acme/gamma/__init__.py")
    assert found(folder) == [("src/acme/beta", "acme.beta")]
    assert source(folder).origin == "flit_core [tool.flit.module] name"


@pytest.mark.req("FR-101")
def test_uv_build_module_root_and_dotted_module_names(tmp_path: Path) -> None:
    toml = f'{UV}[tool.uv.build-backend]\nmodule-root = ""\nmodule-name = ["acme.beta", "calc"]\n'
    folder = member(
        tmp_path / "m", toml, "acme/beta/__init__.py", "calc/__init__.py", "src/x/__init__.py"
    )
    assert found(folder) == [("acme/beta", "acme.beta"), ("calc", "calc")]
    assert source(folder).origin == "uv_build module-name"
    folder = member(tmp_path / "n", UV, "src/my_calc/__init__.py", name="My.Calc")
    assert found(folder) == [("src/my_calc", "my_calc")]
    assert source(folder).origin == "uv_build default module"


@pytest.mark.req("FR-101")
def test_pdm_default_package_dir_and_includes(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", PDM, "src/calc/__init__.py", "src/loose.py", "tests/t.py")
    assert found(folder) == [("src/calc", "calc")]
    toml = f'{PDM}[tool.pdm.build]\npackage-dir = "lib"\nincludes = ["lib/calc", "lib/*.py"]\n'
    folder = member(
        tmp_path / "n", toml, "lib/calc/__init__.py", "lib/tool.py", "lib/x/__init__.py"
    )
    assert found(folder) == [("lib/calc", "calc"), ("lib/tool.py", "tool")]
    assert source(folder).origin == "pdm.backend includes"


@pytest.mark.req("FR-101")
def test_poetry_packages_with_from_and_the_default(tmp_path: Path) -> None:
    toml = f'{POETRY}[tool.poetry]\npackages = [{{include = "calc", from = "lib"}}]\n'
    folder = member(tmp_path / "m", toml, "lib/calc/__init__.py", "calc/__init__.py")
    assert found(folder) == [("lib/calc", "calc")]
    folder = member(tmp_path / "n", POETRY, "src/my_calc/__init__.py", name="My-Calc")
    assert found(folder) == [("src/my_calc", "my_calc")]
    assert source(folder).origin == "poetry-core default (project name)"


# ---------------------------------------------------------------- override, virtual


@pytest.mark.req("FR-102")
def test_override_names_each_path_below_its_source_root(tmp_path: Path) -> None:
    toml = (
        f'{HATCH}[tool.hatch.build.targets.wheel]\nonly-include = ["lib/acme"]\nsources = ["lib"]\n'
    )
    folder = member(
        tmp_path / "m",
        toml,
        "lib/acme/beta/__init__.py",
        "pkg/__init__.py",
        "tool.py",
        "src/calc/__init__.py",
    )
    assert found(folder, ["pkg", "tool.py", "lib/acme/beta", "src/calc"]) == [
        ("lib/acme/beta", "acme.beta"),
        ("pkg", "pkg"),
        ("src/calc", "calc"),
        ("tool.py", "tool"),
    ]
    assert source(folder, ["pkg"]).origin == "[tool.tiergate] source"


@pytest.mark.req("FR-102")
@pytest.mark.parametrize("entry", ["missing", "notes.txt", "..", "../m/pkg/../../x"])
def test_override_entry_that_is_no_folder_or_module_of_the_member_is_an_error(
    tmp_path: Path, entry: str
) -> None:
    toml = f'{OTHER}[tool.tiergate]\nsource = ["pkg", "{entry}"]\n'
    folder = member(tmp_path / "m", toml, "pkg/__init__.py", "notes.txt")
    caught = error(folder, ["pkg", entry])
    assert repr(entry) in caught.message
    assert caught.line == line(folder, f'"{entry}"')


@pytest.mark.req("FR-103")
@pytest.mark.parametrize(
    ("toml", "virtual"),
    [
        ("", True),
        ("[tool.uv]\npackage = false\n" + HATCH, True),
        ("[tool.uv]\npackage = true\n", False),
        (HATCH, False),
    ],
)
def test_uv_decides_which_members_are_virtual(toml: str, virtual: bool) -> None:
    assert is_virtual(tomllib.loads(toml)) is virtual


@pytest.mark.req("FR-103")
def test_a_virtual_member_has_no_source_unless_overridden(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", "", "tests/test_x.py")
    assert source(folder) == MemberSource((), (), "virtual project (no build system)")
    member(folder, "", "scripts/run.py")
    assert found(folder, ["scripts/run.py"]) == [("scripts/run.py", "scripts.run")]


@pytest.mark.req("FR-103")
def test_a_virtual_member_keeps_the_regular_packages_at_its_root_without_src(
    tmp_path: Path,
) -> None:
    # `uv init` apps have no build system: their code still is theirs, and is measured.
    folder = member(
        tmp_path / "m",
        "",
        "app/__init__.py",
        "app/views.py",
        "tests/__init__.py",
        "docs/conf/__init__.py",
        "bench/run.py",
    )
    assert found(folder) == [("app", "app")]
    assert source(folder).origin == "virtual project: packages in its root"


@pytest.mark.req("FR-103")
def test_a_virtual_member_keeps_the_regular_packages_of_its_src_folder(tmp_path: Path) -> None:
    # Not installed, but its tests may put src/ on the path: the code there is measured.
    folder = member(
        tmp_path / "m", "", "src/calc/__init__.py", "src/notes/readme.py", "bench/run.py"
    )
    assert found(folder) == [("src/calc", "calc")]
    assert source(folder).origin == "virtual project: packages in src/"


@pytest.mark.req("FR-103")
def test_package_true_without_build_system_is_built_by_setuptools(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", "[tool.uv]\npackage = true\n", "src/calc/__init__.py")
    assert found(folder) == [("src/calc", "calc")]
    assert source(folder).origin == "setuptools auto-discovery (src layout)"


# ---------------------------------------------------------------- errors


@pytest.mark.req("FR-104")
def test_a_packaged_member_without_source_is_an_error_saying_what_was_looked_for(
    tmp_path: Path,
) -> None:
    folder = member(tmp_path / "m", HATCH, "tests/test_calc.py", "docs/conf.py")
    caught = error(folder)
    assert caught.message == (
        "member calc has no source: looked for hatchling's calc/, src/calc/, calc.py, */calc/, "
        "packages in src/, packages at the member root, calc.py; "
        "name it with [tool.tiergate] source = [...]"
    )
    assert caught.line is None


@pytest.mark.req("FR-104")
@pytest.mark.parametrize(
    ("toml", "key"),
    [
        (f'{HATCH}[tool.hatch.build.targets.wheel]\npackages = "calc"\n', "packages"),
        (f"{UV}[tool.uv.build-backend]\nmodule-name = 3\n", "module-name"),
        (f"{SETUPTOOLS}[tool.setuptools]\npackages = [1]\n", "packages"),
        (f'{SETUPTOOLS}[tool.setuptools.packages.find]\nwhere = "src"\n', "where"),
        ('[build-system]\nbuild-backend = ["x"]\n', "build-backend"),
        ('[tool.uv]\npackage = "yes"\n', "package"),
        (f"{FLIT}[tool.flit.module]\nname = 2\n", "name"),
    ],
)
def test_a_wrong_shape_is_an_error_naming_the_key_and_its_line(
    tmp_path: Path, toml: str, key: str
) -> None:
    folder = member(tmp_path / "m", toml, "src/calc/__init__.py")
    caught = error(folder)
    assert f".{key} must be " in caught.message
    assert caught.line == line(folder, f"{key} =")


@pytest.mark.req("FR-104")
@pytest.mark.parametrize(
    ("toml", "missing"),
    [
        (f'{HATCH}[tool.hatch.build.targets.wheel]\npackages = ["lib/gone"]\n', "lib/gone"),
        (f'{HATCH}[tool.hatch.build]\nonly-include = ["gone.py"]\n', "gone.py"),
        (
            f'{SETUPTOOLS}[tool.setuptools]\n{IN_SRC}packages = ["calc", "gone"]\n',
            "gone",
        ),
        (f'{SETUPTOOLS}[tool.setuptools]\npy-modules = ["gone"]\n', "gone"),
        (f'{SETUPTOOLS}[tool.setuptools.packages.find]\nwhere = ["lib"]\n', "lib"),
        (f'{UV}[tool.uv.build-backend]\nmodule-name = "acme.gone"\n', "acme.gone"),
        (f'{FLIT}[tool.flit.module]\nname = "gone"\n', "gone"),
        (f'{PDM}[tool.pdm.build]\nincludes = ["src/gone"]\n', "src/gone"),
        (f'{POETRY}[tool.poetry]\npackages = [{{include = "gone"}}]\n', "gone"),
    ],
)
def test_a_configured_path_that_does_not_exist_is_an_error_naming_it(
    tmp_path: Path, toml: str, missing: str
) -> None:
    folder = member(tmp_path / "m", toml, "src/calc/__init__.py")
    caught = error(folder)
    assert repr(missing) in caught.message
    assert caught.line == line(folder, f'"{missing}"')


@pytest.mark.req("FR-104")
def test_flit_module_found_both_flat_and_in_src_is_an_error(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", FLIT, "calc/__init__.py", "src/calc/__init__.py")
    assert error(folder).message == "flit_core finds module 'calc' twice: calc and src/calc"


@pytest.mark.req("FR-104")
def test_configured_paths_holding_only_tests_leave_no_source(tmp_path: Path) -> None:
    toml = f'{HATCH}[tool.hatch.build.targets.wheel]\npackages = ["tests"]\n'
    folder = member(tmp_path / "m", toml, "tests/__init__.py", "src/calc/__init__.py")
    assert error(folder).message.startswith("member calc has no source: looked for tests;")


@pytest.mark.req("FR-102")
def test_an_empty_override_is_an_error(tmp_path: Path) -> None:
    folder = member(tmp_path / "m", f"{OTHER}[tool.tiergate]\nsource = []\n", "calc/__init__.py")
    caught = error(folder, [])
    assert caught.message == "[tool.tiergate] source is empty: name at least one path"
    assert caught.line == line(folder, "source")


@pytest.mark.req("FR-101")
def test_a_hatchling_meta_package_that_bypasses_selection_ships_no_source(tmp_path: Path) -> None:
    # Its wheel is metadata only; the packages beside it belong to other members.
    folder = member(
        tmp_path / "m",
        HATCH + "[tool.hatch.build.targets.wheel]\nbypass-selection = true\n",
        "calc_slim/calc/__init__.py",
    )
    assert source(folder) == MemberSource(
        (), (), "hatchling bypass-selection (a wheel of metadata only)"
    )

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tiergate.config import RequirementsConfig, load_config
from tiergate.errors import ConfigError, SpecError
from tiergate.trace.specs import (
    Location,
    Requirement,
    id_key,
    id_regex,
    parse_spec,
    read_specs,
    spec_files,
)

TIERS = ("unit", "integration", "e2e")
IDS = id_regex(RequirementsConfig(id_patterns=(r"FR-\d{3}", r"NFR-\d{3}")), Path("none.toml"))

SPEC = """\
# Command line

## FR-001: the CLI rejects an unknown tier [tier: e2e]

- FR-002: the CLI prints one table,
  wrapped over two lines; see FR-001
- **FR-003** — bold, with a dash [tiers: unit, e2e]
- see FR-004, which is only mentioned
  1. [FR-005](#fr-005): a link, nested
- NFR-001: fast [tier: integration]

| ID | requirement | tier |
|----|-------------|------|
| FR-006 | from a table, after FR-002 | integration |
| `FR-007` | code span, no tier | - |
| nothing here | FR-008 is a mention | |

```text
- FR-009 in a fenced code block
```

    - FR-010 in an indented code block

<!-- FR-011 in an HTML comment -->

> - FR-012 in a quote

Prose mentions FR-013 and `FR-002`, and NFR-0011 / XFR-001 / FR-0012 are no IDs.
"""


def _parse(text: str) -> tuple[list[Requirement], list[tuple[str, Location]]]:
    return parse_spec(textwrap.dedent(text), Path("/ws/spec.md"), "spec.md", IDS, TIERS)


@pytest.mark.req("FR-050")
def test_ids_starting_a_list_item_a_table_row_or_a_heading_define_requirements() -> None:
    defined, _ = _parse(SPEC)
    assert [(r.id, r.location.line, r.title, r.tiers) for r in defined] == [
        ("FR-001", 3, "the CLI rejects an unknown tier", ("e2e",)),
        ("FR-002", 5, "the CLI prints one table, wrapped over two lines; see FR-001", ()),
        ("FR-003", 7, "bold, with a dash", ("unit", "e2e")),
        ("FR-005", 9, "a link, nested", ()),
        ("NFR-001", 10, "fast", ("integration",)),
        ("FR-006", 14, "from a table, after FR-002", ("integration",)),
        ("FR-007", 15, "code span, no tier", ()),
        ("FR-012", 26, "in a quote", ()),
    ]


@pytest.mark.req("FR-050")
@pytest.mark.req("FR-050")
@pytest.mark.parametrize("header", ["tier", "**Tier**", "Tiers", "Tier(s)", "Required tier"])
def test_a_tier_column_is_read_whatever_its_header_looks_like(header: str) -> None:
    defined, _ = _parse(f"""\
        | ID | requirement | {header} |
        |---|---|---|
        | FR-001 | proven end to end | e2e |
        """)
    [requirement] = defined
    assert (requirement.id, requirement.title, requirement.tiers) == (
        "FR-001",
        "proven end to end",
        ("e2e",),
    )


def test_ids_elsewhere_are_mentions_and_code_blocks_hold_neither() -> None:
    _, mentioned = _parse(SPEC)
    assert [(identifier, where.line) for identifier, where in mentioned] == [
        ("FR-001", 6),
        ("FR-004", 8),
        ("FR-002", 14),
        ("FR-008", 16),
        ("FR-013", 28),
        ("FR-002", 28),
    ]


@pytest.mark.req("FR-050")
def test_a_tag_anywhere_on_a_table_row_counts_and_the_next_cell_is_the_title() -> None:
    defined, _ = _parse("| ID | what |\n|---|---|\n| FR-001 | the title [tier: unit] |\n")
    assert (defined[0].title, defined[0].tiers) == ("the title", ("unit",))
    defined, _ = _parse("| ID | what |\n|---|---|\n| FR-001 [tier: unit] | the title |\n")
    assert (defined[0].title, defined[0].tiers) == ("the title", ("unit",))


@pytest.mark.req("FR-050")
def test_an_unknown_tier_names_the_line() -> None:
    with pytest.raises(SpecError) as caught:
        _parse("# Spec\n\n- FR-001: smoke test [tier: smoke]\n")
    assert (
        str(caught.value)
        == "/ws/spec.md:3: FR-001: unknown tier 'smoke' (tiers: unit, integration, e2e)"
    )


def test_a_tier_tag_away_from_a_definition_is_an_error_but_not_in_code() -> None:
    with pytest.raises(SpecError, match=r"spec.md:2: a \[tier: \.\.\.\] tag belongs on the line"):
        _parse("Intro.\nSee FR-001 [tier: e2e].\n")
    _, mentioned = _parse("Write `[tier: e2e]` after FR-001.\n")
    assert [identifier for identifier, _ in mentioned] == ["FR-001"]


def _workspace(tmp_path: Path, config: str, specs: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text(config)
    for name, text in specs.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path / "pyproject.toml"


def _requirements(root: Path) -> RequirementsConfig:
    config = load_config(root).requirements
    assert config is not None
    return config


@pytest.mark.req("FR-050")
def test_specs_are_read_in_path_order_and_sorted_naturally(tmp_path: Path) -> None:
    _workspace(
        tmp_path,
        "[tool.tiergate.requirements]\nid-patterns = ['REQ-\\d+']\n",
        {
            "docs/requirements/b.md": "- REQ-10: ten\n- REQ-2: two, see REQ-77\n",
            "docs/requirements/a/deep.md": "- REQ-1: one, see REQ-10\n",
            "docs/requirements/notes.txt": "- REQ-3: not markdown\n",
        },
    )
    config, pyproject = _requirements(tmp_path), tmp_path / "pyproject.toml"
    specs = read_specs(tmp_path, config, TIERS, pyproject)
    assert specs.files == ("docs/requirements/a/deep.md", "docs/requirements/b.md")
    assert list(specs.requirements) == ["REQ-1", "REQ-2", "REQ-10"]
    assert specs.mentions == {
        "REQ-10": (Location("docs/requirements/a/deep.md", 1),),
        "REQ-77": (Location("docs/requirements/b.md", 2),),
    }
    assert specs.dangling() == [("REQ-77", Location("docs/requirements/b.md", 2))]


@pytest.mark.req("FR-051")
def test_a_duplicate_definition_names_both_places(tmp_path: Path) -> None:
    _workspace(
        tmp_path,
        "[tool.tiergate.requirements]\n",
        {
            "docs/requirements/a.md": "# A\n\n- FR-001: first\n",
            "docs/requirements/b.md": "# B\n\n\n## FR-001: again\n",
        },
    )
    config, pyproject = _requirements(tmp_path), tmp_path / "pyproject.toml"
    with pytest.raises(SpecError) as caught:
        read_specs(tmp_path, config, TIERS, pyproject)
    expected = "FR-001 is defined twice: here and at docs/requirements/a.md:3"
    assert str(caught.value) == f"{tmp_path / 'docs/requirements/b.md'}:4: {expected}"


@pytest.mark.parametrize(
    ("written", "pattern", "message"),
    [
        ("['FR-\\d{3}', 'NFR-(\\d{3}']", "NFR-(\\d{3}", "missing ), unterminated subpattern"),
        ('["FR-\\\\d{3", "X-[0-9"]', "X-[0-9", "unterminated character set"),
    ],
)
@pytest.mark.req("FR-051")
def test_an_invalid_pattern_is_a_config_error_naming_its_line(
    tmp_path: Path, written: str, pattern: str, message: str
) -> None:
    pyproject = _workspace(
        tmp_path,
        f"[project]\nname = 'x'\n\n[tool.tiergate.requirements]\nid-patterns = {written}\n",
        {},
    )
    config = _requirements(tmp_path)
    with pytest.raises(ConfigError) as caught:
        id_regex(config, pyproject)
    text = str(caught.value)
    assert text.startswith(f"{pyproject}:5: tool.tiergate.requirements.id-patterns[1]: ")
    assert f"{pattern!r} is not a valid regular expression: {message}" in text


def test_a_pattern_matching_nothing_at_all_is_refused(tmp_path: Path) -> None:
    pyproject = _workspace(tmp_path, "[tool.tiergate.requirements]\nid-patterns = ['\\d*']\n", {})
    with pytest.raises(ConfigError, match=r":2: .*id-patterns\[0\]: '\\\\d\*' matches the empty"):
        id_regex(_requirements(tmp_path), pyproject)


def test_patterns_that_cannot_be_combined_are_refused(tmp_path: Path) -> None:
    written = "id-patterns = ['(?P<n>A-\\d)', '(?P<n>B-\\d)']\n"
    pyproject = _workspace(tmp_path, f"[tool.tiergate.requirements]\n{written}", {})
    with pytest.raises(ConfigError, match=r":2: .*id-patterns: the patterns cannot be used"):
        id_regex(_requirements(tmp_path), pyproject)


def test_ids_are_whole_words() -> None:
    found = [m.group() for m in IDS.finditer("FR-001, NFR-001 XFR-002 FR-0033 FR-004-b FR-005.")]
    assert found == ["FR-001", "NFR-001", "FR-005"]


@pytest.mark.req("FR-051")
def test_a_glob_matching_no_file_names_its_line(tmp_path: Path) -> None:
    pyproject = _workspace(
        tmp_path,
        "[tool.tiergate.requirements]\nspecs = [\n  'docs/*.md',\n"
        "  'docs/requirements/**/*.md',\n]\n",
        {"docs/index.md": "# Index\n"},
    )
    with pytest.raises(ConfigError) as caught:
        spec_files(tmp_path, _requirements(tmp_path), pyproject)
    assert str(caught.value) == (
        f"{pyproject}:4: tool.tiergate.requirements.specs: 'docs/requirements/**/*.md' "
        "matches no file (is the spec folder missing?)"
    )


def test_an_absolute_glob_is_invalid(tmp_path: Path) -> None:
    pyproject = _workspace(tmp_path, "[tool.tiergate.requirements]\nspecs = ['/abs/*.md']\n", {})
    with pytest.raises(ConfigError, match=r":2: .*specs: invalid glob '/abs/\*\.md'"):
        spec_files(tmp_path, _requirements(tmp_path), pyproject)


def test_a_spec_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    pyproject = _workspace(tmp_path, "[tool.tiergate.requirements]\n", {})
    spec = tmp_path / "docs/requirements/latin.md"
    spec.parent.mkdir(parents=True)
    spec.write_bytes("- FR-001: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpecError, match=re.escape(f"{spec}:1: not a spec file: not UTF-8 text")):
        read_specs(tmp_path, _requirements(tmp_path), TIERS, pyproject)


def test_natural_order_of_ids() -> None:
    ids = ["FR-10", "NFR-2", "FR-2", "FR-1b", "FR-1"]
    assert sorted(ids, key=id_key) == ["FR-1", "FR-1b", "FR-2", "FR-10", "NFR-2"]

"""Fuzz requirement specs: random Markdown with requirement IDs, random ID patterns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    examples,
    fresh_folder,
    guarded,
    random_bytes,
    toml_table,
    write,
)
from tiergate.config import load_config
from tiergate.trace.specs import id_regex, read_specs

TIERS = ("unit", "integration", "e2e")
REGEX_TOKENS = (
    "FR",
    "NFR",
    "-",
    "\\d",
    "\\w",
    "[A-Z]",
    "[0-9]",
    "{3}",
    "{1,3}",
    "{,2}",
    "{2,1}",
    "+",
    "?",
    "*",
    "|",
    "(",
    ")",
    "(?:",
    "(?P<x>",
    "(?P=x)",
    "\\1",
    "(?i)",
    "[",
    "]",
    "^",
    "$",
    "\\b",
    "\\",
    "{",
    "}",
    "(?<=F)",
)
"""A regular expression alphabet that cannot cross a space (``.`` and ``\\s`` are left out),
so that the short words of the generated Markdown bound backtracking."""
patterns = st.lists(st.sampled_from(REGEX_TOKENS), min_size=0, max_size=6).map("".join)
WORDS = (
    "FR-001",
    "FR-1",
    "NFR-002",
    "FR-00",
    "FR-001a",
    "x",
    "title",
    "[tier: unit]",
    "[tiers: unit, e2e]",
    "[tier: nope]",
    "[tier:",
    "`FR-003`",
    "**FR-004**",
    "|",
    "---",
    "<div>",
    "</div>",
    "é",
    "\t",
)
LEADS = ("", "- ", "* ", "1. ", "# ", "## ", "| ", "    ", "```", "> ", "<!-- ")
spec_lines = st.builds(
    lambda lead, words: lead + " ".join(words),
    st.sampled_from(LEADS),
    st.lists(st.sampled_from(WORDS), max_size=5),
)
markdown = st.lists(spec_lines, max_size=12).map("\n".join)


def _config(patterns: list[str], specs: object) -> str:
    table = {"id-patterns": patterns, "specs": specs}
    return toml_table("tool.tiergate.requirements", table)


@settings(max_examples=examples(300))
@given(
    documents=st.lists(markdown.map(str.encode) | random_bytes, min_size=1, max_size=3),
    id_patterns=st.lists(st.sampled_from(["FR-\\d{3}", "NFR-\\d{3}"]) | patterns, max_size=3),
)
def test_specs_of_random_markdown(documents: list[bytes], id_patterns: list[str]) -> None:
    with fresh_folder() as root:
        pyproject = write(root / "pyproject.toml", _config(id_patterns, ["docs/*.md"]))
        for index, document in enumerate(documents):
            write(root / "docs" / f"spec{index}.md", document)

        def read() -> object:
            requirements = load_config(root).requirements
            assert requirements is not None
            return read_specs(root, requirements, TIERS, pyproject)

        guarded(read, root)


@settings(max_examples=examples(450))
@given(id_patterns=st.lists(patterns, min_size=1, max_size=3))
def test_random_id_patterns(id_patterns: list[str]) -> None:
    with fresh_folder() as root:
        pyproject = write(root / "pyproject.toml", _config(id_patterns, ["*.md"]))

        def compile_them() -> object:
            requirements = load_config(root).requirements
            assert requirements is not None
            return id_regex(requirements, pyproject)

        guarded(compile_them, pyproject)


@settings(max_examples=examples(100))
@given(
    specs=st.lists(
        st.sampled_from(
            ["docs/*.md", "**", "../*", "/etc/*", "[", "docs/**/*.md", "a/**b", "", "docs"]
        ),
        max_size=3,
    )
)
def test_spec_globs(specs: list[str]) -> None:
    with fresh_folder() as base:
        root = base / "ws"
        pyproject = write(root / "pyproject.toml", _config(["FR-\\d{3}"], specs))
        write(root / "docs" / "a.md", "- FR-001 one\n")

        def read() -> object:
            requirements = load_config(root).requirements
            assert requirements is not None
            return read_specs(root, requirements, TIERS, pyproject)

        guarded(read, root)

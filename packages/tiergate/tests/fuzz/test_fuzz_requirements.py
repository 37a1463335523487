"""Fuzz requirements exports (``requirements.txt`` lines) as the audit reads them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    check_cli,
    examples,
    fresh_folder,
    guarded,
    random_bytes,
    run_cli,
    text_no_surrogates,
    toml_table,
    write,
)
from tiergate.advisories.requirements import read_requirements

LINES = (
    "idna==3.4",
    "idna==3.4 --hash=sha256:abc",
    "Django===4.2",
    "a>=1",
    "a==",
    "a==not a version",
    "a==1; python_version < '3.12'",
    "a==1; nonsense",
    "-e ./libs/x",
    "--editable=.",
    "-e",
    "-r other.txt",
    "-c constraints.txt",
    "--index-url https://u:secret@example.invalid/simple",
    "./libs/x",
    "../wheels/x-1.0-py3-none-any.whl",
    "file:///tmp/x",
    "x @ git+https://user:secret@example.invalid/x.git",
    "https://user:secret@example.invalid/x-1.0.tar.gz",
    "x @ https://example.invalid/x.whl",
    "# comment",
    "a==1 \\",
    "\\",
    "",
    "é==1",
    "a[b==1",
)
requirement_lines = st.sampled_from(LINES) | text_no_surrogates
requirement_texts = st.lists(requirement_lines, max_size=6).map("\n".join)


@settings(max_examples=examples(900))
@given(text=requirement_texts)
def test_requirements_text(text: str) -> None:
    guarded(lambda: read_requirements(text, source="requirements.txt"), "requirements.txt")


@settings(max_examples=examples(100))
@given(content=requirement_texts.map(str.encode) | random_bytes)
def test_audit_cli_reads_any_requirements_file(content: bytes) -> None:
    with fresh_folder() as root:
        write(root / "pyproject.toml", toml_table("tool.uv.workspace", {"members": []}))
        write(root / "reqs.txt", content)
        argv = ["--root", str(root), "audit", "--requirements", "reqs.txt", "--offline"]
        code, out, err = run_cli([*argv, "--no-advisory-db"])
        check_cli(code, out, err, "secret")

"""Fuzz pytest's JUnit XML: random bytes, random XML trees, mutations of a valid file."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    corrupt_bytes,
    examples,
    fresh_folder,
    guarded,
    random_bytes,
    text_no_surrogates,
    write,
)
from tiergate.junit import read_junit_totals

VALID = (
    b'<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
    b'<testsuite name="pytest" errors="0" failures="1" skipped="1" tests="3" time="0.1">'
    b'<testcase classname="t" name="a" time="0.001" />'
    b'<testcase classname="t" name="b" time="0.001"><failure message="x">x</failure></testcase>'
    b'<testcase classname="t" name="c" time="0.001"><skipped message="y">y</skipped></testcase>'
    b"</testsuite></testsuites>"
)
TAGS = ("testsuites", "testsuite", "testcase", "failure", "error", "skipped", "x", "properties")
ATTRIBUTES = ("name", "tests", "time", "classname", "message", "failures")
HOSTILE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
    b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    b'<?xml version="1.0" encoding="latin-1"?><testsuite>\xe9</testsuite>',
    b'<?xml version="1.0" encoding="nonsense"?><testsuite/>',
    b'<?xml version="1.0" encoding="utf-16"?><testsuite/>',
    b"\xff\xfe<\x00t\x00/\x00>\x00",
    b"<testsuite>" * 3000,
    b"<a:testsuite xmlns:a='u'/>",
    b"<testsuite/><testsuite/>",
    b"",
)


def _element(tag: str, attributes: dict[str, str], text: str, children: list[str]) -> str:
    head = tag + "".join(f" {k}={quoteattr(v)}" for k, v in attributes.items())
    return f"<{head}>{escape(text)}{''.join(children)}</{tag}>"


def _elements(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    attributes = st.dictionaries(st.sampled_from(ATTRIBUTES), text_no_surrogates, max_size=3)
    return st.builds(_element, st.sampled_from(TAGS), attributes, text_no_surrogates, children)


# Random XML elements of JUnit's tags and attributes (text escaped), nested. Built by
# st.recursive, which bounds a tree by its leaves: a composite strategy drawing its own
# children took 20 of the 28 s of this file in data generation alone.
xml_trees = st.recursive(
    _elements(st.just([])),
    lambda inner: _elements(st.lists(inner, max_size=3)),
    max_leaves=40,
)


junit_bytes = st.one_of(
    random_bytes,
    xml_trees.map(str.encode),
    corrupt_bytes(VALID),
    st.sampled_from(HOSTILE),
)


@settings(max_examples=examples(800))
@given(content=junit_bytes)
def test_junit_of_any_content(content: bytes) -> None:
    with fresh_folder() as folder:
        path = write(folder / "junit.xml", content)
        guarded(lambda: read_junit_totals(path), path)

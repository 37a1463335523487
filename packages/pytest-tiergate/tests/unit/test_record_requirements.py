from __future__ import annotations

import json
import re

import pytest

from pytest_tiergate.outcomes import outcome_of
from pytest_tiergate.plugin import requirements_of


def _report(properties: list[tuple[str, object]]) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid="t.py::test_x",
        location=("t.py", 1, "test_x"),
        keywords={},
        outcome="passed",
        longrepr=None,
        when="call",
        user_properties=properties,
        duration=0.5,
    )


@pytest.mark.req("FR-052")
def test_requirements_come_from_their_user_property() -> None:
    report = _report([("tier", "unit"), ("reqs", json.dumps(["FR-001", "NFR-002"]))])
    record = outcome_of([report], tier_key="tier", requirements_key="reqs")
    assert record.requirements == ("FR-001", "NFR-002")
    assert record.to_json()["requirements"] == ["FR-001", "NFR-002"]


def test_no_property_or_no_key_means_no_requirements() -> None:
    report = _report([("tier", "unit")])
    assert outcome_of([report], tier_key="tier", requirements_key="reqs").requirements == ()
    listed = _report([("reqs", json.dumps(["FR-001"]))])
    assert outcome_of([listed], tier_key="tier").requirements == ()


def _item(pytester: pytest.Pytester, source: str) -> pytest.Item:
    """The one test of ``source``, collected in-process without the plugin's hooks."""
    args = ["-p", "no:tiergate", "-o", "markers=req(*ids): requirement IDs"]
    (item,) = pytester.getmodulecol(source, configargs=args).collect()
    assert isinstance(item, pytest.Item)
    return item


@pytest.mark.req("FR-052")
def test_every_level_of_marker_counts_once_sorted(pytester: pytest.Pytester) -> None:
    item = _item(
        pytester,
        "import pytest\n\npytestmark = pytest.mark.req('FR-3')\n\n"
        "@pytest.mark.req('FR-2', 'FR-1')\n@pytest.mark.req('FR-3')\ndef test_a():\n    pass\n",
    )
    assert requirements_of(item) == ("FR-1", "FR-2", "FR-3")


@pytest.mark.req("FR-052")
@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("@pytest.mark.req()", "takes requirement IDs as strings"),
        ("@pytest.mark.req(ids=['FR-1'])", "takes requirement IDs as strings"),
        ("@pytest.mark.req('')", "'' is not a requirement ID"),
        ("@pytest.mark.req(('FR-1',))", "('FR-1',) is not a requirement ID"),
    ],
)
def test_a_malformed_marker_names_the_test(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    item = _item(pytester, f"import pytest\n\n{marker}\ndef test_a():\n    pass\n")
    with pytest.raises(
        pytest.UsageError, match=re.escape(f"{item.nodeid}: @pytest.mark.req")
    ) as caught:
        requirements_of(item)
    assert message in str(caught.value)

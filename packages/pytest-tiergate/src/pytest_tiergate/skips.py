"""The never-skip policy: a skip outside the allow-list fails the test.

A skip report is marked with its reason and whether the allow-list allows it
(two report attributes, which survive pytest-xdist); when the policy is
enforced, a skip it does not allow is turned into a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from tiergate.ci import is_ci

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    import pytest

    from tiergate.config import AllowedSkip, SkipsConfig

SKIP_REASON = "tiergate_skip_reason"
"""Report attribute: the reason of a skip (set on every skip report)."""
SKIP_ALLOWED = "tiergate_skip_allowed"
"""Report attribute: whether the allow-list allows the skip."""


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The reason pytest gives for a skip, without its ``Skipped:`` prefix."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def first_expired(allow: tuple[AllowedSkip, ...], today: date, pyproject: Path) -> str | None:
    """The error for the first allow-list entry that expired before ``today``, if any."""
    for index, entry in enumerate(allow):
        if entry.expires < today:
            return (
                f"{pyproject}: tool.tiergate.skips.allow[{index}] ({entry.test}): "
                f"expired on {entry.expires}"
            )
    return None


@dataclass(frozen=True)
class SkipPolicy:
    """Whether skips fail (``enforced``) and which ones are allowed anyway."""

    enforced: bool
    allow: tuple[AllowedSkip, ...] = ()

    @classmethod
    def from_config(cls, skips: SkipsConfig, *, forced: bool | None = None) -> SkipPolicy:
        """The policy of ``[tool.tiergate.skips]``; ``forced`` (from the options) wins."""
        enforced = skips.never_skip == "always" or (skips.never_skip == "ci" and is_ci())
        return cls(enforced if forced is None else forced, skips.allow)

    def allows(self, nodeid: str) -> bool:
        """True when an allow-list pattern matches the node id (fnmatch, case-sensitive)."""
        return any(fnmatchcase(nodeid, entry.test) for entry in self.allow)

    def judge(self, report: pytest.TestReport | pytest.CollectReport, nodeid: str) -> None:
        """Mark a skip report; turn it into a failure when it is enforced and not allowed.

        ``nodeid`` is the report's id relative to the workspace root, the form
        the allow-list is written in. A module-level skip (a collect report) is
        allowed by a pattern matching its module's id, or that id followed by
        ``::`` (``test_x.py::*``).
        """
        allowed = self.allows(nodeid) or (report.when == "collect" and self.allows(f"{nodeid}::"))
        reason = skip_reason(report)
        setattr(report, SKIP_REASON, reason)
        setattr(report, SKIP_ALLOWED, allowed)
        if self.enforced and not allowed:
            report.outcome = "failed"
            report.longrepr = (
                f"tiergate: skip not allowed: {nodeid}: {reason} -- add it to "
                "[tool.tiergate.skips] allow with a reason and an expiry date"
            )

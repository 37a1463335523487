"""The gates: one module per kind, listed in an explicit registry.

Each kind has a ``GATE`` object implementing :class:`~tiergate.gates.base.Gate`.
Order here is the order of the report: honesty first, then tests, shape,
coverage and tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.gates import coverage, pyramid, sessions, tests, tools

if TYPE_CHECKING:
    from tiergate.gates.base import Gate

GATES: tuple[Gate, ...] = (sessions.GATE, tests.GATE, pyramid.GATE, coverage.GATE, tools.GATE)
"""Every kind of gate, by ``name``: sessions, tests, pyramid, coverage, tools."""

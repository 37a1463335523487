"""The registry of gates: every kind, one module each, listed explicitly.

Each kind has a ``GATE`` object implementing :class:`~tiergate.gates.base.Gate`.
Order here is the order of the report: honesty first, then tests, shape,
coverage and tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.gates import coverage, patch, pyramid, ratchet, requirements, sessions, tests, tools

if TYPE_CHECKING:
    from tiergate.gates.base import Gate

GATES: tuple[Gate, ...] = (
    sessions.GATE,
    tests.GATE,
    pyramid.GATE,
    requirements.GATE,
    coverage.GATE,
    patch.GATE,
    ratchet.GATE,
    tools.GATE,
)
"""Every kind of gate, by ``name``: sessions, tests, pyramid, requirements, coverage, patch,
ratchet, tools."""

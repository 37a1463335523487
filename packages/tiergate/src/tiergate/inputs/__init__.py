"""The input key of every session: what its result depends on, hashed, so a result can be reused.

:func:`session_key` returns an :class:`InputKey` (a digest and its named
parts, each the SHA-256 of one input) or a :class:`NoKey` saying in one line
why the key cannot be complete; then the session always runs.
:func:`session_keys` computes many keys at once, reading each input once;
:func:`changed_inputs` names what differs between two keys. What goes into
each kind of session's key is in :mod:`tiergate.inputs.sessions`.
"""

from __future__ import annotations

from tiergate.inputs.key import InputKey, NoKey, changed_inputs
from tiergate.inputs.scan import InputScan
from tiergate.inputs.sessions import session_key, session_keys, unkeyed

__all__ = [
    "InputKey",
    "InputScan",
    "NoKey",
    "changed_inputs",
    "session_key",
    "session_keys",
    "unkeyed",
]

"""``tiergate init``: what it writes into an existing uv workspace, and how.

:mod:`~tiergate.scaffold.plan` computes every change before anything is
written (:mod:`~tiergate.scaffold.changes`); the edits keep the user's
formatting: ``pyproject.toml`` files through tomlkit
(:mod:`~tiergate.scaffold.pyprojects`, :mod:`~tiergate.scaffold.groups`),
``.gitignore`` and the pre-commit configuration by appending
(:mod:`~tiergate.scaffold.textfiles`); whole files from
:mod:`~tiergate.scaffold.templates`; ``--measure`` in :mod:`~tiergate.scaffold.bounds`.
"""

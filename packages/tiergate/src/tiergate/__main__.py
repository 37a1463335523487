"""``python -m tiergate``: the same as the ``tiergate`` command."""

import sys

from tiergate.cli import command

sys.exit(command())

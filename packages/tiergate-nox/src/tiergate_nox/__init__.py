"""tiergate-nox: nox sessions and invoke tasks generated from a tiergate workspace."""

import sys

# invoke turns off writing bytecode for all it imports (unless `--write-pyc`), so that
# tasks.py leaves no .pyc behind; `invoke check` then compiled the 600 modules it imports
# from source on every run, 0.2 to 0.3 s of a check whose sessions are all cached. What
# the interpreter was told (-B, PYTHONDONTWRITEBYTECODE) still holds.
sys.dont_write_bytecode = bool(sys.flags.dont_write_bytecode)

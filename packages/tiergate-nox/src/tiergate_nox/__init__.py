"""tiergate-nox: nox sessions and invoke tasks generated from a tiergate workspace."""

"""pytest-tiergate: tiers, never-skip and per-test records for tiergate."""

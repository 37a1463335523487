"""``python -m tiergate.schemas``: regenerate the published JSON Schemas."""

from tiergate.schemas import write_all

for path in write_all():
    print(path)  # noqa: T201 - the point of this script

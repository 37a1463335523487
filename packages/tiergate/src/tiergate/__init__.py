"""tiergate: one honest answer to "is this change good enough to merge?"."""

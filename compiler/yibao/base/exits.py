"""Exit codes and the one exception a command raises to stop with a message.

Interface.md fixes 0–3; the others are beyond the contract: 74 the output could not be written
(closed, full disk), 141 the reader closed the pipe, 130 interrupted, 70 an internal error.
"""
from __future__ import annotations

OK, POLICY_ERROR, BAD_INPUT, UNDECIDABLE = 0, 1, 2, 3
INTERNAL_ERROR, OUTPUT_ERROR, INTERRUPTED, BROKEN_PIPE = 70, 74, 130, 141


class Fail(Exception):
    """Stop the command: `code` is the exit code, the message one line for standard error; `field`
    the case field or decision at fault, where one is (the Web API's error body names it)."""

    def __init__(self, code: int, message: str, field: str | None = None):
        super().__init__(message)
        self.code, self.field = code, field

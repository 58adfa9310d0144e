"""Source files and spans: where a piece of policy text came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import MAX_SOURCE_BYTES


class UnreadableSource(Exception):
    """A file that is not a readable UTF-8 text of a sensible size: (span or None, message)."""

    def __init__(self, file: "SourceFile", line: int, column: int, message: str):
        super().__init__(message)
        self.file, self.line, self.column, self.message = file, line, column, message


@dataclass(frozen=True)
class SourceFile:
    path: str  # as the user named it, for messages
    text: str

    @classmethod
    def read(cls, path: str | Path) -> "SourceFile":
        """The file's text (a UTF-8 byte order mark dropped), or UnreadableSource naming where."""
        path = str(path)
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            raise UnreadableSource(cls(path, ""), 1, 1, f"cannot read the file: {exc.strerror or exc}") from None
        if len(data) > MAX_SOURCE_BYTES:
            raise UnreadableSource(cls(path, ""), 1, 1, f"the file is larger than {MAX_SOURCE_BYTES} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[:exc.start].decode("utf-8", "replace")
            line = before.count("\n") + 1
            column = len(before) - (before.rfind("\n") + 1) + 1
            shown = cls(path, data.decode("utf-8", "replace"))
            what = "ends in the middle of a character" if exc.reason == "unexpected end of data" else "is not UTF-8"
            raise UnreadableSource(shown, line, column, f"the file {what} (byte {exc.start + 1}: "
                                   f"{data[exc.start:exc.start + 1]!r})") from None
        if "\x00" in text:
            i = text.index("\x00")
            raise UnreadableSource(cls(path, text), text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i),
                                   "the file holds a NUL character")
        return cls(path, text.removeprefix("\ufeff"))

    def line(self, number: int) -> str:
        lines = self.text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""


@dataclass(frozen=True)
class Span:
    file: SourceFile = field(repr=False)
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def where(self) -> str:
        return f"{self.file.path}:{self.line}:{self.column}"


def span_of(file: SourceFile, meta) -> Span | None:
    """A Span from a lark Meta or Token (None when lark kept no position)."""
    line = getattr(meta, "line", None)
    if line is None:
        return None
    return Span(file, line, meta.column, getattr(meta, "end_line", line) or line,
                getattr(meta, "end_column", meta.column + 1) or meta.column + 1)

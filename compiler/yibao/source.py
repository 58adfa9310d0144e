"""Source files and spans: where a piece of policy text came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    path: str  # as the user named it, for messages
    text: str

    @classmethod
    def read(cls, path: str | Path) -> "SourceFile":
        return cls(str(path), Path(path).read_text(encoding="utf-8"))

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

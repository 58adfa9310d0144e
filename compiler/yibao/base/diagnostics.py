"""Structured errors and warnings, and their rendering for people and machines."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

from .source import Span


@dataclass(frozen=True)
class Diagnostic:
    code: str  # E1xx syntax, E2xx names, E3xx types, E4xx figures and citations, E5xx tables, E6xx inheritance, W… warnings, I… info
    message: str
    span: Span | None = None
    label: str = ""  # printed under the caret
    notes: tuple[str, ...] = ()
    hint: str = ""

    @property
    def severity(self) -> str:
        return {"W": "warning", "I": "info"}.get(self.code[0], "error")  # info: never fails a check

    def render(self) -> str:
        where = self.span.where + ": " if self.span else ""
        out = [f"{where}{self.severity}[{self.code}]: {self.message}"]
        if self.span:
            text = self.span.file.line(self.span.line)
            gutter = str(self.span.line)
            pad = " " * len(gutter)
            width = (self.span.end_column - self.span.column
                     if self.span.end_line == self.span.line else len(text) - self.span.column + 1)
            # East Asian characters take two columns in a terminal: keep the caret under them.
            lead = "".join("  " if _wide(ch) else " " for ch in text[: self.span.column - 1])
            carets = "".join("^^" if _wide(ch) else "^" for ch in
                             text[self.span.column - 1: self.span.column - 1 + max(width, 1)]) or "^"
            out += [f"{pad} |", f"{gutter} | {text}", f"{pad} | {lead}{carets} {self.label}".rstrip()]
            for note in self.notes:
                out.append(f"{pad} = note: {note}")
            if self.hint:
                out.append(f"{pad} = help: {self.hint}")
        else:
            out += [f"  = note: {n}" for n in self.notes] + ([f"  = help: {self.hint}"] if self.hint else [])
        return "\n".join(out)

    def to_json(self) -> dict:
        d = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.span:
            d.update(file=self.span.file.path, line=self.span.line, column=self.span.column,
                     end_line=self.span.end_line, end_column=self.span.end_column)
        if self.notes:
            d["notes"] = list(self.notes)
        if self.hint:
            d["hint"] = self.hint
        return d


def _wide(ch: str) -> bool:
    import unicodedata
    return unicodedata.east_asian_width(ch) in ("W", "F")


class PolicyError(Exception):
    """Raised with every diagnostic of a policy that cannot be compiled."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`?" if close else ""

"""`yibao notices`: the notices a policy directory holds, read from their headers (a table for
people, JSON for scripts)."""
from __future__ import annotations

import unicodedata

from .directory import PolicySet

COLUMNS = ("document", "jurisdiction", "coverage_year", "implements", "title")


def notices(ps: PolicySet) -> list[dict]:
    """One entry per notice that parses, by document number: what its header says."""
    out = []
    for document, path in sorted(ps.notices.items()):
        h = ps.modules[path].header
        out.append({
            "document": document, "title": h.title, "jurisdiction": h.jurisdiction, "coverage_year": h.coverage,
            "implements": h.implements, "implements_external": h.implements_external,
            "status": h.status, "path": path,
        })
    return out


def table(rows: list[dict]) -> str:
    """Aligned columns; Chinese characters count two cells wide, as a terminal shows them."""
    def cell(row, key):
        value = row[key]
        if key == "implements":
            return "—" if value is None else value + (" (external)" if row["implements_external"] else "")
        return "—" if value is None else str(value)

    grid = [list(COLUMNS)] + [[cell(r, key) for key in COLUMNS] for r in rows]
    widths = [max(_width(line[i]) for line in grid) for i in range(len(COLUMNS))]
    lines = ["  ".join(text + " " * (w - _width(text)) for text, w in zip(line, widths)).rstrip() for line in grid]
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

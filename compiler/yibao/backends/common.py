"""What the code generators share: safe comments, which expressions fold at generation, and the
error a target raises for a construct it cannot write."""
from __future__ import annotations

from ..ir import nodes as ir


def comment(text: str) -> str:
    """Policy text for a `#` comment: one line, anything unprintable (a NUL, a lone surrogate) escaped."""
    text = " ".join(str(text).split())
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text


NOT_STATIC = object()
FOLDED_MAX = 1 << 14  # keys of a table folded into a lookup at generation, at most (past it, the rows are tried)


def refs(e):
    if isinstance(e, ir.Ref):
        yield e.name
    for x in ir.children(e):
        yield from refs(x)


def static(e, consts) -> bool:
    """Reads no fact and no definition that is not a constant."""
    if isinstance(e, (ir.Fact, ir.Given, ir.Unknown, ir.Outside, ir.Domains)):
        return False
    if isinstance(e, ir.Ref) and e.name not in consts:
        return False
    return all(static(x, consts) for x in ir.children(e))


class Unsupported(ValueError):
    """A construct a target does not write (the JavaScript module refuses the notice; the NumPy
    module leaves the decision to the row path)."""

"""What the Python backend's modules share: output kinds, the fact spec, safe comments."""
from __future__ import annotations

from .. import ir


def output_kind(t) -> str:
    if isinstance(t, tuple):
        return t[0]
    return t


def fact_spec(program: ir.Program) -> dict:
    """The spec runtime.decode_case checks a case against."""
    from ..runtime import _ABSENT
    spec = {}
    for name, f in program.facts.items():
        t = f.type
        if isinstance(t, tuple):
            kind, aliases = t[0], program.enums[t[1]].aliases()
        else:
            kind, aliases = ("count" if f.non_negative else t), {}
        spec[name] = (kind, aliases, _ABSENT if f.default is ir.NO_DEFAULT else f.default)
    return spec


def _comment(text: str) -> str:
    """Policy text for a `#` comment: one line, anything unprintable (a NUL, a lone surrogate) escaped."""
    text = " ".join(str(text).split())
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text

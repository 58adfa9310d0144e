"""What a notice header may leave open or qualify: its status, a placeholder number, unknown issuers.

A draft has no document number yet (it goes by a placeholder such as 草案〔2027〕1号) and may not know
who will issue it; saying so is better than a made-up value.
"""
from __future__ import annotations

from ..language import ast as A


def _why(u: A.UnknownLit | None) -> str | None:
    return None if u is None else (u.reason or "not stated")


def header_facts(header: A.Header | None) -> dict:
    """The Program fields these header facts fill."""
    if header is None:
        return {}
    return {"status": header.status, "number_unknown": _why(header.number_unknown),
            "issuers_unknown": _why(header.issuers_unknown)}

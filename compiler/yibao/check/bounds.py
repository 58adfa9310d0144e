"""Bounded unknowns in the checker: `unknown at least 1000 元 "why"`, `at most`, `between … and …`.

The notice states a bound, not the value ("每次提高限额不低于1000元"). The bounds are runtime values of
the unknown's type; evaluation (bounded.Bounded) keeps them through arithmetic, min/max and
comparisons, so a decision the bounds fix is decided.
"""
from __future__ import annotations

from ..language import ast as A
from ..ir import nodes as ir
from ..ir.nodes import ANY, DAYS, INT, MONEY, MONTHS, show_type
from ..runtime.bounded import Bounded
from .types import UNIT_TYPES, number_value

ORDERED_NUMBERS = {MONEY, INT, DAYS, MONTHS}


def unknown(env, x: A.UnknownLit, want) -> ir.Expr:
    reason = x.reason or "a value the notice bounds but does not state"
    values, t = [], want if want not in (None, ANY) else None
    for lit in (x.low, x.high):
        if lit is None:
            values.append(None)
            continue
        lt = UNIT_TYPES.get(lit.unit, INT) if lit.unit else (t or INT)
        if t is None:
            t = lt
        if lt != t or t not in ORDERED_NUMBERS:
            env.c.error("E313", f"a bound of {show_type(lt)} on an unknown {show_type(t)}", lit.span,
                        "bounds are money, a whole number, days or months of the unknown's kind")
            return ir.Unknown(reason, t or ANY, x.span)
        values.append(number_value(lit.text, t))
    low, high = values
    if low is not None and high is not None and low > high:
        env.c.error("E313", "the lower bound is above the upper bound", x.span, "no value fits")
        return ir.Unknown(reason, t, x.span)
    return ir.Unknown(reason, t, x.span, low, high)


def as_ir(value, t):
    """A folded value; a bounded one stays an IR unknown with its bounds."""
    if isinstance(value, Bounded):
        return ir.Unknown(value.what, t, None, value.lo, value.hi)
    return value

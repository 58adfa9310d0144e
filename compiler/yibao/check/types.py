"""The checker's units and types: the unit words a number may carry, the scalar type names, how a
literal's text becomes its value, and the hints a type mismatch gives. One home for what the
expression typer, the declarations and the bounds of unknowns all read."""
from __future__ import annotations

from fractions import Fraction

from ..runtime.core import money_out
from ..ir.nodes import ANY, BOOL, DATE, DAYS, INT, MONEY, MONTHS, RATE, TEXT, set_t

UNIT_TYPES = {"元": MONEY, "yuan": MONEY, "%": RATE, "days": DAYS, "日": DAYS, "天": DAYS,
              "months": MONTHS, "个月": MONTHS}
SCALAR_TYPES = {"money": MONEY, "int": INT, "count": INT, "rate": RATE, "date": DATE, "days": DAYS,
                "months": MONTHS, "bool": BOOL, "text": TEXT}


def fits(t, want) -> bool:
    if want == ANY or t == ANY or t == want:
        return True
    if isinstance(t, tuple) and isinstance(want, tuple) and t[0] == want[0] == "set":
        return t[1] is None or want[1] is None
    return False


def unify(types):
    t = None
    for x in types:
        if x == ANY:
            continue
        if t is None or (isinstance(t, tuple) and t == set_t(None)):
            t = x
        elif not fits(x, t):
            return None
    return t or ANY


def number_value(text: str, t):
    if t == MONEY:
        whole, _, frac = text.partition(".")
        if len(frac) > 2:
            return None
        return int(whole) * 100 + int((frac + "00")[:2])
    if t == RATE:
        return Fraction(text) / 100
    if "." in text:
        return None
    return int(text)


def show_value(value, t) -> str:
    if t == MONEY:
        return money_out(value)
    if t == RATE:
        return f"{float(value * 100):g}%"
    return str(value)


def type_hint(got, want) -> str:
    if got == RATE and want == MONEY:
        return "a rate of money is written `90% of amount`"
    if got == INT and want == MONEY:
        return "money has a unit: `380 元`"
    if got == DATE and want == DAYS:
        return "a period is written `90 days`"
    return ""


def op_hint(op, lt, rt) -> str:
    if op == "*" and RATE in (lt, rt):
        return "a rate of money is written `90% of amount`"
    if op in "+-" and DATE in (lt, rt) and INT in (lt, rt):
        return "add a period: `d + 90 days` or `d + 3 months`"
    return ""

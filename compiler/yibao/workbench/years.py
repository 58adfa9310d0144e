"""Moving a person from one notice's coverage year to another's, for comparing the two notices.

Every date fact of the person (payment date, birth date) moves by the difference in coverage years,
to the same month and day; Feb 29 becomes Feb 28 where the target year has none (runtime.plus_months).
A date decision is compared the same way: the old date moved by those years against the new date,
so "-30 days" always reads against the moved date it names."""
from __future__ import annotations

import datetime as dt
import re

from ..ir import nodes as ir
from ..runtime import core as rt

HOW = ("dates move with the coverage year: each person's payment and birth dates are moved by {years} "
       "year(s) to the same month and day (Feb 29 → Feb 28); date decisions are compared against the old "
       "date moved the same way")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def shift(d: dt.date, years: int) -> dt.date:
    return rt.plus_months(d, 12 * years) if years else d


def date_facts(program: ir.Program) -> list[str]:
    return [n for n, f in program.facts.items() if f.type == ir.DATE]


def shift_raw(raw, fields, years: int):
    """A case as read (ISO strings or dates) with its date fields moved; anything else left for the
    decoder to name as bad input."""
    if not years or not isinstance(raw, dict):
        return raw
    out = dict(raw)
    for name in fields:
        v = out.get(name)
        try:
            if isinstance(v, dt.date):
                out[name] = shift(v, years)
            elif isinstance(v, str) and _ISO.fullmatch(v):
                out[name] = shift(dt.date.fromisoformat(v), years).isoformat()
        except (ValueError, rt.DateOutOfRange):
            pass  # not a day, or past year 9999: the decoder says so
    return out


def day_shift(old: dt.date, new: dt.date, years: int) -> int:
    """Days from the old date moved to the new coverage year, to the new date."""
    return (new - shift(old, years)).days

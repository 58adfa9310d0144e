"""One person under both notices: every decision's value, and what changed between the two.

Both notices are evaluated by their generated modules (evaluate.Evaluator), the very code
`yibao eval` runs, so a roll's diff agrees with two `yibao eval --cases` runs."""
from __future__ import annotations

import datetime as dt

from ..runtime import core as rt
from ..run.evaluate import Evaluator
from .years import day_shift, shift

DAYS = "days"  # the kind of benefit_days: a count of days
# a money decision is money paid or received (contribution, assistance, amount_due, a subsidy paid
# out) unless its name says it is a threshold, a limit or a standard: a level a person's money is
# measured against, the same for everyone it applies to, which added across people means nothing
# (a roll diff reports its change a person, never a total: diff_roll.py)
_LEVEL_WORDS = ("deductible", "limit", "standard")


def is_level(name: str) -> bool:
    """True for a threshold, limit or standard (critical_illness_deductible, outpatient_limit,
    fiscal_subsidy_standard); False for money paid or received."""
    return any(word in name.split("_") for word in _LEVEL_WORDS)


def compared(old: Evaluator, new: Evaluator) -> dict[str, str]:
    """Decisions both notices state (in the new notice's order) → kind, plus benefit_days where both
    state benefit_start and benefit_end. A decision only one states is listed as added or removed."""
    out = {n: kind for n, (_, kind) in new.decisions.items() if n in old.decisions}
    if "benefit_start" in out and "benefit_end" in out:
        out["benefit_days"] = DAYS
    return out


class Decider:
    """A notice's decisions over one person: name → runtime value, or None where the notice leaves it
    undecided for this case (the functions looked up once, not per person)."""

    def __init__(self, ev: Evaluator, kinds: dict):
        self.plan = [(name, ev.decisions[name][0]) for name in kinds if name in ev.decisions
                     and name != "benefit_days"]
        self.skip = (ev.Undecidable, KeyError)
        self.days = "benefit_days" in kinds

    def __call__(self, case: dict) -> dict:
        out = {}
        skip = self.skip
        for name, fn in self.plan:
            try:
                out[name] = fn(case)
            except skip:
                out[name] = None
        if self.days:
            s, e = out.get("benefit_start"), out.get("benefit_end")
            out["benefit_days"] = (e - s).days + 1 if s is not None and e is not None else None
        return out


def same(kind: str, vo, vn, years: int) -> bool:
    if vo is None or vn is None:
        return vo is vn
    if kind == "date":
        return shift(vo, years) == vn
    return vo == vn


def delta(kind: str, vo, vn, years: int) -> int | None:
    """The change as a number: fen for money, days for dates and day counts; None where the kind has
    no difference (a window, a yes/no) or either side is undecided."""
    if vo is None or vn is None:
        return None
    if kind == "date":
        return day_shift(vo, vn, years)
    if kind in ("money", "int", DAYS) and isinstance(vo, int) and isinstance(vn, int):
        return vn - vo
    return None


def show(kind: str, v) -> str:
    if v is None:
        return "undecided"
    if kind == "money":
        return rt.money_out(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (set, frozenset, list, tuple)):
        return "{" + ", ".join(sorted(map(str, v))) + "}"
    return str(v)


def show_delta(kind: str, d: int | None, vo=None, years: int = 0) -> str | None:
    """`+20.00`; `-30 days vs 2026-02-01` (the old date moved to the new year, so the count agrees
    with the dates shown)."""
    if d is None:
        return None
    if kind == "money":
        return ("+" if d >= 0 else "-") + rt.money_out(abs(d))
    if kind == "date":
        moved = f" vs {shift(vo, years).isoformat()}" if years and vo is not None else ""
        return f"{d:+d} days{moved}"
    if kind == DAYS:
        return f"{d:+d} days"
    return f"{d:+d}"

"""The effect on people without a roll: cases generated from both notices' own conditions
(rules_analysis.CaseGenerator), one payment date for each pair of windows the moved dates fall in,
per group × tier × identity-or-none; every decision both notices state, and only where it changes."""
from __future__ import annotations

import datetime as dt

from ..ir import nodes as ir
from ..run.evaluate import Evaluator
from ..analysis.rules import CaseGenerator
from .diff_values import Decider, compared, delta, same, show, show_delta
from .years import shift
from .diff_adds import Variants, added

NEWBORN_AGE = 30  # a newborn in the effect cases is paid for 30 days after birth


def _codes(program: ir.Program, fact: str) -> list:
    f = program.facts.get(fact)
    if f is None or not isinstance(f.type, tuple):
        return [None]
    return program.enums[f.type[1]].codes()


def effects(old: ir.Program, new: ir.Program, ev_old: Evaluator | None = None,
            ev_new: Evaluator | None = None, adds: dict | None = None) -> list[dict]:
    years = new.coverage - old.coverage
    eo, en = ev_old or Evaluator(old), ev_new or Evaluator(new)
    kinds = compared(eo, en)
    decide_o, decide_n = Decider(eo, kinds), Decider(en, kinds)
    window = {"payment_window": kinds.get("payment_window", "enum")}
    window_o, window_n = Decider(eo, window), Decider(en, window)
    gen_o, gen_n = CaseGenerator(old), CaseGenerator(new)
    dates = set(gen_o.dates) | {shift(x, -years) for x in gen_n.dates}
    adds = adds if adds is not None else added(old, new)
    idents = [None] + [c for c in _codes(old, "identities") if c is not None] + adds["identities"]
    variants = Variants(new, adds["varied"], gen_n)
    base_o, base_n = gen_o.base_case(), gen_n.base_case()
    rows: dict[tuple, dict] = {}
    for group in _codes(old, "group"):
        reps: dict[tuple, dt.date] = {}  # (old window, new window) → a payment date in both
        for day in sorted(dates):
            wo = window_o({**base_o, "group": group, "payment_date": day}).get("payment_window")
            wn = window_n({**base_n, "group": group, "payment_date": shift(day, years)}).get("payment_window")
            if wo is not None or wn is not None:
                reps.setdefault((wo, wn), day)
        for (wo, wn), day in reps.items():
            for tier in _codes(old, "tier"):
                for ident in idents:
                    facts = {"group": group, "tier": tier, "payment_date": day,
                             "identities": frozenset([ident]) if ident else frozenset()}
                    co = {**base_o, **facts}
                    cn = {**base_n, **facts, "payment_date": shift(day, years)}
                    if group == "newborn":  # born NEWBORN_AGE days before paying, in both years
                        co["birth_date"] = day - dt.timedelta(days=NEWBORN_AGE)
                        cn["birth_date"] = cn["payment_date"] - dt.timedelta(days=NEWBORN_AGE)
                    # the case as it stands, then with each added fact at each of its values
                    for fact, value in [(None, None)] + variants(cn["payment_date"]):
                        po, pn = dict(co), dict(cn)
                        if fact is not None:
                            pn[fact] = value
                            po[fact] = shift(value, -years) if isinstance(value, dt.date) else value
                        vo, vn = decide_o(po), decide_n(pn)
                        for name, kind in kinds.items():
                            a, b = vo.get(name), vn.get(name)
                            if same(kind, a, b, years):
                                continue
                            key = (group, tier, name, show(kind, a), show(kind, b))
                            r = rows.setdefault(key, {
                                "group": group, "tier": tier, "decision": name, "from": key[3], "to": key[4],
                                "change": show_delta(kind, delta(kind, a, b, years), a, years), "cases": []})
                            r["cases"].append({"identity": ident, "payment_window": [wo, wn],
                                               "payment_date": [day.isoformat(), shift(day, years).isoformat()],
                                               **({"fact": [fact, show("", value)]} if fact else {})})
    out = []
    for r in rows.values():
        seen = sorted({c["identity"] or "none" for c in r["cases"]})
        r["identities"] = "any" if len(seen) == len(idents) else seen
        if all("fact" in c for c in r["cases"]):  # only an added fact's value gives this change
            r["facts"] = sorted({tuple(c["fact"]) for c in r["cases"]})[:3]
        r["windows"] = [list(w) for w in sorted({tuple(c["payment_window"]) for c in r["cases"]},
                                                key=lambda w: tuple(map(str, w)))]
        out.append(r)
    return out

"""What a notice adds against another: facts, identity codes, decisions and domains, listed, and the
facts varied in the generated cases, so an amount only a new fact produces (an assistance from the
age of 60, a new identity's row) shows under "effect on people".

A fact is added where only the new notice declares it; the generated cases vary those and every fact
a definition of the new notice reads that the old notice's definition of that name did not (an age
threshold reads a birth date the old assistance never read), so the cases grow only with what is
new. Their values come from the new notice's own comparisons (analysis.rules.CaseGenerator);
a date fact is also tried at whole years before the payment date, a day either side, for each whole
number the notice compares with, so "年满60周岁" (`age(birth_date, payment_date) >= 60`) meets 59
and 60."""
from __future__ import annotations

import datetime as dt

from ..ir import nodes as ir
from ..ir.nodes import facts_read
from ..runtime import core as rt
from ..analysis.rules import ABSENT, CaseGenerator

VARIED_ELSEWHERE = {"group", "tier", "payment_date", "identities"}  # diff_effects varies these itself
MAX_YEARS = 120


def newly_read(old: ir.Program, new: ir.Program) -> set[str]:
    """The facts some definition of the new notice reads that the old notice's of that name does not."""
    out: set[str] = set()
    for name, d in new.definitions.items():
        before = facts_read(old, [ir.Ref(name, d.type)]) if name in old.definitions else set()
        out |= facts_read(new, [ir.Ref(name, d.type)]) - before
    return out


def _identity_codes(program: ir.Program) -> list:
    f = program.facts.get("identities")
    if f is None or not isinstance(f.type, tuple):
        return []
    return [c for c in program.enums[f.type[1]].codes() if c is not None]


def _domain_reasons(program: ir.Program) -> dict[str, list[str]]:
    """A domain's reason as written (its document, decision and values as placeholders) → the
    decisions it bounds."""
    out: dict[str, list[str]] = {}
    for decision in program.domains:
        d = program.definitions[decision]
        node = d.expr if isinstance(d.expr, ir.Domains) else None
        name = ir.public_name(decision)
        for _, outside in (node.checks if node else ()):
            text = "".join(p if isinstance(p, str) else "{…}" for p in outside.parts)
            text = text.replace(program.document, "{document}").replace(name, "{decision}")
            out.setdefault(text, []).append(name)
    return out


def added(old: ir.Program, new: ir.Program) -> dict:
    """What the new notice adds: {facts, identities, decisions, domains}."""
    facts = [f for f in new.facts if f not in old.facts]
    old_codes = set(_identity_codes(old))
    old_domains = _domain_reasons(old)
    return {
        "facts": facts,
        "varied": [f for f in new.facts if f in facts or f in newly_read(old, new)],
        "identities": [c for c in _identity_codes(new) if c not in old_codes],
        "decisions": [d for d in new.decisions if d not in old.decisions],
        "domains": [{"reason": r, "decisions": ds} for r, ds in _domain_reasons(new).items() if r not in old_domains],
    }


class Variants:
    """For each added fact, the values a generated case tries it at (one fact at a time)."""

    def __init__(self, new: ir.Program, facts: list[str], generator: CaseGenerator | None = None):
        self.gen = generator or CaseGenerator(new)
        self.program = new
        self.facts = [f for f in facts if f not in VARIED_ELSEWHERE and f in new.facts]
        self.years = sorted(k for k in self.gen.ints if 1 <= k <= MAX_YEARS)

    def __call__(self, payment_date: dt.date) -> list[tuple[str, object]]:
        out = []
        for fact in self.facts:
            values = [v for v in self.gen.values(fact) if v is not ABSENT]
            if self.program.facts[fact].type == ir.DATE and payment_date is not None:
                for k in self.years:
                    try:
                        back = rt.plus_months(payment_date, -12 * k)
                    except rt.DateOutOfRange:
                        continue
                    values += [back, back - dt.timedelta(days=1)]
            out += [(fact, v) for v in dict.fromkeys(values)]
        return out

"""What the analyses know of a case without evaluating a decision: a fact left out of a case (ABSENT),
and whether the policy's constraints call a case contradictory. (The facts an expression reads are
ir.facts_read.)"""
from __future__ import annotations

from ..ir import nodes as ir
from ..runtime import core as rt
from ..ir.interpret import Interpreter

class _Absent:
    def __repr__(self):
        return "ABSENT"


ABSENT = _Absent()


def consistent(program: ir.Program, case: dict) -> bool:
    """No constraint of the policy calls the case's facts contradictory (a bad case is never a counterexample)."""
    cache = program.__dict__.setdefault("_consistent", {})  # per program: the facts' values → verdict
    facts = cache.get(None)
    if facts is None:
        facts = cache[None] = tuple(sorted({f for k in program.constraints for f in k.facts}))
    key = tuple(case.get(f, ABSENT) for f in facts)
    if key not in cache:
        interp = Interpreter(program)
        ok = True
        for k in program.constraints:
            try:
                if interp.eval_expr(k.when, case, {}):
                    ok = False
                    break
            except (rt.Undecidable, KeyError, TypeError):
                continue
        cache[key] = ok
    return cache[key]

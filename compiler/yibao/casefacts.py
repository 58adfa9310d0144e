"""What the analyses know of a case without evaluating a decision: the facts expressions read (through
the definitions they refer to), a fact left out of a case (ABSENT), and whether the policy's
constraints call a case contradictory."""
from __future__ import annotations

from . import ir
from . import runtime as rt
from .backends.interpreter import Interpreter

subexprs = ir.subexprs
definition_exprs = ir.definition_exprs


def facts_read(program: ir.Program, exprs, _seen=None) -> set[str]:
    """The facts some expressions read, through the definitions they refer to."""
    out: set[str] = set()
    for e in exprs:
        for x in subexprs(e):
            if isinstance(x, (ir.Fact, ir.Given)):
                out.add(x.name if isinstance(x, ir.Fact) else x.fact)
            elif isinstance(x, ir.Ref):
                out |= _definition_facts(program, x.name)
    return out


def _definition_facts(program: ir.Program, name: str) -> frozenset:
    """The facts a definition reads, through those it refers to (worked out once per program: the
    analyses ask for thousands of expressions over the same definitions)."""
    cache = program.__dict__.setdefault("_facts_read", {})
    facts = cache.get(name)
    if facts is None:
        cache[name] = frozenset()  # (a definition that refers to itself adds nothing more)
        d = program.definitions.get(name)
        facts = cache[name] = frozenset(facts_read(program, definition_exprs(d))) if d is not None else frozenset()
    return facts


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

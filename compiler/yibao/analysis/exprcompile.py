"""An expression compiled to a closure around its atoms (casespace.py): operators, constants and the
facts it reads itself are evaluated as the reference interpreter evaluates them (its `_OPS`, `and`
and `or` short-circuiting, a missing fact raising MissingFact); every other node (a decision, a
`with`, a parameter, a domain) is an atom whose outcome the caller supplies."""
from __future__ import annotations

from ..ir import nodes as ir
from ..ir.interpret import _OPS
from .casefacts import ABSENT
from ..runtime.core import MissingFact


class Outcome:
    """A value, or the exception evaluating it raised (raised again by `get`)."""
    __slots__ = ("value", "exc")

    def __init__(self, value, exc: BaseException | None = None):
        self.value, self.exc = value, exc

    def get(self):
        if self.exc is not None:
            raise self.exc.with_traceback(None)
        return self.value


def outcome(fn, *args) -> Outcome:
    try:
        return Outcome(fn(*args))
    except Exception as exc:  # noqa: BLE001 (kept, and raised again where the caller would have seen it)
        exc.__traceback__ = None  # (its frames need not live on)
        return Outcome(None, exc)


def compile_expr(e) -> tuple[list, list, object]:
    """(atoms, facts, fn): `fn(outcomes, values)` evaluates `e` given each atom's Outcome and each
    fact's value (ABSENT when the case leaves it out), in the order of the lists."""
    atoms: list = []
    facts: list = []
    return atoms, facts, _compile(e, atoms, facts)


def _compile(e, atoms: list, facts: list):
    if isinstance(e, ir.Op):
        args = [_compile(x, atoms, facts) for x in e.args]
        if e.op == "and":
            a, b = args
            return lambda o, v: a(o, v) and b(o, v)
        if e.op == "or":
            a, b = args
            return lambda o, v: a(o, v) or b(o, v)
        f = _OPS[e.op]
        if len(args) == 1:
            a, = args
            return lambda o, v: f(a(o, v))
        if len(args) == 2:
            a, b = args
            return lambda o, v: f(a(o, v), b(o, v))
        return lambda o, v: f(*[a(o, v) for a in args])
    if isinstance(e, ir.Const):
        c = e.value
        return lambda o, v: c
    if isinstance(e, (ir.Fact, ir.Given)):
        name = e.name if isinstance(e, ir.Fact) else e.fact
        if name not in facts:
            facts.append(name)
        j = facts.index(name)
        if isinstance(e, ir.Given):
            return lambda o, v: v[j] is not ABSENT

        def fact(o, v):
            if v[j] is ABSENT:
                raise MissingFact(name)
            return v[j]
        return fact
    i = len(atoms)
    atoms.append(e)
    return lambda o, v: o[i].get()

"""An expression compiled to a closure around its atoms (casespace.py): operators, constants and the
facts it reads itself are evaluated as the reference interpreter evaluates them (its `_OPS`, `and`
and `or` short-circuiting, a missing fact raising MissingFact); every other node (a decision, a
`with`, a parameter, a domain) is an atom whose outcome the caller supplies."""
from __future__ import annotations

from ..ir import nodes as ir
from ..ir.interpret import _OPS
from ..ir.walk import Visitor
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
    compiler = _Compiler()
    return compiler.atoms, compiler.facts, compiler.visit(e)


class _Compiler(Visitor):
    """One handler a node (ir/walk.py): operators, constants and facts become closures; every other
    node is an atom."""
    OPERATORS_IN_X_OP = True  # every operator through the interpreter's _OPS (and, or: short-circuit)

    def __init__(self):
        self.atoms: list = []
        self.facts: list = []

    def x_Op(self, e: ir.Op):
        args = [self.visit(x) for x in e.args]
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

    def x_Const(self, e: ir.Const):
        c = e.value
        return lambda o, v: c

    def _slot(self, name: str) -> int:
        if name not in self.facts:
            self.facts.append(name)
        return self.facts.index(name)

    def x_Given(self, e: ir.Given):
        j = self._slot(e.fact)
        return lambda o, v: v[j] is not ABSENT

    def x_Fact(self, e: ir.Fact):
        name, j = e.name, self._slot(e.name)

        def fact(o, v):
            if v[j] is ABSENT:
                raise MissingFact(name)
            return v[j]
        return fact

    def _atom(self, e):
        i = len(self.atoms)
        self.atoms.append(e)
        return lambda o, v: o[i].get()

    x_Ref = x_ParamAt = x_Unknown = x_IfE = x_Outside = x_Domains = x_With = _atom

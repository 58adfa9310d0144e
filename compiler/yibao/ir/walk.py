"""One dispatch over the IR, as Jinja's NodeVisitor and sqlglot's Generator do it: a visitor's
handler for a node class is its method `x_<Node>`, for an operator `op_<name>`. The interpreter,
every code generator and the analyses that walk expressions are visitors; `missing(cls)` names the
handlers a visitor lacks, and tests/ir/test_dispatch.py holds every visitor to every node and
operator, so a new construct cannot silently miss a backend.

Handlers are found once per class (a table by node class), so a visit costs one dict lookup, not
a ladder of isinstance tests. Operators that a target writes the same way may share one method
(`op_eq = op_ne = … = _infix`): the handler still reads `e.op`.
"""
from __future__ import annotations

from . import nodes as ir

NODES = (ir.Const, ir.Fact, ir.Ref, ir.ParamAt, ir.Unknown, ir.Given, ir.Op, ir.IfE, ir.Outside,
         ir.Domains, ir.With)

# every operator the checker writes into an ir.Op (what it means: ir.nodes.Op's doc; how it runs:
# the reference interpreter, ir/interpret.py)
OPERATORS = frozenset({
    "and", "or", "not", "neg",
    "eq", "ne", "lt", "le", "gt", "ge",
    "add", "sub", "mul", "pct",
    "in_range", "member", "overlaps",
    "date_plus_days", "date_plus_months", "date_diff",
    "int_as_days", "int_as_months",
    "max", "min",
    "day_after", "first_of_next_month", "year_start", "year_end",
    "div", "round", "age_on", "months_between", "month_of", "year_of",
})

VISITORS: list[type] = []  # every visitor class, in the order they were defined (for the test)


class Visitor:
    """Subclass and define `x_<Node>` for each class of NODES (x_Op may be left to dispatch on the
    operator to `op_<name>`). `NOT_HANDLED` lists what a visitor deliberately leaves out, each with
    the reason, e.g. {"With": "invariants only: never generated"}; visiting one raises TypeError."""

    NOT_HANDLED: dict[str, str] = {}
    # True where x_Op evaluates every operator itself, through one table (then the test holds that
    # table to OPERATORS); False where each operator has its op_<name>
    OPERATORS_IN_X_OP = False

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        cls._x = {node: getattr(cls, "x_" + node.__name__, None) for node in NODES}
        cls._op = {name: getattr(cls, "op_" + name, None) for name in OPERATORS}
        VISITORS.append(cls)

    def visit(self, e, *args):
        handler = self._x.get(e.__class__)
        if handler is None:
            raise TypeError(f"{type(self).__name__} has no handler for {type(e).__name__}: "
                            f"{self.NOT_HANDLED.get(type(e).__name__, 'add x_' + type(e).__name__)}")
        return handler(self, e, *args)

    def x_Op(self, e: ir.Op, *args):
        handler = self._op.get(e.op)
        if handler is None:
            raise TypeError(f"{type(self).__name__} has no handler for the operator {e.op}: "
                            f"{self.NOT_HANDLED.get(e.op, 'add op_' + e.op)}")
        return handler(self, e, *args)


Visitor._x, Visitor._op = {}, {}


def missing(cls: type) -> list[str]:
    """The nodes and operators `cls` has no handler for and does not list in NOT_HANDLED."""
    out = [f"x_{n.__name__}" for n in NODES
           if getattr(cls, "x_" + n.__name__, None) is None and n.__name__ not in cls.NOT_HANDLED]
    if not cls.OPERATORS_IN_X_OP:  # the operators are dispatched: each needs a handler
        out += [f"op_{name}" for name in sorted(OPERATORS)
                if getattr(cls, "op_" + name, None) is None and name not in cls.NOT_HANDLED]
    return out

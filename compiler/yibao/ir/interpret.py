"""The reference interpreter: walks the IR directly. It is the oracle the generated code is tested
against, folds constants for the checker, and records what fired for `--explain`."""
from __future__ import annotations

from . import nodes as ir
from ..runtime import core as rt
from ..runtime.bounded import Bounded, _max, _min, _resolved
from ..runtime.core import MissingFact, NoRuleApplies, UnknownValue
from .kinds import output_kind
from .walk import Visitor


class Interpreter(Visitor):
    def __init__(self, program: ir.Program, partial=None, trace: bool = False):
        self.program = program
        self.partial = partial  # the checker's environment while constants are folded
        self.trace = {} if trace else None
        self._reads: list[dict] = []

    # ---- decisions ----
    def decide(self, name: str, case: dict, memo: dict | None = None):
        memo = {} if memo is None else memo
        return _resolved(self._ref(name, case, memo))  # bounds that do not fix it: unknown

    def _ref(self, name: str, case: dict, memo: dict):
        if name in memo:
            value = memo[name]
            self._note(name, value)
            return value
        d = self.program.definitions.get(name)
        if d is None and self.partial is not None:
            d = self.partial.definition(name)
        if d is None:
            raise UnknownValue(f"`{name}`, which did not check")
        if self.trace is not None:
            self._reads.append({})
        try:
            if d.expr is not None:
                value, fired = self.eval_expr(d.expr, case, memo), [(d.name, d.citation, d.document)]
            elif d.rules is not None:
                value, fired = self._rules(d, case, memo)
            else:
                value, fired = self._table(d, case, memo)
        finally:
            reads = self._reads.pop() if self.trace is not None else None
        if self.trace is not None:
            self.trace[name] = {"fired": fired, "uses": reads}
        memo[name] = value
        self._note(name, value)
        return value

    def _note(self, name, value):
        if self.trace is not None and self._reads:
            self._reads[-1][name] = value

    def _rules(self, d: ir.Definition, case, memo):
        for rule in d.rules:
            if rule.guard is None or self.eval_expr(rule.guard, case, memo):
                fired = [(rule.id, rule.citation, rule.document)]
                try:
                    return self.eval_expr(rule.value, case, memo), fired
                except rt.Undecidable:
                    # the rule applies and its value is unknown: it was exercised all the same
                    if self.trace is not None:
                        self.trace.setdefault(d.name, {"fired": fired, "uses": {}})
                    raise
        raise NoRuleApplies(ir.public_name(d.name))

    def _table(self, d: ir.Definition, case, memo):
        t = d.table
        keys = [self.eval_expr(k.expr, case, memo) for k in t.keys]
        matches = []
        for row in t.rows:
            for cell, key, value in zip(row.cells, t.keys, keys):
                if cell is None:
                    continue
                if key.mode == "eq" and value not in cell:
                    break
                if key.mode == "member" and cell.isdisjoint(value):
                    break
            else:
                matches.append(row)
                if t.hit == "first":
                    break
        if not matches:
            if t.default is None:
                raise NoRuleApplies(ir.public_name(d.name), "no row of the table matches")
            return self.eval_expr(t.default, case, memo), [(f"{d.name}[otherwise]", d.citation, d.document)]
        if t.hit == "unique" and len(matches) > 1:
            raise rt.Undecidable(f"rows {matches[0].id} and {matches[1].id} of `{d.name}` both apply")
        if t.hit == "best":
            return self._best(d, matches, keys, case, memo)
        row = matches[0]
        return self.eval_expr(row.value, case, memo), [(row.id, row.citation, row.document)]

    def _best(self, d: ir.Definition, matches, keys, case, memo):
        """The best entry among the rows that apply and, where some member of a set key has no row of
        its own, the default (interface.md: each identity's entry is its row, else the default). An
        unknown entry that could be the best makes the answer unknown."""
        t = d.table
        entries = [(r.value, r) for r in matches]
        if t.default is not None and _unpriced(t, matches, keys):
            entries.append((t.default, None))
        scored = []
        for e, r in entries:
            try:
                scored.append((self.eval_expr(e, case, memo), r))
            except rt.Undecidable:
                # an unknown entry that could be the best: the answer is unknown; the row was exercised
                if self.trace is not None:
                    fired = (r.id, r.citation, r.document) if r else (f"{d.name}[otherwise]", d.citation, d.document)
                    self.trace.setdefault(d.name, {"fired": [fired], "uses": {}})
                raise
        best = max(v for v, _ in scored)
        winner = next(r for v, r in scored if v == best)
        if winner is None:
            return best, [(f"{d.name}[otherwise]", d.citation, d.document)]
        return best, [(winner.id, winner.citation, winner.document)]

    # ---- expressions: one handler a node (walk.py) ----
    def eval_expr(self, e: ir.Expr, case: dict, memo: dict | None = None):
        return self._x[e.__class__](self, e, case, {} if memo is None else memo)

    def x_Const(self, e: ir.Const, case: dict, memo: dict):
        return e.value

    def x_Fact(self, e: ir.Fact, case: dict, memo: dict):
        if e.name not in case:
            raise MissingFact(e.name)
        value = case[e.name]
        self._note(e.name, value)
        return value

    def x_Ref(self, e: ir.Ref, case: dict, memo: dict):
        return self._ref(e.name, case, memo)

    def x_Unknown(self, e: ir.Unknown, case: dict, memo: dict):
        return _unknown(e)

    def x_Given(self, e: ir.Given, case: dict, memo: dict):
        return e.fact in case

    def x_ParamAt(self, e: ir.ParamAt, case: dict, memo: dict):
        year = self.eval_expr(e.year, case, memo)
        values = self.program.params[e.name].values
        if year not in values:
            raise UnknownValue(f"{e.name} for {year}, which no notice here gives")
        value = values[year]
        if isinstance(value, ir.Unknown):
            return _unknown(value)
        return value

    def x_IfE(self, e: ir.IfE, case: dict, memo: dict):
        return self.eval_expr(e.then if self.eval_expr(e.cond, case, memo) else e.orelse, case, memo)

    def x_Outside(self, e: ir.Outside, case: dict, memo: dict):
        rt._outside([p if isinstance(p, str) else (output_kind(p.type), lambda p=p: self.eval_expr(p, case, memo))
                     for p in e.parts])

    def x_Domains(self, e: ir.Domains, case: dict, memo: dict):  # the runtime's one definition of how domains combine
        def thunk(x):
            return lambda: self.eval_expr(x, case, memo)
        return rt._in_domain(tuple((thunk(c), thunk(o)) for c, o in e.checks), thunk(e.value))

    def x_With(self, e: ir.With, case: dict, memo: dict):  # the same case with one fact changed, evaluated afresh
        changed = dict(case)
        changed[e.fact] = self.eval_expr(e.value, case, memo)
        return self.eval_expr(e.expr, changed, {})

    # ---- one handler an operator ----
    def op_and(self, e: ir.Op, case: dict, memo: dict):
        return self.eval_expr(e.args[0], case, memo) and self.eval_expr(e.args[1], case, memo)

    def op_or(self, e: ir.Op, case: dict, memo: dict):
        return self.eval_expr(e.args[0], case, memo) or self.eval_expr(e.args[1], case, memo)

    def _apply(self, e: ir.Op, case: dict, memo: dict):
        """Every other operator: its arguments, then its function (_OPS, which the analyses share)."""
        return _OPS[e.op](*[self.eval_expr(x, case, memo) for x in e.args])

    op_not = op_neg = op_eq = op_ne = op_lt = op_le = op_gt = op_ge = op_add = op_sub = op_mul = op_pct = _apply
    op_in_range = op_member = op_overlaps = op_int_as_days = op_int_as_months = op_max = op_min = _apply
    op_date_plus_days = op_date_plus_months = op_date_diff = _apply
    op_day_after = op_first_of_next_month = op_year_start = op_year_end = _apply
    op_div = op_round = op_age_on = op_months_between = op_month_of = op_year_of = _apply


def _unknown(e: ir.Unknown):
    """A bounded unknown is a value that keeps its bounds; any other unknown stops evaluation."""
    if e.bounded:
        return Bounded(e.low, e.high, e.reason)
    raise UnknownValue(e.reason)


def _unpriced(t: ir.TableIR, matches, keys) -> bool:
    """Some member of a set key that no applying row prices."""
    for i, (key, value) in enumerate(zip(t.keys, keys)):
        if key.mode != "member" or any(r.cells[i] is None for r in matches):
            continue
        priced = set().union(*(r.cells[i] for r in matches))
        if not value <= priced:
            return True
    return False


_OPS = {
    "not": lambda a: not a,
    "neg": lambda a: -a,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "pct": rt._pct_rate,
    "in_range": lambda v, lo, hi: lo <= v <= hi,
    "member": lambda v, s: v in s,
    "overlaps": lambda a, b: not a.isdisjoint(b),
    "date_plus_days": rt.plus_days,
    "date_plus_months": rt.plus_months,
    "date_diff": lambda a, b: (a - b).days,
    "int_as_days": lambda n: n,
    "int_as_months": lambda n: n,
    "max": _max,
    "min": _min,
    "day_after": rt.day_after,
    "first_of_next_month": rt.first_of_next_month,
    "year_start": rt.year_start,
    "year_end": rt.year_end,
    "div": rt.div_exact,
    "round": rt.round_to,
    "age_on": rt.age_on,
    "months_between": rt.months_between,
    "month_of": rt.month_of,
    "year_of": rt.year_of,
}

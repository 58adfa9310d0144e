"""The IR as SMT terms (z3), exactly as the reference interpreter (ir/interpret.py) evaluates it.

Every expression becomes an `R`: `out` (it raises OutsideDomain), `err` (it raises any other
Undecidable: an unknown, no rule applies, a missing fact, a date out of range) and `val`, its value
where it raises neither. Arguments are evaluated in the interpreter's order, so the first to raise
decides which; `and`, `or`, `if`, rules in priority order, table rows and domains short-circuit as
it does. Values: money, whole numbers, days and months are integers (fen), a date its ordinal, an
enum member an integer code, a set one Bool per member, a rate a constant Fraction (a rate that
depends on the case is NotEncodable), a missing value None.
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import z3

from ..ir import nodes as ir
from ..ir.walk import Visitor
from . import smtdates as cal

T, F = z3.BoolVal(True), z3.BoolVal(False)


class NotEncodable(Exception):
    """A construct the prover cannot encode exactly (the invariant is then sampled): names it."""


class R:
    __slots__ = ("out", "err", "val")

    def __init__(self, val, out=F, err=F):
        self.val, self.out, self.err = val, out, err

    @property
    def b(self):
        """The value as a condition (False where there is none: it is read only where it answers)."""
        return F if self.val is None else self.val

    @property
    def ok(self):
        return z3.And(z3.Not(self.out), z3.Not(self.err))


def ite(c, a, b):
    """`a` where c holds, else `b` (None: no value; sets member by member; rates only if equal)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict) or isinstance(b, dict):
        return {k: z3.If(c, a.get(k, F), b.get(k, F)) for k in {**a, **b}}
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        if a == b:
            return a
        raise NotEncodable("a rate that depends on the case")
    return z3.If(c, a, b)


def seq(rs, val=None, extra=F) -> R:
    """Outcomes evaluated in order, each needed: the first to raise decides; `extra` raises (an
    undecidable of the operator itself) where all of them answer."""
    out, err, before = [], [], []
    for r in rs:
        out.append(z3.And(*before, r.out))
        err.append(z3.And(*before, r.err))
        before.append(r.ok)
    err.append(z3.And(*before, extra))
    return R(val, z3.Or(*out), z3.Or(*err))


def guarded(pairs) -> tuple:
    """(out, err) of outcomes each evaluated only where its condition holds, in order."""
    out, err, before = [], [], []
    for c, r in pairs:
        out.append(z3.And(*before, c, r.out))
        err.append(z3.And(*before, c, r.err))
        before.append(z3.Implies(c, r.ok))
    return z3.Or(*out), z3.Or(*err)


class Codes:
    """Enum codes as integers, one numbering for every enum (codes are str or int)."""

    def __init__(self):
        self.ids: dict = {}
        self.back: list = []

    def id(self, code) -> int:
        key = (type(code).__name__, code)
        if key not in self.ids:
            self.ids[key] = len(self.back)
            self.back.append(code)
        return self.ids[key]


class Encoder(Visitor):
    NOT_HANDLED: dict[str, str] = {}

    def __init__(self, program: ir.Program, env: dict, shared):
        self.program, self.env, self.s = program, env, shared
        self.defs: dict[str, R] = {}

    # ---- facts and definitions ----
    def x_Const(self, e: ir.Const):
        return R(self.const(e.value, e.type))

    def const(self, v, t):
        if isinstance(t, tuple) and t[0] == "enum":
            return z3.IntVal(self.s.codes.id(v))
        if isinstance(t, tuple) or isinstance(v, (frozenset, set)):
            return {c: T for c in v}
        if isinstance(v, bool):
            return z3.BoolVal(v)
        if isinstance(v, dt.date):
            return z3.IntVal(v.toordinal())
        if isinstance(v, Fraction):
            return v
        if isinstance(v, int):
            return z3.IntVal(v)
        raise NotEncodable(f"the constant {v!r} ({ir.show_type(t)})")

    def x_Fact(self, e: ir.Fact):
        if e.name not in self.env:
            raise NotEncodable(f"the fact `{e.name}`, which the program does not declare")
        given, val = self.env[e.name]
        return R(val, F, z3.Not(given))

    def x_Given(self, e: ir.Given):
        return R(self.env[e.fact][0])

    def x_Ref(self, e: ir.Ref):
        return self.ref(e.name)

    def ref(self, name: str) -> R:
        if name not in self.defs:
            self.defs[name] = R(None, F, T)  # (a definition that refers to itself: undecidable)
            d = self.program.definitions.get(name)
            if d is None:
                r = R(None, F, T)
            elif d.expr is not None:
                r = self.visit(d.expr)
            elif d.rules is not None:
                r = self._rules(d)
            else:
                r = self._table(d)
            self.defs[name] = r
        return self.defs[name]

    def _rules(self, d: ir.Definition) -> R:
        r = R(None, F, T)  # no rule applies
        for rule in reversed(d.rules):
            v = self.visit(rule.value)
            if rule.guard is None:
                r = v
                continue
            g = self.visit(rule.guard)
            r = R(ite(g.b, v.val, r.val),
                  z3.Or(g.out, z3.And(g.ok, z3.If(g.b, v.out, r.out))),
                  z3.Or(g.err, z3.And(g.ok, z3.If(g.b, v.err, r.err))))
        return r

    def _match(self, t: ir.TableIR, row, keys):
        conds = []
        for cell, key, k in zip(row.cells, t.keys, keys):
            if cell is None:
                continue
            if key.mode == "eq":
                conds.append(z3.Or(*[k.val == self.s.codes.id(c) for c in cell]))
            else:
                conds.append(z3.Or(*[k.val.get(c, F) for c in cell]))
        return z3.And(*conds)

    def _table(self, d: ir.Definition) -> R:
        t = d.table
        keys = [self.visit(k.expr) for k in t.keys]
        head = seq(keys)
        matches = [self._match(t, row, keys) for row in t.rows]
        values = [self.visit(row.value) for row in t.rows]
        default = self.visit(t.default) if t.default is not None else R(None, F, T)
        some = z3.Or(*matches)
        if t.hit == "best":
            body = self._best(t, keys, matches, values, default)
        else:
            body = default
            for m, v in zip(reversed(matches), reversed(values)):
                body = R(ite(m, v.val, body.val), z3.If(m, v.out, body.out), z3.If(m, v.err, body.err))
            if t.hit == "unique":
                two = z3.Or(*[z3.And(a, b) for i, a in enumerate(matches) for b in matches[i + 1:]])
                body = R(body.val, z3.And(z3.Not(two), body.out), z3.Or(two, z3.And(z3.Not(two), body.err)))
        out = z3.Or(head.out, z3.And(head.ok, z3.If(some, body.out, default.out)))
        err = z3.Or(head.err, z3.And(head.ok, z3.If(some, body.err, default.err)))
        return R(ite(some, body.val, default.val), out, err)

    def _best(self, t, keys, matches, values, default) -> R:
        """The largest entry among the rows that apply and (where a member of a set key has no
        applying row of its own) the default; an entry that raises raises."""
        unpriced = []
        for i, (key, k) in enumerate(zip(t.keys, keys)):
            if key.mode != "member":
                continue
            skip = z3.Or(*[m for m, r in zip(matches, t.rows) if r.cells[i] is None])
            missing = z3.Or(*[z3.And(b, z3.Not(z3.Or(*[m for m, r in zip(matches, t.rows)
                                                          if r.cells[i] is not None and c in r.cells[i]])))
                              for c, b in k.val.items()])
            unpriced.append(z3.And(z3.Not(skip), missing))
        entries = list(zip(matches, values))
        if t.default is not None:
            entries.append((z3.Or(*unpriced), default))
        out, err = guarded(entries)
        best, has = None, F
        for c, v in entries:
            if v.val is None:
                continue
            if isinstance(v.val, (Fraction, dict)) or not z3.is_int(v.val):
                raise NotEncodable("a `hit best` table whose entries are not amounts")
            best = v.val if best is None else z3.If(c, z3.If(has, z3.If(v.val > best, v.val, best), v.val), best)
            has = z3.Or(has, c)
        return R(best, out, err)

    def x_ParamAt(self, e: ir.ParamAt):
        year = self.visit(e.year)
        values = self.program.params[e.name].values
        y = z3.simplify(year.val)
        if z3.is_int_value(y):
            known = {y.as_long(): values[y.as_long()]} if y.as_long() in values else {}
        else:
            known = values
        val, missing = None, T
        for k, v in known.items():
            if isinstance(v, ir.Unknown):
                if v.bounded:
                    raise NotEncodable(f"the bounded unknown {e.name}[{k}]")
                continue
            val = ite(year.val == k, self.const(v, e.type), val)
            missing = z3.And(missing, year.val != k)
        return seq([year], val, missing)

    def x_Unknown(self, e: ir.Unknown):
        if e.bounded:
            raise NotEncodable(f"a bounded unknown ({e.reason})")
        return R(None, F, T)

    def x_Outside(self, e: ir.Outside):
        return R(None, T, F)

    def x_IfE(self, e: ir.IfE):
        c, a, b = self.visit(e.cond), self.visit(e.then), self.visit(e.orelse)
        return R(ite(c.b, a.val, b.val), z3.Or(c.out, z3.And(c.ok, z3.If(c.b, a.out, b.out))),
                 z3.Or(c.err, z3.And(c.ok, z3.If(c.b, a.err, b.err))))

    def x_Domains(self, e: ir.Domains):
        """The first check that holds (or raises OutsideDomain) puts the case outside; else one that
        could not be decided makes it undecidable; else the value (runtime.core._in_domain)."""
        outs, errs = [], []
        for cond, _ in e.checks:
            c = self.visit(cond)
            outs.append(z3.Or(c.out, z3.And(c.ok, c.b)))
            errs.append(c.err)
        v = self.visit(e.value)
        out = z3.Or(*outs)
        err = z3.And(z3.Not(out), z3.Or(*errs))
        return R(v.val, z3.Or(out, z3.And(z3.Not(out), z3.Not(err), v.out)),
                 z3.Or(err, z3.And(z3.Not(out), z3.Not(err), v.err)))

    def x_With(self, e: ir.With):
        v = self.visit(e.value)
        env = dict(self.env)
        env[e.fact] = (T, v.val)
        r = Encoder(self.program, env, self.s).visit(e.expr)
        return seq([v, r], r.val)

    # ---- operators ----
    def op_and(self, e: ir.Op):
        a, b = self.visit(e.args[0]), self.visit(e.args[1])
        return R(z3.And(a.b, b.b), z3.Or(a.out, z3.And(a.ok, a.b, b.out)),
                 z3.Or(a.err, z3.And(a.ok, a.b, b.err)))

    def op_or(self, e: ir.Op):
        a, b = self.visit(e.args[0]), self.visit(e.args[1])
        return R(z3.Or(a.b, b.b), z3.Or(a.out, z3.And(a.ok, z3.Not(a.b), b.out)),
                 z3.Or(a.err, z3.And(a.ok, z3.Not(a.b), b.err)))

    def _strict(self, e: ir.Op, fn):
        rs = [self.visit(x) for x in e.args]
        vals = [r.val for r in rs]
        if any(v is None for v in vals):  # an argument that always raises: no value to compute
            return seq(rs, None)
        got = fn(*vals)
        val, extra = got if isinstance(got, tuple) else (got, F)
        return seq(rs, val, extra)

    def op_not(self, e):
        return self._strict(e, z3.Not)

    def op_neg(self, e):
        return self._strict(e, lambda a: -a)

    def _compare(self, e, fn):
        def cmp(a, b):
            if isinstance(a, Fraction) and isinstance(b, Fraction):
                return z3.BoolVal(fn(a, b))
            if isinstance(a, Fraction) or isinstance(b, Fraction):
                raise NotEncodable("a comparison of a rate that depends on the case")
            if isinstance(a, dict) or isinstance(b, dict):
                if e.op not in ("eq", "ne"):
                    raise NotEncodable(f"`{e.op}` of sets")
                same = z3.And(*[a.get(k, F) == b.get(k, F) for k in {**a, **b}])
                return same if e.op == "eq" else z3.Not(same)
            return fn(a, b)
        return self._strict(e, cmp)

    def op_eq(self, e):
        return self._compare(e, lambda a, b: a == b)

    def op_ne(self, e):
        return self._compare(e, lambda a, b: a != b)

    def op_lt(self, e):
        return self._compare(e, lambda a, b: a < b)

    def op_le(self, e):
        return self._compare(e, lambda a, b: a <= b)

    def op_gt(self, e):
        return self._compare(e, lambda a, b: a > b)

    def op_ge(self, e):
        return self._compare(e, lambda a, b: a >= b)

    def _arith(self, e, fn):
        def go(a, b):
            if isinstance(a, Fraction) != isinstance(b, Fraction) and e.op != "mul":
                raise NotEncodable(f"`{e.op}` of a rate and an amount")
            if isinstance(a, Fraction) and isinstance(b, Fraction):
                return fn(a, b)
            if isinstance(a, Fraction) or isinstance(b, Fraction):
                raise NotEncodable("a rate times an amount outside `pct`")
            return fn(a, b)
        return self._strict(e, go)

    def op_add(self, e):
        return self._arith(e, lambda a, b: a + b)

    def op_sub(self, e):
        return self._arith(e, lambda a, b: a - b)

    def op_mul(self, e):
        return self._arith(e, lambda a, b: a * b)

    def op_pct(self, e):
        def pct(rate, fen):
            if not isinstance(rate, Fraction):
                raise NotEncodable("a rate that depends on the case")
            num, den = rate.numerator, rate.denominator
            v = fen * num
            return z3.If(v >= 0, (2 * v + den) / (2 * den), -((-2 * v + den) / (2 * den)))
        return self._strict(e, pct)

    def op_in_range(self, e):
        return self._strict(e, lambda v, lo, hi: z3.And(lo <= v, v <= hi))

    def op_member(self, e):
        return self._strict(e, lambda v, s: z3.Or(*[z3.And(v == self.s.codes.id(c), b) for c, b in s.items()]))

    def op_overlaps(self, e):
        return self._strict(e, lambda a, b: z3.Or(*[z3.And(a[c], b[c]) for c in a if c in b]))

    def _days(self, e, sign):
        return self._strict(e, lambda d, n: (d + sign * n, z3.Not(cal.in_range(d + sign * n))))

    def op_date_plus_days(self, e):
        return self._days(e, 1)

    def op_date_minus_days(self, e):
        return self._days(e, -1)

    def op_day_after(self, e):
        return self._strict(e, lambda d: (d + 1, z3.Not(cal.in_range(d + 1))))

    def op_date_plus_months(self, e):
        return self._strict(e, lambda d, n: cal.plus_months(d, n, self.s.side, self.s.fresh))

    def op_first_of_next_month(self, e):
        return self._strict(e, lambda d: cal.first_of_next_month(d, self.s.side, self.s.fresh))

    def op_year_start(self, e):
        return self._strict(e, cal.year_start)

    def op_year_end(self, e):
        return self._strict(e, cal.year_end)

    def op_date_diff(self, e):
        return self._strict(e, lambda a, b: a - b)

    def op_int_as_days(self, e):
        return self._strict(e, lambda n: n)

    op_int_as_months = op_int_as_days

    def _extreme(self, e, bigger: bool):
        def go(*vals):
            if all(isinstance(v, Fraction) for v in vals):
                return max(vals) if bigger else min(vals)
            if any(isinstance(v, (Fraction, dict)) for v in vals):
                raise NotEncodable(f"`{e.op}` of rates or sets")
            best = vals[0]
            for v in vals[1:]:  # max(): the first of equal values; equal is equal here
                best = z3.If(v > best, v, best) if bigger else z3.If(v < best, v, best)
            return best
        return self._strict(e, go)

    def op_max(self, e):
        return self._extreme(e, True)

    def op_min(self, e):
        return self._extreme(e, False)

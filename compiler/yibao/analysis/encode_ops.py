"""The operators of encode.py's Encoder (a mixin: one handler an operator, walk.py), and the outcome
`R` every handler returns. Each operator is strict, as interpret._OPS is: its arguments in order, the
first to raise deciding which, then the operator's own undecidable (a date out of range)."""
from __future__ import annotations

from fractions import Fraction

import z3

from ..ir import nodes as ir
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



class Operators:
    """op_<name> for every operator of walk.OPERATORS (Encoder supplies visit and the codes)."""

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

    def _not_encoded(self, e):
        raise NotEncodable(f"`{e.op}` (exact division, rounding, ages and whole months are not encoded yet)")

    op_div = op_round = op_age_on = op_months_between = op_month_of = op_year_of = _not_encoded

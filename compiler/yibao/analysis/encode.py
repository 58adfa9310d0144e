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
from .encode_ops import F, NotEncodable, Operators, R, T, ite, seq

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


class Encoder(Operators, Visitor):
    """One case's encoding: `env` maps each fact to (given, value); a definition is encoded once
    per case (`defs`), as the interpreter's memo evaluates it once; `with` encodes a second case."""

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
        if isinstance(v, str):
            return z3.StringVal(v)
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
        if any(k.val is None for k in keys):  # a key that never answers: the lookup never does
            return head
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

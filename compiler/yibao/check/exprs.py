"""Expressions typed into IR: the part of the checker that reads one expression at a time.

A mixin of check._Env (which holds the namespace, the facts and the definitions); one method per
AST node (`x_Name`, `x_Binary`, …), found by the node's class name.
"""
from __future__ import annotations

from dataclasses import replace

from ..language import ast as A
from . import bounds as _bounds
from . import inherit as _inherit
from ..ir import nodes as ir
from ..base.diagnostics import did_you_mean
from ..ir.nodes import ANY, BOOL, DATE, DAYS, EXACT, INT, MONEY, MONTHS, ORDERED, RATE, TEXT, enum_t, set_t, show_type
from .limits import MAX_EVAL_DEPTH
from .types import UNIT_TYPES, number_value, op_hint, unify

BUILTINS = {"coverage_year": INT, "issue_date": DATE, "print_date": DATE}
FUNCTIONS = {"max", "min", "days", "months", "age", "months_between", "month", "year"}
# date functions: name → (the operator, how many dates it reads)
DATE_FUNCTIONS = {"age": ("age_on", 2), "months_between": ("months_between", 2), "month": ("month_of", 1),
                  "year": ("year_of", 1)}
ROUNDING_UNITS = {"元": 100, "角": 10, "分": 1}  # in fen


class ExprTyper:
    """Types expressions for a notice's environment (check._Env)."""

    # ---- expressions ----
    def expr(self, x: A.Expr, want) -> ir.Expr:
        method = getattr(self, "x_" + type(x).__name__)
        if self.depth >= MAX_EVAL_DEPTH:  # through definitions too: bounded before Python's recursion limit
            self.c.error("E110", f"nested more than {MAX_EVAL_DEPTH} deep through the definitions it uses",
                         x.span, "too deep", hint="compute it in fewer steps")
            return ir.Unknown("too deep", want or ANY)
        self.depth += 1
        try:
            return method(x, want)
        finally:
            self.depth -= 1

    def x_NumberLit(self, x: A.NumberLit, want):
        t = UNIT_TYPES[x.unit] if x.unit else INT
        if t == INT and "." in x.text:
            self.c.error("E305", f"{x.text} needs a unit", x.span, "a number with decimals",
                         hint=f"write `{x.text} 元` for money or `{x.text}%` for a rate")
            return ir.Unknown("a malformed number", want or ANY)
        if t == INT and want == MONEY:
            self.c.error("E305", f"{x.text} is money here: write `{x.text} 元`", x.span, "no unit")
            return ir.Const(int(x.text) * 100, MONEY, x.span)
        value = number_value(x.text, t)
        if value is None:
            self.c.error("E306", f"{x.text} 元 is not a whole number of fen", x.span, "at most two decimals")
            return ir.Unknown("a malformed amount", MONEY)
        return ir.Const(value, t, x.span)

    def x_DateLit(self, x, want):
        return ir.Const(x.value, DATE, x.span)

    def x_StringLit(self, x, want):
        return ir.Const(x.value, TEXT, x.span)

    def x_BoolLit(self, x, want):
        return ir.Const(x.value, BOOL, x.span)

    def x_UnknownLit(self, x, want):
        if x.low is not None or x.high is not None:
            return _bounds.unknown(self, x, want)
        return ir.Unknown(x.reason or "a fact the notice does not give", want or ANY, x.span)

    def x_Name(self, x: A.Name, want):
        n = x.name
        if n in self.facts:
            return ir.Fact(n, self.facts[n].type, x.span)
        if n in self.ns.decls:
            node = self.ns.decls[n].node
            if isinstance(node, A.ParamDecl):
                self.c.error("E307", f"parameter `{n}` has a value per year: write `{n}[year]`", x.span,
                             "which year?", hint=f"e.g. {n}[coverage_year]")
                return ir.Unknown("a parameter without a year", ANY)
            if isinstance(node, A.DataDecl):
                self.c.error("E307", f"`{n}` is a data table, not a value", x.span)
                return ir.Unknown("data", ANY)
            d = self.definition(n)
            return ir.Ref(n, d.type if d else ANY, x.span)
        if n in BUILTINS:
            stated = _inherit.builtin(self, n)  # in an inherited rule: the notice that states it
            if stated is not None:
                return stated if isinstance(stated, ir.Unknown) else ir.Const(stated, BUILTINS[n], x.span)
            if n == "coverage_year":
                return ir.Const(self.program.coverage, INT, x.span)
            value = self.program.issued if n == "issue_date" else self.program.printed
            if value is None:
                self.c.error("E208", f"the notice header gives no {'issued' if n == 'issue_date' else 'printed'} date",
                             x.span)
                return ir.Unknown("a date", DATE)
            return value if isinstance(value, ir.Unknown) else ir.Const(value, DATE, x.span)
        owners = self.members.get(n, [])
        if want and isinstance(want, tuple) and want[0] == "enum":
            for ename, code in owners:
                if ename == want[1]:
                    return ir.Const(code, want, x.span)
        if len(owners) == 1:
            ename, code = owners[0]
            return ir.Const(code, enum_t(ename), x.span)
        if len(owners) > 1:
            self.c.error("E209", f"`{n}` is a member of several enumerations: " + ", ".join(e for e, _ in owners),
                         x.span, "ambiguous", hint=f"write {owners[0][0]}.{n}")
            return ir.Unknown("an ambiguous name", ANY)
        candidates = list(self.facts) + list(self.ns.decls) + list(self.members) + list(BUILTINS)
        self.c.error("E210", f"unknown name `{n}`", x.span, "not defined", hint=did_you_mean(n, candidates))
        return ir.Unknown("an unknown name", want or ANY)

    def x_Qualified(self, x: A.Qualified, want):
        if x.enum not in self.enums:
            self.c.error("E203", f"no enumeration named `{x.enum}`", x.span, hint=did_you_mean(x.enum, self.enums))
            return ir.Unknown("an unknown enumeration", ANY)
        code = self.member_of(x.enum, x.member, x.span)
        return ir.Const(code, enum_t(x.enum), x.span) if code is not None else ir.Unknown("?", enum_t(x.enum))

    def x_SetLit(self, x: A.SetLit, want):
        if not x.members:
            return ir.Const(frozenset(), want if isinstance(want, tuple) and want[0] == "set" else set_t(None), x.span)
        elem = want[1] if isinstance(want, tuple) and want[0] == "set" else None
        codes, enum = set(), elem
        for m in x.members:
            e = self.x_Name(A.Name(m, x.span), enum_t(enum) if enum else None)
            if not (isinstance(e, ir.Const) and isinstance(e.type, tuple) and e.type[0] == "enum"):
                if not isinstance(e, ir.Unknown):
                    self.c.error("E308", f"`{m}` is not an enumeration member", x.span, "sets hold members")
                continue
            if enum and e.type[1] != enum:
                self.c.error("E308", f"`{m}` is a {e.type[1]}, the set holds {enum}", x.span)
                continue
            enum = e.type[1]
            codes.add(e.value)
        return ir.Const(frozenset(codes), set_t(enum), x.span)

    def x_Call(self, x: A.Call, want):
        if x.func not in FUNCTIONS:
            self.c.error("E211", f"unknown function `{x.func}`", x.span, "not a function",
                         hint=did_you_mean(x.func, FUNCTIONS) or "the functions are " + ", ".join(sorted(FUNCTIONS)))
            return ir.Unknown("an unknown function", want or ANY)
        if x.func in DATE_FUNCTIONS:
            return self.date_function(x)
        if x.func in ("days", "months"):
            if len(x.args) != 1:
                self.c.error("E309", f"{x.func}(n) takes one whole number", x.span)
                return ir.Unknown("?", DAYS if x.func == "days" else MONTHS)
            n = self.expect(self.expr(x.args[0], INT), INT, x.args[0].span)
            return ir.Op("int_as_" + x.func, (n,), DAYS if x.func == "days" else MONTHS, x.span)
        if len(x.args) < 2:
            self.c.error("E309", f"{x.func}(…) takes two or more values", x.span)
            return ir.Unknown("?", want or ANY)
        # the other arguments decide what a bare number means (`max(continuous_years - 4, 0)` is a
        # count even in money: `2000 元 * max(…)`); the context only where no argument says
        typed = {i: self.expr(a, None) for i, a in enumerate(x.args) if not (isinstance(a, A.NumberLit) and not a.unit)}
        theirs = unify([e.type for e in typed.values()])
        hint = theirs if theirs not in (None, ANY) else want
        args = [typed[i] if i in typed else self.expr(a, hint) for i, a in enumerate(x.args)]
        t = unify([a.type for a in args])
        if t is None or t not in ORDERED:
            self.c.error("E310", f"{x.func}(…) needs values of one ordered kind, got "
                         + ", ".join(show_type(a.type) for a in args), x.span)
            return ir.Unknown("?", want or ANY)
        return ir.Op(x.func, tuple(args), t, x.span)

    def date_function(self, x: A.Call):
        """age(birth, on) in completed years (周岁), months_between(a, b), month(d), year(d): whole numbers."""
        op, arity = DATE_FUNCTIONS[x.func]
        if len(x.args) != arity:
            self.c.error("E309", f"{x.func}(…) takes {'two dates' if arity == 2 else 'one date'}", x.span)
            return ir.Unknown("?", INT)
        args = tuple(self.expect(self.expr(a, DATE), DATE, a.span) for a in x.args)
        if arity == 2 and all(isinstance(a, ir.Const) for a in args) and args[0].value > args[1].value:
            self.c.error("E317", f"{x.func}(…) from {args[0].value} to the earlier {args[1].value}", x.span,
                         "the first date is after the second", hint="a birth (or a start) comes first")
        return ir.Op(op, args, INT, x.span)

    def x_Round(self, x: A.Round, want):
        e = self.expr(x.operand, None)
        if e.type not in (MONEY, EXACT, ANY):
            self.c.error("E301", f"`round` rounds an amount of money, got {show_type(e.type)}", x.operand.span)
            return ir.Unknown("a malformed rounding", MONEY)
        return ir.Op("round", (e, ir.Const(ROUNDING_UNITS[x.unit], INT), ir.Const(x.mode, TEXT)), MONEY, x.span)

    def x_DateIdiom(self, x: A.DateIdiom, want):
        if x.idiom in ("year_start", "year_end"):
            y = self.expect(self.expr(x.operand, INT), INT, x.operand.span, " (a year)")
            return ir.Op(x.idiom, (y,), DATE, x.span)
        d = self.expect(self.expr(x.operand, DATE), DATE, x.operand.span)
        return ir.Op(x.idiom, (d,), DATE, x.span)

    def x_Unary(self, x: A.Unary, want):
        if x.op == "not":
            return ir.Op("not", (self.expect(self.expr(x.operand, BOOL), BOOL, x.operand.span),), BOOL, x.span)
        e = self.expr(x.operand, want)
        if e.type not in (MONEY, INT, DAYS, MONTHS):
            self.c.error("E301", f"cannot negate {show_type(e.type)}", x.span)
        return ir.Op("neg", (e,), e.type, x.span)

    def x_Binary(self, x: A.Binary, want):
        op = x.op
        if op in ("and", "or"):
            l = self.expect(self.expr(x.left, BOOL), BOOL, x.left.span)
            r = self.expect(self.expr(x.right, BOOL), BOOL, x.right.span)
            return ir.Op(op, (l, r), BOOL, x.span)
        if op == "of":
            l = self.expect(self.expr(x.left, RATE), RATE, x.left.span, " before `of`")
            r = self.expect(self.expr(x.right, MONEY), MONEY, x.right.span, " after `of`")
            return ir.Op("pct", (l, r), MONEY, x.span)
        l = self.expr(x.left, None)
        # a multiplier or a divisor is a count, whatever it multiplies: `380 元 * 12`, `380 元 / 12`
        r = self.expr(x.right, None if op in ("*", "/") else l.type if not isinstance(l, ir.Unknown) else want)
        if isinstance(l, ir.Unknown) and l.type == ANY:
            l = replace(l, type=r.type)
        lt, rt = l.type, r.type
        if op in ("=", "!="):
            t = unify([lt, rt])
            if t is None:
                self.c.error("E301", f"cannot compare {show_type(lt)} with {show_type(rt)}", x.span,
                             "different kinds")
            return ir.Op("eq" if op == "=" else "ne", (l, r), BOOL, x.span)
        if op in ("<", "<=", ">", ">="):
            t = unify([lt, rt])
            if t is None or t not in ORDERED:
                self.c.error("E301", f"cannot order {show_type(lt)} and {show_type(rt)}", x.span)
            return ir.Op({"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}[op], (l, r), BOOL, x.span)
        table = {
            ("+", MONEY, MONEY): ("add", MONEY), ("-", MONEY, MONEY): ("sub", MONEY),
            ("+", INT, INT): ("add", INT), ("-", INT, INT): ("sub", INT),
            ("+", DAYS, DAYS): ("add", DAYS), ("+", MONTHS, MONTHS): ("add", MONTHS),
            ("+", DATE, DAYS): ("date_plus_days", DATE),
            ("+", DATE, MONTHS): ("date_plus_months", DATE),
            ("-", DATE, DATE): ("date_diff", DAYS),
            ("*", MONEY, INT): ("mul", MONEY), ("*", INT, MONEY): ("mul", MONEY), ("*", INT, INT): ("mul", INT),
            ("*", MONTHS, INT): ("mul", MONTHS), ("*", INT, MONTHS): ("mul", MONTHS),
            ("/", MONEY, INT): ("div", EXACT), ("/", EXACT, INT): ("div", EXACT),
            ("*", EXACT, INT): ("mul", EXACT), ("*", INT, EXACT): ("mul", EXACT),
        }
        key = (op, ANY if lt == ANY else lt, ANY if rt == ANY else rt)
        if ANY in key[1:]:
            return ir.Op("add" if op == "+" else "sub" if op == "-" else "mul", (l, r), want or ANY, x.span)
        if key == ("-", DATE, DAYS):  # sugar, rewritten here once: D - n days is D + (-n days)
            return ir.Op("date_plus_days", (l, ir.Op("neg", (r,), DAYS, x.right.span)), DATE, x.span)
        if key not in table:
            self.c.error("E301", f"cannot use `{op}` on {show_type(lt)} and {show_type(rt)}", x.span,
                         "no such operation", hint=op_hint(op, lt, rt))
            return ir.Unknown("a malformed operation", want or ANY)
        name, t = table[key]
        if name == "date_plus_months" and isinstance(l, ir.Op) and l.op == "day_after":
            self.c.error("W320", "months counted from the day after a date: at a month's end this lands a day early "
                         "(paid 2026-03-30, 3 months: 2026-06-30 + 1 day = 2026-07-01 by the Civil Code, "
                         "but (day after 2026-03-30) + 3 months = 2026-06-30)", x.span, "N months from the day after",
                         hint="a wait of N months after a payment on D ends on D's 对应日 N months later (the month's "
                              "last day where it has none), so benefits start `day after (D + N months)` "
                              "(interface.md, Civil Code art. 201–202)")
        if name == "div" and isinstance(r, ir.Const) and r.value == 0:
            self.c.error("E316", "a division by zero", x.right.span, "zero", hint="divide by the number the notice gives")
            return ir.Unknown("a division by zero", t)
        return ir.Op(name, (l, r), t, x.span)

    def x_InRange(self, x: A.InRange, want):
        v = self.expr(x.value, None)
        lo = self.expect(self.expr(x.low, v.type), v.type, x.low.span)
        hi = self.expect(self.expr(x.high, v.type), v.type, x.high.span)
        if v.type not in ORDERED and v.type != ANY:
            self.c.error("E301", f"a range needs ordered values, got {show_type(v.type)}", x.span)
        return ir.Op("in_range", (v, lo, hi), BOOL, x.span)

    def x_MemberOf(self, x: A.MemberOf, want):
        coll = self.expr(x.collection, None)
        if not (isinstance(coll.type, tuple) and coll.type[0] == "set"):
            self.c.error("E301", f"`in` needs a set on its right, got {show_type(coll.type)}", x.collection.span,
                         hint="for a range of dates write `d in a .. b`")
            return ir.Unknown("?", BOOL)
        v = self.expect(self.expr(x.value, enum_t(coll.type[1]) if coll.type[1] else None),
                        enum_t(coll.type[1]) if coll.type[1] else None, x.value.span)
        return ir.Op("member", (v, coll), BOOL, x.span)

    def x_Overlaps(self, x: A.Overlaps, want):
        l = self.expr(x.left, None)
        r = self.expect(self.expr(x.right, l.type), l.type, x.right.span)
        if not (isinstance(l.type, tuple) and l.type[0] == "set"):
            self.c.error("E301", f"`overlaps` compares two sets, got {show_type(l.type)}", x.left.span)
        return ir.Op("overlaps", (l, r), BOOL, x.span)

    def x_IsGiven(self, x: A.IsGiven, want):
        if x.name not in self.facts:
            self.c.error("E212", f"`{x.name} is given` needs a fact; `{x.name}` is not one", x.span,
                         hint=did_you_mean(x.name, self.facts))
            return ir.Const(False, BOOL, x.span)
        return ir.Given(x.name, BOOL, x.span)

    def x_If(self, x: A.If, want):
        cond = self.expect(self.expr(x.cond, BOOL), BOOL, x.cond.span)
        a = self.expr(x.then, want)
        b = self.expr(x.orelse, a.type if a.type != ANY else want)
        t = unify([a.type, b.type])
        if t is None:
            self.c.error("E301", f"the branches give {show_type(a.type)} and {show_type(b.type)}", x.span,
                         "branches differ")
            t = a.type
        return ir.IfE(cond, a, b, t, x.span)

    def x_With(self, x: A.With, want):
        if not self.in_invariant:
            self.c.error("E311", "`with` changes a fact of the case: it is for invariants only", x.span,
                         "not in a rule", hint="a rule reads the case as it is")
            return ir.Unknown("?", want or ANY)
        if x.fact not in self.facts:
            self.c.error("E212", f"`with {x.fact} = …` needs a fact; `{x.fact}` is not one", x.span,
                         hint=did_you_mean(x.fact, self.facts))
            return ir.Unknown("?", want or ANY)
        t = self.facts[x.fact].type
        value = self.expect(self.expr(x.value, t), t, x.value.span)
        e = self.expr(x.expr, want)
        return ir.With(e, x.fact, value, e.type, x.span)

    def x_Index(self, x: A.Index, want):
        if not isinstance(x.base, A.Name) or not isinstance(getattr(self.ns.decls.get(x.base.name), "node", None), A.ParamDecl):
            self.c.error("E307", "only a parameter by year can be indexed: name[year]", x.span)
            return ir.Unknown("?", want or ANY)
        name = x.base.name
        if name not in self.program.params:  # a parameter read before its own check
            self.program.params[name] = self.param(self.ns.decls[name])
        year = self.expect(self.expr(x.index, INT), INT, x.index.span, " (a year)")
        return ir.ParamAt(name, year, self.program.params[name].type, x.span)

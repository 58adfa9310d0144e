"""Checked IR → vectorized NumPy source: every decision over whole columns of cases at once.

The columnar twin of backends/python.py, generated from the same IR. Representations (one array per fact):

    money, int, count, days, months   int64 (money in fen)
    date                              datetime64[D]; NaT where the case gives none (inside: day numbers)
    bool                              bool
    enum                              small int: the index of the member in ENUMS[enum] (-1: not given)
    set of an enum                    int64 bitmask, bit i <=> ENUMS[enum][i] (members in declared order)

A column that is absent altogether means "no case gives this fact" (its default where it has one).
For bool, int and money facts a companion column "<fact>?" (bool) may say row by row whether the case
gives it. Every decision function takes a dict of columns and returns (values, decided): `decided` is
False where the scalar calculator would raise Undecidable (a missing fact, an unknown value, no rule
applying, two rows of a unique table); the values of such rows are meaningless.

Rules become a first-match-wins cascade (the priority order of the checked IR; runtime _cascade: a
byte per row says which rule ends it), tables a gather from arrays folded at generation (or a
best/first/unique hit over row masks). Undecidability is tracked with the scalar code's exact
laziness: `a and b` needs `b` only where `a` holds, an if-expression only its taken branch, a rule's
guard only where no earlier rule fired.

Speed (bench/columnar.py prints where the time goes, statement by statement): the rows are taken in
chunks of 64k (temporaries stay in cache); dates are int64 day numbers inside; and the functions that
read only facts of few values (enums, bools, one date: GRID_FACTS) run once per combination of those
values on a small "grid" context and are gathered per row by a key (backends/numpy_grid.py), as are
the costly parts of the other functions that read only such facts; a cascade decides its grid-only
guards on the grid too, and reads its grid-only values and constants from one table.
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ... import __version__
from ...ir import nodes as ir
from ...ir.interpret import Interpreter
from ...runtime.core import Undecidable
from ..python.names import public_names
from .runtime import _INTERFACE, _RUNTIME, BENCH_GROUPS, BENCH_IDENTITIES, bench_columns  # noqa: F401 (re-exported)
from .grid import GridGen
from .gridrun import GRID_RUNTIME
from .tables import _FILL, TableGen, _and
from ...ir.kinds import output_kind
from ..python.names import ident
from ...ir.walk import Visitor
from ..common import NOT_STATIC, Unsupported, comment, static


def generate(program: ir.Program) -> str:
    return _Gen(program).module()


def load(program: ir.Program, code=None):
    """exec the generated source as a module; `code`: the source already compiled (warm_columnar.py's,
    from the disk cache), whose module then has no SOURCE."""
    from ..python.load import exec_module
    attrs = {}
    if code is None:
        attrs["SOURCE"] = generate(program)  # for tracebacks and the statement profile (profile.py)
        code = compile(attrs["SOURCE"], filename(program), "exec")
    return exec_module(f"yibao_columnar_{abs(hash(program.document))}", filename(program), code, **attrs)


def filename(program: ir.Program) -> str:
    return f"<yibao columnar {program.document}>"


# operators written as a pattern of their arguments' codes (dates are day numbers)
_FORMS = {"not": "(~{0})", "neg": "(-{0})", "in_range": "(({1} <= {0}) & ({0} <= {2}))",
          "overlaps": "(({0} & {1}) != 0)", "int_as_days": "{0}", "int_as_months": "{0}",
          "date_diff": "({0} - {1})", "date_plus_days": "({0} + {1})",
          "day_after": "({0} + 1)"}
_CMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
        "add": "+", "sub": "-", "mul": "*"}


class _Gen(TableGen, GridGen, Visitor):
    def __init__(self, program: ir.Program):
        self.p = program
        self.enum_index = {name: {code: i for i, code in enumerate(info.codes())}
                           for name, info in program.enums.items()}
        self.funcs = {name: ident("_d_", name, i) for i, name in enumerate(program.definitions)}
        self.folded: dict = {}
        folder = Interpreter(program)
        for name in program.definitions:
            try:
                self.folded[name] = folder.decide(name, {})
            except (Undecidable, ValueError, OverflowError, ArithmeticError):  # not foldable: left to run time
                pass
        self.facts = {name: ident("f_", name, i) for i, name in enumerate(program.facts)}
        self.unsupported: dict[str, str] = {}
        # what each generated function reads (facts, directly or through the definitions it calls), and
        # which functions read only low-cardinality facts: those are computed once per combination (GRID_FACTS)
        self.reach: dict[str, frozenset] = {}
        self.uses: tuple[set, set] = (set(), set())
        self.grid: dict[str, str] = {}  # fact → kind, for the tabulated functions
        self.tabulated: set[str] = set()  # the functions gathered from the grid
        self.hoisting = False  # generating a per-row function: gather the parts that read only grid facts
        self.hoisted: dict[str, str] = {}  # a hoisted expression's code → its helper
        self.current = ""  # the definition being generated
        self.days: dict[str, str] = {}  # date constants (day numbers) → their definitions
        self.tables: list[str] = []  # folded tables, hoisted above the functions
        self.domains: dict[str, str] = {}  # a domain's checks (code) → its shared helper
        self.helpers: list[str] = []

    # ---- module ----
    def module(self) -> str:
        p = self.p
        out = [
            f"# Generated by yibao {__version__} (columnar) from {comment(p.document)}. Do not edit.",
            "# Needs NumPy. Money: int64 fen; dates: datetime64[D] (inside, int64 day numbers); enums: member index;",
            "# sets: bitmask.",
            "from __future__ import annotations",
            "",
            "import numpy as np",
            _RUNTIME,
            f"DOCUMENT = {p.document!r}",
            f"COVERAGE_YEAR = {p.coverage!r}",
            "# ---- dates as day numbers since 1970-01-01 ----",  # (filled in at the end: the constants used)
            "# enum → its codes; a column holds the index, a set column the bitmask over this order",
            "ENUMS = {",
        ]
        out += [f"    {name!r}: {tuple(info.codes())!r}," for name, info in p.enums.items()]
        out += ["}", "# fact → (kind, enum or None, default as a column value or None)", "FACTS = {"]
        for name, f in p.facts.items():
            kind, enum = self.fact_kind(f.type, f.non_negative)
            default = None if f.default is ir.NO_DEFAULT else self.scalar(f.default, f.type)
            out.append(f"    {name!r}: ({kind!r}, {enum!r}, {default}),")
        out += ["}"]
        body = []
        for name, d in p.definitions.items():
            try:
                body += ["", ""] + self.function(d)
            except Unsupported as exc:
                self.unsupported[name] = str(exc)
                body += ["", f"# {comment(name)}: not vectorized ({comment(exc)})"]
        out += ["", "# ---- tables folded into arrays ----"] + self.tables + body + self.helpers
        out += ["", "", "# the facts of few values: the functions reading only these are computed once per combination",
                f"GRID_FACTS = {sorted(self.grid.items())!r}"]
        out += ["", "", "# decision → (function, output kind, enum of the output or None)", "DECISIONS = {"]
        for name in p.decisions:
            if name in self.unsupported:
                continue
            t = p.definitions[name].type
            enum = t[1] if isinstance(t, tuple) else None
            out.append(f"    {name!r}: ({self.funcs[name]}, {output_kind(t)!r}, {enum!r}),")
        out += ["}", f"UNSUPPORTED = {sorted(n for n in p.decisions if n in self.unsupported)!r}"]
        out += self.constraints() + ["", _INTERFACE, GRID_RUNTIME]
        public = public_names(p.decisions)
        for name in p.decisions:
            fn = public[name]
            if name in self.unsupported or fn in _COLUMNAR_NAMES:
                continue  # still reached through DECISIONS / evaluate(columns, [name])
            d = p.definitions[name]
            out += ["", f"def {fn}(columns):",
                    f"    {(comment(d.description or name) + ': columns → (values, decided).')!r}",
                    f"    return evaluate(columns, [{name!r}])[{name!r}]", ""]
        at = out.index("# ---- dates as day numbers since 1970-01-01 ----") + 1
        out[at:at] = [*sorted(self.days.values()), ""]
        return "\n".join(out) + "\n"

    def constraints(self) -> list[str]:
        """Facts that contradict each other, as masks: a row is bad where a constraint is decided and holds
        (the scalar decode() ignores an undecidable one, so must this)."""
        out, entries = [], []
        for i, k in enumerate(self.p.constraints):
            self.pre, self.bound = [], set()
            try:
                bad, ok = self.expr(k.when)
            except Unsupported as exc:  # the row path still rejects such rows: the batch path asks it
                out += ["", f"# constraint {comment(k.name)}: not vectorized ({comment(exc)})"]
                entries.append(f"    ({k.facts!r}, None),")
                continue
            out += ["", "", f"def _k_{i}(c):", f"    {comment(k.name)!r}", *self.pre,
                    f"    return _full(c, {bad}) & _full(c, {ok or '_T'})"]
            entries.append(f"    ({k.facts!r}, _k_{i}),")
        return out + ["", "", "# constraint → (the facts it names, mask of the rows breaking it, or None: not vectorized)",
                      "CONSTRAINTS = [", *entries, "]"]

    @staticmethod
    def fact_kind(t, non_negative=False):
        if isinstance(t, tuple):
            return t[0], t[1]
        return t, None

    # ---- literals ----
    def scalar(self, value, t) -> str:
        """A runtime value (interpreter representation) as a columnar constant."""
        if isinstance(value, bool):
            return "_T" if value else "_F"
        if isinstance(value, dt.date):
            return self.day(value)
        if isinstance(t, tuple) and t[0] == "enum":
            return repr(self.enum_index[t[1]][value])
        if isinstance(value, frozenset):
            enum = t[1] if isinstance(t, tuple) else None
            if enum is None:
                if not value:
                    return "0"
                raise Unsupported("a set whose enumeration is not known")
            return repr(sum(1 << self.enum_index[enum][c] for c in value))
        if isinstance(value, Fraction):
            raise Unsupported("a rate outside pct()")
        if isinstance(value, int):
            return repr(value)
        raise Unsupported(f"a constant of type {type(value).__name__}")

    # ---- definitions ----
    def function(self, d: ir.Definition) -> list[str]:
        f = self.funcs[d.name]
        key = "@" + d.name
        lines = [f"def {f}(c):",
                 f"    {(comment(d.description or d.name) + ' — ' + d.kind + ' ' + comment(d.name))!r}",
                 f"    r = c.get({key!r})", "    if r is not None:", "        return r"]
        if d.name in self.folded:
            lines.append(f"    r = ({self.scalar(self.folded[d.name], d.type)}, _T)  # folded")
        else:
            self.uses = (set(), set())
            self.pre: list[str] = []
            self.bound: set = set()
            # a function that reads other facts runs per row: its parts that read only grid facts are gathered
            self.hoisting, self.current = not self.pure(d.expr, d.rules, d.table), d.name
            if d.expr is not None:
                v, ok = self.expr(d.expr)
                code = [f"    r = ({v}, {ok or '_T'})"]
            elif d.rules is not None:
                code = self.rules(d)
            else:
                code = self.table(d)
            lines += self.tabulate(d.name, f) + self.pre + code
        self.hoisting = False
        lines += [f"    c[{key!r}] = r", "    return r"]
        return lines

    def rules(self, d: ir.Definition) -> list[str]:
        """The rules in priority order as (guard, guard decided, value, value decided) for _cascade."""
        fill = _FILL.get(output_kind(d.type), "0")
        lines = ["    rules = []"]
        for r in d.rules:
            lines.append(f"    # {r.id}" + (f" · §{comment(r.citation.clause)} “{comment(r.citation.quote)}”" if r.citation else ""))
            # a guard or value reading grid facts only, in a per-row cascade: _cascade reads it on the grid
            g, gok = (grid_guard, "None") if (grid_guard := r.guard and self.on_grid(r.guard)) else (
                ("_T", None) if r.guard is None else self.expr(r.guard))
            if grid_value := self.on_grid(r.value):
                lines.append(f"    rules.append(({g}, {gok or '_T'}, {grid_value}, None))")
            else:
                v, vok = self.expr(r.value)
                lines.append(f"    rules.append(({g}, {gok or '_T'}, {v}, {vok or '_T'}))")
            if r.guard is None:
                break
        return lines + [f"    r = _cascade(c, rules, {fill}, {d.name!r})"]

    def fold(self, e):
        if not static(e, self.folded):
            return NOT_STATIC
        try:
            return Interpreter(self.p).eval_expr(e, {}, dict(self.folded))
        except (Undecidable, ValueError, OverflowError, ArithmeticError, KeyError, TypeError):
            return NOT_STATIC

    # ---- expressions: (value code, ok code or None for "always decided") ----
    def day(self, date: dt.date) -> str:
        """A date constant: a module-level name for its day number."""
        name = f"_D_{date:%Y_%m_%d}"
        self.days[name] = f"{name} = {(date - dt.date(1970, 1, 1)).days}  # {date.isoformat()}"
        return name

    def bind_fact(self, name: str) -> tuple[str, str]:
        self.uses[0].add(name)
        var = self.facts[name]
        if var not in self.bound:
            self.bound.add(var)
            self.pre.append(f"    {var}, {var}_ok = c[{name!r}]")
        return var, f"{var}_ok"

    def bind_ref(self, name: str) -> tuple[str, str | None]:
        if name in self.folded:
            return self.scalar(self.folded[name], self.p.definitions[name].type), None
        if name in self.unsupported:
            raise Unsupported(f"uses `{name}`")
        self.uses[1].add(name)
        var = "r_" + self.funcs[name][3:]
        if var not in self.bound:
            self.bound.add(var)
            self.pre.append(f"    {var}, {var}_ok = {self.funcs[name]}(c)")
        return var, f"{var}_ok"

    def domain(self, checks) -> str | None:
        """The mask of a guarded decision's domain, as shared helpers: the decisions of one notice share
        their domain checks, and each helper computes its mask once per batch (memoized in the context).
        The checks reading only grid facts are a helper of their own (gathered from the grid)."""
        pure = [k for k in checks if self.pure(k[0])]
        if pure and len(pure) < len(checks):
            return _and(self.domain_helper(pure), self.domain_helper([k for k in checks if k not in pure]))
        return self.domain_helper(checks)

    def domain_helper(self, checks) -> str | None:
        saved, outer, hoisting = (self.pre, self.bound), self.uses, self.hoisting
        self.hoisting = False
        self.pre, self.bound, self.uses = [], set(), (set(), set())
        oks = []
        for cond, _ in checks:
            c, cok = self.expr(cond)
            oks.append(f"~{c}" if cok is None else f"({cok} & ~{c})")
        code, pre, uses = _and(*oks), self.pre, self.uses
        self.pre, self.bound = saved
        self.hoisting = hoisting
        self.uses = (outer[0] | uses[0], outer[1] | uses[1])
        if code is None:
            return None
        key = "\n".join(pre + [code])
        if key not in self.domains:
            name = f"_domain_{len(self.domains)}"
            self.domains[key] = name
            self.uses = uses
            gather = self.tabulate(name, name, "        ")
            self.uses = (outer[0] | uses[0], outer[1] | uses[1])
            self.helpers += ["", "", f"def {name}(c):", f"    r = c.get({'@' + name!r})", "    if r is None:", *gather,
                             *("    " + line for line in pre), f"        r = c[{'@' + name!r}] = {code}", "    return r"]
        return f"{self.domains[key]}(c)"

    def expr(self, e) -> tuple[str, str | None]:
        """(the column's code, the code of where it is decided, or None: everywhere)."""
        if self.hoisting and self.worth_hoisting(e):
            return self.hoist(e)
        return self.visit(e)

    # ---- one handler a node (ir/walk.py) ----
    NOT_HANDLED = {"With": "`with` belongs to invariants, which are not generated"}

    def x_Const(self, e: ir.Const):
        return self.scalar(e.value, e.type), None

    def x_Fact(self, e: ir.Fact):
        return self.bind_fact(e.name)

    def x_Ref(self, e: ir.Ref):
        return self.bind_ref(e.name)

    def x_Unknown(self, e):  # a placeholder of the right dtype, never ok
        if getattr(e, "low", None) is not None or getattr(e, "high", None) is not None:
            raise Unsupported("a bounded unknown (不低于…), whose bounds the row path keeps")
        return ("_NAT" if e.type == ir.DATE else "0"), "_F"

    def x_Outside(self, e):
        return ("_NAT" if e.type == ir.DATE else "0"), "_F"

    def x_Given(self, e: ir.Given):
        _, ok = self.bind_fact(e.fact)
        return ok, None

    def x_ParamAt(self, e: ir.ParamAt):
        if not isinstance(e.year, ir.Const):
            raise Unsupported("a parameter read at a year computed per case")
        value = self.p.params[e.name].values.get(e.year.value)
        if value is None or isinstance(value, ir.Unknown):
            return "0", "_F"
        return self.scalar(value, e.type), None

    def x_Domains(self, e: ir.Domains):  # in the domain where every check is decided and none holds
        v, vok = self.expr(e.value)
        return v, _and(vok, self.domain(e.checks))

    def x_IfE(self, e: ir.IfE):
        c, cok = self.expr(e.cond)
        a, aok = self.expr(e.then)
        b, bok = self.expr(e.orelse)
        branch_ok = None if aok is None and bok is None else f"_branch_ok({c}, {aok or '_T'}, {bok or '_T'})"
        return f"np.where({c}, {a}, {b})", _and(cok, branch_ok)

    # ---- one handler an operator ----
    def _logic(self, e: ir.Op):
        a, aok = self.expr(e.args[0])
        b, bok = self.expr(e.args[1])
        sym = "&" if e.op == "and" else "|"
        need_b = None if bok is None else (f"_ok_where({a}, {bok})" if e.op == "and" else f"_ok_unless({a}, {bok})")
        return f"({a} {sym} {b})", _and(aok, need_b)

    op_and = op_or = _logic

    def op_pct(self, e: ir.Op):
        rate = e.args[0]
        if not isinstance(rate, ir.Const):
            raise Unsupported("a rate computed per case")
        fen, ok = self.expr(e.args[1])
        return f"_pct({fen}, {rate.value.numerator}, {rate.value.denominator})", ok

    def _columns(self, e: ir.Op):
        """Each argument's code, and where all of them are decided."""
        vals = [self.expr(x) for x in e.args]
        return [v for v, _ in vals], _and(*(o for _, o in vals))

    def _infix(self, e: ir.Op):
        codes, ok = self._columns(e)
        if e.op == "mul" and any(getattr(x, "type", None) == ir.RATE for x in e.args):
            raise Unsupported("multiplying by a rate")
        return f"({codes[0]} {_CMP[e.op]} {codes[1]})", ok

    op_eq = op_ne = op_lt = op_le = op_gt = op_ge = op_add = op_sub = op_mul = _infix

    def _form(self, e: ir.Op):
        """An operator written as a pattern of its arguments' codes (_FORMS)."""
        codes, ok = self._columns(e)
        return _FORMS[e.op].format(*codes), ok

    op_not = op_neg = op_in_range = op_overlaps = op_int_as_days = op_int_as_months = _form
    op_date_diff = op_date_plus_days = op_day_after = _form

    def op_member(self, e: ir.Op):
        codes, ok = self._columns(e)
        t = getattr(e.args[1], "type", None)
        if not (isinstance(t, tuple) and t[0] == "set"):
            raise Unsupported("membership in something other than a set of an enumeration")
        return f"_in({codes[1]}, {codes[0]})", ok

    def _calendar(self, e: ir.Op):
        codes, ok = self._columns(e)
        if e.op in ("year_start", "year_end") and isinstance(e.args[0], ir.Const):
            y = e.args[0].value
            return self.day(dt.date(y, 1, 1) if e.op == "year_start" else dt.date(y, 12, 31)), ok
        return f"_{e.op}({', '.join(codes)})", ok

    op_year_start = op_year_end = op_first_of_next_month = op_date_plus_months = _calendar

    def _extreme(self, e: ir.Op):
        codes, ok = self._columns(e)
        return f"np.{e.op}imum({codes[0]}, {codes[1]})", ok

    op_max = op_min = _extreme

    def _row_path(self, e: ir.Op):
        raise Unsupported(f"`{e.op}` (exact division, rounding, ages and months), which the row path computes")

    op_div = op_round = op_age_on = op_months_between = op_month_of = op_year_of = _row_path


# what a columnar module defines itself: a public decision function never takes these names
_COLUMNAR_NAMES = {"np", "context", "decode", "encode", "evaluate", "rebits", "recode", "CHUNK", "bench_columns",
                   "BENCH_GROUPS", "BENCH_IDENTITIES", "DECISIONS", "UNSUPPORTED", "FACTS", "CONSTRAINTS"}

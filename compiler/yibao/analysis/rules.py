"""Analyses of decisions defined by rules, each finding with a counterexample case.

The cases are generated from the policy's own conditions (`CaseGenerator`): every constant a guard
compares a fact against gives candidates (a date, the day before and the day after; an int ± 1;
money ± 1 fen), enums give their members, bools both values, a set of identities the empty set and
each member alone. Each rule's guard is evaluated on those cases, a whole space at a time
(casespace.py: the decisions by the generated code, the guard as a closure around them; a guard
that cannot be decided does not apply). Findings:

- E503: two rules at one priority level (neither overrides the other) both apply to a case with
  different values;
- W501: a rule no case reaches (its guard never holds, or a rule overriding it always applies too);
- W502: a decision defined by date ranges leaves a day between its first and last boundary undecided.

`diff.py` reuses the generator for the effect of a new notice on people.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json

from ..ir import nodes as ir
from ..runtime import core as rt
from ..base.diagnostics import Diagnostic
from ..ir.interpret import Interpreter
from .casefacts import ABSENT, consistent
from ..ir.nodes import facts_read
from .casespace import build, engine, firsts, product_or_sample
from .exprcompile import Outcome

CMP_OPS = {"eq", "ne", "lt", "le", "gt", "ge", "in_range", "member"}
DATE_ARITH = {"date_plus_days", "date_plus_months", "date_diff"}
MAX_CASES = 6000  # per definition; above it, a fixed-seed sample


# ---- walking expressions ------------------------------------------------------------
subexprs = ir.subexprs


definition_exprs = ir.definition_exprs


def fold(program: ir.Program, e):
    """The value of an expression that does not depend on the case, or None."""
    try:
        return Interpreter(program).eval_expr(e, {}, {})
    except (rt.Undecidable, TypeError, KeyError, ZeroDivisionError, AttributeError):
        return None


# ---- the case generator ----------------------------------------------------------------
class CaseGenerator:
    """Representative values of each fact, from the constants the policy compares facts with."""

    def __init__(self, program: ir.Program, extra_dates=()):
        self.program = program
        self._distinct: dict = {}
        self._sets = None
        self._combos: dict = {}
        dates, ints, money, offsets_days, offsets_months = set(extra_dates), {0, 1}, set(), set(), set()
        arith_facts: set[str] = set()
        for d in program.definitions.values():
            for e in definition_exprs(d):
                for x in subexprs(e):
                    if not isinstance(x, ir.Op):
                        continue
                    if x.op in CMP_OPS:
                        for a in x.args:
                            if not facts_read(program, [a]):
                                v = fold(program, a)
                                if isinstance(v, dt.date):
                                    dates.add(v)
                                elif isinstance(v, int) and not isinstance(v, bool):
                                    (money if a.type == ir.MONEY else ints).add(v)
                    if x.op in DATE_ARITH:
                        for a in x.args:
                            if isinstance(a, ir.Fact):
                                arith_facts.add(a.name)
                            if a.type in (ir.DAYS, ir.INT, ir.MONTHS) and not facts_read(program, [a]):
                                v = fold(program, a)
                                if isinstance(v, int):
                                    (offsets_months if x.op == "date_plus_months" else offsets_days).add(v)
        base = set()
        for d in dates:
            base |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
        self.dates = sorted(base)
        self.boundaries = sorted(dates)
        derived = set(self.dates)
        for d in dates:
            for k in offsets_days:
                for j in (-1, 0, 1):
                    derived.add(d - dt.timedelta(days=k + j))
            for k in offsets_months:
                back = rt.plus_months(d, -k)
                derived |= {back - dt.timedelta(days=1), back, back + dt.timedelta(days=1)}
        self.derived_dates = sorted(derived)
        self.arith_facts = arith_facts
        self.offsets_days = offsets_days
        self.ints = sorted({v + j for v in ints for j in (-1, 0, 1) if 0 <= v + j <= 200})
        self.money = sorted({v + j for v in money for j in (-1, 0, 1) if v + j >= 0})

    def values(self, fact: str) -> list:
        """Candidate runtime values of a fact; `ABSENT` where the fact has no default."""
        f = self.program.facts[fact]
        t = f.type
        if isinstance(t, tuple) and t[0] == "enum":
            vals = self.program.enums[t[1]].codes()
        elif isinstance(t, tuple):
            vals = [frozenset()] + [frozenset([c]) for c in self.distinct_codes(t[1])]
        elif t == ir.BOOL:
            vals = [True, False]
        elif t == ir.DATE:
            vals = list(self.derived_dates if fact in self.arith_facts else self.dates)
        elif t == ir.MONEY:
            vals = list(self.money) or [0]
        elif t == ir.INT:
            vals = list(self.ints)
        else:
            vals = []
        if f.default is ir.NO_DEFAULT:
            vals = vals + [ABSENT]
        elif f.default not in vals:
            vals = [f.default] + vals
        return vals

    def distinct_codes(self, enum: str) -> list:
        """One member of the enumeration for each way the policy tells members apart: two members
        that lie in the same constant sets, table cells and comparisons decide every rule alike."""
        if enum not in self._distinct:
            codes = self.program.enums[enum].codes()
            sets = self._code_sets()
            seen, out = set(), []
            for code in codes:
                signature = tuple(code in s for s in sets)
                if signature not in seen:
                    seen.add(signature)
                    out.append(code)
            self._distinct[enum] = out
        return self._distinct[enum]

    def _code_sets(self) -> list:
        if self._sets is None:
            sets = []
            for d in self.program.definitions.values():
                for e in definition_exprs(d):
                    for x in subexprs(e):
                        if isinstance(x, ir.Const) and isinstance(x.value, frozenset):
                            sets.append(x.value)
                        elif isinstance(x, ir.Const) and isinstance(x.type, tuple) and x.type[0] == "enum":
                            sets.append(frozenset([x.value]))
                for row in d.table.rows if d.table else ():
                    sets += [c for c in row.cells if c is not None]
            for k in self.program.constraints:
                sets += [x.value for x in subexprs(k.when) if isinstance(x, ir.Const) and isinstance(x.value, frozenset)]
            self._sets = list(dict.fromkeys(sets))
        return self._sets

    def base_case(self) -> dict:
        return {n: f.default for n, f in self.program.facts.items() if f.default is not ir.NO_DEFAULT}

    def cases(self, facts, limit: int = MAX_CASES, fixed: dict | None = None):
        """Cases varying the given facts over their candidates (the rest at their defaults)."""
        names, base, combos = self.combinations(facts, limit, fixed)
        yield from self.fill(base, names, combos)

    def combinations(self, facts, limit: int = MAX_CASES, fixed: dict | None = None):
        """(names, base, combinations) of `cases`: every combination of the facts' candidates, or
        above `limit` a fixed-seed sample of that many."""
        names = tuple(sorted(f for f in facts if f in self.program.facts and not (fixed and f in fixed)))
        base = self.base_case()
        if fixed:
            base.update(fixed)
        combos = self.combos(("cases", names, limit),
                             lambda: product_or_sample([self.values(f) for f in names], limit))
        return names, base, combos

    def combos(self, key, make) -> list:
        """Combinations made once per generator for each key (the analyses ask for the same ones
        again and again: every day of a date gap, every holding case of an invariant's `when`)."""
        if key not in self._combos:
            self._combos[key] = list(make())
        return self._combos[key]

    def space(self, facts, limit: int = MAX_CASES, fixed: dict | None = None):
        """`cases` as a casespace.Space, evaluated a column at a time."""
        return engine(self.program).space(*self.combinations(facts, limit, fixed))

    def fill(self, base: dict, facts, combos):
        """Each combination of the facts' values on top of `base` (ABSENT leaves a fact out); a case
        the policy's constraints call contradictory is skipped."""
        for combo in combos:
            c = build(base, facts, combo)
            if consistent(self.program, c):
                yield c


def case_json(program: ir.Program, case: dict, facts=None) -> str:
    """A case as interface JSON, showing only the facts that matter (and differ from defaults)."""
    from ..ir.kinds import json_value
    out = {}
    for name, value in case.items():
        f = program.facts.get(name)
        if f is None:
            continue
        if facts is not None and name not in facts:
            continue
        if f.default is not ir.NO_DEFAULT and value == f.default and name not in ("tier",):
            continue
        out[name] = json_value(program, name, value)
    return json.dumps(out, ensure_ascii=False)


# ---- the analyses ------------------------------------------------------------------------
def analyze(program: ir.Program) -> list[Diagnostic]:
    gen = CaseGenerator(program)
    out: list[Diagnostic] = []
    for d in program.definitions.values():
        if not d.rules or not any(r.document == program.document for r in d.rules):
            continue
        out += _rules(program, gen, d)
        out += _date_gaps(program, gen, d)
    return out


def _overriders(d: ir.Definition) -> dict[str, set[str]]:
    """rule id → the ids of every rule that overrides it, directly or through others."""
    by_label = {r.label: r.id for r in d.rules if r.label}
    direct: dict[str, set[str]] = {r.id: set() for r in d.rules}
    for r in d.rules:
        for o in _overrides_of(r):
            if o in by_label:
                direct[by_label[o]].add(r.id)
    closure = {}
    for rid in direct:
        seen, todo = set(), list(direct[rid])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo += list(direct[x])
        closure[rid] = seen
    return closure




def _overrides_of(r: ir.RuleIR) -> tuple[str, ...]:
    """The labels a rule overrides."""
    return r.overrides


_DECLINE = (rt.Undecidable, TypeError, KeyError, AttributeError)  # a guard or value that cannot be decided


def _applies(o) -> bool:
    """A guard's outcome: it holds (one that cannot be decided does not apply)."""
    if o.exc is None:
        return bool(o.value)
    if isinstance(o.exc, _DECLINE):
        return False
    raise o.get()


def _value(o):
    if o.exc is None:
        return o.value
    if isinstance(o.exc, _DECLINE):
        return _UNDECIDED
    return o.get()


_UNDECIDED = object()


def _show(program, d, v) -> str:
    if v is _UNDECIDED:
        return "undecided"
    if v.__class__.__name__ == "Bounded":  # an unknown with bounds
        return str(v)
    from ..runtime.core import output_value
    from ..ir.kinds import output_kind
    out = output_value(output_kind(d.type), v)
    return json.dumps(out, ensure_ascii=False) if not isinstance(out, str) else out


def _rules(program: ir.Program, gen: CaseGenerator, d: ir.Definition) -> list[Diagnostic]:
    rules = list(d.rules)
    over = _overriders(d)
    facts = facts_read(program, [r.guard for r in rules if r.guard is not None])
    reached = {r.id: False for r in rules}
    overlaps: dict[tuple[str, str], tuple[dict, object, object]] = {}
    when_rules = [r for r in rules if r.kind != "otherwise"]
    space = gen.space(facts)
    eng = engine(program)
    always = [_ALWAYS] * len(space)
    guards = [eng.column(space, r.guard) if r.guard is not None else always for r in when_rules]
    # what is done with a case depends only on which guards hold and the rules' values: each
    # distinct combination of those is tried once, at the first case that shows it
    values = None
    for row, i in firsts(list(zip(*guards)) if guards else [()] * len(space)):
        applying = [r for r, o in zip(when_rules, row) if _applies(o)]
        if len(applying) > 1:
            values = [eng.column(space, r.value) for r in when_rules]
            break
    rows = list(zip(*guards, *values)) if values else list(zip(*guards)) if guards else [()] * len(space)
    n = len(when_rules)
    for row, i in firsts(rows):
        applying = [(r, k) for k, (r, o) in enumerate(zip(when_rules, row)) if _applies(o)]
        ids = {r.id for r, _ in applying}
        for r, _ in applying:
            if not (over[r.id] & ids):
                reached[r.id] = True
        if not applying:
            for r in rules:
                if r.kind == "otherwise":
                    reached[r.id] = True
        for (a, ka), (b, kb) in itertools.combinations(applying, 2):
            if a.id in over[b.id] or b.id in over[a.id] or (a.id, b.id) in overlaps:
                continue
            if over[a.id] & ids or over[b.id] & ids:
                continue  # an exception to one of them decides the case
            va, vb = _value(row[n + ka]), _value(row[n + kb])
            if va is _UNDECIDED or vb is _UNDECIDED or va == vb:
                continue
            overlaps[(a.id, b.id)] = (space.case(i), va, vb)
    out = []
    here = program.document
    for (aid, bid), (case, va, vb) in overlaps.items():
        a = next(r for r in rules if r.id == aid)
        b = next(r for r in rules if r.id == bid)
        if here not in (a.document, b.document):
            continue  # the notice it implements answers for its own rules
        out.append(Diagnostic(
            "E503", f"rules `{_name(a)}` and `{_name(b)}` of `{ir.public_name(d.name)}` both apply to "
            f"{case_json(program, case, facts)} and disagree: {_show(program, d, va)} vs {_show(program, d, vb)}",
            b.span or d.span, "overlaps another rule at the same priority",
            notes=(f"the other rule is at {a.span.where}" if a.span else a.id,),
            hint=f"make the guards exclusive, or say which wins: `rule {_name(b)} overrides {_name(a)}`"))
    for r in rules:
        if not reached[r.id] and r.document == here:
            why = ("its guard holds for no case" if r.kind != "otherwise" else "the other rules decide every case")
            if r.kind != "otherwise" and over[r.id]:
                why = "wherever it applies, a rule overriding it applies too"
            out.append(Diagnostic(
                "W501", f"rule `{_name(r)}` of `{ir.public_name(d.name)}` is never used: {why} "
                f"(tried {', '.join(sorted(facts)) or 'no facts'} over the policy's own boundaries)",
                r.span or d.span, "unreachable rule",
                hint="delete it, or fix its guard"))
    return out


_ALWAYS = Outcome(True)  # a rule with no guard


def _name(r: ir.RuleIR) -> str:
    return r.label or r.id


def _date_comparisons(program, guard) -> tuple[set[str], list]:
    """The date facts a guard compares directly with case-independent dates, and those dates."""
    facts, bounds = set(), []
    for x in subexprs(guard):
        if isinstance(x, ir.Op) and x.op in {"lt", "le", "gt", "ge", "in_range", "eq"}:
            fs = [a.name for a in x.args if isinstance(a, ir.Fact) and a.type == ir.DATE]
            if not fs:
                continue
            for a in x.args:
                if not isinstance(a, ir.Fact):
                    v = fold(program, a) if not facts_read(program, [a]) else None
                    if isinstance(v, dt.date):
                        bounds.append(v)
                        facts |= set(fs)
    return facts, bounds


def _date_gaps(program: ir.Program, gen: CaseGenerator, d: ir.Definition) -> list[Diagnostic]:
    """A decision all of whose rules are date ranges over one fact: a day between its first and last
    boundary that no rule decides."""
    rules = [r for r in d.rules]
    if any(r.kind != "when" for r in rules):
        return []
    date_facts, bounds = set(), []
    for r in rules:
        fs, bs = _date_comparisons(program, r.guard)
        if not fs:
            return []
        date_facts |= fs
        bounds += bs
    if len(date_facts) != 1 or len(bounds) < 2:
        return []
    fact = date_facts.pop()
    lo, hi = min(bounds), max(bounds)
    days = [x for x in gen.dates if lo <= x <= hi]
    others = facts_read(program, [r.guard for r in rules]) - {fact}
    interp = Interpreter(program)
    eng = engine(program)
    facts = eng.facts_of(("decide", d.name), list(definition_exprs(d)))
    names, base, combos = gen.combinations(others, limit=500, fixed={fact: days[0]} if days else None)
    # every day's cases in one space, day by day (`build` sets the day where `fixed` put it)
    space = eng.space((fact,) + names, gen.base_case(), [(day,) + c for day in days for c in combos])
    col = eng.column_of(space, ("decide", d.name), facts, lambda case: interp.decide(d.name, case, {}),
                        canonical=False)  # (which decision no rule of decides is asked)
    for o, i in firsts(col):  # (one Outcome for each distinct value of the facts `d` reads)
        exc = o.exc
        if isinstance(exc, rt.NoRuleApplies):
            if exc.name != ir.public_name(d.name):
                continue
            case = space.case(i)
            day = case[fact]
            return [Diagnostic(
                "W502", f"`{ir.public_name(d.name)}` decides nothing on {day.isoformat()}, between its first boundary "
                f"{lo.isoformat()} and its last {hi.isoformat()}: e.g. {case_json(program, case, others | {fact})}",
                d.span, "a gap between date ranges",
                hint="extend a range to cover the day, or add a rule for it (with its citation)")]
        if exc is not None and not isinstance(exc, (rt.Undecidable, TypeError, KeyError, AttributeError)):
            o.get()
    return []

"""Invariants proved at check time: every invariant a notice declares or inherits is tried on the
case space the policy itself draws (rules_analysis.CaseGenerator: every date the policy compares
with, ±1 day and shifted by its periods; every group, tier and identity class; both truth values),
and a case that breaks it is reported with the rules that fired.

- E701: a counterexample (the invariant fails for this case);
- W702: the invariant could be tried on no case at all (every case needs an unknown): not passed.

The cases are evaluated a whole space at a time (casespace.py: decisions by the generated code,
the invariant's own expressions as closures around them); the counterexample found is then
shrunk and explained case by case, by the reference interpreter.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import random

from ..ir import nodes as ir
from ..runtime import core as rt
from ..base.diagnostics import Diagnostic
from ..ir.interpret import Interpreter
from .casespace import engine, firsts
from .casefacts import consistent
from ..ir.nodes import facts_read
from .rules import CaseGenerator, case_json, fold

EXHAUSTIVE = 4000  # cases; above it a fixed-seed sample of this many
WITNESS_TRIES = 64  # of those cases, tried for one that decides a proved invariant before the solver is asked
_SKIP = (rt.Undecidable, KeyError, TypeError, ArithmeticError, ValueError, OverflowError)


def prove(program: ir.Program) -> list[Diagnostic]:
    """Each invariant proved by the SMT solver where it can be (prove.py), else tried on the sampled
    case space. How each was settled is left in program.invariant_status (`statuses`)."""
    status: list[dict] = []
    program.__dict__["invariant_status"] = status
    if not program.invariants:
        return []
    gen = None
    out = []
    for inv in program.invariants:
        diags, how, reason = _solve(program, inv)
        if how is None:
            gen = gen or CaseGenerator(program, extra_dates=_year_dates(program))
            diags = _prove_one(program, gen, inv)
            how = "failed" if any(d.code == "E701" for d in diags) else "sampled"
        out += diags
        entry = {"invariant": inv.name, "status": how}
        if inv.span:
            entry.update(file=inv.span.file.path, line=inv.span.line, column=inv.span.column)
        if how == "sampled" or (how == "failed" and reason):
            entry["reason"] = reason
        status.append(entry)
    return out


def statuses(program: ir.Program) -> list[dict]:
    """How `prove` settled each invariant: proved (by the solver, for every case), failed (a
    counterexample), or sampled (tried on the case space only), with the reason it was not proved."""
    return list(program.__dict__.get("invariant_status", ()))


def _solve(program, inv: ir.InvariantIR):
    """(diagnostics, "proved" | "failed", None) from the solver, or ([], None, why it could not)."""
    from . import prove as smt
    p = smt.prover(program)
    if isinstance(p, str):
        return [], None, p
    from .encode import NotEncodable  # (it needs z3, which `p` says is there)
    try:
        case = p.counterexample(inv)
    except NotEncodable as exc:
        return [], None, f"not encodable: {exc}"
    except smt.Unproved as exc:
        return [], None, str(exc)
    if case is None:
        try:
            tried = _tried(program, p, inv)
        except smt.Unproved as exc:  # the solver's unknown or timeout: the sampled search decides
            return [], None, str(exc)
        if not tried:
            return [], None, ("no case where it applies decides it (each needs an unknown): "
                              "the sampled search says whether that is W702")
        return [], "proved", None
    interp = Interpreter(program)

    def fails(c):
        return _verdict(interp, inv, c) not in (_VACUOUS, _UNCHECKED, _HOLDS)
    if not (consistent(program, case) and fails(case)):
        return [], None, "the solver's counterexample does not fail in the reference interpreter (an encoding gap)"
    # the sampled search's counterexample where it finds one too (its cases are the policy's own
    # dates, so the message names the days the notice does); else the solver's, shrunk
    gen = CaseGenerator(program, extra_dates=_year_dates(program))
    sampled = _prove_one(program, gen, inv)
    if any(d.code == "E701" for d in sampled):
        return sampled, "failed", None
    case = smt.shrink(program, case, fails)
    facts = facts_read(program, [e for e in (inv.when, inv.holds) if e is not None]
                       + [ir.Ref(n, ANY_T) for n in inv.undecided])
    return [_failure(program, inv, case, facts, _verdict(interp, inv, case))], "failed", None


def _tried(program: ir.Program, p, inv: ir.InvariantIR) -> bool:
    """Some case where the invariant applies decides it. A case that decided another invariant of
    the program usually decides this one too, and the interpreter judges it in microseconds where
    the solver takes tenths of a second; only where none does is the solver asked for one."""
    if inv.holds is None:
        return True
    witnesses = program.__dict__.setdefault("_witnesses", [])
    interp = Interpreter(program)
    if any(_verdict(interp, inv, case) not in (_VACUOUS, _UNCHECKED) for case in witnesses):
        return True
    # a few of the cases the sampled search would try: a model of the month arithmetic that decides
    # the benefit dates takes the solver seconds, where a payment on one of the policy's own days
    # decides them at once
    gen = program.__dict__.get("_witness_gen") or CaseGenerator(program, extra_dates=_year_dates(program))
    program.__dict__["_witness_gen"] = gen
    read = facts_read(program, [e for e in (inv.when, inv.holds) if e is not None])
    base = gen.base_case()
    for names, combos in (_combinations(gen, read & {"payment_date", "tier"}, WITNESS_TRIES),  # a plain person
                          _combinations(gen, read, WITNESS_TRIES)):
        for combo in combos:
            case = {**base, **dict(zip(names, combo))}
            if "birth_date" in read and "birth_date" not in case and isinstance(case.get("payment_date"), dt.date):
                case["birth_date"] = dt.date(max(case["payment_date"].year - 30, 1), 1, 1)  # a grown-up
            if consistent(program, case) and _verdict(interp, inv, case) not in (_VACUOUS, _UNCHECKED):
                witnesses.append(case)
                return True
    case = p.witness(inv)
    if case is not None:
        witnesses.append(case)
    return case is not None


def _year_dates(program: ir.Program) -> list[dt.date]:
    """The coverage year's edges, and every date an invariant itself compares with."""
    y = program.coverage
    dates = [dt.date(y - 1, 1, 1), dt.date(y, 1, 1), dt.date(y, 12, 31)] if y else []
    for inv in program.invariants:
        for e in (inv.when, inv.holds):
            for x in ir.subexprs(e) if e is not None else ():
                if isinstance(x, ir.Op) and not facts_read(program, [x]):
                    v = fold(program, x)
                    if isinstance(v, dt.date):
                        dates.append(v)
    return dates


def _prove_one(program, gen: CaseGenerator, inv: ir.InvariantIR) -> list[Diagnostic]:
    exprs = [e for e in (inv.when, inv.holds) if e is not None]
    undecided = [ir.Ref(n, ANY_T) for n in inv.undecided]
    facts = facts_read(program, exprs + undecided)
    eng = engine(program)
    held = tried = False
    for space in _spaces_where(gen, facts, eng, inv):
        cols = [eng.column(space, e) for e in exprs] + [eng.atom(space, r) for r in undecided]
        # a case's verdict depends only on its outcomes: each distinct row is judged once
        for row, i in firsts(list(zip(*cols)) if cols else [()] * len(space)):
            verdict = _judge(inv, row)
            if verdict is _VACUOUS:
                continue
            held = True
            if verdict is _UNCHECKED:
                continue
            tried = True
            if verdict is not _HOLDS:
                case = _smallest(eng.interp, inv, space.case(i), gen)
                return [_failure(program, inv, case, facts, _verdict(eng.interp, inv, case))]
    if held and not tried:
        return [Diagnostic("W702", f"invariant `{inv.name}` could be tried on no case of {program.document}: "
                           "every case where it applies needs an unknown, so it is not proved", inv.span,
                           "not checked", hint="state the unknown, or narrow the invariant's `when`")]
    return []


def _judge(inv: ir.InvariantIR, row):
    """`_verdict` from the outcomes of `when`, `holds` and each undecided decision (in that order):
    _VACUOUS, _UNCHECKED, _HOLDS, or _FAILS."""
    k = 0
    if inv.when is not None:
        o = row[0]
        k = 1
        if o.exc is not None:
            if isinstance(o.exc, _SKIP):
                return _VACUOUS
            o.get()
        if not o.value:
            return _VACUOUS
    if inv.holds is not None:
        o = row[k]
        if o.exc is not None:
            if isinstance(o.exc, rt.OutsideDomain):
                return _VACUOUS
            if isinstance(o.exc, _SKIP):
                return _UNCHECKED
            o.get()
        return _HOLDS if o.value else _FAILS
    for o in row[k:]:
        if o.exc is not None:
            if isinstance(o.exc, _SKIP):
                continue
            o.get()
        return _FAILS
    return _HOLDS


_VACUOUS, _UNCHECKED, _HOLDS, _FAILS = object(), object(), object(), object()


def _verdict(evaluator, inv: ir.InvariantIR, case: dict):
    """_VACUOUS (`when` does not hold, or the case is outside the notice), _UNCHECKED (needs an
    unknown), _HOLDS, or what breaks the invariant, as text."""
    memo: dict = {}
    try:
        if inv.when is not None and not evaluator.eval_expr(inv.when, case, memo):
            return _VACUOUS
    except _SKIP:
        return _VACUOUS
    if inv.holds is not None:
        try:
            ok = evaluator.eval_expr(inv.holds, case, memo)
        except rt.OutsideDomain:
            return _VACUOUS
        except _SKIP:
            return _UNCHECKED
        return _HOLDS if ok else _shown(evaluator.program, inv.holds, case)
    for name in inv.undecided:
        try:
            value = evaluator._ref(name, case, memo)
        except _SKIP:
            continue
        return (name, f"{name} = {_show(evaluator.program, name, value)}")
    return _HOLDS


def _smallest(evaluator, inv, case: dict, gen: CaseGenerator) -> dict:
    """The counterexample with every fact that does not matter put back to its default (or left out)."""
    base = gen.base_case()
    for name in sorted(case):
        if name not in base and name in ("payment_date", "tier"):
            continue
        trial = dict(case)
        if name in base:
            if trial[name] == base[name]:
                continue
            trial[name] = base[name]
        else:
            del trial[name]
        if consistent(gen.program, trial) and _verdict(evaluator, inv, trial) not in (_VACUOUS, _UNCHECKED, _HOLDS):
            case = trial
    return case


ANY_T = ir.ANY


def _spaces_where(gen: CaseGenerator, facts, eng, inv: ir.InvariantIR):
    """The cases to try. With a `when`, its own facts first: every combination of theirs where it
    holds, each completed by the other facts (so the budget goes where the invariant applies); all
    in one space, in that order."""
    if inv.when is None:
        yield _space(gen, eng, facts)
        return
    own = facts_read(gen.program, [inv.when]) & set(facts)
    rest = set(facts) - own
    first = _space(gen, eng, own)
    holding = []
    for o, combo in zip(eng.column(first, inv.when), first.combos):
        if o.exc is not None:
            if isinstance(o.exc, _SKIP):
                continue
            o.get()
        if o.value:
            holding.append(combo)
    if not holding:
        return
    names, combos = _combinations(gen, rest, max(EXHAUSTIVE // len(holding), 8))
    # each holding case's own facts, then the rest's: `build` makes the cases it made with the
    # holding case as their base
    yield eng.space(first.names + names, first.base, [h + c for h in holding for c in combos])


def _space(gen: CaseGenerator, eng, facts):
    names, combos = _combinations(gen, facts, EXHAUSTIVE)
    return eng.space(names, gen.base_case(), combos)


def _combinations(gen: CaseGenerator, facts, budget: int):
    """Every combination of the facts' candidates, or a fixed-seed sample of them; a second date
    fact is drawn, half the time, relative to the first by the policy's own periods."""
    names = tuple(sorted(f for f in facts if f in gen.program.facts))
    domains = [gen.values(f) for f in names]
    total = 1
    for d in domains:
        total *= max(len(d), 1)
    if total <= budget:
        return names, gen.combos(("product", names), lambda: itertools.product(*domains))
    return names, gen.combos(("sample", names, budget), lambda: _sample(gen, names, domains, budget))


def _sample(gen: CaseGenerator, names, domains, count: int = EXHAUSTIVE) -> list:
    """A fixed-seed sample in which every candidate of every fact appears (each fact runs through a
    shuffled copy of its candidates, over and over), so a rare date is never left out."""
    rnd = random.Random(0)
    orders = []
    for d in domains:
        order = list(d)
        rnd.shuffle(order)
        orders.append(order)
    dates = [i for i, n in enumerate(names) if gen.program.facts[n].type == ir.DATE]
    offsets = sorted(gen.offsets_days | {0})
    n = min(count, EXHAUSTIVE)
    cols = []
    for k, order in enumerate(orders):  # (a column at a time: the draws below do not depend on it)
        size = len(order)
        cols.append([order[(i * (k + 1) + i // size) % size] for i in range(n)])
    combos = list(zip(*cols)) if cols else [()] * n
    if len(dates) > 1:
        for i in range(n):
            if rnd.random() < 0.5:
                first, second = rnd.sample(dates, 2)
                combo = combos[i]
                if isinstance(combo[first], dt.date):
                    shift = rnd.choice(offsets) + rnd.choice((-1, 0, 1))
                    try:
                        combos[i] = combo[:second] + (combo[first] - dt.timedelta(days=shift),) + combo[second + 1:]
                    except OverflowError:
                        pass
    return combos


def _shown(program, e, case) -> str:
    """The values of the decisions an expression compares, for the message."""
    parts = []
    interp = Interpreter(program)
    for x in ir.subexprs(e):
        if isinstance(x, ir.Ref) and not x.name.endswith("#raw"):
            try:
                parts.append(f"{x.name} = {_show(program, x.name, interp.decide(x.name, dict(case), {}))}")
            except _SKIP:
                parts.append(f"{x.name} undecided")
    return ", ".join(dict.fromkeys(parts)) or "it does not hold"


def _show(program, name, value) -> str:
    from ..ir.kinds import json_value
    v = json_value(program, name, value)
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _failure(program, inv, case, facts, verdict) -> Diagnostic:
    """E701 at the rule of this notice that gave the answer (the line to change), else the invariant."""
    decision, detail = verdict if isinstance(verdict, tuple) else (None, verdict)
    interp = Interpreter(program, trace=True)
    names = [decision] if decision else [x.name for e in (inv.when, inv.holds) if e is not None
                                         for x in ir.subexprs(e) if isinstance(x, ir.Ref)]
    for n in names:
        try:
            interp.decide(n, dict(case), {})
        except _SKIP:
            pass
    fired, spans = [], []
    for entry in interp.trace.values():
        for rule_id, _, document in entry["fired"]:
            rule = _rule_span(program, rule_id)
            fired.append(f"{rule_id} ({document})")
            if rule is not None and document == program.document:
                spans.append(rule)
    where = spans[0] if spans else inv.span
    notes = [f"invariant declared at {inv.span.where}"] if inv.span and spans else []
    notes += [f"the invariant: {inv.description}"] if inv.description else []
    notes += ["rules that fired: " + ", ".join(dict.fromkeys(fired))] if fired else []
    what = f"`{decision}` answers where it must not: {detail}" if decision else detail
    return Diagnostic(
        "E701", f"invariant `{inv.name}` fails for {case_json(program, case, facts)}: {what}",
        where, "the rule that gave this answer" if spans else "fails here",
        notes=tuple(notes),
        hint="bound the rule to where the notice speaks (a `domain`, or a guard with its clause), or make the answer unknown")


def _rule_span(program, rule_id):
    for d in program.definitions.values():
        for r in d.rules or ():
            if r.id == rule_id:
                return r.span
        if d.table:
            for r in d.table.rows:
                if r.id == rule_id:
                    return r.span
    return None

"""Invariants proved by an SMT solver (z3), for every input rather than a sample of them.

Each invariant is encoded (encode.py) over all cases the interface admits: every fact a variable
(a date any day 0001-01-01 … 9999-12-31, money any amount in fen below 10^15 yuan, a whole number
within ±10^9 or from 0 for a count, an enum one of its members, a set one Bool per member), a fact
with no default present or not (`given`), and no constraint of the policy broken. The solver is
asked for a case where `when` holds and the invariant fails, as invariants.py judges one (`holds`
answers false; or one of the `undecided` decisions answers). Unsat: proved. Sat: the model is a
case, replayed through the reference interpreter, shrunk, and reported as E701. Anything else
(no z3, a construct the encoder does not take, the solver's unknown or timeout, a counterexample
the interpreter does not confirm) leaves the invariant to the sampled search, reported as sampled.
"""
from __future__ import annotations

import datetime as dt
import itertools

from ..ir import nodes as ir
from .casefacts import consistent

try:  # optional: `pip install yibao[prove]`
    import z3
except ImportError:  # pragma: no cover - exercised where z3 is not installed
    z3 = None

TIMEOUT_MS = 20000
# z3's solver for QF_AUFLIA answers these queries 10-100× faster than its default (measured on the
# five notices: 0.1 s where the default takes 1-3 s); where it answers unknown the default tries
LOGIC = "QF_AUFLIA"
MAX_MONEY_FEN = 10 ** 17  # runtime.core.MAX_MONEY_YUAN in fen
MAX_INT = 10 ** 9


class Unproved(Exception):
    """Why the solver gave no answer: the invariant is sampled instead."""


class _Shared:
    def __init__(self, codes):
        self.codes, self.side, self._n = codes, [], itertools.count()
        self.names: set[str] = set()  # the fresh variables' names

    def fresh(self, prefix):
        name = f"_{prefix}{next(self._n)}"
        self.names.add(name)
        return z3.Int(name)


def available() -> bool:
    return z3 is not None


def _facts(program: ir.Program, codes) -> tuple[dict, list]:
    """fact → (given, value) variables, and the domain of each."""
    from .encode import T
    env, dom = {}, []
    for name, f in program.facts.items():
        t = f.type
        given = T if f.default is not ir.NO_DEFAULT else z3.Bool(f"given:{name}")
        if isinstance(t, tuple) and t[0] == "enum":
            v = z3.Int(name)
            dom.append(z3.Or(*[v == codes.id(c) for c in program.enums[t[1]].codes()]))
        elif isinstance(t, tuple):
            v = {c: z3.Bool(f"{name}∋{c}") for c in program.enums[t[1]].codes()}
        elif t == ir.BOOL:
            v = z3.Bool(name)
        elif t == ir.DATE:
            v = z3.Int(name)
            dom.append(z3.And(v >= 1, v <= dt.date.max.toordinal()))
        elif t == ir.MONEY:
            v = z3.Int(name)
            dom += [v >= 0, v < MAX_MONEY_FEN]
        elif t in (ir.INT, ir.DAYS, ir.MONTHS):
            v = z3.Int(name)
            dom += [v >= (0 if f.non_negative else -MAX_INT), v <= MAX_INT]
        else:
            raise Unproved(f"the fact `{name}` of type {ir.show_type(t)}")
        env[name] = (given, v)
    return env, dom


class Prover:
    """One program's encoding: its facts, and each invariant asked of the solver."""

    def __init__(self, program: ir.Program):
        from .encode import Codes, Encoder
        self.program = program
        self.codes = Codes()
        self.shared = _Shared(self.codes)
        self.env, self.domain = _facts(program, self.codes)
        self.enc = Encoder(program, self.env, self.shared)
        self.consistent = []
        for k in program.constraints:
            r = self.enc.visit(k.when)
            self.consistent.append(z3.Not(z3.And(r.ok, r.b)))

    def counterexample(self, inv: ir.InvariantIR):
        """None where the invariant is proved, else a case (runtime values) that breaks it.
        Raises NotEncodable or Unproved."""
        enc = self.enc
        goal = self._applies(inv)
        if inv.holds is not None:
            h = enc.visit(inv.holds)
            goal.append(z3.And(h.ok, z3.Not(h.b)))
        else:
            goal.append(z3.Or(*[enc.ref(n).ok for n in inv.undecided]))
        model = self._solve(goal)
        return None if model is None else self._case(model)

    def witness(self, inv: ir.InvariantIR):
        """A case where the invariant applies and its `holds` is decided, or None where there is none
        (the sampled search's W702: a proof that tries no case proves nothing)."""
        h = self.enc.visit(inv.holds)
        model = self._solve(self._applies(inv) + [h.ok], plain=False)
        return None if model is None else self._case(model)

    def _applies(self, inv: ir.InvariantIR) -> list:
        if inv.when is None:
            return []
        w = self.enc.visit(inv.when)
        return [z3.And(w.ok, w.b)]

    def _solve(self, goal: list, plain: bool = True):
        """A model of the goal over admissible cases, or None where there is none."""
        for s in (z3.SolverFor(LOGIC), z3.Solver()):
            s.set("timeout", TIMEOUT_MS)
            # (an unsatisfiable goal is refuted as fast with the side conditions: only a model is slowed)
            side = self.shared.side if plain or self._reads_fresh(goal) else ()
            s.add(*self.domain, *self.consistent, *side, *goal)
            answer = s.check()
            if answer != z3.unknown:
                break
        if answer == z3.unsat:
            return None
        if answer != z3.sat:
            raise Unproved(f"the solver answered {answer} ({s.reason_unknown()})")
        model = s.model()
        if plain:  # a plainer counterexample where there is one: days near the coverage year, small sums
            s.add(*self._plain())
            if s.check() == z3.sat:
                model = s.model()
        return model

    def _reads_fresh(self, goal: list) -> bool:
        """Whether the goal reads a variable the calendar's encoding introduced (`_Shared.fresh`). Their
        side conditions define each as a function of the facts, true for some value whatever the facts,
        so a goal that reads none is satisfiable with them exactly when without; and leaving them out
        spares the solver a model of month arithmetic no one asked about (a satisfiable query over the
        facts alone took seconds with them, milliseconds without). The walk costs what a refutation
        does, so only the search for a case that tries an invariant takes it."""
        if not self.shared.side:
            return False
        seen, stack = set(), list(goal)
        while stack:
            e = stack.pop()
            i = e.get_id()
            if i in seen:
                continue
            seen.add(i)
            if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
                if e.decl().name() in self.shared.names:
                    return True
            else:
                stack.extend(e.children())
        return False

    def _plain(self) -> list:
        y = self.program.coverage or 2000
        lo, hi = dt.date(y - 2, 1, 1).toordinal(), dt.date(y + 1, 12, 31).toordinal()
        out = []
        for name, (_, v) in self.env.items():
            t = self.program.facts[name].type
            if t == ir.DATE:
                out += [v >= lo, v <= hi]
            elif t == ir.MONEY:
                out.append(v <= 10 ** 8)
            elif t in (ir.INT, ir.DAYS, ir.MONTHS):
                out += [v >= 0, v <= 100]
        return out

    def _case(self, model) -> dict:
        case = {}
        for name, (given, v) in self.env.items():
            if not z3.is_true(model.eval(given, model_completion=True)):
                continue
            case[name] = self._value(self.program.facts[name].type, v, model)
        return case

    def _value(self, t, v, model):
        if isinstance(v, dict):
            return frozenset(c for c, b in v.items() if z3.is_true(model.eval(b, model_completion=True)))
        x = model.eval(v, model_completion=True)
        if t == ir.BOOL:
            return z3.is_true(x)
        n = x.as_long()
        if isinstance(t, tuple):
            return self.codes.back[n]
        if t == ir.DATE:
            return dt.date.fromordinal(n)
        return n


def prover(program: ir.Program):
    """The program's Prover (one per program: the facts and definitions encoded once), or the
    reason there is none."""
    cache = program.__dict__
    if "_prover" not in cache:
        if not available():
            return "z3 is not installed (pip install yibao[prove])"
        from .encode import NotEncodable  # (it needs z3)
        try:
            cache["_prover"] = Prover(program)
        except (NotEncodable, Unproved) as exc:
            cache["_prover"] = f"not encodable: {exc}"
    return cache["_prover"]


def shrink(program: ir.Program, case: dict, fails) -> dict:
    """The counterexample with every fact that does not matter left out or at its default, and each
    member of a set that does not matter taken out (each step kept only where the case still fails)."""
    defaults = {n: f.default for n, f in program.facts.items() if f.default is not ir.NO_DEFAULT}
    for name in sorted(case):
        trial = dict(case)
        if name in defaults:
            if trial[name] == defaults[name]:
                continue
            trial[name] = defaults[name]
        else:
            del trial[name]
        if consistent(program, trial) and fails(trial):
            case = trial
    for name in sorted(case):  # a set: each member that does not matter taken out
        if isinstance(case[name], frozenset):
            for code in sorted(case[name], key=str):
                trial = dict(case)
                trial[name] = case[name] - {code}
                if consistent(program, trial) and fails(trial):
                    case = trial
    return case

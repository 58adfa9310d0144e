"""The analyses' case spaces, evaluated a column at a time (issue 11: `yibao check` cold).

A space is the cases an analysis tries, in the order it tries them: a base case and the
combinations of the varied facts' candidates (`CaseGenerator.cases`, the invariant prover's
samples), the contradictory ones dropped. An expression is evaluated on a whole space:

- each decision it reads by the generated code, memoised per program by the values of every fact
  the decision reads; a case not seen before is worked out step by step: each definition's
  generated function once per distinct combination of the facts it reads itself and its
  dependencies' outcomes, with their values put where the generated code memoises them;
- the operators, constants and facts around the decisions by a closure (`exprcompile.py`), once
  per distinct combination of the decisions' outcomes and those facts; any other node (a `with`, a
  parameter) by the reference interpreter, once per distinct value of the facts it reads.

Equal outcomes are one object, so an analysis can do what it does with a case once per distinct
row of outcomes, at the first case that shows it (`firsts`), and find what the case-by-case loop
found. Each case's outcome is what `CompiledInterpreter` gives for that case: the same value, or
an exception of the same kind (tests/analysis/test_casespace.py, on every policy).
"""
from __future__ import annotations

import itertools
import operator
import random

from ..ir import nodes as ir
from ..runtime import core as rt
from .compiled import CompiledInterpreter
from .casefacts import ABSENT, consistent
from ..ir.nodes import facts_read
from .exprcompile import Outcome, compile_expr, outcome
from ..backends.python.names import ident


class Space:
    """Cases as `base` with `names` set to each combination in `combos` (ABSENT leaves a fact out)."""

    def __init__(self, base: dict, names: tuple, combos: list):
        self.base, self.names, self.combos = base, names, combos
        self.index = {n: i for i, n in enumerate(names)}
        self._columns: dict = {}
        self._keys: dict = {}
        self.generated: dict = {}  # definition → its column as the generated code computes it
        self._first = None

    def __len__(self) -> int:
        return len(self.combos)

    def case(self, i: int) -> dict:
        return build(self.base, self.names, self.combos[i])

    def first(self) -> "Space":
        """The space of this one's first case."""
        if self._first is None:
            self._first = Space(self.base, self.names, self.combos[:1])
        return self._first

    def column(self, fact: str) -> list:
        """Each case's value of a fact (ABSENT where it leaves the fact out)."""
        col = self._columns.get(fact)
        if col is None:
            i = self.index.get(fact)
            col = ([self.base.get(fact, ABSENT)] * len(self.combos) if i is None
                   else list(map(operator.itemgetter(i), self.combos)))
            self._columns[fact] = col
        return col

    def split_keys(self, facts: tuple) -> tuple[tuple, list]:
        """(part, keys): which of the facts the space varies and the others' values, the same for
        every case; and each case's values of the varied ones, in the facts' order (a combination
        itself where it holds just those, a value where only one is varied). A memo keyed by
        `part`, then by a key, holds each case's values of all the facts, built for wide sets of
        facts with no tuple made per case."""
        entry = self._keys.get(("split", facts))
        if entry is None:
            idx = [self.index[f] for f in facts if f in self.index]
            part = (tuple(f for f in facts if f in self.index),
                    tuple(self.base.get(f, ABSENT) for f in facts if f not in self.index))
            if idx == list(range(len(self.names))):
                keys = self.combos
            elif not idx:
                keys = [()] * len(self.combos)
            else:
                keys = list(map(operator.itemgetter(*idx), self.combos))
            entry = self._keys[("split", facts)] = (part, keys)
        return entry

    def keys(self, facts: tuple) -> list:
        """Each case's values of the facts, as a tuple (made once per space for each set of facts:
        the decisions of a notice read much the same facts)."""
        keys = self._keys.get(facts)
        if keys is None:
            keys = self._keys[facts] = list(zip(*map(self.column, facts))) if facts else [()] * len(self.combos)
        return keys


def build(base: dict, names, combo) -> dict:
    """One case: the base with each name set to its value in the combination (as the analyses
    always built them: a fact with no default comes after the others, in the names' order)."""
    c = dict(base)
    if ABSENT not in combo:
        c.update(zip(names, combo))
        return c
    for f, v in zip(names, combo):
        if v is ABSENT:
            c.pop(f, None)
        else:
            c[f] = v
    return c


class Engine:
    """One program's expressions evaluated over spaces, with the atoms' outcomes memoised."""

    def __init__(self, program: ir.Program):
        self.program = program
        self.interp = CompiledInterpreter(program)
        self._facts: dict = {}
        self._atoms: dict = {}  # atom key → {values of its facts → Outcome}
        self._compiled: dict = {}  # id(expr) → (expr, atoms, facts, fn, memo)
        self._nodes: dict = {}  # id → node, so that an id keying a memo stays that node's
        self._bounded = None

    # ---- spaces ----
    def space(self, names, base: dict, combos) -> Space:
        """The consistent cases among the combinations, in order (as `CaseGenerator.fill` yields them)."""
        combos = combos if isinstance(combos, list) else list(combos)
        s = Space(base, tuple(names), combos)
        facts = _constraint_facts(self.program)
        if self.program.constraints:
            verdicts = self.column_of(s, ("consistent",), facts, lambda case: consistent(self.program, case))
            s = Space(base, tuple(names), list(itertools.compress(combos, map(_VALUE, verdicts))))  # (it never raises)
        return s

    # ---- columns ----
    def facts_of(self, key, exprs) -> tuple:
        if key not in self._facts:
            self._facts[key] = tuple(sorted(facts_read(self.program, exprs)))
        return self._facts[key]

    def column_of(self, space: Space, key, facts: tuple, fn, canonical: bool = True) -> list[Outcome]:
        """`fn(case)`'s outcome for each case of the space, computed once per distinct value of
        `facts` (all `fn` reads); with `canonical`, one Outcome per value and kind of exception."""
        canon = self._atoms.setdefault(("values", key), {}) if canonical else None
        part, keys = space.split_keys(facts)
        memo = self._atoms.setdefault(key, {}).setdefault(part, {})
        found, new = lookup(keys, memo)
        for i in new:
            o = outcome(fn, space.case(i))
            memo[keys[i]] = _canonical(canon, o) if canonical else o
        return filled(keys, memo, found, new)

    def atom(self, space: Space, e) -> list[Outcome]:
        if isinstance(e, ir.Ref) and (e.name in self.interp.functions or self._plain(e.name)):
            return self._public(space, e.name)
        if isinstance(e, ir.With):
            col = self._with(space, e)
            if col is not None:
                return col
        key = ("ref", e.name) if isinstance(e, ir.Ref) else ("node", id(e))
        if key[0] == "node":
            self._nodes[id(e)] = e
        facts = self.facts_of(key, [e])
        interp = self.interp
        return self.column_of(space, key, facts, lambda case: interp.eval_expr(e, case, {}))

    # ---- decisions, by the generated code ----
    def _public(self, space: Space, name: str) -> list[Outcome]:
        """A decision as CompiledInterpreter answers it (the generated module's exceptions as the
        runtime's)."""
        key = ("public", name)
        col = space.generated.get(key)
        if col is None:
            memo = self._atoms.setdefault(key, {})
            gen = self.generated(space, name)
            canon = self._atoms.setdefault(("public values", name), {})
            for o in set(gen):
                if o not in memo:
                    memo[o] = _canonical(canon, self._translated(o))
            col = space.generated[key] = list(map(memo.__getitem__, gen))
        return col

    def _translated(self, o: Outcome) -> Outcome:
        exc, module = o.exc, self.interp.module
        if exc is None:
            return o
        if isinstance(exc, KeyError):
            return Outcome(None, rt.MissingFact(exc.args[0]))
        if isinstance(exc, module.OutsideDomain):
            return Outcome(None, rt.OutsideDomain(exc))
        if isinstance(exc, module.Undecidable):
            return Outcome(None, rt.Undecidable(exc.message))
        return o

    def generated(self, space: Space, name: str) -> list[Outcome]:
        """A definition's outcome for each case by its generated function: memoised by the values of
        every fact it reads; the cases none of those have been seen for are worked out step by step
        (`_steps`), each distinct one once."""
        col = space.generated.get(name)
        if col is None:
            part, keys = space.split_keys(self._reads(name))
            memo = self._atoms.setdefault(("generated", name), {}).setdefault(part, {})
            found, new = lookup(keys, memo)
            if new:
                sub = Space(space.base, space.names, list(map(space.combos.__getitem__, new)))
                memo.update(zip(map(keys.__getitem__, new), self._steps(sub, name)))
            col = space.generated[name] = filled(keys, memo, found, new)
        return col

    def _steps(self, space: Space, name: str) -> list[Outcome]:
        """The generated function called once per distinct combination of the facts it reads itself
        and its dependencies' outcomes, with their values put where the generated code memoises them
        (`c['@name']`), so it computes only its own step."""
        fn, deps, facts = self._step(name)
        cols = [self.generated(space, dep) for dep in deps]
        cols.append(space.keys(facts))
        rows = list(zip(*cols))
        memo = self._atoms.setdefault(("steps", name), {})
        canon = self._atoms.setdefault(("values", name), {})
        found, new = lookup(rows, memo)
        for i in new:
            row = rows[i]
            c = space.case(i)
            for dep, o in zip(deps, row):
                if o.exc is None:
                    c["@" + dep] = o.value
            memo[row] = _canonical(canon, outcome(fn, c))
        return filled(rows, memo, found, new)

    def _reads(self, name: str) -> tuple:
        return self.facts_of(("decide", name), list(ir.definition_exprs(self.program.definitions[name])))

    def _step(self, name: str):
        """(function, dependencies with a generated function, facts read otherwise) of a definition."""
        key = ("step", name)
        if key not in self._facts:
            fn = self._function(name)
            refs, facts = [], set()
            for e in ir.definition_exprs(self.program.definitions[name]):
                for x in ir.subexprs(e):
                    if isinstance(x, (ir.Fact, ir.Given)):
                        facts.add(x.name if isinstance(x, ir.Fact) else x.fact)
                    elif isinstance(x, ir.Ref) and x.name in self.program.definitions and x.name not in refs:
                        refs.append(x.name)
            deps = [r for r in refs if self._function(r) is not None]
            for r in refs:
                if r not in deps:  # folded or inlined: what it reads is read here
                    facts |= facts_read(self.program, ir.definition_exprs(self.program.definitions[r]))
            self._facts[key] = (fn, deps, tuple(sorted(facts)))
        return self._facts[key]

    def _plain(self, name: str) -> bool:
        """A definition the module does not export, evaluated by its generated function all the same
        where the program holds no bounded unknown (a bounded value is the module's own object, which
        compares by the module's rules; CompiledInterpreter interprets such a definition)."""
        if self._bounded is None:
            from ..ir.kinds import bounded_program
            self._bounded = bounded_program(self.program)
        return not self._bounded and name in self.program.definitions and self._function(name) is not None

    def _function(self, name: str):
        fn = self.interp.functions.get(name)
        if fn is None:
            fn = getattr(self.interp.module, ident("_d_", name), None)
        return fn if callable(fn) else None

    def _with(self, space: Space, e) -> list[Outcome] | None:
        """`expr with fact = value` where the value is one and the same for every case: `expr` on
        the space with that fact fixed (as the interpreter evaluates it, on the changed case)."""
        values = {o for o in self.column(space, e.value)}
        if len(values) != 1:
            return None
        o = values.pop()
        if o.exc is not None:
            return None
        base = dict(space.base)
        base[e.fact] = o.value
        names = tuple(n for n in space.names if n != e.fact)
        if len(names) == len(space.names):
            combos = space.combos
        else:
            keep = [space.index[n] for n in names]
            combos = [tuple(c[k] for k in keep) for c in space.combos] if keep else [()] * len(space)
        return self.column(Space(base, names, combos), e.expr)

    def column(self, space: Space, e) -> list[Outcome]:
        """The outcome of expression `e` for each case of the space."""
        entry = self._compiled.get(id(e))
        if entry is None:
            atoms, facts, fn = compile_expr(e)
            entry = self._compiled[id(e)] = (e, atoms, tuple(facts), fn, {})
        _, atoms, facts, fn, memo = entry
        if len(atoms) == 1 and atoms[0] is e:  # the expression is one decision (or node): its own outcomes
            return self.atom(space, e)
        cols = [self.atom(space, a) for a in atoms]
        cols.append(space.keys(facts))
        rows = list(zip(*cols))
        canon = self._atoms.setdefault(("values", id(e)), {})
        found, new = lookup(rows, memo)
        for i in new:
            r = rows[i]
            memo[r] = _canonical(canon, outcome(fn, r[:-1], r[-1]))
        return filled(rows, memo, found, new)


_VALUE = operator.attrgetter("value")


def _canonical(canon: dict, o: Outcome) -> Outcome:
    """One Outcome per value, and per kind of exception, so that rows differing only in how they
    got there meet. (An exception's message is not kept apart: the analyses ask only its kind, and
    the generated code catches by kind; a counterexample's message is worked out from its case.)"""
    key = (o.exc.__class__, None) if o.exc is not None else (o.value.__class__, o.value)
    try:
        return canon.setdefault(key, o)
    except TypeError:  # (an unhashable value keeps its own)
        return o


def lookup(rows: list, memo: dict) -> tuple[list, list[int]]:
    """What the memo holds for each row (None where nothing), and the indices of the first case of
    each distinct row it has no entry for, in order."""
    found = list(map(memo.get, rows))
    if None not in found:
        return found, []
    idx = list(itertools.compress(range(len(rows)), map(operator.is_, found, itertools.repeat(None))))
    first = dict(zip(reversed(list(map(rows.__getitem__, idx))), reversed(idx)))
    return found, sorted(first.values())


def filled(rows: list, memo: dict, found: list, new: list) -> list:
    """The memo's entry for each row, once the new ones are in."""
    return list(map(memo.__getitem__, rows)) if new else found


def firsts(rows: list) -> list[tuple]:
    """(row, index of its first case) for each distinct row, in the order the cases first show it:
    where what an analysis does with a case depends only on its row, this is every case that matters."""
    first = dict(zip(reversed(rows), range(len(rows) - 1, -1, -1)))
    return sorted(first.items(), key=lambda kv: kv[1])


def _constraint_facts(program) -> tuple:
    return tuple(sorted({f for k in program.constraints for f in k.facts}))


def engine(program: ir.Program) -> Engine:
    """The program's engine, shared by its analyses (made once per checked program)."""
    e = program.__dict__.get("_engine")
    if e is None:
        e = program.__dict__["_engine"] = Engine(program)
    return e


def product_or_sample(domains, limit: int):
    """Every combination, or (above `limit`) a fixed-seed sample of `limit` (CaseGenerator.cases)."""
    total = 1
    for dom in domains:
        total *= max(len(dom), 1)
    if total <= limit:
        return itertools.product(*domains)
    rnd = random.Random(0)
    choice = rnd.choice
    return (tuple([choice(dom) for dom in domains]) for _ in range(limit))


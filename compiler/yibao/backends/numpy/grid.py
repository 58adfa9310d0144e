"""The grid (a mixin of backends/numpy.py's generator): which generated functions read only facts of
few values (enums, bools, one date), so that they run once per combination of those facts and are
gathered per row by the combination's key (runtime: _tabulate, _gather); and, in the functions that run
per row, the costly parts that read only such facts, hoisted into helpers gathered the same way."""
from __future__ import annotations

import dataclasses

from ...ir import nodes as ir

GRID_KINDS = ("enum", "bool", "date")
_PER_DAY = {"first_of_next_month", "date_plus_months", "year_start", "year_end"}  # calendar conversions
HOIST_COST = 100  # µs a chunk, about what gathering a value and its ok costs (take() by a key)


class GridGen:
    """For _Gen, which supplies p, folded, reach, uses, grid, tabulated, hoisted, helpers, pre, bound,
    hoisting, current and expr."""

    def tabulate(self, name: str, fn: str, indent="    ") -> list[str]:
        """Record what `name` reads (self.uses, just generated); where that is only facts of few values,
        the lines that gather it from the grid (the same function run once per combination of them)."""
        facts, refs = self.uses
        reach = set(facts)
        for r in refs:
            if r not in self.reach:
                return []
            reach |= self.reach[r]
        self.reach[name] = frozenset(reach)
        kinds = {f: self.kind(f) for f in reach}
        grid = {**self.grid, **kinds}
        if not reach or any(k not in GRID_KINDS for k in kinds.values()) or \
                sum(k == "date" for k in grid.values()) > 1:  # a grid over two dates' spans would outgrow a chunk
            return []
        self.grid = grid
        self.tabulated.add(name)
        return [f"{indent}if '@key' in c:  # computed once per combination of its facts (GRID_FACTS), gathered",
                f"{indent}    r = c[{'@' + name!r}] = _gather(c, {fn})", f"{indent}    return r"]

    def reads(self, obj) -> set | None:
        """The facts an expression (rules, table) reads, directly or through definitions; None where
        that is not known (a definition not generated yet, a `with`)."""
        facts, stack = set(), [obj]
        while stack:
            x = stack.pop()
            if isinstance(x, ir.Fact):
                facts.add(x.name)
            elif isinstance(x, ir.Given):
                facts.add(x.fact)
            elif isinstance(x, ir.Ref):
                if x.name not in self.folded:
                    if x.name not in self.reach:
                        return None
                    facts |= self.reach[x.name]
            elif isinstance(x, ir.With):
                return None
            elif isinstance(x, (tuple, list)):
                stack.extend(x)
            elif dataclasses.is_dataclass(x) and not isinstance(x, type) and not isinstance(x, ir.Span):
                stack.extend(getattr(x, f.name) for f in dataclasses.fields(x))
        return facts

    def pure(self, *parts) -> bool:
        """Whether parts read some facts, all of them grid facts (one date at most, with the grid's)."""
        facts = set()
        for part in parts:
            if part is not None:
                got = self.reads(part)
                if got is None:
                    return False
                facts |= got
        kinds = {f: self.kind(f) for f in facts}
        dates = {f for f, k in {**self.grid, **kinds}.items() if k == "date"}
        return bool(facts) and all(k in GRID_KINDS for k in kinds.values()) and len(dates) <= 1

    def kind(self, fact):
        t = self.p.facts[fact].type
        return t if isinstance(t, str) else t[0]

    def worth_hoisting(self, e) -> bool:
        """A part of a per-row function costlier than gathering it, reading grid facts only."""
        if isinstance(e, (ir.Const, ir.Fact, ir.Ref, ir.Given, ir.Unknown, ir.Outside, ir.ParamAt)):
            return False
        return _cost(e) >= HOIST_COST and self.pure(e)

    def hoist(self, e) -> tuple[str, str | None]:
        """e as a helper function of its own (run on the grid, gathered per row): (value, ok) names."""
        name, decided = self.grid_part(e)
        var = name[1:]
        if var not in self.bound:
            self.bound.add(var)
            self.pre.append(f"    {var}, {var}_ok = {name}(c)")
        return var, (None if decided else f"{var}_ok")

    def grid_part(self, e) -> tuple[str, bool]:
        """e as a helper function of its own, memoized and gathered from the grid: its name, and
        whether e is always decided."""
        saved = self.pre, self.bound, self.uses
        self.pre, self.bound, self.uses, self.hoisting = [], set(), (set(), set()), False
        v, ok = self.expr(e)
        pre, uses = self.pre, self.uses
        self.pre, self.bound, self.hoisting = saved[0], saved[1], True
        merged = (saved[2][0] | uses[0], saved[2][1] | uses[1])
        key = "\n".join(pre + [v, str(ok)])
        name = self.hoisted.get(key)
        if name is None:
            name = self.hoisted[key] = f"_part_{len(self.hoisted)}"
            self.uses = uses
            gather = self.tabulate(name, name)
            at = "@" + name
            self.helpers += ["", "", f"def {name}(c):", f"    {'a part of ' + self.current + ' that reads only grid facts'!r}",
                             f"    r = c.get({at!r})", "    if r is not None:", "        return r", *gather, *pre,
                             f"    r = c[{at!r}] = ({v}, {ok or '_T'})", "    return r"]
        self.uses = merged
        return name, ok is None

    def on_grid(self, e) -> str | None:
        """For a per-row cascade: e (a guard or a value reading grid facts only) as a helper that runs on
        the grid, for _cascade to read there (the helper's name); None where it cannot run on the grid."""
        if not (self.hoisting and not isinstance(e, ir.Const) and self.pure(e)):
            return None
        name = self.grid_part(e)[0]
        return name if name in self.tabulated else None


def _cost(e) -> int:
    """A rough cost in µs over a chunk of 64k rows (measured): an operator on columns 15, on dates 85
    (NaT checks; a range test is three), a calendar conversion 300; not through definitions (those are gathered or memoized)."""
    if isinstance(e, ir.Op):
        dated = any(getattr(a, "type", None) == ir.DATE for a in e.args)
        times = 3 if e.op == "in_range" else 1  # two comparisons and an and
        return times * (15 + 70 * dated) + 300 * (e.op in _PER_DAY) + sum(_cost(a) for a in e.args)
    if isinstance(e, ir.IfE):
        return 30 + _cost(e.cond) + _cost(e.then) + _cost(e.orelse)
    if isinstance(e, ir.Domains):
        return 100 + _cost(e.value)
    return 0

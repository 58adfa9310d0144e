"""The cost on a real roll: both notices over every person of a roll, aggregated as it streams.

The roll is the old notice's population. Each person is evaluated as given under the old notice and,
with their dates moved to the new coverage year (years.py), under the new one. Counts and totals
are kept per group × tier × identities and per decision, so memory is bounded by the codes the
notices know, never by the roll's length."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..ir import nodes as ir
from ..runtime import core as rt
from ..runtime import strict_json
from ..base.exits import BAD_INPUT, Fail
from ..run.evaluate import Evaluator
from .diff_values import DAYS, Decider, compared, delta, is_level, same, show
from .years import HOW, date_facts, shift_raw

MAX_TRANSITIONS = 12  # per decision: the commonest (from, to) pairs of a window or a yes/no


def iter_roll(path: str):
    """(line or row number, case as read). JSONL here, strictly; CSV and Parquet by yibao.run.roll.files."""
    p = Path(path)
    if p.suffix.lower() in (".csv", ".parquet"):
        try:
            from ..run.roll.files import iter_cases
        except ImportError:
            raise Fail(BAD_INPUT, f"{path}: reading a {p.suffix} roll needs yibao.run.roll.files and its extra "
                       "(pip install 'yibao[columnar]'); a .jsonl roll needs nothing more") from None
        yield from enumerate(iter_cases(path), 1)
        return
    try:
        f = open(p, "rb")
    except OSError as exc:
        raise Fail(BAD_INPUT, f"cannot read {path}: {exc.strerror}") from None
    with f:
        for number, line in strict_json.lines(f):
            if isinstance(line, str) and not line.strip():
                continue
            try:
                if isinstance(line, strict_json.JSONError):
                    raise line
                yield number, strict_json.loads(line)
            except strict_json.JSONError as exc:
                raise Fail(BAD_INPUT, f"{path}:{number}: malformed JSON: {exc}") from None


class _Tally:
    """One decision's changes over some people."""
    __slots__ = ("changed", "increased", "decreased", "total", "newly_undecidable", "newly_decidable",
                 "low", "high", "transitions")

    def __init__(self):
        self.changed = self.increased = self.decreased = self.total = 0
        self.newly_undecidable = self.newly_decidable = 0
        self.low = self.high = None  # the smallest and largest change of one person
        self.transitions = Counter()

    def add(self, kind, a, b, years):
        if a is None:
            self.newly_decidable += 1
            return
        if b is None:
            self.newly_undecidable += 1
            return
        self.changed += 1
        d = delta(kind, a, b, years)
        if d is None:
            self.transitions[(show(kind, a), show(kind, b))] += 1
            return
        self.total += d
        self.low = d if self.low is None or d < self.low else self.low
        self.high = d if self.high is None or d > self.high else self.high
        if d > 0:
            self.increased += 1
        elif d < 0:
            self.decreased += 1

    def merge(self, other: "_Tally"):
        for name in self.__slots__[:-3]:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        lows, highs = [x for x in (self.low, other.low) if x is not None], [x for x in (self.high, other.high) if x is not None]
        self.low, self.high = min(lows, default=None), max(highs, default=None)
        self.transitions.update(other.transitions)

    def any(self) -> bool:
        return bool(self.changed or self.newly_undecidable or self.newly_decidable)


class RollDiff:
    def __init__(self, old: ir.Program, new: ir.Program, ev_old: Evaluator | None = None,
                 ev_new: Evaluator | None = None, adds: dict | None = None):
        self.old, self.new = old, new
        self.years = new.coverage - old.coverage
        self.eo, self.en = ev_old or Evaluator(old), ev_new or Evaluator(new)
        self.kinds = compared(self.eo, self.en)
        self.decide_old, self.decide_new = Decider(self.eo, self.kinds), Decider(self.en, self.kinds)
        self.dates = date_facts(old)
        self.people = 0
        self.cells: dict[tuple, list] = {}  # (group, tier, identities) → [people, {decision: _Tally}]
        # what the new notice adds, which the old population cannot hold: each person tried with it
        self.what_if = what_ifs(old, new, adds)
        self.if_tallies: dict[tuple, dict] = {w: {} for w in self.what_if}

    def add(self, where: str, raw):
        if isinstance(raw, dict) and "id" in raw:  # not a fact: it only joins results back to the roll
            if raw["id"].__class__ not in (str, int):
                raise Fail(BAD_INPUT, f"{where}: field `id`: a string or an integer")
            raw = {k: v for k, v in raw.items() if k != "id"}
        try:
            co = self.eo.decode(raw)
        except rt.CaseError as exc:
            raise Fail(BAD_INPUT, f"{where}: {exc}") from None
        try:
            cn = self.en.decode(shift_raw(raw, self.dates, self.years))
        except rt.CaseError as exc:
            raise Fail(BAD_INPUT, f"{where}: moved to {self.new.coverage} for {self.new.document}: {exc}") from None
        vo, vn = self.decide_old(co), self.decide_new(cn)
        key = (co.get("group"), co.get("tier"), tuple(sorted(co.get("identities") or ())))
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = [0, {}]
        cell[0] += 1
        self.people += 1
        tallies, years = cell[1], self.years
        for name, kind in self.kinds.items():
            a, b = vo.get(name), vn.get(name)
            if not same(kind, a, b, years):
                t = tallies.get(name)
                if t is None:
                    t = tallies[name] = _Tally()
                t.add(kind, a, b, years)
        facts = {k: v for k, v in cn.items() if not k.startswith("@")} if self.what_if else cn  # not the answers kept
        for w in self.what_if:  # the person as the old notice answers, against the new with what it adds
            fact, value = w
            case = {**facts, fact: (facts.get("identities") or frozenset()) | {value}} if fact == "identities" \
                else {**facts, fact: value}
            vw, tallies = self.decide_new(case), self.if_tallies[w]
            for name, kind in self.kinds.items():
                a, b = vo.get(name), vw.get(name)
                if not same(kind, a, b, years):
                    tallies.setdefault(name, _Tally()).add(kind, a, b, years)

    def run(self, path: str) -> dict:
        for number, raw in iter_roll(path):
            self.add(f"{path}:{number}", raw)
        return self.result(path)

    # ---- the result, biggest changes first ----
    def _entry(self, name: str, t: _Tally) -> dict:
        kind = self.kinds[name]
        out = {"decision": name, "kind": kind, "changed": t.changed, "newly_undecidable": t.newly_undecidable,
               "newly_decidable": t.newly_decidable}
        if kind == "money" and is_level(name):
            # a threshold, limit or standard: its change a person, never added across people
            out.update(unit="yuan", level=True, increased=t.increased, decreased=t.decreased,
                       each=None if t.low is None else {"low": _money(t.low), "high": _money(t.high)})
        elif kind == "money":
            out.update(unit="yuan", level=False, increased=t.increased, decreased=t.decreased, total=_money(t.total))
        elif kind in ("date", DAYS, "int"):
            out.update(unit="days" if kind in ("date", DAYS) else "", increased=t.increased,
                       decreased=t.decreased, total=t.total)
        else:
            out["transitions"] = [{"from": a, "to": b, "people": n}
                                  for (a, b), n in t.transitions.most_common(MAX_TRANSITIONS)]
        rank = (1 if out.get("level") else 0) if kind == "money" else 2 if "unit" in out else 3
        out["_size"] = (rank, 0 if out.get("level") else -abs(t.total),
                        -(t.changed + t.newly_undecidable + t.newly_decidable))
        return out

    def result(self, path: str) -> dict:
        totals: dict[str, _Tally] = {}
        rows = []
        for (group, tier, idents), (people, tallies) in self.cells.items():
            for name, t in tallies.items():
                totals.setdefault(name, _Tally()).merge(t)
                if t.any():
                    rows.append({"group": group, "tier": tier, "identities": list(idents), "people": people,
                                 **self._entry(name, t)})
        decisions = [self._entry(n, totals[n]) for n in self.kinds if n in totals and totals[n].any()]
        unchanged = [n for n in self.kinds if n not in totals or not totals[n].any()]
        for part in (decisions, rows):
            part.sort(key=lambda e: e.pop("_size") + (str(e.get("group")), str(e.get("tier")),
                                                       e.get("identities", []), e["decision"]))
        what_if = [{"fact": fact, "value": show("", value),
                    "decisions": [self._entry_sized(n, t) for n, t in tallies.items() if t.any()]}
                   for (fact, value), tallies in self.if_tallies.items()]
        return {"path": path, "people": self.people, "years_moved": self.years,
                "dates": HOW.format(years=self.years), "decisions": decisions, "unchanged": unchanged,
                "groups": rows, "what_if": what_if}

    def _entry_sized(self, name: str, t: _Tally) -> dict:
        e = self._entry(name, t)
        e.pop("_size")
        return e


def what_ifs(old: ir.Program, new: ir.Program, adds: dict | None) -> list[tuple]:
    """(fact, value) for each identity code and each value but the default of each fact that only the
    new notice knows: a roll of the old population holds none of them."""
    from .diff_adds import added
    from ..analysis.rules import ABSENT, CaseGenerator
    adds = adds if adds is not None else added(old, new)
    out = [("identities", code) for code in adds["identities"]]
    if adds["facts"]:
        gen = CaseGenerator(new)
        for fact in adds["facts"]:
            default = new.facts[fact].default
            out += [(fact, v) for v in gen.values(fact)[:MAX_WHAT_IF] if v is not ABSENT and v != default]
    return out


MAX_WHAT_IF = 6  # values a roll tries an added fact at (each costs a pass of the new notice)


def _money(fen: int) -> str:
    return ("-" if fen < 0 else "") + rt.money_out(abs(fen))

"""The checked IR: names resolved, types known, operators specialised, rules ordered.

Runtime values: money is an int of fen, a rate a Fraction, a date a datetime.date, an enum
member its interface code (str or int), a set a frozenset of codes, days and months ints.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from ..language.ast import Citation
from ..base.source import Span

# ---- types ---------------------------------------------------------------------
MONEY, INT, RATE, DATE, DAYS, MONTHS, BOOL, TEXT, ANY = (
    "money", "int", "rate", "date", "days", "months", "bool", "text", "any")
# money divided and not yet rounded: an exact fraction of a fen (a Fraction at run time), which only
# `round … to 元 half up` (or a division the checker proves exact) turns back into money
EXACT = "exact"
ORDERED = {MONEY, INT, RATE, DATE, DAYS, MONTHS}


def enum_t(name: str) -> tuple:
    return ("enum", name)


def set_t(name: str | None) -> tuple:
    return ("set", name)


def show_type(t) -> str:
    if isinstance(t, tuple):
        return t[1] if t[0] == "enum" else f"set of {t[1] or '…'}"
    return {"rate": "a rate", "any": "anything", "exact": "an unrounded amount"}.get(t, t)


# ---- expressions -----------------------------------------------------------------
def _sp():
    return field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Const:
    value: Any
    type: Any
    span: Span | None = _sp()


@dataclass(frozen=True)
class Fact:
    name: str
    type: Any
    span: Span | None = _sp()


@dataclass(frozen=True)
class Ref:
    """A let, decision or table of the program."""
    name: str
    type: Any
    span: Span | None = _sp()


@dataclass(frozen=True)
class ParamAt:
    name: str
    year: "Expr"
    type: Any
    span: Span | None = _sp()


@dataclass(frozen=True)
class Unknown:
    reason: str
    type: Any = ANY
    span: Span | None = _sp()
    low: Any = None  # bounds the notice states (runtime values), e.g. 不低于1000元
    high: Any = None

    @property
    def bounded(self) -> bool:
        return self.low is not None or self.high is not None


@dataclass(frozen=True)
class Given:
    fact: str
    type: Any = BOOL
    span: Span | None = _sp()


@dataclass(frozen=True)
class Op:
    """A typed operator; the name says what it does (add_money, date_plus_months, pct, …)."""
    op: str
    args: tuple["Expr", ...]
    type: Any
    span: Span | None = _sp()


@dataclass(frozen=True)
class IfE:
    cond: "Expr"
    then: "Expr"
    orelse: "Expr"
    type: Any
    span: Span | None = _sp()


@dataclass(frozen=True)
class Outside:
    """The case lies outside the notice's domain: undecidable with this message. `parts` are text
    and expressions whose values are written into it."""
    parts: tuple
    type: Any = ANY
    span: Span | None = _sp()


@dataclass(frozen=True)
class Domains:
    """A guarded decision: `value`, unless a check's condition holds (then its Outside). A check that
    holds wins over one that cannot be decided; only where none holds does an undecided one make the
    decision undecidable."""
    checks: tuple  # of (condition, Outside)
    value: "Expr"
    type: Any
    span: Span | None = _sp()


@dataclass(frozen=True)
class With:
    """`expr` for the same case with one fact changed (invariants only: never in generated code)."""
    expr: "Expr"
    fact: str
    value: "Expr"
    type: Any
    span: Span | None = _sp()


Expr = Const | Fact | Ref | ParamAt | Unknown | Given | Op | IfE | Outside | Domains | With


def children(e) -> tuple:
    """The direct subexpressions of an expression."""
    if isinstance(e, Op):
        return e.args
    if isinstance(e, IfE):
        return (e.cond, e.then, e.orelse)
    if isinstance(e, ParamAt):
        return (e.year,)
    if isinstance(e, Outside):
        return tuple(p for p in e.parts if not isinstance(p, str))
    if isinstance(e, With):
        return (e.expr, e.value)
    if isinstance(e, Domains):
        return tuple(x for check in e.checks for x in check) + (e.value,)
    return ()


def rebuild(e, fn):
    """The expression with `fn` applied to every node, children first (a node fn leaves alone is kept)."""
    if isinstance(e, Op):
        e = replace(e, args=tuple(rebuild(a, fn) for a in e.args))
    elif isinstance(e, IfE):
        e = replace(e, cond=rebuild(e.cond, fn), then=rebuild(e.then, fn), orelse=rebuild(e.orelse, fn))
    elif isinstance(e, ParamAt):
        e = replace(e, year=rebuild(e.year, fn))
    elif isinstance(e, Outside):
        e = replace(e, parts=tuple(p if isinstance(p, str) else rebuild(p, fn) for p in e.parts))
    elif isinstance(e, With):
        e = replace(e, expr=rebuild(e.expr, fn), value=rebuild(e.value, fn))
    elif isinstance(e, Domains):
        e = replace(e, checks=tuple((rebuild(c, fn), rebuild(o, fn)) for c, o in e.checks), value=rebuild(e.value, fn))
    return fn(e)


def subexprs(e):
    """Every node of an expression, itself first."""
    todo = [e]
    while todo:
        x = todo.pop()
        if x is None:
            continue
        yield x
        todo += list(children(x))


def definition_exprs(d: "Definition"):
    """Every expression a definition evaluates: its value, rules' guards and values, table keys,
    rows and default."""
    if d.expr is not None:
        yield d.expr
    for r in d.rules or ():
        if r.guard is not None:
            yield r.guard
        yield r.value
    if d.table is not None:
        yield from (k.expr for k in d.table.keys)
        yield from (r.value for r in d.table.rows)
        if d.table.default is not None:
            yield d.table.default


def facts_read(program, exprs) -> set:
    """The facts some expressions read, through the definitions they refer to."""
    out: set = set()
    for e in exprs:
        for x in subexprs(e):
            if isinstance(x, (Fact, Given)):
                out.add(x.name if isinstance(x, Fact) else x.fact)
            elif isinstance(x, Ref):
                out |= _definition_facts(program, x.name)
    return out


def _definition_facts(program, name: str) -> frozenset:
    """The facts a definition reads, through those it refers to (worked out once per program: the
    analyses ask for thousands of expressions over the same definitions)."""
    cache = program.__dict__.setdefault("_facts_read", {})
    facts = cache.get(name)
    if facts is None:
        cache[name] = frozenset()  # (a definition that refers to itself adds nothing more)
        d = program.definitions.get(name)
        facts = cache[name] = frozenset(facts_read(program, definition_exprs(d))) if d is not None else frozenset()
    return facts


# ---- definitions ---------------------------------------------------------------------
RAW = "#raw"  # suffix of a guarded decision's own value (domains.py)


def public_name(name: str) -> str:
    """The name a person knows a definition by (a guarded decision's raw value is the decision)."""
    return name.removesuffix(RAW)


@dataclass(frozen=True)
class RuleIR:
    id: str  # "benefit_start#集中期" — stable, for coverage and explanations
    label: str | None
    kind: str  # when | always | otherwise
    guard: Expr | None
    value: Expr
    citation: Citation | None
    document: str  # where the citation points
    overrides: tuple[str, ...] = ()  # labels of the rules this one is an exception to
    span: Span | None = _sp()


@dataclass(frozen=True)
class TableKey:
    expr: Expr
    mode: str  # eq | member (the key is a set: a row matches when its cell is in it)
    enum: str


@dataclass(frozen=True)
class RowIR:
    id: str
    cells: tuple[frozenset | None, ...]  # None: any value
    value: Expr
    citation: Citation | None
    document: str
    span: Span | None = _sp()


@dataclass(frozen=True)
class TableIR:
    keys: tuple[TableKey, ...]
    rows: tuple[RowIR, ...]
    hit: str  # best | first | unique
    default: Expr | None


@dataclass
class Definition:
    name: str
    kind: str  # let | decision | table
    type: Any
    description: str | None
    document: str  # the notice that declared it
    span: Span | None
    expr: Expr | None = None  # `= value`
    citation: Citation | None = None
    rules: tuple[RuleIR, ...] | None = None  # in priority order
    table: TableIR | None = None
    overridden: bool = False  # this notice overrides an inherited definition

    @property
    def exported(self) -> bool:
        return self.kind == "decision" and not self.name.endswith(RAW)


@dataclass(frozen=True)
class FactInfo:
    name: str
    type: Any
    default: Any  # runtime value, or NO_DEFAULT
    description: str | None
    non_negative: bool = False


class _NoDefault:
    def __repr__(self):
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()


@dataclass(frozen=True)
class EnumInfo:
    name: str
    description: str | None
    members: tuple[tuple[str, Any, tuple[str, ...]], ...]  # (name, code, labels)

    def codes(self) -> list:
        return [code for _, code, _ in self.members]

    def aliases(self) -> dict:
        """Every spelling a case may use → the code."""
        out = {}
        for name, code, labels in self.members:
            out[code] = code
            out[name] = code
            for label in labels:
                out[label] = code
        return out

    def name_of(self, code) -> str:
        return next(n for n, c, _ in self.members if c == code)

    def code_of(self, name: str):
        """The code of the member of this name (the first, as declared), or None."""
        return self._codes_by_name.get(name)

    @cached_property
    def _codes_by_name(self) -> dict:  # built once: a table with a row per member stays linear in its rows
        return {n: c for n, c, _ in reversed(self.members)}


@dataclass(frozen=True)
class ParamIR:
    name: str
    type: Any
    description: str | None
    values: dict  # year → runtime value (or an Unknown)
    citations: dict  # year → (Citation, document)


@dataclass(frozen=True)
class DataIR:
    name: str
    columns: tuple[tuple[str, Any], ...]
    rows: tuple[tuple, ...]
    citation: Citation | None


@dataclass(frozen=True)
class InvariantIR:
    name: str
    description: str | None
    document: str  # where it is declared (a library's name for a library)
    when: Expr | None
    holds: Expr | None
    undecided: tuple[str, ...]
    span: Span | None = _sp()


@dataclass(frozen=True)
class ConstraintIR:
    name: str
    when: Expr
    because: str
    facts: tuple[str, ...]  # the facts it reads: the fields a bad case names
    span: Span | None = _sp()


@dataclass
class Program:
    document: str
    title: str | None
    issuers: tuple[str, ...]
    issued: Any  # date or Unknown
    printed: Any
    coverage: int
    jurisdiction: str | None
    implements: str | None
    implements_external: bool
    path: str
    enums: dict[str, EnumInfo]
    facts: dict[str, FactInfo]
    definitions: dict[str, Definition]  # in dependency order
    params: dict[str, ParamIR]
    data: dict[str, DataIR]
    status: str | None = None  # draft | in force | superseded, where the header says
    number_unknown: str | None = None  # why the document number is a placeholder
    issuers_unknown: str | None = None
    invariants: list[InvariantIR] = field(default_factory=list)
    constraints: list[ConstraintIR] = field(default_factory=list)
    domains: dict[str, str] = field(default_factory=dict)  # guarded decision → its raw definition

    @property
    def decisions(self) -> list[str]:
        return [d.name for d in self.definitions.values() if d.exported]

    def rule_ids(self) -> list[str]:
        """Every rule and table row, for coverage."""
        ids = []
        for d in self.definitions.values():
            if d.rules:
                ids += [r.id for r in d.rules]
            if d.table:
                ids += [r.id for r in d.table.rows]
        return ids

"""The checked IR: names resolved, types known, operators specialised, rules ordered.

Runtime values: money is an int of fen, a rate a Fraction, a date a datetime.date, an enum
member its interface code (str or int), a set a frozenset of codes, days and months ints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ast import Citation
from .source import Span

# ---- types ---------------------------------------------------------------------
MONEY, INT, RATE, DATE, DAYS, MONTHS, BOOL, TEXT, ANY = (
    "money", "int", "rate", "date", "days", "months", "bool", "text", "any")
ORDERED = {MONEY, INT, RATE, DATE, DAYS, MONTHS}


def enum_t(name: str) -> tuple:
    return ("enum", name)


def set_t(name: str | None) -> tuple:
    return ("set", name)


def show_type(t) -> str:
    if isinstance(t, tuple):
        return t[1] if t[0] == "enum" else f"set of {t[1] or '…'}"
    return {"rate": "a rate", "any": "anything"}.get(t, t)


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


Expr = Const | Fact | Ref | ParamAt | Unknown | Given | Op | IfE


def children(e) -> tuple:
    """The direct subexpressions of an expression."""
    if isinstance(e, Op):
        return e.args
    if isinstance(e, IfE):
        return (e.cond, e.then, e.orelse)
    if isinstance(e, ParamAt):
        return (e.year,)
    return ()


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


# ---- definitions ---------------------------------------------------------------------
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
        return self.kind == "decision"


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

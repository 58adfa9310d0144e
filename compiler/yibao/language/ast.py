"""The policy AST: frozen dataclasses, one per construct, each with a span.

Spans do not take part in equality, so parse(print(ast)) == ast holds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..base.source import Span


def _span():
    return field(default=None, compare=False, repr=False)


# ---- types -------------------------------------------------------------------
@dataclass(frozen=True)
class NamedType:
    name: str
    span: Span | None = _span()


@dataclass(frozen=True)
class SetType:
    element: str
    span: Span | None = _span()


TypeExpr = NamedType | SetType


# ---- expressions ---------------------------------------------------------------
@dataclass(frozen=True)
class NumberLit:
    text: str  # digits as written, e.g. "380" or "12.5"
    unit: str | None  # 元 yuan % days 日 天 months 个月
    span: Span | None = _span()


@dataclass(frozen=True)
class DateLit:
    value: dt.date
    span: Span | None = _span()
    carried_from: dt.date | None = field(default=None, compare=False, repr=False)  # the parent's date it advances


@dataclass(frozen=True)
class StringLit:
    value: str
    span: Span | None = _span()


@dataclass(frozen=True)
class BoolLit:
    value: bool
    span: Span | None = _span()


@dataclass(frozen=True)
class UnknownLit:
    reason: str | None
    span: Span | None = _span()
    low: "NumberLit | None" = None  # `unknown at least 1000 元`, `… at most …`, `… between … and …`
    high: "NumberLit | None" = None


@dataclass(frozen=True)
class Name:
    name: str
    span: Span | None = _span()


@dataclass(frozen=True)
class Qualified:
    enum: str
    member: str
    span: Span | None = _span()


@dataclass(frozen=True)
class NoticeRef:
    """`渝医保发〔2025〕42号.集中缴费开始`: a definition as an implemented notice states it."""
    document: str
    name: str
    span: Span | None = _span()


@dataclass(frozen=True)
class SetLit:
    members: tuple[str, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple["Expr", ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Round:
    """round X to 元 half up: an amount rounded to a unit (元, 角, 分) by a stated mode."""
    operand: "Expr"
    unit: str  # 元 | 角 | 分
    mode: str  # half_up | down | up
    span: Span | None = _span()


@dataclass(frozen=True)
class DateIdiom:
    """day after D · first day of month after D · start of year Y · end of year Y."""
    idiom: str  # day_after | first_of_next_month | year_start | year_end
    operand: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / of and or = != < <= > >=
    left: "Expr"
    right: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class Unary:
    op: str  # not, -
    operand: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class InRange:
    value: "Expr"
    low: "Expr"
    high: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class MemberOf:
    value: "Expr"
    collection: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class Overlaps:
    left: "Expr"
    right: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class IsGiven:
    name: str
    span: Span | None = _span()


@dataclass(frozen=True)
class If:
    cond: "Expr"
    then: "Expr"
    orelse: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class Index:
    base: "Expr"
    index: "Expr"
    span: Span | None = _span()


@dataclass(frozen=True)
class With:
    """`expr with fact = value`: the expression for the same case with one fact changed (invariants only)."""
    expr: "Expr"
    fact: str
    value: "Expr"
    span: Span | None = _span()


Expr = (NumberLit | DateLit | StringLit | BoolLit | UnknownLit | Name | Qualified | NoticeRef | SetLit | Call | Round
        | DateIdiom | Binary | Unary | InRange | MemberOf | Overlaps | IsGiven | If | Index | With)


# ---- citations and values --------------------------------------------------------
@dataclass(frozen=True)
class Citation:
    clause: str  # without the §
    document: str | None  # None: the notice the declaration belongs to
    quote: str
    note: str | None = None
    derived: str | None = None  # how the rule's figures follow from the quote (670 = 700 − 30)
    span: Span | None = _span()


@dataclass(frozen=True)
class Value:
    expr: Expr
    printed: NumberLit | None = None  # the figure the notice prints beside the rule
    span: Span | None = _span()


# ---- declarations ------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    document: str
    title: str | None = None
    issuers: tuple[str, ...] = ()
    issued: dt.date | UnknownLit | None = None
    printed: dt.date | UnknownLit | None = None
    coverage: int | None = None
    jurisdiction: str | None = None
    implements: str | None = None
    implements_external: bool = False
    implements_declared: bool = False  # `implements none` was written
    advanced: int | None = None  # `implements DOC advanced N years`: the parent carried N years later
    advanced_citation: "Citation | None" = None  # the clause that says so (相应年度顺延一年)
    number_unknown: UnknownLit | None = None  # the document number is a placeholder (a draft's)
    issuers_unknown: UnknownLit | None = None
    status: str | None = None  # draft | in force | superseded
    span: Span | None = _span()


@dataclass(frozen=True)
class Library:
    name: str
    description: str | None = None
    span: Span | None = _span()


@dataclass(frozen=True)
class Use:
    name: str
    span: Span | None = _span()


@dataclass(frozen=True)
class Member:
    name: str
    code: str | int | None
    labels: tuple[str, ...] = ()
    span: Span | None = _span()


@dataclass(frozen=True)
class EnumDecl:
    name: str
    description: str | None
    members: tuple[Member, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class MemberAddition:
    """A member an extension adds, or labels it adds to an existing member (code None)."""
    name: str
    code: str | int | None
    labels: tuple[str, ...]
    citation: Citation | None
    span: Span | None = _span()


@dataclass(frozen=True)
class EnumExtend:
    name: str
    members: tuple[MemberAddition, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class FactDecl:
    name: str
    type: TypeExpr
    default: Expr | None
    description: str | None
    span: Span | None = _span()


@dataclass(frozen=True)
class Rule:
    kind: str  # when | always | otherwise
    label: str | None
    overrides: tuple[str, ...]
    citation: Citation | None
    guard: Expr | None
    value: Value
    span: Span | None = _span()


@dataclass(frozen=True)
class Definition:
    kind: str  # let | decision
    override: bool
    name: str
    type: TypeExpr | None
    description: str | None
    value: Value | None  # `= value citation`
    citation: Citation | None
    rules: tuple[Rule, ...] | None  # `{ rule … }`
    span: Span | None = _span()


@dataclass(frozen=True)
class Extend:
    name: str
    rules: tuple[Rule, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class ParamValue:
    year: int
    value: Value
    citation: Citation | None
    span: Span | None = _span()


@dataclass(frozen=True)
class ParamDecl:
    override: bool
    name: str
    type: TypeExpr
    description: str | None
    values: tuple[ParamValue, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Cell:
    kind: str  # name | any | set
    names: tuple[str, ...] = ()
    span: Span | None = _span()


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    value: Value
    citation: Citation | None
    span: Span | None = _span()


@dataclass(frozen=True)
class TableDecl:
    override: bool
    name: str
    keys: tuple[Expr, ...]
    type: TypeExpr
    description: str | None
    hit: str  # best | first | unique
    hit_citation: Citation | None
    default: Value | None
    default_citation: Citation | None
    rows: tuple[Row, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Column:
    name: str
    type: TypeExpr
    span: Span | None = _span()


@dataclass(frozen=True)
class Total:
    column: str
    printed: NumberLit
    citation: Citation | None
    span: Span | None = _span()


@dataclass(frozen=True)
class DataDecl:
    name: str
    columns: tuple[Column, ...]
    citation: Citation | None
    rows: tuple[tuple[Expr, ...], ...]
    totals: tuple[Total, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class DomainDecl:
    """Where the notice does not speak: for these decisions, a case where `excludes` holds is
    undecidable with `because` (placeholders `{name}`, `{decision}`, `{document}`)."""
    override: bool
    name: str
    decisions: tuple[str, ...]
    citation: Citation | None
    excludes: Expr
    because: str
    span: Span | None = _span()


@dataclass(frozen=True)
class InvariantDecl:
    """A property proved at check time: `holds` in every case where `when` holds, or the decisions
    named by `undecided` give no answer there."""
    name: str
    description: str | None
    when: Expr | None
    holds: Expr | None
    undecided: tuple[str, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class ConstraintDecl:
    """Facts that contradict each other: a case where `when` holds is bad input."""
    name: str
    when: Expr
    because: str
    span: Span | None = _span()


Item = (Header | Library | Use | EnumDecl | EnumExtend | FactDecl | Definition | Extend | ParamDecl | TableDecl | DataDecl
        | DomainDecl | InvariantDecl | ConstraintDecl)


@dataclass(frozen=True)
class Module:
    """One policy file."""
    items: tuple[Item, ...]
    span: Span | None = _span()

    @property
    def header(self) -> Header | None:
        return next((i for i in self.items if isinstance(i, Header)), None)

    @property
    def library(self) -> Library | None:
        return next((i for i in self.items if isinstance(i, Library)), None)

"""Quotes that support their rule: each literal figure a construct uses appears in its own quote in the
notice's notation (or the citation says how it is `derived`), and each quote lies within one clause.

Figures are matched in the notice's notation: `380 元` ↔ 380元 / 380 元 / 380元/人·年; `90%` ↔ 90%;
`2024-09-30` ↔ 2024年9月30日 (the year may be left out after 至/到 when the quote gave it earlier:
"2024 年 1 月 1 日至 2 月 29日"; "M月底" is the month's last day); `90 days` ↔ 90日 / 90天;
`3 months` ↔ 3个月; a bare count `4` ↔ 4. A number never matches inside a longer one (12 ≠ 120).

Clauses come from the notice's own structure markers: numbered items at the start of a line
(一、 （一） 1.), a table's serial-number lines (1 … 合计), and the rows of a table priced by tier
("N 档", a row ending with its standard: "1 档 90%（342 元）"). A quote that crosses one spans two
clauses.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from ..language import ast as A

_NUM = r"(?<![\d.．])(\d+(?:\.\d+)?)"
_FIGURES = {
    "money": re.compile(_NUM + r"\s*元"),
    "rate": re.compile(_NUM + r"\s*[%％]"),
    "days": re.compile(_NUM + r"\s*[日天]"),
    "months": re.compile(_NUM + r"\s*个\s*月"),
    "count": re.compile(_NUM + r"(?![\d])"),
}
_KIND = {"元": "money", "yuan": "money", "%": "rate", "days": "days", "日": "days", "天": "days",
         "months": "months", "个月": "months", None: "count"}
_DATE = re.compile(r"(?<!\d)(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底))")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")

# a heading that prints a money unit for its column: （元）, （元/人·年）, 元/人
_HEADING_YUAN = re.compile(r"[（(]\s*元|元\s*/")

# numbered items and a table's serial numbers, at the start of a line
_ITEM = re.compile(r"^[ \t\u3000]*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.．、]|(?:\d{1,2}|合计)[ \t]*$)",
                   re.MULTILINE)
# a tier row: its tier cell, then its standard (the first figure after it)
_TIER = re.compile(r"(?:^|(?<=\s))\d\s*档")
_STANDARD = re.compile(r"\d+(?:\.\d+)?\s*%\s*(?:（\s*\d+(?:\.\d+)?\s*元\s*）)?|（\s*\d+(?:\.\d+)?\s*元\s*）|\d+(?:\.\d+)?\s*元")


# ---- the notation matcher ---------------------------------------------------------------------
def figures(quote: str, kind: str) -> set:
    """The figures of one kind a quote states: Decimals, or dates for kind "date"."""
    if kind == "date":
        return set(_dates(quote))
    pattern = _FIGURES[kind]
    out = set()
    for m in pattern.finditer(quote):
        if kind == "days" and re.search(r"月\s*$", quote[:m.start()]):
            continue  # 9 月 30 日 is a day of a month, not 30 days
        out.add(Decimal(m.group(1)))
    return out


def _dates(quote: str):
    for m in _DATE.finditer(quote):
        year = m.group(1)
        if year is None:
            # an elided year: only in a range whose start gave it ("2024 年 1 月 1 日至 2 月 29日")
            earlier = list(_YEAR.finditer(quote, 0, m.start()))
            if not earlier or not re.search(r"[至到]", quote[earlier[-1].end():m.start()]):
                continue
            year = earlier[-1].group(1)
        y, mo = int(year), int(m.group(2))
        if not 1 <= mo <= 12:
            continue
        day = calendar.monthrange(y, mo)[1] if m.group(4) else int(m.group(3))
        try:
            yield dt.date(y, mo, day)
        except ValueError:
            continue


def stated(lit, quote: str, heading: str | None = None) -> bool:
    """Does the quote state this literal (a NumberLit or DateLit) in the notice's notation? A table's
    heading that prints the unit (`资助标准（元/人·年）`) lets its rows print the bare number (`315（90%）`)."""
    if isinstance(lit, A.DateLit):
        return (lit.carried_from or lit.value) in figures(quote, "date")  # the parent's words state its own day
    value, kind = Decimal(lit.text), _KIND.get(lit.unit, "count")
    if value in figures(quote, kind):
        return True
    return kind == "money" and heading is not None and _HEADING_YUAN.search(heading) is not None \
        and value in figures(quote, "count") - figures(quote, "rate")


def show(lit) -> str:
    if isinstance(lit, A.DateLit):
        return lit.value.isoformat()
    if lit.unit == "%":
        return f"{lit.text}%"
    return f"{lit.text} {lit.unit}" if lit.unit else lit.text


def literals(*nodes) -> list:
    """The literal figures (numbers, dates, printed figures) a construct uses directly, in source order.

    A parameter's year in `P[2025]` names a year, not a figure, and is left out."""
    out = []

    def walk(n):
        if isinstance(n, (A.NumberLit, A.DateLit)):
            out.append(n)
        elif isinstance(n, A.Index):
            walk(n.base)
        elif isinstance(n, tuple):
            for x in n:
                walk(x)
        elif dataclasses.is_dataclass(n) and not isinstance(n, type):
            for f in dataclasses.fields(n):
                if f.name != "span":
                    walk(getattr(n, f.name))

    for n in nodes:
        walk(n)
    return out


# ---- clauses ----------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def boundaries(raw: str) -> tuple[int, ...]:
    """Where a new clause starts, as offsets into the notice's text with white space removed."""
    before = [0]
    for ch in raw:
        before.append(before[-1] + (not ch.isspace()))
    found = set()
    for m in _ITEM.finditer(raw):
        found.add(before[m.end() - len(m.group(0).lstrip())])
    for m in _TIER.finditer(raw):
        cell = _STANDARD.search(raw, m.end())
        if cell:
            found.add(before[cell.end()])  # the row ends with its standard; what follows is the next row's
    return tuple(sorted(found))


def crossing(text: str, raw: str, quote: str) -> int | None:
    """None if some occurrence of the quote (white space removed) lies within one clause; else where
    the first occurrence crosses a clause boundary (an offset into the quote)."""
    bounds = boundaries(raw)
    first = None
    i = text.find(quote)
    while i >= 0:
        inside = [b for b in bounds if i < b < i + len(quote)]
        if not inside:
            return None
        if first is None:
            first = inside[0] - i
        i = text.find(quote, i + 1)
    return first


# ---- the pass ---------------------------------------------------------------------------------
def check_support(checker, texts, document: str, citation: A.Citation, uses, heading: str | None = None) -> None:
    """Report a quote that spans two clauses (W403) and each literal of `uses` its quote does not state
    (W402), unless the citation says how the figure is `derived`."""
    from .texts import squeeze
    q = squeeze(citation.quote)
    at = crossing(texts.texts[document], texts.raw[document], q)
    if at is not None:
        checker.error("W403", f"the quote spans two clauses of {document}", citation.span,
                      "crosses a numbered item or a table row",
                      notes=[f"“{q[:at]}” | “{q[at:]}”: a new item or row starts at the bar"],
                      hint="quote the words of the one item or row that states the rule")
    if citation.derived is not None:
        return
    for lit in literals(*uses):
        if not stated(lit, citation.quote, heading):
            checker.error("W402", f"{show(lit)} is not in its quote “{citation.quote}”", lit.span,
                          "not stated by the quote",
                          hint="quote the words that state it, or add `derived \"…\"` saying how it follows")


# ---- a quote that states the opposite rule ----------------------------------------------------
# words by which a notice takes a benefit away; a rule citing them should take it away too
_DENIAL = re.compile(r"不再享受|不享受|不予|不得享受")
# what a person pays: 0 is the grant (no part to bear); what a person gets: any answer is one
_PAYS = frozenset({"contribution", "self_borne_fiscal_subsidy", "amount_due"})
_GETS = frozenset({"assistance", "cesarean_benefit", "critical_illness_limit_increase", "benefit_start", "benefit_end"})


def check_polarity(checker, decision: str, citation: A.Citation | None, value, span) -> None:
    """W405: a rule that grants (a benefit, a date of benefits, no part to bear) citing words that deny
    it ("不再享受财政补助" for a fiscal part of 0): the quote states the opposite rule."""
    from ..ir import nodes as ir
    if citation is None or decision not in _PAYS | _GETS:
        return
    m = _DENIAL.search(citation.quote)
    if m is None or isinstance(value, (ir.Unknown, ir.Outside)):
        return
    if decision in _PAYS:
        grants = isinstance(value, ir.Const) and value.value == 0
    else:
        grants = not (isinstance(value, ir.Const) and value.type == ir.MONEY and value.value == 0)
    if grants:
        checker.error("W405", f"the quote says “{m.group(0)}” but this rule grants: {decision} = "
                      f"{_shown(value)}", citation.span, "states the opposite rule",
                      hint="cite the sentence that grants it: a reader checks an answer against its quote")


def _shown(value) -> str:
    from ..ir import nodes as ir
    if isinstance(value, ir.Const) and value.type == ir.MONEY:
        return f"{Decimal(value.value) / 100:.2f} 元"
    return "a value" if not isinstance(value, ir.Const) else str(value.value)

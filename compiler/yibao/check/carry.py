"""Carrying a parent forward: `implements DOC advanced N years` (其余条款视为沿用，相应年度顺延一年).

The notice inherits its parent as if every year of it were N later: each date the parent (and its
ancestors) write moves N years, to the same month and day (a month's last day stays its month's last
day: 2026年2月底 becomes 2027-02-28, then 2028-02-29); a parameter's year read as `P[2025]` moves too;
`coverage_year`, `issue_date` and `print_date` in an inherited declaration are this notice's. What
the notice changes it states as written (its own declarations and overrides are not moved). Each
moved date is listed by the check: one note (I610) where the header cites the clause that carries
the parent, else a W610 per date, so a draft cannot carry a date silently.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt

from ..language import ast as A


@dataclasses.dataclass(frozen=True)
class Moved:
    """One date of the parent carried forward, in the declaration that writes it."""
    name: str  # the declaration (a definition, table, domain …) that writes it
    table: str  # which of the namespace's tables holds it: decls, domains or constraints
    old: str
    new: str
    span: object


def years_word(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def advance_date(d: dt.date, years: int) -> dt.date:
    year = d.year + years
    last = calendar.monthrange(year, d.month)[1]
    if d.day == calendar.monthrange(d.year, d.month)[1]:
        return dt.date(year, d.month, last)  # 月底 stays 月底
    return dt.date(year, d.month, min(d.day, last))


def advance(node, years: int, name, moved: list[Moved]):
    """A copy of an AST node with every date (and parameter year) N years later."""
    if isinstance(node, A.DateLit):
        new = advance_date(node.value, years)
        moved.append(Moved(*name, node.value.isoformat(), new.isoformat(), node.span))
        return dataclasses.replace(node, value=new, carried_from=node.carried_from or node.value)
    if isinstance(node, A.Index) and isinstance(node.index, A.NumberLit) and node.index.unit is None \
            and node.index.text.isdigit():
        year = str(int(node.index.text) + years)
        moved.append(Moved(*name, f"[{node.index.text}]", f"[{year}]", node.index.span))
        return dataclasses.replace(node, base=advance(node.base, years, name, moved),
                                   index=dataclasses.replace(node.index, text=year))
    if isinstance(node, (A.ParamDecl, A.Citation)):
        return node  # values by year name their years; a quote keeps the parent's words
    if isinstance(node, tuple):
        return tuple(advance(x, years, name, moved) for x in node)
    if isinstance(node, list):
        return [advance(x, years, name, moved) for x in node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: advance(getattr(node, f.name), years, name, moved)
                   for f in dataclasses.fields(node) if f.name != "span"}
        if all(changes[k] is getattr(node, k) for k in changes):
            return node
        return dataclasses.replace(node, **changes)
    return node


def carry(checker, ns, parent, header: A.Header, decl_type) -> None:
    """Move the inherited declarations of `ns` (copied from `parent`) N years forward."""
    years = header.advanced
    stated = parent.header.coverage if parent.header else None
    if not years or stated is None or header.coverage != stated + years:
        checker.error("E613", f"`advanced {years}` from {parent.document} (coverage {stated}) gives coverage "
                      f"{(stated or 0) + (years or 0)}, but this notice covers {header.coverage}", header.span,
                      "the years do not add up",
                      hint=f"write `advanced {years_word((header.coverage or 0) - (stated or 0))}`, or correct `coverage`")
        return
    notices = set(parent.headers)  # the parent and its ancestors; libraries' words are of no year
    ns.carried = {doc: ns.document for doc in notices}  # their notice facts are this notice's
    moved: list[Moved] = []

    def moved_copy(decl, name):  # name: (its name, its table)
        if decl.document not in notices:
            return decl
        ext = [(advance(e, years, name, moved), doc) if doc in notices else (e, doc) for e, doc in decl.extensions]
        return decl_type(advance(decl.node, years, name, moved), decl.document, decl.file, ext)

    ns.decls = {k: moved_copy(v, (k, "decls")) for k, v in ns.decls.items()}
    ns.domains = {k: moved_copy(v, (k, "domains")) for k, v in ns.domains.items()}
    ns.constraints = {k: moved_copy(v, (k, "constraints")) for k, v in ns.constraints.items()}
    ns.moved = moved


def still_carried(ns) -> list[Moved]:
    """The moved dates of declarations the notice has not overridden since."""
    return [m for m in ns.moved if getattr(ns, m.table)[m.name].document in ns.carried]

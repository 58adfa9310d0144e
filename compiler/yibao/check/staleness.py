"""Inherited words of another year, and drafts with work left.

A notice that implements a notice of a different coverage year inherits that notice's dates
("2026年2月底", `coverage_year`, `issue_date`) along with its rules; that is almost never what the
new year says. Each such inherited declaration is a warning (an error under --strict) until the
notice overrides it. A value written `unknown "TODO …"` (as `yibao new` drafts them) is a warning
too, so a draft fails `check --strict` until every figure is restated.
"""
from __future__ import annotations

import dataclasses
import re

from ..language import ast as A
from ..base.diagnostics import Diagnostic
from .carry import years_word

NOTICE_FACTS = {"issue_date", "print_date", "coverage_year"}
_YEAR = re.compile(r"\d{4}\s*年")


def nodes(node):
    """Every AST node under a declaration (itself included)."""
    todo = [node]
    while todo:
        x = todo.pop()
        if isinstance(x, (tuple, list)):
            todo += list(x)
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            yield x
            todo += [getattr(x, f.name) for f in dataclasses.fields(x) if f.name != "span"]


def dated(decl_node) -> str | None:
    """Why a declaration speaks of a particular year (None: it does not)."""
    for x in nodes(decl_node):
        if isinstance(x, A.DateLit):
            return f"the date {x.value.isoformat()}"
        if isinstance(x, A.Name) and x.name in NOTICE_FACTS:
            return f"`{x.name}`"
        if isinstance(x, A.DomainDecl) and any("{" + f + "}" in x.because for f in NOTICE_FACTS):
            return f"`{next(f for f in NOTICE_FACTS if '{' + f + '}' in x.because)}` in its reason"
        if isinstance(x, A.Citation) and _YEAR.search(x.quote):
            return f"the notice's words “{_YEAR.search(x.quote).group(0)}”"
    return None


def stale_inheritance(ns) -> list[Diagnostic]:
    """W610 for each declaration or domain inherited from a notice of another coverage year that speaks
    of its year; for a notice that carries its parent forward, the dates carrying moved."""
    own = ns.headers.get(ns.document)
    if own is None or not own.coverage:
        return []
    if own.advanced is not None:
        return carried_dates(ns, own)
    out = []
    inherited = list(ns.decls.items()) + [(f"domain {k}", d) for k, d in ns.domains.items()]
    for name, decl in inherited:
        stating = ns.headers.get(decl.document)
        if decl.document == ns.document or stating is None or stating.coverage in (None, own.coverage):
            continue
        why = dated(decl.node)
        if why is None:
            continue
        where = decl.node.span.where if decl.node.span else decl.document
        out.append(Diagnostic(
            "W610", f"`{name}` is inherited from {decl.document} (coverage {stating.coverage}) and states {why}; "
            f"this notice covers {own.coverage}", own.span, f"inherits `{name}` of {stating.coverage}",
            notes=[f"{decl.document} states it at {where}"],
            hint=f"restate it for {own.coverage}: `override … {name} …` with this notice's clause, or carry "
            f"the parent forward: `implements {own.implements} advanced {years_word(own.coverage - stating.coverage)}`"
            if stating.coverage < own.coverage else
            f"restate it for {own.coverage}: `override … {name} …` with this notice's clause"))
    return out


def carried_dates(ns, own) -> list[Diagnostic]:
    """Which dates `implements DOC advanced N years` moved: one note where the header cites the clause
    that carries the parent (相应年度顺延), else a W610 for each, as no clause of this notice states it."""
    from .carry import still_carried
    moved = still_carried(ns)
    where = [f"`{m.name}`: {m.old} → {m.new}" + (f" ({m.span.where})" if m.span else "") for m in moved]
    if own.advanced_citation is not None:
        return [Diagnostic("I610", f"{len(moved)} date(s) of {own.implements} carried {own.advanced} year(s) forward",
                           own.span, "carries its parent forward", notes=where)] if moved else []
    return [Diagnostic(
        "W610", f"`{m.name}` carries {m.old} of {own.implements} forward to {m.new}, which no clause of this "
        f"notice states", own.span, f"carries `{m.name}` forward", notes=[w],
        hint=f"cite the clause that carries the parent forward (`implements {own.implements} advanced "
        f"{years_word(own.advanced)} §… \"…相应年度顺延…\"`), or restate it with `override`")
        for m, w in zip(moved, where)]


def todos(module: A.Module) -> list[Diagnostic]:
    """W611 for each `unknown "TODO …"` a notice still holds."""
    out = []
    for x in nodes(module.items):
        if isinstance(x, A.UnknownLit) and (x.reason or "").startswith("TODO"):
            out.append(Diagnostic("W611", f"left to restate: {x.reason}", x.span, "still a TODO",
                                  hint="write the value the new notice states, with its clause"))
    return out

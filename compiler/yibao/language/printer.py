"""AST → policy source in canonical layout (parse(print(ast)) == ast)."""
from __future__ import annotations

import datetime as dt

from . import ast as A

# Lower binds looser; a child that binds looser than its parent's slot gets parentheses.
_PREC = {"if": 0, "or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "of": 6, "neg": 7, "postfix": 8,
         "atom": 9}


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def print_module(m: A.Module) -> str:
    return "\n".join(_item(i) for i in m.items) + "\n"


def _item(i) -> str:
    return globals()["_p_" + type(i).__name__](i)


def _p_Header(h: A.Header) -> str:
    lines = [f"notice {h.document} {{"]
    if h.title is not None:
        lines.append(f"  title {quote(h.title)}")
    if h.number_unknown is not None:
        lines.append(f"  number {_date_or_unknown(h.number_unknown)}")
    if h.status is not None:
        lines.append(f"  status {h.status}")
    if h.issuers:
        lines.append("  issuers " + ", ".join(quote(s) for s in h.issuers))
    if h.issuers_unknown is not None:
        lines.append(f"  issuers {_date_or_unknown(h.issuers_unknown)}")
    for key, value in (("issued", h.issued), ("printed", h.printed)):
        if value is not None:
            lines.append(f"  {key} {_date_or_unknown(value)}")
    if h.coverage is not None:
        lines.append(f"  coverage {h.coverage}")
    if h.jurisdiction is not None:
        lines.append(f"  jurisdiction {quote(h.jurisdiction)}")
    if h.implements:
        lines.append(f"  implements {h.implements}" + (" external" if h.implements_external else "")
                     + (f" advanced {h.advanced} year{'s' if h.advanced != 1 else ''}" if h.advanced is not None else "")
                     + _citation(h.advanced_citation))
    elif h.implements_declared:
        lines.append("  implements none")
    return "\n".join(lines + ["}"])


def _date_or_unknown(v) -> str:
    if isinstance(v, dt.date):
        return v.isoformat()
    return "unknown" + (f" {quote(v.reason)}" if v.reason is not None else "")


def _p_Library(x: A.Library) -> str:
    return f"library {x.name}" + (f" {quote(x.description)}" if x.description is not None else "")


def _p_Use(x: A.Use) -> str:
    return f"use {x.name}"


def _p_EnumDecl(e: A.EnumDecl) -> str:
    head = f"enum {e.name}" + (f" {quote(e.description)}" if e.description is not None else "") + " {"
    members = []
    for m in e.members:
        s = "  " + m.name
        if m.code is not None:
            s += " = " + (str(m.code) if isinstance(m.code, int) else quote(m.code))
        s += "".join(" " + quote(l) for l in m.labels)
        members.append(s)
    return "\n".join([head, *members, "}"])


def _type(t) -> str:
    return f"set of {t.element}" if isinstance(t, A.SetType) else t.name


def _p_FactDecl(f: A.FactDecl) -> str:
    s = f"fact {f.name} : {_type(f.type)}"
    if f.default is not None:
        s += f" = {expr(f.default)}"
    if f.description is not None:
        s += f" {quote(f.description)}"
    return s


def _p_EnumExtend(e: A.EnumExtend) -> str:
    members = []
    for m in e.members:
        s = "  " + m.name
        if m.code is not None:
            s += " = " + (str(m.code) if isinstance(m.code, int) else quote(m.code))
        s += "".join(" " + quote(l) for l in m.labels) + _citation(m.citation)
        members.append(s)
    return "\n".join([f"extend enum {e.name} {{", *members, "}"])


def _citation(c: A.Citation | None) -> str:
    if c is None:
        return ""
    s = f" §{c.clause}" + (f" of {c.document}" if c.document else "") + f" {quote(c.quote)}"
    if c.note is not None:
        s += f" note {quote(c.note)}"
    if c.derived is not None:
        s += f" derived {quote(c.derived)}"
    return s


def _value(v: A.Value) -> str:
    s = expr(v.expr)
    if v.printed is not None:
        s += " printed " + _number(v.printed)
    return s


def _p_Definition(d: A.Definition) -> str:
    s = ("override " if d.override else "") + f"{d.kind} {d.name}"
    if d.type is not None:
        s += f" : {_type(d.type)}"
    if d.description is not None:
        s += f" {quote(d.description)}"
    if d.value is not None:
        return s + f" = {_value(d.value)}" + _citation(d.citation)
    return s + " {\n" + "".join(_rule(r) + "\n" for r in d.rules) + "}"


def _rule(r: A.Rule) -> str:
    s = "  rule" + (f" {r.label}" if r.label else "")
    if r.overrides:
        s += " overrides " + ", ".join(r.overrides)
    s += _citation(r.citation)
    if r.kind == "when":
        s += f"\n    when {expr(r.guard)} then {_value(r.value)}"
    elif r.kind == "always":
        s += f"\n    then {_value(r.value)}"
    else:
        s += f"\n    otherwise {_value(r.value)}"
    return s


def _p_Extend(x: A.Extend) -> str:
    return f"extend {x.name} {{\n" + "".join(_rule(r) + "\n" for r in x.rules) + "}"


def _p_ParamDecl(p: A.ParamDecl) -> str:
    s = ("override " if p.override else "") + f"parameter {p.name} : {_type(p.type)} by year"
    if p.description is not None:
        s += f" {quote(p.description)}"
    body = "".join(f"  {v.year} = {_value(v.value)}{_citation(v.citation)}\n" for v in p.values)
    return s + " {\n" + body + "}"


def _cell(c: A.Cell) -> str:
    if c.kind == "any":
        return "*"
    if c.kind == "set":
        return "{" + ", ".join(c.names) + "}"
    return c.names[0]


def _p_TableDecl(t: A.TableDecl) -> str:
    s = ("override " if t.override else "") + f"table {t.name} (" + ", ".join(expr(k) for k in t.keys) + ")"
    s += f" : {_type(t.type)}"
    if t.description is not None:
        s += f" {quote(t.description)}"
    s += f"\n  hit {t.hit}{_citation(t.hit_citation)}"
    if t.default is not None:
        s += f"\n  otherwise {_value(t.default)}{_citation(t.default_citation)}"
    rows = "".join("  " + ", ".join(_cell(c) for c in r.cells) + f" => {_value(r.value)}{_citation(r.citation)}\n"
                   for r in t.rows)
    return s + "\n{\n" + rows + "}"


def _p_DataDecl(d: A.DataDecl) -> str:
    s = f"data {d.name} (" + ", ".join(f"{c.name} : {_type(c.type)}" for c in d.columns) + ")" + _citation(d.citation)
    rows = "".join("  " + ", ".join(expr(v) for v in r) + "\n" for r in d.rows)
    totals = "".join(f"  total {t.column} printed {_number(t.printed)}{_citation(t.citation)}\n" for t in d.totals)
    return s + " {\n" + rows + totals + "}"


def _p_DomainDecl(d: A.DomainDecl) -> str:
    return (("override " if d.override else "") + f"domain {d.name} for " + ", ".join(d.decisions)
            + _citation(d.citation) + f"\n  excludes {expr(d.excludes)}\n  because {quote(d.because)}")


def _p_InvariantDecl(i: A.InvariantDecl) -> str:
    s = f"invariant {i.name}" + (f" {quote(i.description)}" if i.description is not None else "")
    if i.when is not None:
        s += f"\n  when {expr(i.when)}"
    if i.holds is not None:
        return s + f"\n  holds {expr(i.holds)}"
    return s + "\n  undecided " + ", ".join(i.undecided)


def _p_ConstraintDecl(c: A.ConstraintDecl) -> str:
    return f"constraint {c.name} when {expr(c.when)}\n  because {quote(c.because)}"


def _number(n: A.NumberLit) -> str:
    return n.text + ("" if n.unit is None else ("%" if n.unit == "%" else " " + n.unit))


# ---- expressions ----
def expr(e, ctx: int = 0) -> str:
    s, prec = _expr(e)
    return f"({s})" if prec < ctx else s


def _expr(e) -> tuple[str, int]:
    if isinstance(e, A.NumberLit):
        return _number(e), _PREC["atom"]
    if isinstance(e, A.DateLit):
        return e.value.isoformat(), _PREC["atom"]
    if isinstance(e, A.StringLit):
        return quote(e.value), _PREC["atom"]
    if isinstance(e, A.BoolLit):
        return ("true" if e.value else "false"), _PREC["atom"]
    if isinstance(e, A.UnknownLit):
        bounds = (f" between {_number(e.low)} and {_number(e.high)}" if e.low and e.high else
                  f" at least {_number(e.low)}" if e.low else f" at most {_number(e.high)}" if e.high else "")
        return "unknown" + bounds + (f" {quote(e.reason)}" if e.reason is not None else ""), _PREC["atom"]
    if isinstance(e, A.Name):
        return e.name, _PREC["atom"]
    if isinstance(e, A.Qualified):
        return f"{e.enum}.{e.member}", _PREC["atom"]
    if isinstance(e, A.NoticeRef):
        return f"{e.document}.{e.name}", _PREC["atom"]
    if isinstance(e, A.SetLit):
        return "{" + ", ".join(e.members) + "}", _PREC["atom"]
    if isinstance(e, A.Call):
        return f"{e.func}(" + ", ".join(expr(a) for a in e.args) + ")", _PREC["atom"]
    if isinstance(e, A.Round):
        return f"round {expr(e.operand, _PREC['+'])} to {e.unit} {e.mode.replace('_', ' ')}", _PREC["atom"]
    if isinstance(e, A.DateIdiom):
        head = {"day_after": "day after", "first_of_next_month": "first day of month after",
                "year_start": "start of year", "year_end": "end of year"}[e.idiom]
        return f"{head} {expr(e.operand, _PREC['neg'])}", _PREC["atom"]
    if isinstance(e, A.Index):
        return f"{expr(e.base, _PREC['postfix'])}[{expr(e.index)}]", _PREC["postfix"]
    if isinstance(e, A.Unary):
        if e.op == "not":
            return f"not {expr(e.operand, _PREC['not'])}", _PREC["not"]
        return f"-{expr(e.operand, _PREC['neg'])}", _PREC["neg"]
    if isinstance(e, A.Binary):
        if e.op in ("or", "and"):
            p = _PREC[e.op]
            return f"{expr(e.left, p)} {e.op} {expr(e.right, p + 1)}", p
        if e.op in ("+", "-", "*", "/", "of"):
            p = _PREC[e.op]
            return f"{expr(e.left, p)} {e.op} {expr(e.right, p + 1)}", p
        p = _PREC["cmp"]  # comparisons do not chain
        return f"{expr(e.left, p + 1)} {e.op} {expr(e.right, p + 1)}", p
    if isinstance(e, A.InRange):
        p = _PREC["cmp"]
        return f"{expr(e.value, p + 1)} in {expr(e.low, p + 1)} .. {expr(e.high, p + 1)}", p
    if isinstance(e, A.MemberOf):
        p = _PREC["cmp"]
        return f"{expr(e.value, p + 1)} in {expr(e.collection, p + 1)}", p
    if isinstance(e, A.Overlaps):
        p = _PREC["cmp"]
        return f"{expr(e.left, p + 1)} overlaps {expr(e.right, p + 1)}", p
    if isinstance(e, A.IsGiven):
        return f"{e.name} is given", _PREC["cmp"]
    if isinstance(e, A.If):
        return f"if {expr(e.cond)} then {expr(e.then)} else {expr(e.orelse)}", _PREC["if"]
    if isinstance(e, A.With):
        p = _PREC["or"]
        return f"{expr(e.expr, p)} with {e.fact} = {expr(e.value, p)}", _PREC["if"]
    raise TypeError(f"cannot print {type(e).__name__}")

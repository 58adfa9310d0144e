"""Every named value of a notice, with the clause and quote that state it: what the Web API's
`GET /notices/{document}/parameters` answers (as OpenFisca's /parameters does).

The values are the header's dates, the parameters by year, the lets that need no fact of a case
(standards, days, rates), each row of a decision table whose value needs no fact, and each cell of
a data table. A value the notice leaves open is listed with `value: null` and why. Each entry names
the notice that states it: a citation of another notice keeps that notice (`§一 of 渝医保发〔2025〕42号`
in a district's policy is the municipal notice's clause), an inherited value its own.
Names are those a conformance case's `values` use (run/named.py): 名字, 名字[年], 名字[行].列.
"""
from __future__ import annotations

from ..ir import nodes as ir
from ..ir.interpret import Interpreter
from ..runtime.core import MissingFact, Undecidable
from .named import HEADER, show

_NEEDS_A_CASE = (MissingFact,)  # a let that reads a fact is the case's value, not the notice's


def parameters(program: ir.Program) -> list[dict]:
    """The notice's named values, in the order: header, parameters by year, lets, table rows, data."""
    interp = Interpreter(program)
    out = [_header(program, f) for f in HEADER]
    for prm in program.params.values():
        for year in sorted(prm.values):
            citation, document = prm.citations.get(year, (None, program.document))
            v = prm.values[year]
            out.append(_entry(f"{prm.name}[{year}]", "parameter", prm.type, v, citation, document))
    for d in program.definitions.values():
        if d.kind == "let" and d.expr is not None:
            value = _constant(interp, d.expr)
            if value is not _NOT_CONSTANT:
                out.append(_entry(d.name, "let", d.type, value, d.citation, d.document))
        elif d.kind == "table" and d.table is not None:
            out += _rows(program, interp, d)
    for data in program.data.values():
        out += _cells(program, data)
    return out


_NOT_CONSTANT = object()


def _constant(interp: Interpreter, expr: ir.Expr):
    """The expression's value with no case; an Unknown where the notice leaves it open."""
    try:
        return interp.eval_expr(expr, {}, {})
    except _NEEDS_A_CASE:
        return _NOT_CONSTANT
    except Undecidable as exc:
        return ir.Unknown(getattr(exc, "message", None) or str(exc))


def _entry(name: str, kind: str, t, value, citation, document: str, **more) -> dict:
    unknown = isinstance(value, ir.Unknown)
    out = {"name": name, "kind": kind, **more,
           "value": None if unknown else show(value, t),
           "clause": citation.clause if citation else None,
           "quote": citation.quote if citation else None,
           # a citation of another notice (`§一 of 渝医保发〔2025〕42号`) keeps that notice
           "notice": (citation.document if citation and citation.document else document)}
    if unknown:
        out["unknown"] = value.reason
    return out


def _header(program: ir.Program, field: str) -> dict:
    value = getattr(program, field)
    return _entry(f"notice.{field}", "header", ir.INT if field == "coverage" else ir.DATE, value, None,
                  program.document)


def _rows(program: ir.Program, interp: Interpreter, d: ir.Definition) -> list[dict]:
    out = []
    for row in d.table.rows:
        value = _constant(interp, row.value)
        if value is _NOT_CONSTANT:
            continue
        cells = []
        for key, cell in zip(d.table.keys, row.cells):
            enum = program.enums.get(key.enum)
            cells.append("*" if cell is None else "|".join(
                sorted(enum.name_of(c) if enum else str(c) for c in cell)))
        out.append(_entry(d.name, "table row", d.type, value, row.citation, row.document, row=cells))
    return out


def _cells(program: ir.Program, data: ir.DataIR) -> list[dict]:
    (_, key_type), *columns = data.columns
    document = program.document
    out = []
    for row in data.rows:
        key = show(row[0], key_type)
        for i, (column, t) in enumerate(columns, 1):
            out.append(_entry(f"{data.name}[{key}].{column}", "data", t, row[i], data.citation, document))
    return out

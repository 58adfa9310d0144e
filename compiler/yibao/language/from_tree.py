"""Lark tree → AST."""
from __future__ import annotations

import datetime as dt
import re

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import VisitError

from . import ast as A
from ..base.diagnostics import Diagnostic, PolicyError
from .parse import parse_tree
from ..base.source import SourceFile, span_of

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"'}


def unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1])


# How deeply a policy may nest (an expression inside a declaration inside the file). The policies
# here nest 10 deep; every later pass and the generated Python (at most 200 nested parentheses)
# recurse along it, so the bound is checked here, iteratively, before anything recurses.
MAX_NESTING = 100


def parse_module(file: SourceFile) -> A.Module:
    tree = parse_tree(file)
    _check_nesting(file, tree)
    try:
        return _ToAst(file).transform(tree)
    except VisitError as exc:  # unwrap to the diagnostic we raised inside
        if isinstance(exc.orig_exc, PolicyError):
            raise exc.orig_exc from None
        raise exc.orig_exc from None


def _check_nesting(file: SourceFile, tree: Tree):
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            where = node if isinstance(node, Token) else node.meta
            raise PolicyError([Diagnostic(
                "E110", f"nested more than {MAX_NESTING} deep", span_of(file, where), "too deep here",
                hint="give a part of the expression a name with `let`, or split a long sum")])
        if isinstance(node, Tree):
            stack.extend((child, depth + 1) for child in node.children)


def parse_text(text: str, path: str = "<policy>") -> A.Module:
    return parse_module(SourceFile(path, text))


@v_args(meta=True)
class _ToAst(Transformer):
    def __init__(self, file: SourceFile):
        super().__init__()
        self.file = file

    def _sp(self, meta):
        return span_of(self.file, meta)

    def _err(self, code, message, tok, label=""):
        raise PolicyError([Diagnostic(code, message, span_of(self.file, tok), label)])

    # ---- module and headers ----
    def start(self, meta, items):
        return A.Module(tuple(items), self._sp(meta))

    def notice(self, meta, children):
        doc, *fields = children
        values: dict = {}
        for key, val, tok in fields:
            if key in values:
                self._err("E104", f"`{key}` is given twice in the notice header", tok)
            values[key] = val
        if "advanced" in values:
            if "implements" in values:
                self._err("E104", "`implements` is given twice in the notice header", values["advanced"][2])
            doc_, years, _, cite = values.pop("advanced")
            values.update(implements=(doc_, False), advanced=years, advanced_citation=cite)
        impl, external = values.pop("implements", (None, False))
        declared = "implements_none" in values
        values.pop("implements_none", None)
        return A.Header(str(doc), implements=impl, implements_external=external,
                        implements_declared=declared or impl is not None, span=self._sp(meta), **values)

    def h_title(self, meta, c):
        return ("title", unquote(c[0]), c[0])

    def h_issuers(self, meta, c):
        return ("issuers", tuple(unquote(s) for s in c), c[0])

    def h_issued(self, meta, c):
        return ("issued", c[0], meta)

    def h_printed(self, meta, c):
        return ("printed", c[0], meta)

    def h_coverage(self, meta, c):
        return ("coverage", self._int(c[0]), c[0])

    def h_jurisdiction(self, meta, c):
        return ("jurisdiction", unquote(c[0]), c[0])

    def h_implements(self, meta, c):
        return ("implements", (str(c[0]), len(c) > 1 and c[1] is not None), c[0])

    def h_implements_advanced(self, meta, c):
        cite = c[3] if len(c) > 3 else None
        return ("advanced", (str(c[0]), self._int(c[1]), c[1], cite), c[0])

    def h_implements_none(self, meta, c):
        return ("implements_none", True, c[0])

    def h_number_unknown(self, meta, c):
        return ("number_unknown", self._unknown(meta, c), c[0])

    def h_issuers_unknown(self, meta, c):
        return ("issuers_unknown", self._unknown(meta, c), c[0])

    def h_status(self, meta, c):
        return ("status", " ".join(str(c[0]).split()), c[0])

    def _unknown(self, meta, c):
        return A.UnknownLit(unquote(c[1]) if len(c) > 1 and c[1] is not None else None, self._sp(meta))

    def date_or_unknown(self, meta, c):
        tok = c[0]
        if tok.type == "DATE":
            return self._date(tok)
        return A.UnknownLit(unquote(c[1]) if len(c) > 1 and c[1] is not None else None, self._sp(meta))

    def library(self, meta, c):
        return A.Library(str(c[0]), unquote(c[1]) if len(c) > 1 and c[1] else None, self._sp(meta))

    def use(self, meta, c):
        return A.Use(str(c[0]), self._sp(meta))

    # ---- declarations ----
    def enum_decl(self, meta, c):
        name, rest = c[0], c[1:]
        desc = None
        if rest and isinstance(rest[0], Token):
            desc = unquote(rest[0])
            rest = rest[1:]
        return A.EnumDecl(str(name), desc, tuple(rest), self._sp(meta))

    def member(self, meta, c):
        name, rest = c[0], list(c[1:])
        code = rest.pop(0)[1] if rest and isinstance(rest[0], tuple) else None
        return A.Member(str(name), code, tuple(unquote(s) for s in rest), self._sp(meta))

    def enum_extend(self, meta, c):
        return A.EnumExtend(str(c[0]), tuple(c[1:]), self._sp(meta))

    def enum_addition(self, meta, c):
        name, rest = c[0], [r for r in c[1:] if r is not None]
        code = rest.pop(0)[1] if rest and isinstance(rest[0], tuple) else None
        citation = rest.pop() if rest and isinstance(rest[-1], A.Citation) else None
        return A.MemberAddition(str(name), code, tuple(unquote(s) for s in rest), citation, self._sp(meta))

    def member_code(self, meta, c):
        tok = c[0]
        return ("code", self._int(tok) if tok.type == "NUMBER" else unquote(tok))

    def fact_decl(self, meta, c):
        name, typ, *rest = c
        default = desc = None
        for r in rest:
            if isinstance(r, Token) and r.type == "STRING":
                desc = unquote(r)
            elif r is not None:
                default = r
        return A.FactDecl(str(name), typ, default, desc, self._sp(meta))

    def let_decl(self, meta, c):
        override = isinstance(c[0], Token) and c[0].type == "OVERRIDE"
        if override or c[0] is None:
            c = c[1:]
        kind, name, *rest = c
        typ = desc = None
        body = rest[-1]
        for r in rest[:-1]:
            if isinstance(r, Token) and r.type == "STRING":
                desc = unquote(r)
            elif r is not None:
                typ = r
        if body[0] == "expr":
            _, value, citation = body
            return A.Definition(str(kind), override, str(name), typ, desc, value, citation, None, self._sp(meta))
        return A.Definition(str(kind), override, str(name), typ, desc, None, None, body[1], self._sp(meta))

    def def_expr(self, meta, c):
        return ("expr", c[0], c[1] if len(c) > 1 else None)

    def def_rules(self, meta, c):
        return ("rules", tuple(c))

    def extend_decl(self, meta, c):
        return A.Extend(str(c[0]), tuple(c[1:]), self._sp(meta))

    def _rule(self, kind, meta, c):
        label = overrides = citation = None
        parts = list(c)
        value = parts.pop()
        guard = parts.pop() if kind == "when" else None
        for p in parts:
            if isinstance(p, Token):
                label = str(p)
            elif isinstance(p, tuple):
                overrides = p
            elif isinstance(p, A.Citation):
                citation = p
        return A.Rule(kind, label, overrides or (), citation, guard, value, self._sp(meta))

    def rule_when(self, meta, c):
        return self._rule("when", meta, c)

    def rule_always(self, meta, c):
        return self._rule("always", meta, c)

    def rule_otherwise(self, meta, c):
        return self._rule("otherwise", meta, c)

    def overrides(self, meta, c):
        return tuple(str(t) for t in c)

    def param_decl(self, meta, c):
        override = isinstance(c[0], Token) and c[0].type == "OVERRIDE"
        if override or c[0] is None:
            c = c[1:]
        name, typ, *rest = c
        desc = None
        if rest and isinstance(rest[0], Token):
            desc = unquote(rest[0])
            rest = rest[1:]
        return A.ParamDecl(override, str(name), typ, desc, tuple(r for r in rest if r is not None), self._sp(meta))

    def param_value(self, meta, c):
        return A.ParamValue(self._int(c[0]), c[1], c[2] if len(c) > 2 else None, self._sp(meta))

    def table_decl(self, meta, c):
        override = isinstance(c[0], Token) and c[0].type == "OVERRIDE"
        if override or c[0] is None:
            c = c[1:]
        name, *rest = c
        keys, desc, typ, hit, default, rows = [], None, None, None, None, []
        for r in rest:
            if r is None:
                continue
            if isinstance(r, Token) and r.type == "STRING":
                desc = unquote(r)
            elif isinstance(r, (A.NamedType, A.SetType)) and typ is None and hit is None:
                typ = r
            elif isinstance(r, tuple) and r and r[0] == "hit":
                hit = r
            elif isinstance(r, tuple) and r and r[0] == "default":
                default = r
            elif isinstance(r, A.Row):
                rows.append(r)
            else:
                keys.append(r)
        return A.TableDecl(override, str(name), tuple(keys), typ, desc, hit[1], hit[2],
                           default[1] if default else None, default[2] if default else None,
                           tuple(rows), self._sp(meta))

    def hit(self, meta, c):
        return ("hit", str(c[0]), c[1] if len(c) > 1 else None)

    def table_default(self, meta, c):
        return ("default", c[0], c[1] if len(c) > 1 else None)

    def row(self, meta, c):
        citation = c[-1] if isinstance(c[-1], A.Citation) or c[-1] is None else None
        body = c[:-1] if (citation is not None or c[-1] is None) else c
        *cells, value = body
        return A.Row(tuple(cells), value, citation, self._sp(meta))

    def cell_name(self, meta, c):
        return A.Cell("name", (str(c[0]),), self._sp(meta))

    def cell_any(self, meta, c):
        return A.Cell("any", (), self._sp(meta))

    def cell_set(self, meta, c):
        return A.Cell("set", tuple(str(t) for t in c), self._sp(meta))

    def data_decl(self, meta, c):
        name, *rest = c
        columns = tuple(r for r in rest if isinstance(r, A.Column))
        citation = next((r for r in rest if isinstance(r, A.Citation)), None)
        rows = tuple(r[1] for r in rest if isinstance(r, tuple) and r and r[0] == "row")
        totals = tuple(r for r in rest if isinstance(r, A.Total))
        return A.DataDecl(str(name), columns, citation, rows, totals, self._sp(meta))

    def column(self, meta, c):
        return A.Column(str(c[0]), c[1], self._sp(meta))

    def data_row(self, meta, c):
        return ("row", tuple(c))

    def data_total(self, meta, c):
        return A.Total(str(c[0]), c[1], c[2] if len(c) > 2 else None, self._sp(meta))

    # ---- domains, invariants, constraints ----
    def domain_decl(self, meta, c):
        override = isinstance(c[0], Token) and c[0].type == "OVERRIDE"
        if override or c[0] is None:
            c = c[1:]
        name, *rest = c
        because = unquote(rest.pop())
        excludes = rest.pop()
        citation = rest.pop() if isinstance(rest[-1], A.Citation) or rest[-1] is None else None
        decisions = tuple(str(t) for t in rest if isinstance(t, Token))
        return A.DomainDecl(override, str(name), decisions, citation, excludes, because, self._sp(meta))

    def invariant_decl(self, meta, c):
        name, *rest = c
        kind, body = rest.pop()
        desc = when = None
        for r in rest:
            if isinstance(r, Token) and r.type == "STRING":
                desc = unquote(r)
            elif r is not None:
                when = r
        return A.InvariantDecl(str(name), desc, when, body if kind == "holds" else None,
                               body if kind == "undecided" else (), self._sp(meta))

    def inv_holds(self, meta, c):
        return ("holds", c[0])

    def inv_undecided(self, meta, c):
        return ("undecided", tuple(str(t) for t in c))

    def constraint_decl(self, meta, c):
        return A.ConstraintDecl(str(c[0]), c[1], unquote(c[2]), self._sp(meta))

    def with_fact(self, meta, c):
        return A.With(c[0], str(c[1]), c[2], self._sp(meta))

    # ---- citations and values ----
    def citation(self, meta, c):
        clause = str(c[0])[1:]
        doc = quote = None
        extra = {}
        for t in c[1:]:
            if t is None:
                continue
            if isinstance(t, Token) and t.type == "DOCNUM":
                doc = str(t)
            elif isinstance(t, Token) and t.type == "STRING":
                quote = unquote(t)
            elif isinstance(t, tuple):
                extra[t[0]] = t[1]
        return A.Citation(clause, doc, quote, extra.get("note"), extra.get("derived"), self._sp(meta))

    def note(self, meta, c):
        return ("note", unquote(c[0]))

    def derived(self, meta, c):
        return ("derived", unquote(c[0]))

    def value(self, meta, c):
        return A.Value(c[0], c[1] if len(c) > 1 else None, self._sp(meta))

    # ---- types ----
    def set_type(self, meta, c):
        return A.SetType(str(c[0]), self._sp(meta))

    def named_type(self, meta, c):
        return A.NamedType(str(c[0]), self._sp(meta))

    # ---- expressions ----
    def if_expr(self, meta, c):
        return A.If(c[0], c[1], c[2], self._sp(meta))

    def _bin(op):
        def method(self, meta, c):
            return A.Binary(op, c[0], c[1], self._sp(meta))
        return method

    or_op, and_op, eq = _bin("or"), _bin("and"), _bin("=")
    add, sub, mul, div, percent_of = _bin("+"), _bin("-"), _bin("*"), _bin("/"), _bin("of")

    def round_to(self, meta, c):
        unit, mode = str(c[1]).split(None, 1)
        return A.Round(c[0], unit, "_".join(mode.split()), self._sp(meta))

    def compare(self, meta, c):
        return A.Binary(str(c[1]), c[0], c[2], self._sp(meta))

    def not_op(self, meta, c):
        return A.Unary("not", c[0], self._sp(meta))

    def neg(self, meta, c):
        return A.Unary("-", c[0], self._sp(meta))

    def in_range(self, meta, c):
        return A.InRange(c[0], c[1], c[2], self._sp(meta))

    def member_of(self, meta, c):
        return A.MemberOf(c[0], c[1], self._sp(meta))

    def overlaps(self, meta, c):
        return A.Overlaps(c[0], c[1], self._sp(meta))

    def is_given(self, meta, c):
        return A.IsGiven(str(c[0]), self._sp(meta))

    def index(self, meta, c):
        return A.Index(c[0], c[1], self._sp(meta))

    def name(self, meta, c):
        return A.Name(str(c[0]), self._sp(meta))

    def qualified(self, meta, c):
        return A.Qualified(str(c[0]), str(c[1]), self._sp(meta))

    def notice_ref(self, meta, c):
        return A.NoticeRef(str(c[0]), str(c[1]), self._sp(meta))

    def call(self, meta, c):
        return A.Call(str(c[0]), tuple(a for a in c[1:] if a is not None), self._sp(meta))

    def set_lit(self, meta, c):
        return A.SetLit(tuple(str(t) for t in c if t is not None), self._sp(meta))

    def unknown_lit(self, meta, c):
        return A.UnknownLit(unquote(c[1]) if len(c) > 1 and c[1] is not None else None, self._sp(meta))

    def _bounded(self, meta, low, high, reason):
        return A.UnknownLit(unquote(reason) if reason is not None else None, self._sp(meta), low, high)

    def unknown_at_least(self, meta, c):
        return self._bounded(meta, c[1], None, c[2] if len(c) > 2 else None)

    def unknown_at_most(self, meta, c):
        return self._bounded(meta, None, c[1], c[2] if len(c) > 2 else None)

    def unknown_between(self, meta, c):
        return self._bounded(meta, c[1], c[2], c[3] if len(c) > 3 else None)

    def _idiom(name):
        def method(self, meta, c):
            return A.DateIdiom(name, c[0], self._sp(meta))
        return method

    day_after, first_of_next_month = _idiom("day_after"), _idiom("first_of_next_month")
    year_start, year_end = _idiom("year_start"), _idiom("year_end")

    def number_lit(self, meta, c):
        return A.NumberLit(str(c[0]), str(c[1]) if len(c) > 1 and c[1] is not None else None, self._sp(meta))

    def date_lit(self, meta, c):
        return A.DateLit(self._date(c[0]), self._sp(meta))

    def string_lit(self, meta, c):
        return A.StringLit(unquote(c[0]), self._sp(meta))

    def true_lit(self, meta, c):
        return A.BoolLit(True, self._sp(meta))

    def false_lit(self, meta, c):
        return A.BoolLit(False, self._sp(meta))

    # ---- token helpers ----
    def _date(self, tok: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(tok))
        except ValueError:
            self._err("E105", f"{tok} is not a date that exists", tok, "no such day")

    def _int(self, tok: Token) -> int:
        if "." in str(tok):
            self._err("E106", f"expected a whole number, got {tok}", tok, "a whole number here")
        return int(str(tok))

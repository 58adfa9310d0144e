"""Names, types, printed figures and citations: AST modules → a checked Program (the IR).

Every error of a file is collected before failing. A notice's namespace is the one of the notice it
implements, then its libraries, then its own declarations; changing an inherited name must say
`override` (or `extend` for adding rules), so every difference from the parent is explicit.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..language import ast as A
from . import enums as _enums
from . import bounds as _bounds
from . import inherit as _inherit
from . import carry as _carry
from .headers import header_facts
from ..ir import nodes as ir
from .citations import check_support
from ..base.diagnostics import Diagnostic, did_you_mean
from .lookalikes import lookalike_diagnostics
from ..ir.nodes import ANY, DATE, enum_t, set_t, show_type
from .texts import NoticeTexts
from .rules import RulesAndTables
from .exprs import ExprTyper
from .types import SCALAR_TYPES, UNIT_TYPES, fits, number_value, show_value, type_hint

MAX_CHAIN = 100  # definitions being checked inside one another (limits.py bounds evaluation too)


@dataclass
class Decl:
    """A declaration in a notice's namespace, with the document it belongs to."""
    node: Any
    document: str
    file: str
    extensions: list = field(default_factory=list)  # (Extend, document) added by descendants


@dataclass
class Namespace:
    document: str
    header: A.Header | None
    decls: dict[str, Decl] = field(default_factory=dict)
    enums: dict[str, Decl] = field(default_factory=dict)
    facts: dict[str, Decl] = field(default_factory=dict)
    libraries: set[str] = field(default_factory=set)
    enum_extensions: dict[str, list] = field(default_factory=dict)  # enum → [(EnumExtend, document)]
    ancestors: dict[str, dict] = field(default_factory=dict)  # implemented notice → its decls as it states them
    headers: dict[str, A.Header] = field(default_factory=dict)  # this notice's and its ancestors' headers
    domains: dict[str, Decl] = field(default_factory=dict)  # in order: library, ancestors, this notice
    invariants: dict[str, Decl] = field(default_factory=dict)
    constraints: dict[str, Decl] = field(default_factory=dict)
    carried: dict[str, str] = field(default_factory=dict)  # a notice carried forward → the notice carrying it
    moved: list = field(default_factory=list)  # carry.Moved: the dates carrying moved


class Checker:
    def __init__(self, texts: NoticeTexts | None = None):
        self.texts = texts
        self.diagnostics: list[Diagnostic] = []

    # ---- reporting ----
    def error(self, code, message, span, label="", notes=(), hint=""):
        self.diagnostics.append(Diagnostic(code, message, span, label, tuple(notes), hint))

    # ---- namespaces ----
    def namespace(self, module: A.Module, document: str, file: str, parent: Namespace | None,
                  libraries: dict[str, A.Module]) -> Namespace:
        ns = Namespace(document, module.header)
        if parent:
            ns.decls = {k: Decl(v.node, v.document, v.file, list(v.extensions)) for k, v in parent.decls.items()}
            ns.enums, ns.facts, ns.libraries = dict(parent.enums), dict(parent.facts), set(parent.libraries)
            ns.enum_extensions = {k: list(v) for k, v in parent.enum_extensions.items()}
            _inherit.remember(ns, parent)
            ns.domains, ns.invariants = dict(parent.domains), dict(parent.invariants)
            ns.constraints = dict(parent.constraints)
            ns.carried = dict(parent.carried)
            if module.header is not None and module.header.advanced is not None:
                _carry.carry(self, ns, parent, module.header, Decl)
        for item in module.items:
            if isinstance(item, A.Use):
                lib = libraries.get(item.name)
                if lib is None:
                    self.error("E201", f"no library named `{item.name}`", item.span, "not found",
                               hint=did_you_mean(item.name, libraries))
                elif item.name not in ns.libraries:
                    ns.libraries.add(item.name)
                    self._add_items(ns, lib, lib.library.name, lib.span.file.path if lib.span else "", inherited=False)
        self._add_items(ns, module, document, file, inherited=parent is not None)
        self.diagnostics.extend(lookalike_diagnostics(ns))
        ns.headers[document] = module.header
        return ns

    def _add_items(self, ns: Namespace, module: A.Module, document: str, file: str, inherited: bool):
        for item in module.items:
            if isinstance(item, A.EnumDecl):
                _enums.declare(self, ns, item, document, file, Decl)
            elif isinstance(item, A.EnumExtend):
                _enums.add_extension(ns, item, document)
            elif isinstance(item, A.FactDecl):
                self._declare(ns.facts, item, document, file, "fact")
            elif isinstance(item, A.DomainDecl):
                self._declare_domain(ns, item, document, file)
            elif isinstance(item, A.InvariantDecl):
                self._declare(ns.invariants, item, document, file, "invariant")
            elif isinstance(item, A.ConstraintDecl):
                self._declare(ns.constraints, item, document, file, "constraint")
            elif isinstance(item, (A.Definition, A.ParamDecl, A.TableDecl, A.DataDecl)):
                name = item.name
                existing = ns.decls.get(name)
                override = getattr(item, "override", False)
                if existing and existing.document != document and not override:
                    self.error("E601", f"`{name}` is inherited from {existing.document}; changing it must say `override`",
                               item.span, "changes an inherited definition",
                               notes=[f"{existing.document} defines it at {existing.node.span.where}"]
                               if existing.node.span else [],
                               hint=f"write `override {_kind_word(item)} {name} …` and cite the clause that differs"
                               + (", or `extend " + name + " { rule … }` to add rules" if isinstance(item, A.Definition) else ""))
                elif existing and existing.document == document:
                    self.error("E202", f"`{name}` is defined twice", item.span, "second definition",
                               notes=[f"first defined at {existing.node.span.where}"] if existing.node.span else [])
                    continue
                elif override and not existing:
                    self.error("E602", f"`override` of `{name}`, which no implemented notice defines", item.span,
                               "nothing to override", hint=did_you_mean(name, ns.decls))
                ns.decls[name] = Decl(item, document, file)
            elif isinstance(item, A.Extend):
                target = ns.decls.get(item.name)
                if target is None or not isinstance(target.node, A.Definition) or target.node.rules is None:
                    self.error("E603", f"`extend {item.name}` needs an inherited decision defined by rules",
                               item.span, "nothing to extend", hint=did_you_mean(item.name, ns.decls))
                    continue
                target.extensions.append((item, document))

    def _declare_domain(self, ns: Namespace, item: A.DomainDecl, document: str, file: str):
        existing = ns.domains.get(item.name)
        if existing and existing.document != document and not item.override:
            self.error("E601", f"domain `{item.name}` is inherited from {existing.document}; changing it must say `override`",
                       item.span, "changes an inherited domain", hint=f"write `override domain {item.name} …`")
        elif existing and existing.document == document:
            self.error("E202", f"domain `{item.name}` is declared twice", item.span, "second declaration")
            return
        elif item.override and not existing:
            self.error("E602", f"`override` of domain `{item.name}`, which no implemented notice declares",
                       item.span, "nothing to override", hint=did_you_mean(item.name, ns.domains))
        ns.domains[item.name] = Decl(item, document, file)

    def _declare(self, table, item, document, file, what):
        existing = table.get(item.name)
        if existing and existing.document == document:
            self.error("E202", f"{what} `{item.name}` is declared twice", item.span, "second declaration")
        table[item.name] = Decl(item, document, file)

    # ---- the program ----
    def program(self, ns: Namespace, path: str) -> ir.Program | None:
        header = ns.header
        env = _Env(self, ns)
        enums = _enums.build(env, ns)
        env.enums = enums
        env.member_index()
        facts = {}
        for name, d in ns.facts.items():
            t = env.type_of(d.node.type)
            default = ir.NO_DEFAULT
            if d.node.default is not None:
                e = env.expr(d.node.default, t)
                default = env.constant(e, d.node.default.span)
            facts[name] = ir.FactInfo(name, t, default, d.node.description,
                                      non_negative=isinstance(d.node.type, A.NamedType) and d.node.type.name == "count")
        env.facts = facts
        program = ir.Program(
            document=ns.document, title=header.title if header else None,
            issuers=header.issuers if header else (),
            issued=_header_date(header.issued if header else None),
            printed=_header_date(header.printed if header else None),
            coverage=header.coverage if header and header.coverage else 0,
            jurisdiction=header.jurisdiction if header else None,
            implements=header.implements if header else None,
            implements_external=header.implements_external if header else False,
            path=path, enums=enums, facts=facts, definitions={}, params={}, data={},
            **header_facts(header))
        env.program = program
        for name, d in ns.decls.items():
            if isinstance(d.node, A.ParamDecl):
                program.params[name] = env.param(d)
        for name, d in ns.decls.items():
            if isinstance(d.node, A.DataDecl):
                program.data[name] = env.data(d)
        for name, d in ns.decls.items():
            if isinstance(d.node, (A.Definition, A.TableDecl)):
                env.definition(name)
        # dependency order, so generated code and evaluation can go top to bottom
        program.definitions = {n: env.done[n] for n in env.order if n in env.done}
        from .domains import finish_program
        finish_program(env, ns, program)
        return program


def _kind_word(item) -> str:
    return {A.ParamDecl: "parameter", A.TableDecl: "table", A.DataDecl: "data"}.get(
        type(item), getattr(item, "kind", "let"))


def _header_date(value):
    if isinstance(value, A.UnknownLit):
        return ir.Unknown(value.reason or "a date the notice does not print", DATE)
    return value


class _Env(RulesAndTables, ExprTyper):
    """Resolves and types expressions of one notice's namespace."""

    def __init__(self, checker: Checker, ns: Namespace):
        self.c = checker
        self.ns = ns
        self.enums: dict[str, ir.EnumInfo] = {}
        self.facts: dict[str, ir.FactInfo] = {}
        self.members: dict[str, list[tuple[str, Any]]] = {}
        self.program: ir.Program | None = None
        self.done: dict[str, ir.Definition] = {}
        self.order: list[str] = []
        self.in_progress: list[str] = []
        self.depth = 0  # expressions being checked inside one another
        self.current_doc = ns.document
        self.qualified: dict[str, Decl] = {}  # "DOC.name" → an ancestor's declaration
        self.in_invariant = False  # `with` is allowed only there

    def decl(self, name: str) -> Decl:
        return self.ns.decls[name] if name in self.ns.decls else self.qualified[name]

    def x_NoticeRef(self, x: A.NoticeRef, want):
        return _inherit.notice_ref(self, x, want)

    def member_index(self):
        for ename, info in self.enums.items():
            for mname, code, _ in info.members:
                self.members.setdefault(mname, []).append((ename, code))

    # ---- types ----
    def type_of(self, t: A.NamedType | A.SetType | None):
        if t is None:
            return None
        if isinstance(t, A.SetType):
            if t.element not in self.enums:
                self.c.error("E203", f"no enumeration named `{t.element}`", t.span, "unknown type",
                             hint=did_you_mean(t.element, self.enums))
                return ANY
            return set_t(t.element)
        if t.name in SCALAR_TYPES:
            return SCALAR_TYPES[t.name]
        if t.name in self.enums:
            return enum_t(t.name)
        self.c.error("E203", f"no type named `{t.name}`", t.span, "unknown type",
                     hint=did_you_mean(t.name, list(SCALAR_TYPES) + list(self.enums)))
        return ANY

    def expect(self, e: ir.Expr, want, span, what="") -> ir.Expr:
        if e.type == ir.EXACT and want == ir.MONEY:
            return self.exact(e, span)
        if want is None or fits(e.type, want):
            if isinstance(e, ir.Unknown) and want not in (None, ANY):
                return replace(e, type=want)
            if isinstance(e.type, tuple) and e.type == set_t(None) and isinstance(want, tuple):
                return replace(e, type=want)
            return e
        self.c.error("E301", f"expected {show_type(want)}{what}, got {show_type(e.type)}", span,
                     f"this is {show_type(e.type)}", hint=type_hint(e.type, want))
        return ir.Unknown("a value of the wrong type", want)

    def exact(self, e: ir.Expr, span) -> ir.Expr:
        """A division as money: where the checker folds it to whole fen, that amount; else E315 (a
        notice always says how it rounds: 元以下四舍五入)."""
        if isinstance(e, ir.Unknown):  # already reported (a division by zero)
            return ir.Unknown(e.reason, ir.MONEY, e.span)
        got = self.constant(e, span, quiet=True)
        if got is not None and not isinstance(got, ir.Unknown) and getattr(got, "denominator", 1) == 1:
            return ir.Const(int(got), ir.MONEY, span)
        shown = ""
        if got is not None and not isinstance(got, ir.Unknown):  # exact digits, never a float
            shown = f" ({(Decimal(got.numerator) / got.denominator / 100).quantize(Decimal('0.0001'))}… 元)"
        self.c.error("E315", f"a division that is not rounded{shown}", span, "an unrounded amount",
                     hint="say how the notice rounds it: `round … to 元 half up` (元以下四舍五入), "
                          "`to 角 …`, `to 分 …`; modes: half up, down (舍去), up (进一)")
        return ir.Unknown("an unrounded amount", ir.MONEY)

    # ---- constants ----
    def constant(self, e: ir.Expr, span, quiet=False):
        """Fold an expression that needs no case; an Unknown stays unknown."""
        from ..ir.interpret import Interpreter
        from ..runtime.core import Undecidable, UnknownValue
        if self.program is None:  # a fact's default, checked before any definition is
            if any(isinstance(x, (ir.Ref, ir.ParamAt)) for x in ir.subexprs(e)):
                self.c.error("E302", "a fact's default is written out (a number, date, member or set), "
                             "not computed from definitions", span, "not a literal value")
                return None
        try:
            return _bounds.as_ir(Interpreter(self.program, partial=self).eval_expr(e, {}), e.type)
        except UnknownValue as exc:
            return ir.Unknown(exc.what, e.type)
        except Undecidable:
            if not quiet:
                self.c.error("E302", "this value must not depend on the case", span, "depends on a fact")
            return None

    # ---- declarations ----
    def param(self, d: Decl) -> ir.ParamIR:
        node: A.ParamDecl = d.node
        t = self.type_of(node.type)
        values, cites = {}, {}
        ir_param = ir.ParamIR(node.name, t, node.description, values, cites)
        self.program.params[node.name] = ir_param  # a year may be derived from another year
        exprs = {}
        for pv in node.values:
            if pv.year in exprs:
                self.c.error("E202", f"{node.name}[{pv.year}] is given twice", pv.span, "second value")
            self.need_citation(pv.citation, pv.span, f"{node.name}[{pv.year}]", d.document, pv.value)
            exprs[pv.year] = (pv, self.value(pv.value, t, d.document))
            cites[pv.year] = (pv.citation, pv.citation.document or d.document if pv.citation else d.document)

        def fold(year, path=()):
            # a year may be derived from another year of the same parameter: fold that one first
            if year in values or year not in exprs:
                return
            if year in path:
                self.c.error("E205", f"{node.name}[{year}] is derived from itself", exprs[year][0].span)
                return
            pv, e = exprs[year]
            for dep in _param_years(e, node.name):
                fold(dep, path + (year,))
            values[year] = self.constant(e, pv.value.span)

        for year in exprs:
            fold(year)
        return ir_param

    def data(self, d: Decl) -> ir.DataIR:
        node: A.DataDecl = d.node
        self.need_citation(node.citation, node.span, node.name, d.document)
        cols = tuple((c.name, self.type_of(c.type)) for c in node.columns)
        rows = []
        for r in node.rows:
            if len(r) != len(cols):
                self.c.error("E503", f"a row of `{node.name}` has {len(r)} values for {len(cols)} columns",
                             r[0].span if r else node.span, "wrong number of values")
                continue
            rows.append(tuple(self.constant(self.expect(self.expr(v, t), t, v.span), v.span)
                              for v, (_, t) in zip(r, cols)))
        names = [c for c, _ in cols]
        for total in node.totals:
            if total.column not in names:
                self.c.error("E204", f"`{node.name}` has no column `{total.column}`", total.span, "unknown column",
                             hint=did_you_mean(total.column, names))
                continue
            self.need_citation(total.citation, total.span, f"total of {total.column}", d.document, total.printed)
            i = names.index(total.column)
            t = cols[i][1]
            if not all(isinstance(row[i], (int, Fraction)) for row in rows):
                continue  # a value of the wrong type: its error is already reported
            s = sum(row[i] for row in rows)
            printed = self.printed_value(total.printed, t)
            if printed is not None and printed != s:
                self.c.error("E401", f"the column {total.column} adds up to {show_value(s, t)}, the notice prints "
                             f"{show_value(printed, t)}", total.printed.span, f"the rows add up to {show_value(s, t)}")
        return ir.DataIR(node.name, cols, tuple(rows), node.citation)

    def definition(self, name: str) -> ir.Definition | None:
        """Check a let, decision or table once, after whatever it depends on."""
        if name in self.done:
            return self.done[name]
        if len(self.in_progress) >= MAX_CHAIN:  # bounded before Python's own recursion limit is met
            self.c.error("E110", f"definitions use each other more than {MAX_CHAIN} deep", self.ns.decls[name].node.span,
                         "too deep", hint="a long chain of `let`s each using the last: compute it in fewer steps")
            return None
        if name in self.in_progress:
            d = self.decl(name)
            cycle = self.in_progress[self.in_progress.index(name):] + [name]
            self.c.error("E205", "definitions depend on each other in a circle: " + " → ".join(cycle),
                         d.node.span, "part of the circle")
            return None
        decl = self.decl(name)
        self.in_progress.append(name)
        saved, self.current_doc = self.current_doc, decl.document
        try:
            if isinstance(decl.node, A.TableDecl):
                result = self.table(decl)
            else:
                result = self.rules_or_expr(decl)
        finally:
            self.current_doc = saved
            self.in_progress.pop()
        self.done[name] = result
        self.order.append(name)
        return result

    # ---- citations and printed figures ----
    def need_citation(self, citation: A.Citation | None, span, what: str, document: str, *uses, heading=None):
        """`uses`: the AST parts whose literal figures the quote must state (citations.py); `heading`: a
        table's heading, whose printed unit ("资助标准（元/人·年）") its rows' bare figures carry."""
        if citation is None:
            self.c.error("E402", f"{what} has no citation", span, "cite the clause it implements",
                         hint="add §clause \"the notice's words\" after the value")
            return
        doc = citation.document or document
        texts = self.c.texts
        if texts is None:
            return
        if not texts.has(doc):
            if doc in texts.unreadable:  # it is there but cannot be read: E109 says so (directory.py)
                return
            self.c.error("W401", f"the text of {doc} is not in the repository; the quote is not verified",
                         citation.span, "not verified")
            return
        if not texts.contains(doc, citation.quote):
            found = texts.longest_prefix(doc, citation.quote)
            self.c.error("E403", f"the quote is not in the text of {doc}", citation.span, "not found in the notice",
                         notes=[f"the text matches up to “{found}”" if found else "not even its first characters match"],
                         hint="quote the notice's words exactly (spaces and line breaks are ignored)")
            return
        check_support(self.c, texts, doc, citation, uses, heading)

    def printed_value(self, lit: A.NumberLit, t):
        unit_t = UNIT_TYPES.get(lit.unit) if lit.unit else None
        if unit_t and unit_t != t:
            self.c.error("E301", f"the printed figure is {show_type(unit_t)}, the value is {show_type(t)}",
                         lit.span, "different kind")
            return None
        return number_value(lit.text, t)

    def value(self, v: A.Value, want, document: str) -> ir.Expr:
        e = self.expect(self.expr(v.expr, want), want, v.expr.span) if want else self.expr(v.expr, None)
        if e.type == ir.EXACT:  # a value of the notice is money, never an unrounded division
            e = self.exact(e, v.expr.span)
        if v.printed is not None:
            got = self.constant(e, v.expr.span, quiet=True)
            if got is None:
                self.c.error("E404", "a printed figure needs a value that does not depend on the case",
                             v.printed.span, "cannot be checked")
            elif not isinstance(got, ir.Unknown):
                printed = self.printed_value(v.printed, e.type)
                if printed is not None and printed != got:
                    self.c.error("E401", f"the rule gives {show_value(got, e.type)}, the notice prints {show_value(printed, e.type)}",
                                 v.printed.span, f"the notice prints {v.printed.text}",
                                 notes=[f"the value computes to {show_value(got, e.type)}"])
        return e

# ---- helpers ------------------------------------------------------------------------
def _param_years(e, name):
    """The constant years of parameter `name` that an expression reads."""
    for x in ir.subexprs(e):
        if isinstance(x, ir.ParamAt) and x.name == name and isinstance(x.year, ir.Const):
            yield x.year.value

"""Rules and tables → IR: a decision's rules in priority order (exceptions before the rules they
override, `otherwise` last) and a table's keys, rows and default. Mixed into check.py's `_Env`, whose
`expr`, `value`, `type_of` and `need_citation` these use."""
from __future__ import annotations

from ..language import ast as A
from ..ir import nodes as ir
from ..base.diagnostics import did_you_mean
from .citations import check_polarity
from ..ir.nodes import ANY, BOOL, ORDERED, show_type


class RulesAndTables:
    def rules_or_expr(self, decl) -> ir.Definition:
        node: A.Definition = decl.node
        t = self.type_of(node.type)
        defn = ir.Definition(node.name, node.kind, t, node.description, decl.document, node.span,
                             overridden=node.override)
        if node.value is not None:
            self.need_citation(node.citation, node.span, node.name, decl.document, node.value)
            e = self.value(node.value, t, decl.document)
            check_polarity(self.c, node.name, node.citation, e, node.span)
            defn.type = t or e.type
            defn.expr = e
            defn.citation = node.citation
            return defn
        rules = [(r, decl.document) for r in node.rules]
        for ext, doc in decl.extensions:
            rules += [(r, doc) for r in ext.rules]
        if t is None:
            self.c.error("E303", f"`{node.name}` is defined by rules, so it needs a type: `{node.kind} {node.name} : T {{ … }}`",
                         node.span, "no type")
            t = ANY
        defn.type = t
        checked = []
        labels = {}
        for i, (r, doc) in enumerate(rules):
            if r.label:
                if r.label in labels:
                    self.c.error("E202", f"two rules of `{node.name}` are labelled `{r.label}`", r.span, "second label")
                labels[r.label] = i
        for i, (r, doc) in enumerate(rules):
            saved, self.current_doc = self.current_doc, doc
            self.need_citation(r.citation, r.span, f"a rule of {node.name}", doc, r.guard, r.value)
            guard = self.expect(self.expr(r.guard, BOOL), BOOL, r.guard.span, " in a rule's `when`") if r.guard else None
            value = self.value(r.value, t, doc)
            check_polarity(self.c, node.name, r.citation, value, r.span)
            self.current_doc = saved
            for o in r.overrides:
                if o not in labels:
                    self.c.error("E206", f"`{node.name}` has no rule labelled `{o}`", r.span, "unknown rule",
                                 hint=did_you_mean(o, labels))
            rid = f"{node.name}#{r.label or i + 1}"
            checked.append((r, ir.RuleIR(rid, r.label, r.kind, guard, value, r.citation,
                                         (r.citation.document if r.citation and r.citation.document else doc),
                                         r.overrides, r.span)))
        defn.rules = tuple(_priority_order(self.c, node, checked, labels))
        return defn

    def table(self, decl) -> ir.Definition:
        node: A.TableDecl = decl.node
        t = self.type_of(node.type)
        keys = []
        for k in node.keys:
            e = self.expr(k, None)
            if isinstance(e.type, tuple) and e.type[0] == "enum":
                keys.append(ir.TableKey(e, "eq", e.type[1]))
            elif isinstance(e.type, tuple) and e.type[0] == "set" and e.type[1]:
                keys.append(ir.TableKey(e, "member", e.type[1]))
            else:
                self.c.error("E304", f"a table is keyed by enumerations or sets of them, got {show_type(e.type)}",
                             k.span, "not an enumeration")
        if node.hit == "best" and t not in ORDERED:
            self.c.error("E304", f"`hit best` needs values that can be compared, got {show_type(t)}", node.span)
        rows = []
        for i, row in enumerate(node.rows):
            self.need_citation(row.citation, row.span, f"a row of {node.name}", decl.document, row.value,
                               heading=node.description)
            if len(row.cells) != len(keys):
                self.c.error("E503", f"this row has {len(row.cells)} cells; `{node.name}` has {len(keys)} keys",
                             row.span, "wrong number of cells")
                continue
            cells = []
            for cell, key in zip(row.cells, keys):
                if cell.kind == "any":
                    cells.append(None)
                    continue
                codes = set()
                for n in cell.names:
                    code = self.member_of(key.enum, n, cell.span)
                    if code is not None:
                        codes.add(code)
                cells.append(frozenset(codes))
            value = self.value(row.value, t, decl.document)
            check_polarity(self.c, node.name, row.citation, value, row.span)
            doc = row.citation.document if row.citation and row.citation.document else decl.document
            label = ", ".join("*" if c.kind == "any" else "/".join(c.names) for c in row.cells)
            rows.append(ir.RowIR(f"{node.name}[{label}]", tuple(cells), value, row.citation, doc, row.span))
        default = self.value(node.default, t, decl.document) if node.default else None
        if node.default:
            self.need_citation(node.default_citation, node.default.span, f"the default of {node.name}", decl.document,
                               node.default)
        defn = ir.Definition(node.name, "table", t, node.description, decl.document, node.span,
                             citation=node.hit_citation, overridden=node.override)
        defn.table = ir.TableIR(tuple(keys), tuple(rows), node.hit, default)
        return defn

    def member_of(self, enum: str, name: str, span):
        info = self.enums[enum]
        code = info.code_of(name)
        if code is not None:
            return code
        self.c.error("E207", f"`{name}` is not a member of {enum}", span, "unknown member",
                     hint=did_you_mean(name, [m for m, _, _ in info.members]))
        return None


def _priority_order(c, node, checked, labels):
    """Exceptions before the rules they override, `otherwise` last, else source order."""
    n = len(checked)
    after = {i: set() for i in range(n)}  # i must come after these
    for i, (r, _) in enumerate(checked):
        for o in r.overrides:
            if o in labels:
                after[labels[o]].add(i)
    order, state = [], {}

    def visit(i, path):
        if state.get(i) == "done":
            return
        if state.get(i) == "active":
            c.error("E207", f"rules of `{node.name}` override each other in a circle", checked[i][0].span)
            return
        state[i] = "active"
        for j in sorted(after[i]):
            visit(j, path + [i])
        state[i] = "done"
        order.append(i)

    normal = [i for i, (r, _) in enumerate(checked) if r.kind != "otherwise"]
    last = [i for i, (r, _) in enumerate(checked) if r.kind == "otherwise"]
    for i in normal + last:
        visit(i, [])
    if len(last) > 1:
        c.error("E208", f"`{node.name}` has more than one `otherwise` rule", checked[last[1]][0].span)
    rank = {i: k for k, i in enumerate(order)}
    ordered = sorted(range(n), key=lambda i: (checked[i][0].kind == "otherwise", rank[i]))
    return [checked[i][1] for i in ordered]

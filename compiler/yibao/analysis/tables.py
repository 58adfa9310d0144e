"""Static analyses beyond types, each finding reported with a counterexample case.

Tables: a combination of keys no row decides (a gap), and rows that both apply under `hit unique`
(an overlap). A member of a set-valued key (an identity) that some row prices must be priced for
every combination of the other keys: otherwise deleting one row of a subsidy table would silently
fall through to the default.
"""
from __future__ import annotations

import itertools
import json
import math

from ..ir import nodes as ir
from ..ir.rowindex import RowIndex
from ..base.diagnostics import Diagnostic


def analyze(program: ir.Program) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for d in program.definitions.values():
        if d.table is not None and d.document == program.document:
            out += table_gaps(program, d)
    from . import domains, invariants, rules as rules_analysis
    out += domains.open_decisions(program)
    out += rules_analysis.analyze(program)
    out += invariants.prove(program)
    return out


def counterexample(program: ir.Program, keys, combo) -> str:
    case = {}
    described = []
    for key, code in zip(keys, combo):
        if isinstance(key.expr, ir.Fact):
            case[key.expr.name] = [code] if key.mode == "member" else code
        else:
            described.append(f"{_show_key(key)} = {code!r}")
    text = json.dumps(case, ensure_ascii=False)
    return text + (f" with {', '.join(described)}" if described else "")


def _show_key(key) -> str:
    e = key.expr
    return getattr(e, "name", "a key")


_PRODUCT = 1 << 14  # key combinations looked at one by one; past this, one code stands for all alike


def key_domains(program: ir.Program, t) -> list[list]:
    """Each key's codes to try. Where the keys' product is large (three 100-member enumerations: a
    million), the codes no row names are alike (every row matches them, or none does: a wildcard or
    not), so one of them stands for the rest: the work grows with the table's rows, not its product."""
    domains = [program.enums[k.enum].codes() for k in t.keys]
    if math.prod(map(len, domains)) <= _PRODUCT:
        return domains
    out = []
    for i, codes in enumerate(domains):
        named = {c for row in t.rows if row.cells[i] is not None for c in row.cells[i]}
        other = next((c for c in codes if c not in named), None)
        out.append([c for c in codes if c in named] + ([] if other is None else [other]))
    return out


def table_gaps(program: ir.Program, d: ir.Definition) -> list[Diagnostic]:
    t = d.table
    out = []
    domains = key_domains(program, t)
    member_dims = [i for i, k in enumerate(t.keys) if k.mode == "member"]

    index = RowIndex(t.rows)

    def matching(combo):
        return [t.rows[r] for r in index.matching(enumerate(combo))]

    for combo in itertools.product(*domains):
        rows = matching(combo)
        if len(rows) > 1 and t.hit == "unique":
            out.append(Diagnostic(
                "E502", f"rows of `{d.name}` overlap: both apply to {counterexample(program, t.keys, combo)}",
                rows[1].span, "overlaps an earlier row",
                notes=[f"the other row is at {rows[0].span.where}" if rows[0].span else rows[0].id],
                hint="make the rows exclusive, or declare `hit first` / `hit best`"))
        if rows:
            continue
        if t.default is None:
            out.append(Diagnostic(
                "E501", f"`{d.name}` decides nothing for {counterexample(program, t.keys, combo)}",
                d.span, "no row for this combination",
                hint="add a row for it, or an `otherwise` value with its citation"))
            continue
        # with a default: a member that some row prices must be priced for every other combination,
        # unless the default is `unknown` (then what no row prices is unknown, as the notice leaves it)
        if isinstance(t.default, ir.Unknown):
            continue
        for i in member_dims:
            code = combo[i]
            if index.listing(i, code):
                out.append(Diagnostic(
                    "E501", f"`{d.name}` prices {program.enums[t.keys[i].enum].name_of(code)} for some keys but not for "
                    f"{counterexample(program, t.keys, combo)}",
                    d.span, "a combination left to the default",
                    hint="add its row (write `=> 0 元` with a citation where the notice really gives nothing)"))
    return _limit(out)


def _limit(diags: list[Diagnostic], most: int = 20) -> list[Diagnostic]:
    return diags if len(diags) <= most else diags[:most] + [
        Diagnostic(diags[0].code, f"… and {len(diags) - most} more like these", diags[0].span)]

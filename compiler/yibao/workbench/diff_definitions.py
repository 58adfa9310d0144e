"""What a notice changes in its definitions against another: parameters by year, lets, decisions,
rules (matched by label) and table rows (matched by their key cells), each with both citations.
Values that do not depend on the case are compared folded (居民一档标准 380.00 → 400.00); a value
that depends on the case is never shown as a value, so no line reads `unknown → unknown`."""
from __future__ import annotations

from ..ir import nodes as ir
from ..ir.nodes import facts_read
from ..analysis.rules import fold

CASE_DEPENDENT = "depends on the case"


def _cite(c, document) -> dict | None:
    if c is None:
        return None
    out = {"document": document, "clause": c.clause, "quote": c.quote}
    if getattr(c, "note", None):
        out["note"] = c.note
    if getattr(c, "derived", None):
        out["derived"] = c.derived
    return out


def _show(program: ir.Program, t, v) -> str:
    if v is None:
        return None
    from ..runtime.core import output_value
    from ..ir.kinds import output_kind
    try:
        out = output_value(output_kind(t), v)
    except Exception:  # noqa: BLE001 - a value the output kinds do not know (a rate, a set)
        out = v
    if isinstance(out, (list, tuple, set, frozenset)):
        return "{" + ", ".join(sorted(map(str, out))) + "}"
    return str(out)


def _value(program: ir.Program, e, t):
    """(folded value as text, or `unknown` where the notices do not give it, or CASE_DEPENDENT; the
    expression, the structural key for comparison)."""
    v = fold(program, e)
    if v is not None:
        return _show(program, t, v), e
    return (CASE_DEPENDENT if facts_read(program, [e]) else "unknown"), e


def _changed(old_p, old_e, new_p, new_e, t) -> tuple[bool, str | None, str | None]:
    """(changed, from, to); from and to are None where both depend on the case: then only how the
    value is worked out changed, and a line says so rather than `… → …` with nothing to compare."""
    ov, _ = _value(old_p, old_e, t)
    nv, _ = _value(new_p, new_e, t)
    if ov == nv == "unknown":  # both silent: nothing a drafter can compare
        return False, None, None
    if ov == nv == CASE_DEPENDENT:
        return old_e != new_e, None, None
    return ov != nv, ov, nv


def _from_to(ov, nv) -> dict:
    if ov is None and nv is None:
        return {"formula_changed": True}
    return {"from": ov, "to": nv}


def _cells(program: ir.Program, t: ir.TableIR, row: ir.RowIR) -> str:
    parts = []
    for key, cell in zip(t.keys, row.cells):
        if cell is None:
            parts.append("*")
            continue
        enum = program.enums[key.enum]
        names = sorted(enum.name_of(c) for c in cell)
        parts.append(names[0] if len(names) == 1 else "{" + ", ".join(names) + "}")
    return ", ".join(parts)


def _own_values(program: ir.Program) -> dict:
    """Definitions by the name a drafter knows: a guarded decision is its own value (the domain's
    guard is compared as the domain, not as a change of every decision it bounds)."""
    return {ir.public_name(n): d for n, d in program.definitions.items() if n not in program.domains}


def compare_definitions(old: ir.Program, new: ir.Program) -> list[dict]:
    changes = []
    old_defs, new_defs = _own_values(old), _own_values(new)
    names = list(old_defs) + [n for n in new_defs if n not in old_defs]
    for name in names:
        a, b = old_defs.get(name), new_defs.get(name)
        if a is None or b is None:
            d, p = (b, new) if a is None else (a, old)
            entry = {"what": "added" if a is None else "removed", "kind": d.kind, "name": name}
            if d.expr is not None:
                entry["value"] = _value(p, d.expr, d.type)[0]
            cite = _cite(d.citation, d.document) or _first_rule_cite(d)
            entry["new" if a is None else "old"] = cite
            changes.append(entry)
            continue
        override = b.overridden or (b.document == new.document and a.document != new.document and b.document != a.document)
        base = {"kind": b.kind, "name": name}
        if override and b.overridden:
            base["override"] = True
        if a.expr is not None and b.expr is not None:
            ch, ov, nv = _changed(old, a.expr, new, b.expr, b.type)
            if ch:
                changes.append({**base, "what": "changed", **_from_to(ov, nv),
                                "old": _cite(a.citation, a.document), "new": _cite(b.citation, b.document)})
            continue
        if a.rules is not None and b.rules is not None:
            changes += _rule_changes(old, new, a, b, base)
            continue
        if a.table is not None and b.table is not None:
            changes += _row_changes(old, new, a, b, base)
            continue
        changes.append({**base, "what": "changed", "from": _form(a), "to": _form(b),
                        "old": _cite(a.citation, a.document) or _first_rule_cite(a),
                        "new": _cite(b.citation, b.document) or _first_rule_cite(b)})
    return changes


def _form(d: ir.Definition) -> str:
    return "a value" if d.expr is not None else "rules" if d.rules is not None else "a table"


def _first_rule_cite(d: ir.Definition):
    for r in d.rules or ():
        if r.citation:
            return _cite(r.citation, r.document)
    for r in (d.table.rows if d.table else ()):
        if r.citation:
            return _cite(r.citation, r.document)
    return None


def _rule_key(r: ir.RuleIR) -> str:
    return r.label or r.id


def _rule_changes(old, new, a: ir.Definition, b: ir.Definition, base) -> list[dict]:
    ra = {_rule_key(r): r for r in a.rules}
    rb = {_rule_key(r): r for r in b.rules}
    out = []
    for key, x, y in _matched(ra, rb):
        entry = {**base, "rule": key}
        if x is None or y is None:
            out.append(_added_or_removed("rule", entry, old, new, a, b, x, y))
            continue
        ch, ov, nv = _changed(old, x.value, new, y.value, b.type)
        guard = x.guard != y.guard
        if ch or guard:
            e = {**entry, "what": "rule changed", "old": _cite(x.citation, x.document),
                 "new": _cite(y.citation, y.document)}
            if ch:
                e.update(_from_to(ov, nv))
            if guard:
                e["condition_changed"] = True
            out.append(e)
    return out


def _row_changes(old, new, a: ir.Definition, b: ir.Definition, base) -> list[dict]:
    ra = {r.cells: r for r in a.table.rows}
    rb = {r.cells: r for r in b.table.rows}
    out = []
    for _, x, y in _matched(ra, rb):
        label = _cells(new if y is not None else old, (b if y is not None else a).table, y or x)
        entry = {**base, "row": label}
        if x is None or y is None:
            out.append(_added_or_removed("row", entry, old, new, a, b, x, y))
            continue
        ch, ov, nv = _changed(old, x.value, new, y.value, b.type)
        if ch:
            out.append({**entry, "what": "row changed", **_from_to(ov, nv),
                        "old": _cite(x.citation, x.document), "new": _cite(y.citation, y.document)})
    return out


def _matched(ra: dict, rb: dict):
    """(key, old item or None, new item or None), old order first, then what only the new has."""
    for key in list(ra) + [k for k in rb if k not in ra]:
        yield key, ra.get(key), rb.get(key)


def _added_or_removed(kind: str, entry: dict, old, new, a, b, x, y) -> dict:
    if x is None:
        return {**entry, "what": f"{kind} added", "value": _value(new, y.value, b.type)[0],
                "new": _cite(y.citation, y.document)}
    return {**entry, "what": f"{kind} removed", "value": _value(old, x.value, a.type)[0],
            "old": _cite(x.citation, x.document)}


def compare_params(old: ir.Program, new: ir.Program) -> list[dict]:
    out = []
    for name in sorted(set(old.params) | set(new.params)):
        a, b = old.params.get(name), new.params.get(name)
        if a is None or b is None:
            out.append({"kind": "parameter", "name": name, "what": "added" if a is None else "removed"})
            continue
        for year in sorted(set(a.values) | set(b.values)):
            va, vb = a.values.get(year), b.values.get(year)
            sa = None if va is None or isinstance(va, ir.Unknown) else _show(old, a.type, va)
            sb = None if vb is None or isinstance(vb, ir.Unknown) else _show(new, b.type, vb)
            if sa != sb:
                ca, cb = a.citations.get(year), b.citations.get(year)
                out.append({"kind": "parameter", "name": f"{name}[{year}]", "what": "changed", "from": sa, "to": sb,
                            "old": _cite(*ca) if ca else None, "new": _cite(*cb) if cb else None})
    return out



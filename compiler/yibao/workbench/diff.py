"""`yibao diff OLD NEW`: what a notice changes against another.

Definitions (lets, decisions, tables), their rules (matched by label) and table rows (matched by
their key cells), parameters by year: added, removed or changed, each with both citations. Values
that do not depend on the case are compared folded (居民一档标准 380.00 → 400.00). Then the effect on
people: cases generated from both notices' own conditions (rules_analysis.CaseGenerator), payment
dates shifted by the difference in coverage years, grouped by group × tier × identity-or-none ×
payment window; what changes in amount_due, assistance, contribution and benefit_start.

OLD and NEW are document numbers or policy file paths (a file elsewhere is read with the policy
directory it sits in, so a draft beside its own texts/ checks its own quotes).
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from .. import ir
from .. import runtime as rt
from ..backends.interpreter import Interpreter
from ..rules_analysis import CaseGenerator, fold

EFFECT_DECISIONS = ("contribution", "assistance", "amount_due", "benefit_start")
NEWBORN_AGE = 30  # a newborn in the effect cases is paid for 30 days after birth


def add_parser(sub):
    d = sub.add_parser("diff", help="compare two notices: rules changed and the effect on people",
                       description="Compare two notices (document numbers or policy file paths): parameters, lets,\n"
                       "decisions, rules and table rows added, removed or changed, with both citations, and\n"
                       "the effect on people (group × tier × identity × payment window).")
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    d.set_defaults(run=cmd_diff)


# ---- loading ------------------------------------------------------------------------------
def load(args, notice: str) -> ir.Program:
    from ..policies import PolicySet, default_directory, load_notice
    directory = args.policies or default_directory()
    p = Path(notice)
    if p.suffix == ".policy" and p.exists():
        directory = _policy_dir(p)
    return load_notice(PolicySet(directory), notice)


def _policy_dir(p: Path) -> Path:
    """The nearest directory up from a policy file that has the notices' texts/."""
    for d in p.resolve().parents:
        if (d / "texts").is_dir():
            return d
    return p.resolve().parent


def cmd_diff(args) -> int:
    old, new = load(args, args.old), load(args, args.new)
    result = compare(old, new)
    if args.format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(result, markdown=args.format == "markdown"))
    return 0


# ---- comparing definitions -------------------------------------------------------------------
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
    from ..runtime import output_value
    from ..backends.python import output_kind
    try:
        out = output_value(output_kind(t), v)
    except Exception:  # noqa: BLE001 - a value the output kinds do not know (a rate, a set)
        out = v
    if isinstance(out, (list, tuple, set, frozenset)):
        return "{" + ", ".join(sorted(map(str, out))) + "}"
    return str(out)


def _value(program: ir.Program, e, t):
    """(folded value as text or None, structural key for comparison)."""
    v = fold(program, e)
    return (_show(program, t, v) if v is not None else None), e


def _changed(old_p, old_e, new_p, new_e, t) -> tuple[bool, str | None, str | None]:
    ov, _ = _value(old_p, old_e, t)
    nv, _ = _value(new_p, new_e, t)
    if ov is not None and nv is not None:
        return ov != nv, ov, nv
    return old_e != new_e, ov, nv


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
                changes.append({**base, "what": "changed", "from": ov, "to": nv,
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
                e.update({"from": ov, "to": nv})
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
            out.append({**entry, "what": "row changed", "from": ov, "to": nv,
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


# ---- the effect on people -------------------------------------------------------------------------
def _shift(d: dt.date, years: int) -> dt.date:
    return rt.plus_months(d, 12 * years)


def _decide(interp: Interpreter, program: ir.Program, name: str, case: dict, memo: dict):
    if name not in program.decisions:
        return None
    try:
        return interp.decide(name, case, memo)
    except (rt.Undecidable, TypeError, KeyError, AttributeError):
        return None


def effects(old: ir.Program, new: ir.Program) -> list[dict]:
    years = new.coverage - old.coverage
    dates = set(CaseGenerator(old).dates) | {_shift(x, -years) for x in CaseGenerator(new).dates}
    groups = old.enums["群体"].codes() if "群体" in old.enums else [None]
    tiers = old.enums["档次"].codes() if "档次" in old.enums else [None]
    idents = [None] + (old.enums["资助身份"].codes() if "资助身份" in old.enums else [])
    io, inn = Interpreter(old), Interpreter(new)
    base_o = CaseGenerator(old).base_case()
    base_n = CaseGenerator(new).base_case()
    # one payment date for each pair of windows (old, new) the shifted dates fall in, per group
    rows: dict[tuple, dict] = {}
    for group in groups:
        reps: dict[tuple, dt.date] = {}
        for day in sorted(dates):
            co = {**base_o, "group": group, "payment_date": day}
            cn = {**base_n, "group": group, "payment_date": _shift(day, years)}
            wo = _decide(io, old, "payment_window", co, {})
            wn = _decide(inn, new, "payment_window", cn, {})
            if wo is None and wn is None:
                continue
            reps.setdefault((wo, wn), day)
        for (wo, wn), day in reps.items():
            for tier in tiers:
                for ident in idents:
                    facts = {"group": group, "tier": tier, "payment_date": day,
                             "identities": frozenset([ident]) if ident else frozenset()}
                    co = {**base_o, **facts}
                    cn = {**base_n, **facts, "payment_date": _shift(day, years)}
                    if group == "newborn":  # born NEWBORN_AGE days before paying, in both years
                        co["birth_date"] = day - dt.timedelta(days=NEWBORN_AGE)
                        cn["birth_date"] = cn["payment_date"] - dt.timedelta(days=NEWBORN_AGE)
                    mo, mn = {}, {}
                    for name in EFFECT_DECISIONS:
                        vo = _decide(io, old, name, co, mo)
                        vn = _decide(inn, new, name, cn, mn)
                        if name == "benefit_start":
                            cmp_n = _shift(vn, -years) if vn is not None else None
                            if vo == cmp_n:
                                continue
                        elif vo == vn:
                            continue
                        key = (group, tier, name, _fmt(old, name, vo), _fmt(new, name, vn))
                        r = rows.setdefault(key, {"group": group, "tier": tier, "decision": name,
                                                  "from": key[3], "to": key[4], "change": _delta(name, vo, vn, years),
                                                  "cases": []})
                        r["cases"].append({"identity": ident, "payment_window": [wo, wn],
                                           "payment_date": [day.isoformat(), _shift(day, years).isoformat()]})
    out = []
    for r in rows.values():
        idents_seen = sorted({c["identity"] or "none" for c in r["cases"]})
        windows = sorted({_wlabel(c["payment_window"]) for c in r["cases"]})
        r["identities"] = "any" if len(idents_seen) == len(idents) else idents_seen
        r["windows"] = windows
        out.append(r)
    return out


def _wlabel(pair) -> str:
    wo, wn = pair
    wo, wn = wo or "undecided", wn or "undecided"
    return wo if wo == wn else f"{wo}→{wn}"


def _fmt(program, name, v) -> str:
    if v is None:
        return "undecided"
    return _show(program, program.definitions[name].type, v)


def _delta(name, vo, vn, years) -> str | None:
    if vo is None or vn is None:
        return None
    if name == "benefit_start":
        days = (_shift(vn, -years) - vo).days
        return f"{days:+d} days"
    if isinstance(vo, int) and isinstance(vn, int):
        return ("+" if vn >= vo else "-") + rt.money_out(abs(vn - vo))
    return None


# ---- the whole comparison and its rendering ---------------------------------------------------------
def compare(old: ir.Program, new: ir.Program) -> dict:
    return {
        "old": {"document": old.document, "coverage": old.coverage, "path": old.path},
        "new": {"document": new.document, "coverage": new.coverage, "path": new.path,
                "implements": new.implements},
        "decisions": {"added": [d for d in new.decisions if d not in old.decisions],
                      "removed": [d for d in old.decisions if d not in new.decisions]},
        "changes": compare_params(old, new) + compare_definitions(old, new),
        "effects": effects(old, new),
    }


_GROUP_NAMES = {"resident": "resident", "student": "student", "newborn": "newborn"}


def render(result: dict, markdown: bool = False) -> str:
    o, n = result["old"], result["new"]
    lines = []
    h1, h2, item = ("# ", "## ", "- ") if markdown else ("", "", "  ")
    lines.append(f"{h1}{o['document']} (coverage {o['coverage']}) → {n['document']} (coverage {n['coverage']})")
    if n.get("implements") == o["document"]:
        lines.append(f"{n['document']} implements {o['document']}: changes below are its overrides and additions")
    lines.append("")
    dec = result["decisions"]
    if dec["added"] or dec["removed"]:
        lines.append(f"{h2}decisions")
        for d in dec["added"]:
            lines.append(f"{item}+ {d}")
        for d in dec["removed"]:
            lines.append(f"{item}- {d}")
        lines.append("")
    lines.append(f"{h2}definitions ({len(result['changes'])} change(s))")
    for c in result["changes"]:
        lines.append(item + _describe(c, markdown))
        for side in ("old", "new"):
            cite = c.get(side)
            if cite:
                q = f"§{cite['clause']} of {cite['document']}: “{cite['quote']}”"
                lines.append(("    " if markdown else "      ") + f"{side}: {q}")
    lines.append("")
    lines.append(f"{h2}effect on people ({len(result['effects'])} change(s))")
    for e in sorted(result["effects"], key=lambda e: (str(e["group"]), str(e["tier"]), e["decision"])):
        who = f"{_GROUP_NAMES.get(e['group'], e['group'])} tier {e['tier']}"
        qual = []
        if e["identities"] != "any":
            qual.append("identity " + ", ".join(e["identities"]))
        qual.append("window " + ", ".join(e["windows"]))
        change = f" ({e['change']})" if e["change"] else ""
        text = f"{who}: {e['decision']} {e['from']} → {e['to']}{change}  [{'; '.join(qual)}]"
        lines.append(item + text)
    return "\n".join(lines) + "\n"


def _describe(c: dict, markdown: bool) -> str:
    code = (lambda s: f"`{s}`") if markdown else (lambda s: s)
    name = code(c["name"])
    where = ""
    if "rule" in c:
        where = f" rule {code(c['rule'])}"
    if "row" in c:
        where = f" row [{c['row']}]"
    ov = " (override)" if c.get("override") else ""
    what = c["what"]
    if what in ("added", "removed", "rule added", "rule removed", "row added", "row removed"):
        val = f" = {c['value']}" if c.get("value") is not None else ""
        return f"{what}: {c['kind']} {name}{where}{val}{ov}"
    show = lambda v: "unknown" if v is None else v  # noqa: E731
    change = f": {show(c.get('from'))} → {show(c.get('to'))}" if "from" in c else ""
    if c.get("condition_changed"):
        change += " (condition changed)"
    return f"{what}: {c['kind']} {name}{where}{change}{ov}"

"""Checked IR → a standalone JavaScript calculator (an ES module; no dependencies).

The twin of backends/python.py: one function per decision, `evaluate(case, decisions)`, the same
errors and messages, and a JSONL main under node. Money, whole numbers, days and months are BigInt
(money in fen: never a float); a date is a day number; the runtime is runtime/runtime.js, copied
in. Strings from the policy reach the source only through _js_str (in code) or comment (in
comments), so no quote, newline or `</script>` in a policy can break or inject into the module or
the page that inlines it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from fractions import Fraction
from dataclasses import replace
from importlib import resources

from ... import __version__
from ...ir import nodes as ir
from ...ir.kinds import bounded_program, output_kind
from ...ir.walk import Visitor
from ...runtime import messages as _messages
from ..common import Unsupported, comment as _py_comment

_OPS = {"eq": "===", "ne": "!==", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
        "add": "+", "sub": "-", "mul": "*", "and": "&&", "or": "||"}
_CALLS = {"day_after": "dayAfter", "first_of_next_month": "firstOfNextMonth", "year_start": "yearStart",
          "year_end": "yearEnd", "date_plus_days": "plusDays", "date_plus_months": "plusMonths",
          "max": "_max", "min": "_min", "div": "divExact", "round": "roundTo", "age_on": "ageOn",
          "months_between": "monthsBetween", "month_of": "monthOf", "year_of": "yearOf"}
_INTEGERS = {ir.MONEY, ir.INT, ir.DAYS, ir.MONTHS}
# with a bounded unknown: the operators on numbers that bounded.js carries out keeping the bounds
_NUMBERS = {ir.MONEY, ir.INT, ir.DAYS, ir.MONTHS, ir.ANY}
_BOUNDED = {"add": "_add", "sub": "_sub", "mul": "_mul", "lt": "_lt", "le": "_le", "gt": "_gt", "ge": "_ge",
            "eq": "_eq", "ne": "_ne"}
_EPOCH = dt.date(1970, 1, 1)
_JS_WORDS = set("""break case catch class const continue debugger default delete do else enum export extends
false finally for function if import in instanceof new null return super switch this throw true try typeof
var void while with yield let static implements interface package private protected public await async
arguments eval undefined NaN Infinity Object Map Set Array String Number BigInt JSON Math Error""".split())
_INTERFACE = {"DOCUMENT", "TITLE", "COVERAGE_YEAR", "STATUS", "FACTS", "DECISIONS", "FUNCTIONS", "CITES",
              "EXPLAIN", "evaluate", "explain", "decode", "main", "CATALOGUE"}


def runtime_source(bounded: bool = False) -> str:
    """runtime.js, and bounded.js for a notice that has a bounded unknown (every other calculator is
    unchanged by it)."""
    parts = ("runtime.js", "bounded.js") if bounded else ("runtime.js",)
    return "\n\n".join(resources.files("yibao.runtime").joinpath(p).read_text(encoding="utf-8").strip() for p in parts)


def catalogue_json() -> str:
    """The message catalogue (runtime/messages.py) as the JSON runtime.js reads as CATALOGUE."""
    m = _messages
    return json.dumps({"messages": m.MESSAGES, "types": m.TYPES, "hint": m.HINT, "separator": m.SEPARATOR,
                       "or": m.OR, "decisions": list(m.INTERFACE_DECISIONS)}, ensure_ascii=False)


def _runtime_names() -> set[str]:
    return set(re.findall(r"^(?:function|class|const) (\w+)", runtime_source(bounded=True), re.M))


def _js_str(s: str) -> str:
    """A JavaScript string literal: JSON's, with `<`, line separators and lone surrogates escaped."""
    out = []
    for ch in json.dumps(str(s), ensure_ascii=False):
        if ch in "<>&\u2028\u2029" or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def comment(text) -> str:
    """Policy text for a `//` comment: one line, and nothing that could end a <script>."""
    return _py_comment(text).replace("<", "‹").replace(">", "›")


def _code(v) -> str:
    """An enum code (a string or a small whole number) as a literal."""
    return _js_str(v) if isinstance(v, str) else str(int(v))


def _ident(prefix: str, name: str) -> str:
    cand = prefix + name
    if cand.isidentifier() and cand.isascii():
        return cand
    return prefix[:-1] + "x" + name.encode("utf-8").hex()


def public_names(decisions) -> dict[str, str]:
    """Decision → the name of its exported function: the name where JavaScript allows it and the
    module does not already use it, else with `_` added until it is free, else `decision_` + hex."""
    reserved = _JS_WORDS | _INTERFACE | _runtime_names()
    out, taken = {}, set()
    for n in decisions:
        base = n if n.isidentifier() and unicodedata.normalize("NFKC", n) == n and not n.startswith("_") \
            else "decision_" + n.encode("utf-8").hex()
        cand = base
        while cand in taken or cand in reserved:
            cand += "_"
        out[n] = cand
        taken.add(cand)
    return out


def refs(e):
    for x in ir.subexprs(e):
        if isinstance(x, ir.Ref):
            yield x.name


def generate(program: ir.Program, *, module: bool = True) -> str:
    """The calculator's source: an ES module (exports and a JSONL main), or, with module=False, a
    script body for a page to inline (the same code, no exports, no main)."""
    return _Generator(program).source(module)


class _Generator(Visitor):
    def __init__(self, program: ir.Program):
        self.p = program
        self.funcs = {name: _ident("_d_", name) for name in program.definitions}
        self.params = {name: _ident("_P_", name) for name in program.params}
        self.hoisted: list[str] = []
        self._hoist_names: dict = {}
        self.cites: list[str] = []
        # a notice with a bounded unknown: numbers go through bounded.js's functions, which keep bounds
        self.bounded = bounded_program(program)

    # ---- values ----
    def hoist(self, code: str, key, note: str = "") -> str:
        if key not in self._hoist_names:
            name = f"_C{len(self._hoist_names)}"
            self._hoist_names[key] = name
            self.hoisted.append(f"const {name} = {code};" + (f"  // {note}" if note else ""))
        return self._hoist_names[key]

    def literal(self, value, t=None) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.date):
            return self.hoist(str((value - _EPOCH).days), ("date", value), value.isoformat())
        if isinstance(value, frozenset):
            items = sorted(value, key=repr)
            return self.hoist(f"new Set([{', '.join(map(_code, items))}])", ("set", tuple(items)))
        if isinstance(value, Fraction):
            return f"[{value.numerator}n, {value.denominator}n]"
        if isinstance(value, int):
            return _code(value) if isinstance(t, tuple) else f"{value}n"
        if isinstance(value, str):
            return _js_str(value)
        raise Unsupported(f"a constant {value!r}, which the JavaScript backend does not write")

    def cite(self, definition: str, rule: str, citation, document: str, value=None) -> int:
        """A CITES entry: what --explain says of a rule, and `reads`, the definitions its value reads
        (through domain guards), whose own rules explain the figure one step further."""
        # the notice whose words these are: a citation `of` another notice keeps it
        document = citation.document if citation is not None and citation.document else document
        entry = {"definition": ir.public_name(definition), "rule": rule, "document": document}
        if citation is not None:
            entry.update(clause=citation.clause, quote=citation.quote)
        reads = [] if value is None else list(dict.fromkeys(self.p.domains.get(r, r) for r in refs(value)))
        fields = [f"{k}: {_js_str(v)}" for k, v in entry.items()]
        self.cites.append("{" + ", ".join(fields + [f"reads: [{', '.join(map(_js_str, reads))}]"]) + "}")
        return len(self.cites) - 1

    # ---- expressions: one handler a node (ir/walk.py) ----
    NOT_HANDLED = {"With": "`with` belongs to invariants, which are not generated"}

    def expr(self, e) -> str:
        return self.visit(e)

    def x_Const(self, e: ir.Const) -> str:
        return self.literal(e.value, e.type)

    def x_Fact(self, e: ir.Fact) -> str:
        return f"_fact(c, {_js_str(e.name)})"

    def x_Ref(self, e: ir.Ref) -> str:
        return f"{self.funcs[e.name]}(c)"

    def x_Unknown(self, e: ir.Unknown) -> str:
        if e.bounded:
            def bound(v):
                return "null" if v is None else self.literal(v, e.type)
            return f"_bounded({bound(e.low)}, {bound(e.high)}, {_js_str(e.reason)})"
        return f"_unknown({_js_str(e.reason)})"

    def x_Given(self, e: ir.Given) -> str:
        return f"c.f.has({_js_str(e.fact)})"

    def x_ParamAt(self, e: ir.ParamAt) -> str:
        return f"_paramAt({self.params[e.name]}, {self.expr(e.year)}, {_js_str(e.name)})"

    def x_IfE(self, e: ir.IfE) -> str:
        return f"({self.expr(e.cond)} ? {self.expr(e.then)} : {self.expr(e.orelse)})"

    def x_Outside(self, e: ir.Outside) -> str:
        parts = [_js_str(p) if isinstance(p, str) else f"[{_js_str(output_kind(p.type))}, () => {self.expr(p)}]"
                 for p in e.parts]
        return f"_outside([{', '.join(parts)}])"

    def x_Domains(self, e: ir.Domains) -> str:
        checks = ", ".join(f"[() => {self.expr(c)}, () => {self.expr(o)}]" for c, o in e.checks)
        return f"_inDomain([{checks}], () => {self.expr(e.value)})"

    def x_Op(self, e: ir.Op) -> str:
        """What every operator shares here, then its own handler."""
        op, a = e.op, e.args
        if op != "pct" and any(getattr(x, "type", None) == ir.RATE for x in a):
            raise Unsupported(f"`{op}` on a rate, which the JavaScript backend does not write")
        if op in ("eq", "ne") and any(isinstance(getattr(x, "type", None), tuple) and x.type[0] == "set" for x in a):
            return f"({'' if op == 'eq' else '!'}_setEq({self.expr(a[0])}, {self.expr(a[1])}))"
        if op in ("eq", "ne", "member") and any(isinstance(getattr(x, "type", None), tuple) for x in a):
            # a whole number beside an enum or a set of one is a code (a Number), not a BigInt
            e = replace(e, args=tuple(ir.Const(x.value, ("enum", "?")) if isinstance(x, ir.Const) and type(x.value) is int
                                      else x for x in a))
        return Visitor.x_Op(self, e)

    def _infix(self, e: ir.Op) -> str:
        if self.bounded and e.op in _BOUNDED and all(getattr(x, "type", None) in _NUMBERS for x in e.args):
            return f"{_BOUNDED[e.op]}({self.expr(e.args[0])}, {self.expr(e.args[1])})"
        return f"({self.expr(e.args[0])} {_OPS[e.op]} {self.expr(e.args[1])})"

    op_eq = op_ne = op_lt = op_le = op_gt = op_ge = op_add = op_sub = op_and = op_or = _infix

    def op_mul(self, e: ir.Op) -> str:
        if e.type == ir.EXACT:  # an unrounded amount ([num, den]) times a whole number
            q, k = e.args if e.args[0].type == ir.EXACT else e.args[::-1]
            return f"_qmul({self.expr(q)}, {self.expr(k)})"
        return self._infix(e)

    def op_not(self, e: ir.Op) -> str:
        return f"(!{self.expr(e.args[0])})"

    def op_neg(self, e: ir.Op) -> str:
        if self.bounded:
            return f"_neg({self.expr(e.args[0])})"
        return f"(-{self.expr(e.args[0])})"

    def op_pct(self, e: ir.Op) -> str:
        rate, amount = e.args
        if isinstance(rate, ir.Const):
            call = "_pctB" if self.bounded else "pct"
            return f"{call}({self.expr(amount)}, {rate.value.numerator}n, {rate.value.denominator}n)"
        return f"_pctRate({self.expr(rate)}, {self.expr(amount)})"

    def op_in_range(self, e: ir.Op) -> str:  # lo ≤ v ≤ hi, as Python's chained comparison: hi only if lo ≤ v
        a = e.args
        if self.bounded and all(getattr(x, "type", None) in _NUMBERS for x in a):
            return f"((_l, _v) => _le(_l, _v) && _le(_v, {self.expr(a[2])}))({self.expr(a[1])}, {self.expr(a[0])})"
        return f"((_l, _v) => _l <= _v && _v <= {self.expr(a[2])})({self.expr(a[1])}, {self.expr(a[0])})"

    def op_member(self, e: ir.Op) -> str:
        return f"{self.expr(e.args[1])}.has({self.expr(e.args[0])})"

    def op_overlaps(self, e: ir.Op) -> str:
        return f"_overlaps({self.expr(e.args[0])}, {self.expr(e.args[1])})"

    def op_date_diff(self, e: ir.Op) -> str:
        return f"BigInt({self.expr(e.args[0])} - {self.expr(e.args[1])})"

    def op_int_as_days(self, e: ir.Op) -> str:
        return self.expr(e.args[0])

    op_int_as_months = op_int_as_days

    def _call(self, e: ir.Op) -> str:
        call = {"max": "_bmax", "min": "_bmin"}.get(e.op, _CALLS[e.op]) if self.bounded else _CALLS[e.op]
        return f"{call}({', '.join(self.expr(x) for x in e.args)})"

    op_max = op_min = op_day_after = op_first_of_next_month = op_year_start = op_year_end = _call
    op_date_plus_days = op_date_plus_months = _call
    op_div = op_round = op_age_on = op_months_between = op_month_of = op_year_of = _call

    # ---- definitions ----
    def function(self, d: ir.Definition) -> list[str]:
        key = _js_str(d.name)
        lines = [f"// {comment(d.description or d.name)} — {d.kind} {comment(d.name)}",
                 f"function {self.funcs[d.name]}(c) {{",
                 f"  let v = c.m.get({key});",
                 "  if (v !== undefined) return v;"]
        if d.expr is not None:
            step = self.cite(d.name, d.name, d.citation, d.document, d.expr)
            if d.citation:
                lines.append(f"  // §{comment(d.citation.clause)} “{comment(d.citation.quote)}”")
            lines += [f"  _fire(c, {key}, {step});", f"  v = {self.expr(d.expr)};"]
        elif d.rules is not None:
            first, closed = True, False
            for r in d.rules:
                step = self.cite(d.name, r.id, r.citation, r.document, r.value)
                cite = f"  // {comment(r.id)}" + (f" · §{comment(r.citation.clause)} “{comment(r.citation.quote)}”"
                                                   if r.citation else "")
                head = "{" if r.guard is None and first else "} else {" if r.guard is None else \
                    f"{'if' if first else '} else if'} ({self.expr(r.guard)}) {{"
                lines += [f"  {head}{cite}", f"    _fire(c, {key}, {step});", f"    v = {self.expr(r.value)};"]
                first = False
                if r.guard is None:
                    closed = True
                    break
            if not closed:
                lines += ["  } else {", f"    throw new NoRuleApplies({_js_str(ir.public_name(d.name))}, \"\");"]
            lines.append("  }")
        else:
            lines += self.table(d)
        lines += [f"  c.m.set({key}, v);", "  return v;", "}"]
        return lines

    def table(self, d: ir.Definition) -> list[str]:
        """The rows in order, as backends/python.py writes them (so messages and the winning row are
        the same): `best` keeps the first greatest, `first` the first match, `unique` refuses two."""
        t, key = d.table, _js_str(d.name)
        lines = [f"  const k{i} = {self.expr(k.expr)};" for i, k in enumerate(t.keys)]
        lines.append("  let w = -1;")
        unpriced = [i for i, k in enumerate(t.keys) if k.mode == "member"] if t.hit == "best" and t.default is not None else []
        lines += [f"  const u{i} = new Set(k{i});" for i in unpriced]
        for row in t.rows:
            conds = []
            for i, (cell, k) in enumerate(zip(row.cells, t.keys)):
                if cell is None:
                    continue
                if k.mode == "eq":
                    conds.append(f"k{i} === {_code(next(iter(cell)))}" if len(cell) == 1 else f"{self.literal(cell)}.has(k{i})")
                else:
                    conds.append(f"k{i}.has({_code(next(iter(cell)))})" if len(cell) == 1 else f"_overlaps({self.literal(cell)}, k{i})")
            cond = " && ".join(conds) or "true"
            step = self.cite(d.name, row.id, row.citation, row.document, row.value)
            cite = f"  // §{comment(row.citation.clause)} “{comment(row.citation.quote)}”" if row.citation else ""
            value = self.expr(row.value)
            if t.hit == "best":
                lines += [f"  if ({cond}) {{{cite}", f"    const x = {value};",
                          f"    if (w === -1 || {self.greater('x', 'v')}) {{ v = x; w = {step}; }}"]
                lines += [f"    u{i}.clear();" if row.cells[i] is None else
                          f"    for (const x of {self.literal(row.cells[i])}) u{i}.delete(x);" for i in unpriced]
                lines.append("  }")
            elif t.hit == "first":
                lines.append(f"  if ({cond} && w === -1) {{ v = {value}; w = {step}; }}{cite}")
            else:
                lines += [f"  if ({cond}) {{{cite}",
                          f"    if (w !== -1) throw new Undecidable({_js_str('two rows of `' + d.name + '` apply')});",
                          f"    v = {value}; w = {step};", "  }"]
        otherwise = self.cite(d.name, f"{d.name}[otherwise]", d.citation, d.document, t.default)
        if unpriced:
            lines += ["  if (w !== -1 && (" + " || ".join(f"u{i}.size" for i in unpriced) + ")) {",
                      f"    const x = {self.expr(t.default)};", f"    if ({self.greater('x', 'v')}) {{ v = x; w = {otherwise}; }}", "  }"]
        lines.append("  if (w === -1) {")
        if t.default is not None:
            lines += [f"    v = {self.expr(t.default)};", f"    w = {otherwise};"]
        else:
            lines.append(f"    throw new NoRuleApplies({_js_str(ir.public_name(d.name))}, \"no row of the table matches\");")
        lines += ["  }", f"  _fire(c, {key}, w);"]
        return lines

    def greater(self, a: str, b: str) -> str:
        return f"_gt({a}, {b})" if self.bounded else f"{a} > {b}"

    # ---- the module ----
    def source(self, module: bool) -> str:
        p = self.p
        body = []
        for d in p.definitions.values():
            body += [""] + self.function(d)
        params = []
        for name, prm in p.params.items():
            values = sorted((y, v) for y, v in prm.values.items() if not isinstance(v, ir.Unknown))
            entries = ", ".join(f"[{y}n, {self.literal(v, prm.type)}]" for y, v in values)
            params.append(f"const {self.params[name]} = new Map([{entries}]);  // {comment(prm.description or name)}")
        interface = self.interface(module)
        export = "export " if module else ""
        head = [f"// Generated by yibao {__version__} from {comment(p.document)}. Do not edit: change the policy",
                "// and run `yibao compile --target js` again. No dependencies: node ≥ 20 or a browser.",
                "" if module else "// (inlined in a calculator page: no exports, no main)",
                f"const CATALOGUE = {catalogue_json()};  // runtime/messages.py: every message, en and zh",
                runtime_source(self.bounded).strip(), "",
                f"// ==== {comment(p.document)} ====",
                f"{export}const DOCUMENT = {_js_str(p.document)};",
                f"{export}const TITLE = {_js_str(p.title) if p.title is not None else 'null'};",
                f"{export}const COVERAGE_YEAR = {p.coverage};",
                f"{export}const STATUS = {_js_str(p.status) if p.status is not None else 'null'};"]
        cites = ["// every rule, table row and definition: what --explain and the page show",
                 f"{export}const CITES = [", *[f"  {c}," for c in self.cites], "];"]
        return "\n".join(head + self.hoisted + params + body + [""] + cites + interface) + "\n"

    def fact_spec(self) -> list[str]:
        out = ["// field → [kind, accepted spellings → code, default (undefined: none)]",
               f"const FACTS = new Map(["]
        for name, f in self.p.facts.items():
            t = f.type
            if isinstance(t, tuple):
                kind, aliases = t[0], self.p.enums[t[1]].aliases()
            else:
                kind, aliases = ("count" if f.non_negative else t), {}
            spellings = ", ".join(f"[{_code(k)}, {_code(v)}]" for k, v in aliases.items())
            default = "undefined" if f.default is ir.NO_DEFAULT else self.literal(f.default, t)
            out.append(f"  [{_js_str(name)}, [{_js_str(kind)}, new Map([{spellings}]), {default}]],")
        return out + ["]);"]

    def interface(self, module: bool) -> list[str]:
        p, export = self.p, "export " if module else ""
        public = public_names(p.decisions)
        out = ["", "// ==== interface ===="] + self.fact_spec() + [
            "",
            "// A JSON case (an object, or the strict reader's Map) → runtime values; CaseError if it breaks",
            "// the interface or a constraint (facts that contradict each other).",
            f"{export}function decode(raw) {{",
            "  const c = {f: decodeCase(raw, FACTS), m: new Map(), t: null};"]
        for k in p.constraints:
            out += ["  try {",
                    f"    if ({self.expr(k.when)}) throw new CaseError({_js_str(', '.join(k.facts))}, \"contradiction\", {{because: {_js_str(k.because)}}});"
                    f"  // {comment(k.name)}",
                    "  } catch (e) {", "    if (!(e instanceof Undecidable)) throw e;", "  }"]
        out += ["  c.m = new Map();  // the constraints' reads are not the decisions' memo", "  return c;", "}", "",
                "// decision → [function, output kind]", f"{export}const DECISIONS = new Map(["]
        for name in p.decisions:
            fn = f"(c) => _resolved({self.funcs[name]}(c))" if self.bounded else self.funcs[name]
            out.append(f"  [{_js_str(name)}, [{fn}, {_js_str(output_kind(p.definitions[name].type))}]],")
        out += ["]);", "// decision → the definition whose rules are its own (a guarded decision's raw value)",
                f"{export}const EXPLAIN = new Map(["]
        out += [f"  [{_js_str(name)}, {_js_str(p.domains.get(name, name))}]," for name in p.decisions]
        out += ["]);", "// decision → the name of its exported function",
                f"{export}const FUNCTIONS = new Map([{', '.join(f'[{_js_str(n)}, {_js_str(public[n])}]' for n in p.decisions)}]);",
                "",
                "// A JSON case → an object of every decision the case has the facts for (interface.md's JSON",
                "// forms: money \"342.00\", dates ISO). With `decisions` (a name or a list), only those, and an",
                "// undecidable one throws Undecidable (as does a name the notice does not state). A bad case",
                "// throws CaseError (its .field names the field).",
                f"{export}function evaluate(raw, decisions) {{",
                "  const c = decode(raw);",
                "  const out = Object.create(null);",
                "  if (c.f.has(\"id\")) out.id = c.f.get(\"id\");  // interface.md: passed through, first",
                "  if (decisions === undefined || decisions === null) {",
                "    for (const [name, [fn, kind]] of DECISIONS) {",
                "      try {",
                "        out[name] = outputValue(kind, fn(c));",
                "      } catch (e) {",
                "        if (!(e instanceof Undecidable)) throw e;",
                "      }",
                "    }",
                "    return out;",
                "  }",
                "  for (const name of typeof decisions === \"string\" ? [decisions] : decisions) {",
                "    const error = wantedError(name, DOCUMENT, DECISIONS.keys());",
                "    if (error !== null) throw error;",
                "    const [fn, kind] = DECISIONS.get(name);",
                "    out[name] = outputValue(kind, fn(c));",
                "  }",
                "  return out;",
                "}",
                "",
                "// Every decision with what decides it: {results: {name: value}, reasons: {name: {message, kind:",
                "// missing | outside | unknown | undecidable, fact (a missing one)}}, steps: {name: [CITES entries: the rule that fired, then the rules of what its",
                "// value reads]}}. A bad case throws CaseError.",
                f"{export}function explain(raw) {{",
                "  const c = decode(raw);",
                "  c.t = new Map();",
                "  const results = Object.create(null), reasons = Object.create(null), steps = Object.create(null);",
                "  for (const [name, [fn, kind]] of DECISIONS) {",
                "    try {",
                "      results[name] = outputValue(kind, fn(c));",
                "    } catch (e) {",
                "      if (!(e instanceof Undecidable)) throw e;",
                "      reasons[name] = {message: e.message, error: e, kind: e instanceof MissingFact ? \"missing\" : e instanceof OutsideDomain",
                "        ? \"outside\" : e instanceof UnknownValue ? \"unknown\" : \"undecidable\", fact: e.fact};",
                "      continue;",
                "    }",
                "    const own = CITES[c.t.get(EXPLAIN.get(name))];",
                "    const fired = [own, ...own.reads.filter((d) => c.t.has(d)).map((d) => CITES[c.t.get(d)])];",
                "    const quotes = new Set();  // each quote once: a figure and the rule that reads it often cite one sentence",
                "    steps[name] = fired.filter((s) => s.clause !== undefined && !quotes.has(s.quote) && quotes.add(s.quote));",
                "  }",
                "  return {results, reasons, steps};",
                "}"]
        for name in p.decisions:
            d = p.definitions[name]
            out += ["",
                    f"// {comment(d.description or name)}: one case → the decision in its JSON form (throws Undecidable).",
                    f"{export}function {public[name]}(raw) {{",
                    f"  return evaluate(raw, [{_js_str(name)}])[{_js_str(name)}];",
                    "}"]
        if module:
            out += self.main()
        return out

    def main(self) -> list[str]:
        """The JSONL command line under node (runtime/main.js), for a module (a page has none)."""
        return ["", resources.files("yibao.runtime").joinpath("main.js").read_text(encoding="utf-8").rstrip("\n")]

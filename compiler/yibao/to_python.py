"""Checked IR → readable, standalone Python source (standard library only).

The same source is exec'd in-process by `yibao eval` and written out by `yibao compile`. Strings
from the policy only ever reach the output through repr() (in code) or _comment() (in comments),
so no quote, backslash or newline in a policy can break or inject into the generated module.
"""
from __future__ import annotations

import builtins
import datetime as dt
import keyword
import unicodedata
from fractions import Fraction
from importlib import resources

from . import __version__, ir, runtime, strict_json
from .interpret import Interpreter
from .runtime import Undecidable

_PY_OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
           "add": "+", "sub": "-", "mul": "*", "and": "and", "or": "or"}
_CALLS = {"day_after": "day_after", "first_of_next_month": "first_of_next_month",
          "year_start": "year_start", "year_end": "year_end", "date_plus_days": "plus_days",
          "date_plus_months": "plus_months", "max": "max", "min": "min"}


def generate(program: ir.Program) -> str:
    return _Generator(program).module()


def output_kind(t) -> str:
    if isinstance(t, tuple):
        return t[0]
    return t


def fact_spec(program: ir.Program) -> dict:
    """The spec runtime.decode_case checks a case against."""
    from .runtime import _ABSENT
    spec = {}
    for name, f in program.facts.items():
        t = f.type
        if isinstance(t, tuple):
            kind, aliases = t[0], program.enums[t[1]].aliases()
        else:
            kind, aliases = ("count" if f.non_negative else t), {}
        spec[name] = (kind, aliases, _ABSENT if f.default is ir.NO_DEFAULT else f.default)
    return spec


def _comment(text: str) -> str:
    """Policy text for a `#` comment: one line, anything unprintable (a NUL, a lone surrogate) escaped."""
    text = " ".join(str(text).split())
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text


def _ident(prefix: str, name: str, _index: int = 0) -> str:
    """The generated module's private identifier for a policy name: prefix + name where Python keeps
    that name exactly as written (an identifier already in NFKC form: Python folds `Ａ` into `A`),
    else the prefix with its `_` turned into `x` and the name's UTF-8 in hex. Distinct names give
    distinct identifiers (the prefix ends in `_`, an escape puts `x` there), for any Unicode name.
    (`_index` is ignored: the name alone decides, so no two schemes can meet.)"""
    assert prefix.endswith("_") and prefix.isascii()
    cand = prefix + name
    if cand.isidentifier() and unicodedata.normalize("NFKC", cand) == cand:
        return cand
    return prefix[:-1] + "x" + name.encode("utf-8").hex()


# Names a public decision function may not take: what the module defines or imports (the runtime,
# the strict JSON reader, the interface below), Python's builtins and keywords.
_INTERFACE = {"DOCUMENT", "TITLE", "COVERAGE_YEAR", "FACTS", "DECISIONS", "CONSTANTS", "FUNCTIONS",
              "evaluate", "main", "decode", "annotations"}
RESERVED = frozenset(vars(runtime)) | frozenset(vars(strict_json)) | frozenset(dir(builtins)) | _INTERFACE \
    | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)


def public_names(decisions) -> dict[str, str]:
    """Decision name → its public function's name in the generated module: the name itself where
    Python allows it (an NFKC-form identifier, no keyword, no leading `_`, nothing the module already
    defines), else that name (NFKC-folded) with `_` added until it is free, else `decision_` and the
    UTF-8 in hex. DECISIONS and FUNCTIONS in the module map the policy's names either way."""
    def usable(n):
        return n.isidentifier() and unicodedata.normalize("NFKC", n) == n and not n.startswith("_") \
            and n not in RESERVED
    out = {n: n for n in decisions if usable(n)}
    taken = set(out)
    for n in decisions:
        if n in out:
            continue
        base = unicodedata.normalize("NFKC", n).strip("_")
        if not (base.isidentifier() and unicodedata.normalize("NFKC", base) == base):
            base = "decision_" + n.encode("utf-8").hex()
        cand = base + "_"
        while cand in taken or cand in RESERVED:
            cand += "_"
        out[n] = cand
        taken.add(cand)
    return {n: out[n] for n in decisions}


_NOT_STATIC = object()


class _TwoRows:
    def __repr__(self):
        return "_TWO_ROWS"


_TWO_ROWS = _TwoRows()


def _refs(e):
    if isinstance(e, ir.Ref):
        yield e.name
    for x in ir.children(e):
        yield from _refs(x)


def _static(e, consts) -> bool:
    """Reads no fact and no definition that is not a constant."""
    if isinstance(e, (ir.Fact, ir.Given, ir.Unknown, ir.Outside, ir.Domains)):
        return False
    if isinstance(e, ir.Ref) and e.name not in consts:
        return False
    return all(_static(x, consts) for x in ir.children(e))


class _Generator:
    def __init__(self, program: ir.Program):
        self.p = program
        self.consts: dict[str, str] = {}  # definition name → python constant name (folded)
        self.funcs: dict[str, str] = {}
        self.hoisted: list[str] = []
        self._hoist_names: dict = {}
        self._folded: dict = {}
        folder = Interpreter(program)
        for i, (name, d) in enumerate(program.definitions.items()):
            self.funcs[name] = _ident("_d_", name, i)
            try:
                value = folder.decide(name, {})
            except (Undecidable, ValueError, OverflowError, ArithmeticError):  # not foldable: left to run time
                continue
            self.consts[name] = _ident("_K_", name, i)
            self._folded[name] = value
        self._folder = folder
        # how often each definition is referenced: one used once and not a decision needs no memo
        self.uses: dict[str, int] = {}
        for d in program.definitions.values():
            for e in ir.definition_exprs(d):
                for ref in _refs(e):
                    self.uses[ref] = self.uses.get(ref, 0) + 1

    # ---- module ----
    def module(self) -> str:
        p = self.p
        copied = []
        for part in ("runtime.py", "strict_json.py"):
            src = resources.files("yibao").joinpath(part).read_text(encoding="utf-8")
            copied += [f"# ==== {part[:-3]} (yibao/{part}) {'=' * 50}",
                       src.replace("from __future__ import annotations\n", "").strip(), ""]
        out = [
            f"# Generated by yibao {__version__} from {_comment(p.document)}. Do not edit: change the policy",
            "# and run `yibao compile` again. Standard library only.",
            "from __future__ import annotations",
            "",
            *copied,
            f"# ==== {_comment(p.document)} {'=' * 50}",
            f"DOCUMENT = {p.document!r}",
            f"TITLE = {p.title!r}",
            f"COVERAGE_YEAR = {p.coverage!r}",
            "_M = object()  # not computed yet",
            "_TWO_ROWS = object()  # two rows of a unique table apply",
            "",
        ]
        body = []
        for name, d in p.definitions.items():
            if name in self.consts:
                body += self.constant(d)
        for name, d in p.definitions.items():
            if name not in self.consts:
                body += [""] + self.function(d)
        params = []
        for name, prm in p.params.items():
            values = {y: v for y, v in prm.values.items() if not isinstance(v, ir.Unknown)}
            params.append(f"{_ident('_P_', name, len(params))} = {{{', '.join(f'{y!r}: {self.literal(v, prm.type)}' for y, v in sorted(values.items()))}}}"
                          f"  # {_comment(prm.description or name)}")
        interface = self.interface()  # may hoist constants too (fact defaults): generate it first
        out += self.hoisted + params + body
        out += ["", ""] + interface
        return "\n".join(out) + "\n"

    def constant(self, d: ir.Definition) -> list[str]:
        value = self._folded[d.name]
        cite = d.citation or (d.rules[0].citation if d.rules else None)
        lines = []
        if cite:
            lines.append(f"# §{_comment(cite.clause)} “{_comment(cite.quote)}”")
        lines.append(f"{self.consts[d.name]} = {self.literal(value, d.type)}  # {_comment(d.name)}")
        return lines

    def function(self, d: ir.Definition) -> list[str]:
        f = self.funcs[d.name]
        key = "@" + d.name
        # the docstring goes through repr, so policy text stays inert
        lines = [f"def {f}(c):", f"    {(_comment(d.description or d.name) + ' — ' + d.kind + ' ' + _comment(d.name))!r}"]
        memo = d.exported or self.uses.get(d.name, 0) > 1
        if memo:
            lines += [f"    v = c.get({key!r}, _M)", "    if v is not _M:", "        return v"]
        if d.expr is not None:
            if d.citation:
                lines.append(f"    # §{_comment(d.citation.clause)} “{_comment(d.citation.quote)}”")
            lines.append(f"    v = {self.expr(d.expr)}")
        elif d.rules is not None:
            first = True
            for r in d.rules:
                cite = f"  # {r.id} · §{_comment(r.citation.clause)} “{_comment(r.citation.quote)}”" if r.citation else f"  # {r.id}"
                if r.guard is None:
                    lines.append(("    else:" if not first else "    if True:") + cite)
                else:
                    lines.append(f"    {'if' if first else 'elif'} {self.expr(r.guard)}:{cite}")
                lines.append(f"        v = {self.expr(r.value)}")
                first = False
                if r.guard is None:
                    break
            else:
                lines += ["    else:", f"        raise NoRuleApplies({ir.public_name(d.name)!r})"]
        else:
            lines += self.table(d)
        lines += [f"    c[{key!r}] = v", "    return v"] if memo else ["    return v"]
        return lines

    def table(self, d: ir.Definition) -> list[str]:
        t = d.table
        lookup = self.table_lookup(d)
        if lookup is not None:
            return lookup
        lines = [f"    k{i} = {self.expr(k.expr)}" for i, k in enumerate(t.keys)]
        lines.append("    v = _M")
        for row in t.rows:
            conds = []
            for i, (cell, key) in enumerate(zip(row.cells, t.keys)):
                if cell is None:
                    continue
                s = self.hoist_set(cell)
                if key.mode == "eq":
                    conds.append(f"k{i} == {next(iter(cell))!r}" if len(cell) == 1 else f"k{i} in {s}")
                else:
                    conds.append(f"{next(iter(cell))!r} in k{i}" if len(cell) == 1 else f"not {s}.isdisjoint(k{i})")
            cond = " and ".join(conds) or "True"
            cite = f"  # §{_comment(row.citation.clause)} “{_comment(row.citation.quote)}”" if row.citation else ""
            lines.append(f"    if {cond}:{cite}")
            value = self.expr(row.value)
            if t.hit == "best":
                lines += [f"        x = {value}", "        if v is _M or x > v:", "            v = x"]
            elif t.hit == "first":
                lines += ["        if v is _M:", f"            v = {value}"]
            else:
                lines += ["        if v is not _M:",
                          f"            raise Undecidable({('two rows of `' + d.name + '` apply')!r})",
                          f"        v = {value}"]
        lines.append("    if v is _M:")
        if t.default is not None:
            lines.append(f"        v = {self.expr(t.default)}")
        else:
            lines.append(f"        raise NoRuleApplies({ir.public_name(d.name)!r}, 'no row of the table matches')")
        return lines

    # ---- values ----
    def literal(self, value, t) -> str:
        if isinstance(value, dt.date):
            return self.hoist(f"_dt.date({value.year}, {value.month}, {value.day})", ("date", value))
        if isinstance(value, frozenset):
            return self.hoist_set(value)
        if isinstance(value, Fraction):
            return f"Fraction({value.numerator}, {value.denominator})"
        return repr(value)

    def hoist(self, code: str, key) -> str:
        if key not in self._hoist_names:
            name = f"_C{len(self._hoist_names)}"
            self._hoist_names[key] = name
            self.hoisted.append(f"{name} = {code}")
        return self._hoist_names[key]

    def hoist_set(self, s: frozenset) -> str:
        items = sorted(s, key=repr)
        return self.hoist(f"frozenset({{{', '.join(map(repr, items))}}})" if items else "frozenset()", ("set", tuple(items)))

    def fold(self, e: ir.Expr):
        """The value of an expression that reads no fact (folded at generation), else _NOT_STATIC."""
        if isinstance(e, (ir.Const, ir.Fact, ir.Given, ir.Unknown, ir.Outside)) or not _static(e, self.consts):
            return _NOT_STATIC
        try:
            return self._folder.eval_expr(e, {}, dict(self._folded))
        except (Undecidable, ValueError, OverflowError, ArithmeticError, KeyError, TypeError):
            return _NOT_STATIC

    def table_lookup(self, d: ir.Definition) -> list[str] | None:
        """A table whose keys are enums (at most one set of them) and whose values are constants:
        a dict built at generation, one lookup per case (per identity for a `best` set key)."""
        t = d.table
        members = [i for i, k in enumerate(t.keys) if k.mode == "member"]
        if len(members) > 1 or (members and t.hit != "best") or not t.rows:
            return None
        values = [row.value.value if isinstance(row.value, ir.Const) else self.fold(row.value) for row in t.rows]
        if any(v is _NOT_STATIC or isinstance(v, (frozenset, Fraction)) for v in values):
            return None
        eq = [i for i, k in enumerate(t.keys) if k.mode == "eq"]
        domains = [self.p.enums[t.keys[i].enum].codes() for i in eq]
        import itertools
        m = members[0] if members else None
        m_codes = self.p.enums[t.keys[m].enum].codes() + [None] if members else [None]
        table: dict = {}
        for combo in itertools.product(*domains):
            for code in m_codes:
                hits = []
                for row, value in zip(t.rows, values):
                    if all(row.cells[i] is None or combo[j] in row.cells[i] for j, i in enumerate(eq)):
                        if m is None or (code is None and row.cells[m] is None) or (
                                code is not None and row.cells[m] is not None and code in row.cells[m]):
                            hits.append(value)
                if not hits:
                    continue
                key = combo + ((code,) if m is not None else ())
                if t.hit == "unique" and len(hits) > 1:
                    table[key] = _TWO_ROWS
                else:
                    table[key] = max(hits) if t.hit == "best" else hits[0]
        name = self.hoist_table(d.name, table)
        lines = [f"    # the rows of `{_comment(d.name)}`, folded into {name} ({t.hit} hit)"]
        lines += [f"    k{i} = {self.expr(k.expr)}" for i, k in enumerate(t.keys)]
        eq_key = "".join(f"k{i}, " for i in eq)
        if m is None:
            lines.append(f"    v = {name}.get(({eq_key}), _M)")
            if t.hit == "unique" and _TWO_ROWS in table.values():
                lines += ["    if v is _TWO_ROWS:", f"        raise Undecidable({('two rows of `' + d.name + '` apply')!r})"]
        else:
            always = f"{name}.get(({eq_key}None), _M)"
            lines.append(f"    v = max([{name}[{eq_key}x] for x in k{m} if ({eq_key}x) in {name}], default={always})")
            if any(key[-1] is None for key in table):
                lines += [f"    w = {always}", "    if w is not _M and v < w:", "        v = w"]
        lines.append("    if v is _M:")
        if t.default is not None:
            lines.append(f"        v = {self.expr(t.default)}")
        else:
            lines.append(f"        raise NoRuleApplies({ir.public_name(d.name)!r}, 'no row of the table matches')")
        return lines

    def hoist_table(self, name: str, table: dict) -> str:
        var = _ident("_T_", name, len(self.hoisted))
        # keys are tuples of codes: written with repr so policy strings stay inert
        items = []
        for key, v in table.items():
            k = "(" + "".join(f"{x!r}, " for x in key) + ")"
            items.append(f"{k}: {'_TWO_ROWS' if v is _TWO_ROWS else self.literal(v, None)}")
        self.hoisted.append(f"{var} = {{{', '.join(items)}}}  # {_comment(name)}")
        return var

    def expr(self, e: ir.Expr) -> str:
        folded = self.fold(e)
        if folded is not _NOT_STATIC and not isinstance(folded, Fraction):
            return self.literal(folded, getattr(e, "type", None))
        if isinstance(e, ir.Const):
            if isinstance(e.value, Fraction):
                return self.literal(e.value, e.type)
            return self.literal(e.value, e.type)
        if isinstance(e, ir.Fact):
            return f"c[{e.name!r}]"
        if isinstance(e, ir.Ref):
            if e.name in self.consts:
                return self.consts[e.name]
            return f"{self.funcs[e.name]}(c)"
        if isinstance(e, ir.Unknown):
            return f"_unknown({e.reason!r})"
        if isinstance(e, ir.Given):
            return f"({e.fact!r} in c)"
        if isinstance(e, ir.ParamAt):
            return f"_param_at({_ident('_P_', e.name, list(self.p.params).index(e.name))}, {self.expr(e.year)}, {e.name!r})"
        if isinstance(e, ir.IfE):
            return f"({self.expr(e.then)} if {self.expr(e.cond)} else {self.expr(e.orelse)})"
        if isinstance(e, ir.Outside):
            parts = [repr(p) if isinstance(p, str) else f"({output_kind(p.type)!r}, lambda: {self.expr(p)})"
                     for p in e.parts]
            return f"_outside(({', '.join(parts)},))"
        if isinstance(e, ir.Domains):
            checks = ", ".join(f"(lambda: {self.expr(c)}, lambda: {self.expr(o)})" for c, o in e.checks)
            return f"_in_domain(({checks},), lambda: {self.expr(e.value)})"
        if isinstance(e, ir.With):
            raise TypeError("`with` belongs to invariants, which are not generated")
        op, a = e.op, e.args
        if op in _PY_OPS:
            return f"({self.expr(a[0])} {_PY_OPS[op]} {self.expr(a[1])})"
        if op == "not":
            return f"(not {self.expr(a[0])})"
        if op == "neg":
            return f"(-{self.expr(a[0])})"
        if op == "pct":
            rate = a[0]
            if isinstance(rate, ir.Const):
                return f"pct({self.expr(a[1])}, {rate.value.numerator}, {rate.value.denominator})"
            return f"_pct_rate({self.expr(a[0])}, {self.expr(a[1])})"
        if op == "in_range":
            return f"({self.expr(a[1])} <= {self.expr(a[0])} <= {self.expr(a[2])})"
        if op == "member":
            return f"({self.expr(a[0])} in {self.expr(a[1])})"
        if op == "overlaps":
            return f"(not {self.expr(a[0])}.isdisjoint({self.expr(a[1])}))"
        if op == "date_minus_days":
            return f"plus_days({self.expr(a[0])}, -({self.expr(a[1])}))"
        if op == "date_diff":
            return f"({self.expr(a[0])} - {self.expr(a[1])}).days"
        if op in ("int_as_days", "int_as_months"):
            return self.expr(a[0])
        return f"{_CALLS[op]}({', '.join(self.expr(x) for x in a)})"

    def constraints(self) -> list[str]:
        """decode(): the facts decoded, then the policy's constraints (facts that contradict each other)."""
        out = ["", "def decode(case):", '    """A JSON case → runtime values; CaseError if it breaks the interface or a constraint."""',
               "    c = _decode_facts(case)"]
        for k in self.p.constraints:
            out += ["    try:", f"        bad = {self.expr(k.when)}", "    except (KeyError, Undecidable):",
                    "        bad = False", "    if bad:  # " + _comment(k.name),
                    f"        raise CaseError({', '.join(k.facts)!r}, {k.because!r})"]
        return out + ["    return c", ""]

    # ---- the calculator's interface ----
    def interface(self) -> list[str]:
        p = self.p
        spec = fact_spec(p)
        out = ["# ==== interface " + "=" * 60,
               "# field → (kind, accepted spellings → code, default)",
               "FACTS = {"]
        for name, (kind, aliases, default) in spec.items():
            d = "_ABSENT" if default.__class__.__name__ == "_Absent" else self.literal(default, None)
            out.append(f"    {name!r}: ({kind!r}, {aliases!r}, {d}),")
        out += ["}", "_decode_facts = _fast_decoder(FACTS)  # a JSON case → runtime values, as decode_case(case, FACTS)", ""]
        out += self.constraints()
        out += ["", "# decision → (function, output kind)", "DECISIONS = {"]
        for name in p.decisions:
            d = p.definitions[name]
            fn = self.consts.get(name)
            target = f"lambda c: {fn}" if fn else self.funcs[name]
            out.append(f"    {name!r}: ({target}, {output_kind(d.type)!r}),")
        out += ["}", "", "# decisions that need no fact: decision → value (folded when the module was generated)",
                "CONSTANTS = {"]
        out += [f"    {name!r}: {self.consts[name]}," for name in p.decisions if name in self.consts]
        public = public_names(p.decisions)
        out += ["}", "", "# decision → the name of its function below (a Python keyword or a name the module uses",
                "# gets a trailing `_`)", "FUNCTIONS = {"]
        out += [f"    {name!r}: {public[name]!r}," for name in p.decisions]
        out += ["}", "", "",
                "def evaluate(case, decisions=None):",
                '    """A JSON case (dict) → a JSON-ready dict of every decision the case has the facts for.',
                "",
                "    With `decisions` (a name or a list of names), only those, and an undecidable one raises",
                "    Undecidable (as does a name the notice does not state). A bad case raises CaseError.",
                '    """',
                "    c = decode(case)",
                "    out = {}",
                "    if decisions is None:",
                "        for name, (fn, kind) in DECISIONS.items():",
                "            try:",
                "                out[name] = output_value(kind, _decide(fn, c))",
                "            except Undecidable:",
                "                pass",
                "        return out",
                "    for name in [decisions] if isinstance(decisions, str) else decisions:",
                "        if name not in DECISIONS:",
                "            raise Undecidable(f'{DOCUMENT} does not state {name!r}; it states ' + ', '.join(DECISIONS))",
                "        fn, kind = DECISIONS[name]",
                "        out[name] = output_value(kind, _decide(fn, c))",
                "    return out",
                ""]
        for name in p.decisions:
            d = p.definitions[name]
            out += ["",
                    f"def {public[name]}(case):",
                    f"    {(_comment(d.description or name) + ': one JSON-like case dict → the decision (Decimal for money).')!r}",
                    f"    fn, kind = DECISIONS[{name!r}]",
                    "    return _python_value(kind, _decide(fn, decode(case)))",
                    ""]
        out += ["",
                "def main(argv=None):",
                '    """JSON in, JSON out: one case a line on standard input (JSONL), one result a line out, in',
                "    order. A line that is not a case gives {\"error\": …, \"exit\": 2} and the rest still run; a",
                '    blank line gives a blank line. Exit status: 0, or 2 if a line was bad, 74 if output failed."""',
                "    import json, os, sys",
                "    if sys.stdin is None or sys.stdout is None:",
                "        print('standard input or output is closed', file=sys.stderr)",
                "        return 74 if sys.stdout is None else 2",
                "    status = 0",
                "    write = sys.stdout.write",
                "    try:",
                "        for number, line in lines(sys.stdin.buffer):",
                "            try:",
                "                if line.__class__ is JSONError:",
                "                    raise line",
                "                if not line.strip():",
                "                    write('\\n')",
                "                    continue",
                "                result = json.dumps(evaluate(loads(line)), ensure_ascii=False)",
                "            except (JSONError, CaseError) as exc:",
                "                message = f'line {number}: {exc}'",
                "                if sys.stderr is not None:  # closed: print would write to standard output",
                "                    print(message, file=sys.stderr)",
                "                result = json.dumps({'error': message, 'exit': 2}, ensure_ascii=False)",
                "                status = 2",
                "            write(result + '\\n')",
                "        sys.stdout.flush()",
                "    except KeyboardInterrupt:",
                "        return 130",
                "    except OSError as exc:  # the reader went away (| head), a full disk: never a traceback",
                "        try:",
                "            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())",
                "        except (OSError, ValueError):",
                "            pass",
                "        if not isinstance(exc, BrokenPipeError):",
                "            print(f'cannot write the output: {exc.strerror or exc}', file=sys.stderr)",
                "        return 141 if isinstance(exc, BrokenPipeError) else 74",
                "    return status",
                "",
                "",
                "if __name__ == '__main__':",
                "    raise SystemExit(main())"]
        return out

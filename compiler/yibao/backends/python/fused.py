"""The fused line function of a generated calculator: `_result_json(c)`, a decoded case → its result
as one line of JSON text, with every decision's work inlined into locals in dependency order (no
function call and no memo dict per definition) and each value written from cached text.

Exactness: definitions are pure, so a value computed ahead of need is the value lazy evaluation
would give. Where computing ahead raises anything (a fact the case lacks in a branch it would never
take, a local an earlier failed block left unset), that decision is asked again of the general
per-decision function, whose answer or undecidability is the reference. The tests hold the line to
json.dumps(evaluate_json(case)) and to the interpreter.
"""
from __future__ import annotations

import io
import json
import textwrap
import tokenize

from ...ir import nodes as ir
from ...runtime.core import output_value
from ...ir.kinds import output_kind
from ..common import comment

_TEMPS = {"v", "x", "w", "u", "exc"}


def result_json(g, targets: dict) -> list[str]:
    p = g.p
    read = ir.facts_read(p, [ir.Ref(name, None) for name in p.decisions])
    # a fact with a default is in every decoded case
    key = ", ".join(f"c[{f!r}]" if p.facts[f].default is not ir.NO_DEFAULT else f"c.get({f!r}, _M)"
                    for f in p.facts if f in read)
    out = ["", "def _result_json(c):",
           '    """A decoded case → its result as one line of JSON text (without the newline): the text',
           '    json.dumps(evaluate_json(case), ensure_ascii=False) writes."""',
           "    return _wrap_json(c, _decisions_json(c))",
           "", "",
           "_KEPT = {}  # the facts the decisions read → their text",
           "", "",
           "def _kept_json(c):",
           '    """_decisions_json(c), kept by the facts it reads (the answers are pure functions of them), for',
           '    cases the fast decoder made (a fact\'s value has one class: equal keys, equal answers)."""',
           f"    key = ({key}{',' if key else ''})",
           "    s = _KEPT.get(key)",
           "    return _keep(_KEPT, key, _decisions_json(c), _FACTS_MAX) if s is None else s",
           "", "",
           "def _decisions_json(c):",
           '    """A decoded case → its decisions as JSON members, each `, "name": value`, computed in one pass',
           '    (the `id` aside)."""',
           "    s = ''"]
    emitted: list[str] = []  # definitions inlined so far, in order
    g.checks = {}  # an unset one (its first test failed) raises NameError: the decision is asked itself
    pending = ""  # constant members, written in one piece
    for name in p.decisions:
        kind = output_kind(p.definitions[name].type)
        key = json.dumps(name, ensure_ascii=False)
        if name in g.consts:
            pending += f", {key}: " + json.dumps(output_value(kind, g._folded[name]), ensure_ascii=False)
            continue
        if pending:
            out.append(f"    s += {pending!r}")
            pending = ""
        deps = []
        for dep in _needed(g, name):
            if dep in emitted:
                continue
            local = _local(g, dep)
            lines = _inline(g, p.definitions[dep], local, len(emitted))
            g.locals[dep] = local  # from here on, references read the local
            emitted.append(dep)
            deps.append(lines)
        value = f"_resolved({g.locals[name]})" if g.bounded else g.locals[name]  # as DECISIONS has it
        general = targets[name] if not targets[name].startswith("lambda") else f"({targets[name]})"
        # its own body: what fails here fails the lazy way too (its inputs are the lazy values), so an
        # undecidable answer is final; anything else (an unset local) asks the decision itself
        body = deps.pop() if deps and emitted[-1] == name else []  # [] where an earlier decision read it
        own = ["        try:"] + ["    " + x for x in body] + [
            f"            v = {value}", "        except (Undecidable, KeyError):", "            v = _M",
            "        except Exception:  # noqa: BLE001", f"            v = _ask({general}, c)"]
        encode = {"money": "(_MONEY_JSON.get(v) or _money_json(v))", "date": "(_DATE_JSON.get(v) or _date_json(v))",
                  "enum": "(_ENUM_JSON.get(v) or _value_json('enum', v))"}.get(kind, f"_value_json({kind!r}, v)")
        out.append(f"    # {comment(name)}")
        if deps:  # what it reads, computed ahead: a failure here may be one lazy evaluation never meets
            out += ["    try:"] + [x for lines in deps for x in lines] + [
                "    except Exception:  # noqa: BLE001", f"        v = _ask({general}, c)", "    else:"] + own
        else:
            out += [x[4:] for x in own]
        out += ["    if v is not _M:", f"        s += {', ' + key + ': '!r} + {encode}"]
    if pending:
        out.append(f"    s += {pending!r}")
    g.locals, g.checks = {}, None
    return out + ["    return s"]


def _local(g, name: str) -> str:
    return "r" + g.funcs[name][2:] if g.funcs[name].startswith("_d") else "r_" + g.funcs[name]


def _needed(g, name: str) -> list[str]:
    """The definitions `name` reads where it always reads them (not only in a branch), then itself,
    each after what it reads: what the line function computes ahead."""
    order, seen = [], set()

    def visit(n):
        if n in seen or n in g.consts:
            return
        seen.add(n)
        for ref in sorted(_eager_refs(g.p.definitions[n])):
            visit(ref)
        order.append(n)
    visit(name)
    return order


def _eager_refs(d: ir.Definition) -> set:
    refs = set()

    def walk(e):
        if isinstance(e, ir.Ref):
            refs.add(e.name)
        elif isinstance(e, ir.IfE):
            walk(e.cond)  # its branches: one of them, so read where taken
        elif isinstance(e, ir.Domains):
            for cond, _ in e.checks:  # the Outside messages are only written when raised
                walk(cond)
            walk(e.value)
        elif not isinstance(e, ir.Outside):
            for x in ir.children(e):
                walk(x)
    if d.expr is not None:
        walk(d.expr)
    elif d.rules:
        first = d.rules[0]
        walk(first.guard if first.guard is not None else first.value)
    elif d.table is not None:
        for k in d.table.keys:
            walk(k.expr)
    return refs


def _inline(g, d: ir.Definition, local: str, n: int) -> list[str]:
    """The definition's body computing into `local`, temporaries renamed apart, inside the try."""
    text = textwrap.dedent("\n".join(g.body(d))) + "\n"
    rename = []  # by token, so a name inside a string or a comment is never touched
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NAME and (tok.string in _TEMPS or (tok.string[:1] in "ku" and tok.string[1:].isdigit())):
            rename.append((tok.start, tok.end[1], local if tok.string == "v" else f"{tok.string}_{n}"))
    lines = text.splitlines()
    for (row, col), end, new in reversed(rename):
        lines[row - 1] = lines[row - 1][:col] + new + lines[row - 1][end:]
    return [f"        # {comment(d.name)}"] + ["        " + line for line in lines]

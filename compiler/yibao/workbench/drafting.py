"""`yibao new --from DOC --coverage YEAR`: start next year's notice from this year's.

The draft implements the old notice and overrides, as `unknown "TODO …"`, every declaration that
states a date of its year or a figure (money, a rate, a period): exactly what a new year must
restate. Each override carries the old declaration as a comment. `yibao check` shows the TODOs as
warnings (W611), so `check --strict` fails until each is restated with the new notice's value and
clause; nothing is carried into the new year silently.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..language import ast as A
from ..ir import nodes as ir
from ..language.printer import quote
from ..check.staleness import dated, nodes

_SCALARS = {ir.MONEY: "money", ir.INT: "int", ir.RATE: "rate", ir.DATE: "date", ir.DAYS: "days",
            ir.MONTHS: "months", ir.BOOL: "bool", ir.TEXT: "text"}


def add_parser(sub):
    n = sub.add_parser("new", help="start next year's draft from a notice",
                       description="Write a draft notice that implements NOTICE and restates, as `unknown \"TODO …\"`\n"
                       "overrides, every dated value and figure a new coverage year must state again.")
    n.add_argument("--from", dest="source", metavar="NOTICE", required=True, help="the notice the draft implements")
    n.add_argument("--coverage", type=int, required=True, metavar="YEAR", help="the draft's coverage year")
    n.add_argument("--number", metavar="DOC", help="a placeholder document number (default 草案〔YEAR〕1号)")
    n.add_argument("-o", "--output", metavar="FILE", help="where to write (default: standard output)")
    n.set_defaults(run=cmd_new)


def cmd_new(args) -> int:
    from ..base.exits import OK
    from ..policies.directory import load_notice, policy_set
    ps = policy_set(args.policies)
    program = load_notice(ps, args.source)
    text = draft(ps, program, args.coverage, args.number or f"草案〔{args.coverage}〕1号")
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}: a draft for {args.coverage} implementing {program.document}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return OK


def _figure(node) -> str | None:
    """A non-zero number with a unit that the declaration states (money, rate or period)."""
    for x in nodes(node):
        if isinstance(x, A.NumberLit) and x.unit and x.text.strip("0.") != "":
            return f"the figure {x.text}{'' if x.unit == '%' else ' ' + x.unit}"
    return None


def _type(t) -> str | None:
    if isinstance(t, tuple):
        return t[1] if t[0] == "enum" else (f"set of {t[1]}" if t[1] else None)
    return _SCALARS.get(t)


def to_restate(ps, program: ir.Program) -> list[tuple[str, object, str]]:
    """(name, declaration, why) for each declaration of the notice's namespace a new year must restate."""
    from ..check.checker import Checker
    ns = ps._namespace(program.path, Checker(ps.texts), [])
    out = []
    for name, decl in ns.decls.items():
        if decl.document not in ns.headers or not isinstance(decl.node, (A.Definition, A.TableDecl)):
            continue  # libraries' vocabulary and parameters by year stay as they are
        why = dated(decl.node) or _figure(decl.node)
        if why:
            out.append((name, decl, why))
    return out


def draft(ps, program: ir.Program, coverage: int, number: str) -> str:
    module = ps.modules[program.path]
    uses = [i.name for i in module.items if isinstance(i, A.Use)]
    lines = [
        f"# A draft for coverage year {coverage}, started by `yibao new --from {program.document} --coverage {coverage}`.",
        "# Each override below is a TODO: write the value the new notice states, cite its clause and quote,",
        f"# and put the notice's text in texts/{number}.txt. `yibao check --strict` fails until none is left.",
        f"notice {number} {{",
        f"  title {quote(f'TODO: the title of the {coverage} notice')}",
        f"  number unknown {quote('a draft: the number is assigned when the notice is issued')}",
        "  status draft",
        f"  issuers unknown {quote('TODO: the issuing bureaus')}",
        f"  issued unknown {quote('TODO: the issue date, or unknown with why')}",
        f"  coverage {coverage}",
        f"  jurisdiction {quote(program.jurisdiction or 'TODO')}",
        f"  implements {program.document}",
        "}",
        "",
    ] + [f"use {u}" for u in uses]
    for name, decl, why in to_restate(ps, program):
        d = program.definitions.get(name)
        t = _type(d.type) if d else None
        kind = "decision" if d is not None and d.exported else "let"
        cite = _first_citation(decl.node)
        clause = cite.clause if cite else "TODO"
        lines += ["", f"# {name}: {decl.document} states {why}"]
        lines += [f"#   {line}" for line in _source(decl.node)]
        lines.append(f"override {kind} {name}" + (f" : {t}" if t else "")
                     + f" = unknown {quote(f'TODO: restate {name} for {coverage}')}"
                     + f" §{clause} {quote('TODO: the new notice’s words')}")
    return "\n".join(lines) + "\n"


def _first_citation(node) -> A.Citation | None:
    cites = [x for x in nodes(node) if isinstance(x, A.Citation) and x.span]
    return min(cites, key=lambda c: (c.span.line, c.span.column), default=None)


def _source(node) -> list[str]:
    span = node.span
    if span is None:
        return []
    text = span.file.text.splitlines()[span.line - 1: span.end_line]
    return [line.rstrip() for line in text]

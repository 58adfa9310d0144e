"""`yibao new --from DOC --coverage YEAR`: start next year's notice from this year's.

The draft carries the old notice forward (`implements DOC advanced N years`: 其余条款视为沿用，相应年度
顺延), so it answers payments of its own year at once; each date it carried is a warning (W610) until
the draft cites the new notice's clause that carries the parent (or restates the date), and its
header's TODOs are warnings (W611), so `check --strict` fails until both are done. The figures it
carries as they are are listed in a comment, each with the old declaration, to restate with
`override` where the new notice changes them. With `--restate-all` the draft instead overrides, as
`unknown "TODO …"`, every declaration that states a date of its year or a figure.
"""
from __future__ import annotations

import dataclasses
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
    n.add_argument("notice", nargs="?", metavar="NOTICE", help="the notice the draft carries forward (or --from)")
    n.add_argument("--from", dest="source", metavar="NOTICE", help="the notice the draft implements")
    n.add_argument("--coverage", type=int, required=True, metavar="YEAR", help="the draft's coverage year")
    n.add_argument("--number", metavar="DOC", help="a placeholder document number (default 草案〔YEAR〕1号)")
    n.add_argument("-o", "--output", metavar="FILE", help="where to write (default: standard output)")
    n.add_argument("--restate-all", action="store_true",
                   help="override every dated value and figure as a TODO instead of carrying the notice forward")
    n.set_defaults(run=cmd_new)


def cmd_new(args) -> int:
    from ..base.exits import BAD_INPUT, OK, Fail
    from ..policies.directory import load_notice, policy_set
    source = args.source or args.notice
    if source is None or (args.source and args.notice and args.source != args.notice):
        raise Fail(BAD_INPUT, "name one notice to start from: `yibao new --coverage YEAR NOTICE` (or --from NOTICE)")
    ps = policy_set(args.policies)
    program = load_notice(ps, source)
    number = args.number or f"草案〔{args.coverage}〕1号"
    text = (draft if args.restate_all else carried_draft)(ps, program, args.coverage, number)
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
            return f"the figure {x.text}{'%' if x.unit == '%' else ' ' + x.unit}"
    return None


def _type(t) -> str | None:
    if isinstance(t, tuple):
        return t[1] if t[0] == "enum" else (f"set of {t[1]}" if t[1] else None)
    return _SCALARS.get(t)


def _namespace(ps, program: ir.Program):
    from ..check.checker import Checker
    return ps._namespace(program.path, Checker(ps.texts), [])


def to_restate(ps, program: ir.Program) -> list[tuple[str, object, str]]:
    """(name, declaration, why) for each declaration of the notice's namespace a new year must restate."""
    ns = _namespace(ps, program)
    out = []
    for name, decl in ns.decls.items():
        if decl.document not in ns.headers or not isinstance(decl.node, (A.Definition, A.TableDecl)):
            continue  # libraries' vocabulary and parameters by year stay as they are
        why = dated(decl.node) or _figure(decl.node)
        if why:
            out.append((name, decl, why))
    return out


def _header(ps, program: ir.Program, coverage: int, number: str, implements: str) -> list[str]:
    module = ps.modules[program.path]
    uses = [i.name for i in module.items if isinstance(i, A.Use)]
    return [
        f"notice {number} {{",
        f"  title {quote(f'TODO: the title of the {coverage} notice')}",
        f"  number unknown {quote('a draft: the number is assigned when the notice is issued')}",
        "  status draft",
        f"  issuers unknown {quote('TODO: the issuing bureaus')}",
        f"  issued unknown {quote('TODO: the issue date, or unknown with why')}",
        f"  printed unknown {quote('TODO: the printing date, or unknown with why')}",
        f"  coverage {coverage}",
        f"  jurisdiction {quote(program.jurisdiction or 'TODO')}",
        f"  implements {implements}",
        "}",
        "",
    ] + [f"use {u}" for u in uses]


def carried_draft(ps, program: ir.Program, coverage: int, number: str) -> str:
    """A draft that carries `program` forward to `coverage`, listing the figures it carries as they are."""
    years = coverage - (program.coverage or coverage)
    lines = [
        f"# A draft for coverage year {coverage}, started by `yibao new --from {program.document} --coverage {coverage}`.",
        f"# It carries {program.document} forward {years} year(s): every date moves {years} year(s), the rest as it is.",
        "# `yibao check` warns of each date carried (W610) until the header cites the new notice's clause that",
        "# says so (…其余条款视为沿用，相应年度顺延…), and of each TODO (W611); put the notice's text in",
        f"# texts/{number}.txt. Restate with `override` whatever the new notice changes.",
    ] + _header(ps, program, coverage, number, f"{program.document} advanced {years} year{'s' if years != 1 else ''}")
    figures = [(name, decl, _figure(decl.node)) for name, decl, _ in to_restate(ps, program) if _figure(decl.node)]
    if figures:
        lines += ["", "# Figures carried as they are (restate any the new notice changes):"]
        for name, decl, why in figures:
            lines += [f"#   {name}: {why}, {decl.document} at {decl.node.span.where if decl.node.span else '?'}"]
    return "\n".join(lines) + "\n"


def draft(ps, program: ir.Program, coverage: int, number: str) -> str:
    lines = [
        f"# A draft for coverage year {coverage}, started by `yibao new --from {program.document} --coverage {coverage}`.",
        "# Each override below is a TODO: write the value the new notice states, cite its clause and quote,",
        f"# and put the notice's text in texts/{number}.txt. `yibao check --strict` fails until none is left.",
    ] + _header(ps, program, coverage, number, program.document)
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
    lines += _restated_domains(ps, program, coverage)
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


def _restated_domains(ps, program: ir.Program, coverage: int) -> list[str]:
    """Each inherited domain that speaks of its year, restated word for word as this notice's (its
    `coverage_year` then the draft's), citing the notice that states it."""
    from ..language.printer import print_module
    ns = _namespace(ps, program)
    out = []
    for name, decl in ns.domains.items():
        node = decl.node
        if decl.document not in ns.headers or not dated(node):
            continue
        cite = node.citation and dataclasses.replace(node.citation, document=node.citation.document or decl.document)
        restated = dataclasses.replace(node, override=True, citation=cite)
        out += ["", f"# domain {name}: {decl.document} states {dated(node)}; restated as this notice's for {coverage}",
                print_module(A.Module((restated,))).rstrip("\n")]
    return out

"""Domains, invariants and constraints on facts: checked into IR once a notice's definitions are.

A domain wraps each decision it names: where its `excludes` holds, the decision is undecidable with
the domain's reason (`ir.Outside`); elsewhere it is the decision's own value, which stays in the
program as the definition `NAME#raw`. Inside `excludes` and `because`, a guarded decision means its
raw value, so a domain may speak of the decision it guards (`benefit_start > benefit_end`) with no
circle. A domain whose condition holds wins over one that cannot be decided for the case (a closed
window explains itself even where the benefit dates it would compare are undecidable); where several
hold, the first declared (library, the notices implemented, then the notice) gives the reason.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace

from . import contract
from ..ir import nodes as ir
from ..base.diagnostics import did_you_mean
from ..ir.nodes import BOOL

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
RAW = ir.RAW


def finish_program(env, ns, program: ir.Program) -> None:
    """Add the notice's domains, constraints and invariants to a checked program."""
    _domains(env, ns, program)
    program.constraints = [c for c in (_constraint(env, d) for d in ns.constraints.values()) if c]
    program.invariants = [i for i in (_invariant(env, d, program) for d in ns.invariants.values()) if i]
    program.invariants += contract.invariants(env, ns, program, _invariant)


@contextmanager
def _in_document(env, document: str):
    saved, env.current_doc = env.current_doc, document
    try:
        yield
    finally:
        env.current_doc = saved


def _domains(env, ns, program: ir.Program) -> None:
    guarded: dict[str, list] = {}
    for decl in ns.domains.values():
        node = decl.node
        with _in_document(env, decl.document):
            env.need_citation(node.citation, node.span, f"domain {node.name}", decl.document, node.excludes)
            cond = env.expect(env.expr(node.excludes, BOOL), BOOL, node.excludes.span, " after `excludes`")
            for name in node.decisions:
                if name not in program.definitions:
                    env.c.error("E213", f"domain `{node.name}` names `{name}`, which {program.document} does not define",
                                node.span, "unknown decision", hint=did_you_mean(name, program.decisions))
                    continue
                guarded.setdefault(name, []).append((cond, _message(env, node, name, program.document)))
    if not guarded:
        return
    raw = {name: name + RAW for name in guarded}

    def to_raw(e):
        return replace(e, name=raw[e.name]) if isinstance(e, ir.Ref) and e.name in raw else e

    wrapped = {}
    for name, entries in guarded.items():
        d = program.definitions[name]
        checks = tuple((ir.rebuild(cond, to_raw),
                        ir.Outside(tuple(p if isinstance(p, str) else ir.rebuild(p, to_raw) for p in parts), d.type))
                       for cond, parts in entries)
        body = ir.Domains(checks, ir.Ref(raw[name], d.type, d.span), d.type)
        wrapped[name] = (replace(d, name=raw[name]),
                         ir.Definition(name, d.kind, d.type, d.description, d.document, d.span, expr=body,
                                       overridden=d.overridden))
    ordered = {}
    for name, d in program.definitions.items():
        if name in wrapped:
            ordered[raw[name]], ordered[name] = wrapped[name]
        else:
            ordered[name] = d
    program.definitions = _dependency_order(ordered)
    program.domains = raw


def _message(env, node, decision: str, document: str) -> tuple:
    """`because` split into text and the typed expressions of its `{name}` placeholders."""
    from ..language.ast import Name
    parts, at = [], 0
    for m in _PLACEHOLDER.finditer(node.because):
        parts.append(node.because[at:m.start()])
        at = m.end()
        name = m.group(1).strip()
        if name == "decision":
            parts.append(decision)
        elif name == "document":
            parts.append(document)
        else:
            parts.append(env.expr(Name(name, node.span), None))
    parts.append(node.because[at:])
    return tuple(p for p in parts if p != "")


def _dependency_order(defs: dict) -> dict:
    """Definitions in an order where each comes after those it refers to (stable otherwise)."""
    out: dict = {}

    def visit(name, path=()):
        if name in out or name not in defs or name in path:
            return
        for e in ir.definition_exprs(defs[name]):
            for x in ir.subexprs(e):
                if isinstance(x, ir.Ref):
                    visit(x.name, path + (name,))
        out[name] = defs[name]

    for name in defs:
        visit(name)
    return out


def _constraint(env, decl) -> ir.ConstraintIR | None:
    node = decl.node
    with _in_document(env, decl.document):
        cond = env.expect(env.expr(node.when, BOOL), BOOL, node.when.span, " after `when`")
    facts, refs = [], []
    for x in ir.subexprs(cond):
        if isinstance(x, (ir.Fact, ir.Given)):
            name = x.name if isinstance(x, ir.Fact) else x.fact
            if name not in facts:
                facts.append(name)
        elif isinstance(x, (ir.Ref, ir.ParamAt)):
            refs.append(x)
    if refs:
        env.c.error("E314", f"constraint `{node.name}` reads `{refs[0].name}`: a constraint compares facts only",
                    node.when.span, "not a fact", hint="a constraint says which facts of a case contradict each other")
        return None
    return ir.ConstraintIR(node.name, cond, node.because, tuple(facts), node.span)


def _names(x):
    """Every name an AST expression reads."""
    import dataclasses
    from ..language import ast as A
    if isinstance(x, A.Name):
        yield x.name
    elif dataclasses.is_dataclass(x):
        for f in dataclasses.fields(x):
            v = getattr(x, f.name)
            for item in (v if isinstance(v, tuple) else (v,)):
                if dataclasses.is_dataclass(item):
                    yield from _names(item)


def _applies_to(env, node, program: ir.Program) -> bool:
    """An invariant speaks of decisions: it applies to a notice that defines them all."""
    from .exprs import BUILTINS
    known = set(env.facts) | set(env.ns.decls) | set(env.members) | set(BUILTINS)
    names = [n for e in (node.when, node.holds) if e is not None for n in _names(e)]
    return all(n in known for n in names) and all(n in program.definitions for n in node.undecided)


def _invariant(env, decl, program: ir.Program) -> ir.InvariantIR | None:
    node = decl.node
    if not _applies_to(env, node, program):
        return None
    env.in_invariant = True
    try:
        with _in_document(env, decl.document):
            when = env.expect(env.expr(node.when, BOOL), BOOL, node.when.span) if node.when is not None else None
            holds = env.expect(env.expr(node.holds, BOOL), BOOL, node.holds.span) if node.holds is not None else None
    finally:
        env.in_invariant = False
    return ir.InvariantIR(node.name, node.description, decl.document, when, holds, node.undecided, node.span)

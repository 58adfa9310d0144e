"""Checking a file in the context it runs in, and saying where the fix goes.

A notice is checked together with the notices it implements and its libraries, so some findings land
in a parent's lines (a parent's printed figure that the child's override breaks). Such a finding is
the child's to fix unless the parent has it on its own: it is reported at the child's declaration
the parent's line depends on, with a note at the parent's line.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from ..language import ast as A
from ..base.diagnostics import Diagnostic


def _key(d: Diagnostic):
    return (d.code, d.message, d.span.where if d.span else "")


def _same(a: str, b: str) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def rehome(ps, path: str, diags: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of checking notice `path`, each at the line that must change."""
    module = ps.modules.get(path)
    foreign = [d for d in diags if d.span and not _same(d.span.file.path, path)]
    if module is None or module.header is None or not foreign:
        return diags
    header = module.header
    inherited = set()
    parent = ps.notices.get(header.implements) if header.implements and not header.implements_external else None
    if parent is not None and parent != path:
        from .warm import analyze
        program, found = ps.check(parent)
        inherited = {_key(d) for d in found + (analyze(program) if program is not None else [])}
    from ..check.checker import Checker
    ns = ps._namespace(path, Checker(ps.texts), [])
    out = []
    for d in diags:
        if d in foreign and _key(d) not in inherited and ns is not None:
            d = _moved(d, ns, path)
        out.append(d)
    return out


def _moved(d: Diagnostic, ns, path: str) -> Diagnostic:
    """At this notice's declaration that the inherited line depends on; unmoved if there is none (then
    the finding is the parent's or the library's own)."""
    cause = _cause(ns, d.span, path)
    if cause is None and ns.header is not None and ns.header.advanced is not None:
        cause = ("the notice header", ns.header)  # carried forward: the inherited line reads this header
    if cause is None:
        return d
    note = f"{d.span.where}: {d.label or d.message} (the inherited declaration that breaks)"
    return dataclasses.replace(d, span=cause[1].span, label=f"this changes `{cause[0]}`, which an inherited line uses",
                               notes=(note, *d.notes))


def _cause(ns, span, path: str):
    """(name, node): this notice's declaration that the declaration at `span` depends on."""
    start = next((name for name, decl in ns.decls.items() if _contains(decl.node.span, span)), None)
    if start is None:
        return None
    seen, todo = {start}, [start]
    while todo:
        name = todo.pop(0)
        for ref in sorted(_names(ns.decls[name].node)):
            if ref in seen or ref not in ns.decls:
                continue
            seen.add(ref)
            decl = ns.decls[ref]
            if decl.document == ns.document and decl.node.span and _same(decl.node.span.file.path, path):
                return ref, decl.node
            todo.append(ref)
    return None


def _contains(outer, inner) -> bool:
    return (outer is not None and _same(outer.file.path, inner.file.path)
            and (outer.line, outer.column) <= (inner.line, inner.column)
            and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column))


def _names(node) -> set[str]:
    """Every name an AST node mentions."""
    out = set()
    todo = [node]
    while todo:
        x = todo.pop()
        if isinstance(x, A.Name):
            out.add(x.name)
        if isinstance(x, (tuple, list)):
            todo += list(x)
        elif dataclasses.is_dataclass(x):
            todo += [getattr(x, f.name) for f in dataclasses.fields(x) if f.name != "span"]
    return out

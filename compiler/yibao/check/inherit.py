"""What an inherited rule means in the notice that inherits it.

A rule keeps the words of the notice that states it: `issue_date`, `print_date` and `coverage_year`
inside an inherited rule are that notice's (a district issued later does not move the municipal
window's opening day), unless the child overrides the definition by name, which makes the words its
own. `渝医保发〔2025〕42号.集中缴费开始` names a definition as an implemented notice states it, even
where this notice overrides it.
"""
from __future__ import annotations

import dataclasses

from ..language import ast as A
from ..ir import nodes as ir
from ..base.diagnostics import did_you_mean


def remember(ns, parent) -> None:
    """Before the child's own declarations: what the parent and its ancestors state."""
    ns.ancestors = dict(parent.ancestors)
    ns.ancestors[parent.document] = dict(parent.decls)
    ns.headers = dict(parent.headers)


def builtin(env, name: str):
    """The value of a built-in notice fact in a declaration of an implemented notice (None: this
    notice's own, or a library's, which the evaluating notice decides)."""
    doc = env.current_doc
    checking = getattr(env, "in_progress", None)
    if not (checking and checking[-1].startswith(doc + ".")):  # `DOC.name` is as DOC states it, unmoved
        doc = env.ns.carried.get(doc, doc)  # carried forward: the carrying notice's
    header = env.ns.headers.get(doc)
    if doc == env.ns.document or header is None:
        return None
    if name == "coverage_year":
        return header.coverage or env.program.coverage
    value = header.issued if name == "issue_date" else header.printed
    if isinstance(value, A.UnknownLit):
        return ir.Unknown(value.reason or "a date the notice does not print", ir.DATE)
    return value  # None: reported as for the notice's own header


def notice_ref(env, x: A.NoticeRef, want):
    decls = env.ns.decls if x.document == env.ns.document else env.ns.ancestors.get(x.document)
    if decls is None:
        env.c.error("E611", f"{x.document} is not a notice this one implements", x.span, "not an ancestor",
                    hint=did_you_mean(x.document, env.ns.ancestors))
        return ir.Unknown("an unknown notice", want or ir.ANY)
    decl = decls.get(x.name)
    if decl is None or not isinstance(decl.node, (A.Definition, A.TableDecl)):
        env.c.error("E612", f"{x.document} defines no `{x.name}`", x.span, "not defined there",
                    hint=did_you_mean(x.name, [n for n, d in decls.items()
                                               if isinstance(d.node, (A.Definition, A.TableDecl))]))
        return ir.Unknown("an unknown name", want or ir.ANY)
    if decls is env.ns.decls:
        return ir.Ref(x.name, env.definition(x.name).type, x.span)
    key = f"{x.document}.{x.name}"
    if key not in env.qualified:
        env.qualified[key] = dataclasses.replace(decl)
    d = env.definition(key)
    if d is None:
        return ir.Unknown("a circular definition", want or ir.ANY)
    if d.name != key:  # checked under the qualified name: its own entry in the program, never exported
        d.name, d.kind = key, "let"
    return ir.Ref(key, d.type, x.span)

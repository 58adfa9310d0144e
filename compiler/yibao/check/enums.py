"""Enumerations across notices: one declaration, extended by the notices that use it.

A notice may not redeclare an enumeration it inherits (that would silently replace the library's
vocabulary everywhere); it adds members, or labels of existing members, with `extend enum`, each
addition cited to the notice that makes it. The per-notice EnumInfo feeds the case schema, the
decoder and the generated calculators, so a new code is accepted exactly where a notice states it.
"""
from __future__ import annotations

from ..language import ast as A
from ..ir import nodes as ir


def _where(node) -> str:
    return node.span.where if node is not None and node.span else "?"


def declare(checker, ns, item: A.EnumDecl, document: str, file: str, decl_cls) -> None:
    """Add an enumeration to a namespace; one already there (from anywhere) is an error."""
    existing = ns.enums.get(item.name)
    if existing is None:
        ns.enums[item.name] = decl_cls(item, document, file)
        return
    if existing.document == document:
        checker.error("E202", f"enumeration `{item.name}` is declared twice", item.span, "second declaration",
                      notes=[f"first declared at {_where(existing.node)}"])
        return
    checker.error("E220", f"enumeration `{item.name}` is already declared by {existing.document}; "
                  "redeclaring it would replace it for every notice", item.span, "redeclares an enumeration",
                  notes=[f"{existing.document} declares it at {_where(existing.node)}"],
                  hint=f"add members or labels with `extend enum {item.name} {{ name = \"code\" \"label\" §clause \"quote\" }}`")


def add_extension(ns, item: A.EnumExtend, document: str) -> None:
    ns.enum_extensions.setdefault(item.name, []).append((item, document))


def build(env, ns) -> dict[str, ir.EnumInfo]:
    """Every enumeration of the namespace with the members and labels its extensions add."""
    c = env.c
    enums = {}
    for name, d in ns.enums.items():
        enums[name] = [[m.name, m.code if m.code is not None else m.name, list(m.labels)] for m in d.node.members]
    for name, extensions in ns.enum_extensions.items():
        if name not in enums:
            for item, _ in extensions:
                from ..base.diagnostics import did_you_mean
                c.error("E221", f"`extend enum {name}`: no enumeration named `{name}` is in scope", item.span,
                        "nothing to extend", hint=did_you_mean(name, enums))
            continue
        members = enums[name]
        for item, document in extensions:
            for m in item.members:
                _add(env, name, members, m, document)
    return {name: ir.EnumInfo(name, ns.enums[name].node.description,
                              tuple((n, code, tuple(labels)) for n, code, labels in members))
            for name, members in enums.items()}


def _add(env, enum: str, members: list, m: A.MemberAddition, document: str) -> None:
    c = env.c
    env.need_citation(m.citation, m.span, f"member {m.name} of {enum}", document)
    spellings = {}
    for n, code, labels in members:
        for s in (n, code, *labels):
            spellings.setdefault(s, n)
    existing = next((x for x in members if x[0] == m.name), None)
    if existing is not None:
        if m.code is not None and m.code != existing[1]:
            c.error("E222", f"`{m.name}` is already a member of {enum} with code {existing[1]!r}; an extension "
                    "may add labels to it, not change its code", m.span, "changes a code",
                    hint=f"write `{m.name} \"label\" §clause \"quote\"` to add a label")
            return
        target = existing
    else:
        code = m.code if m.code is not None else m.name
        if code in spellings or m.name in spellings:
            other = spellings.get(code, spellings.get(m.name))
            c.error("E223", f"the new member `{m.name}` of {enum} reuses `{code if code in spellings else m.name}`, "
                    f"which already means {other}", m.span, "already taken")
            return
        target = [m.name, code, []]
        members.append(target)
    for label in m.labels:
        owner = spellings.get(label)
        if owner is not None and owner != target[0]:
            c.error("E223", f"the label “{label}” already means {owner} in {enum}", m.span, "already taken")
        elif label not in target[2]:
            target[2].append(label)

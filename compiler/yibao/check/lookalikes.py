"""Names that are different strings but one name to Python and to a reader: equal under NFKC.

`Ａ档标准` (a full-width Ａ) and `A档标准` are two names to the checker, one identifier to Python
(which folds identifiers by NFKC) and one name to anyone reading the policy. A namespace may hold
only one of them (E216).
"""
from __future__ import annotations

import unicodedata

from ..base.diagnostics import Diagnostic


def lookalike_diagnostics(ns) -> list[Diagnostic]:
    """E216 for each declaration of a check.Namespace whose name equals an earlier one's under NFKC."""
    first: dict[str, tuple[str, object]] = {}
    out = []
    for table in (ns.decls, ns.facts, ns.enums):
        for name, decl in table.items():
            key = unicodedata.normalize("NFKC", name)
            seen = first.setdefault(key, (name, decl))
            if seen[0] == name:
                continue
            other = seen[1].node.span
            out.append(Diagnostic(
                "E216", f"`{name}` and `{seen[0]}` differ only in look-alike characters (equal under NFKC)",
                decl.node.span, "looks like another name",
                notes=[f"`{seen[0]}` is declared at {other.where}"] if other else [],
                hint="use one spelling: full-width letters and digits are the same name to a reader"))
    return out

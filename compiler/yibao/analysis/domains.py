"""E214: a decision about what a person pays or gets (interface.md) that no domain names.

Such a decision is answered for every payment, the ones that buy nothing included (a caesarean
benefit for a payment after the last day one may pay), and interface.md makes it "a check error,
not an answer". A finding of the analyses, like an invariant's counterexample, so the rest of the
check still runs on the notice.
"""
from __future__ import annotations

from ..base.diagnostics import Diagnostic
from ..ir import nodes as ir
from ..ir.kinds import PERSON_LEVEL


def open_decisions(program: ir.Program) -> list[Diagnostic]:
    out = []
    for name in PERSON_LEVEL:
        d = program.definitions.get(name)
        if d is None or name in program.domains:
            continue
        out.append(Diagnostic(
            "E214", f"`{name}` is answered for every payment: no domain of {program.document} names it", d.span,
            "answered outside the notice's domain",
            ("interface.md: every decision about what a person pays or gets is inside the notice's domain "
             "or undecidable",),
            f"add `{name}` to the domain that bounds the notice's coverage year and windows "
            f"(`domain … for …, {name}`), citing the clause that sets them"))
    return out

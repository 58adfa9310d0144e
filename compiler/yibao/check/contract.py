"""What interface.md promises of every notice, checked on each one whatever its policy declares.

A library states the facts' constraints and a notice its domains, but a policy that forgets one
still answers: a newborn who paid before birth is covered, a benefit is granted for a payment that
buys nothing. So the checker holds every notice to the contract itself (and analysis/domains.py to its E214: a
decision about what a person pays or gets that no domain names):

- invariants of the contract, proved like a policy's own (analysis/invariants.py): each of
  interface.md's contradictory facts is refused by some constraint (else the counterexample is a
  contradictory case the notice answers), and benefits never start before the birth, nor, for
  anyone but a newborn, on or before the day of payment.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from types import SimpleNamespace

from ..base.source import SourceFile
from ..ir import nodes as ir

DOCUMENT = "interface.md"

# name, what interface.md says, the fact or decision whose declaration the failure points at, source
_CONTRACT = (
    ("接口_连续却断保", "interface.md: `continuous: true` with `lapsed_years` > 0 is bad input; declare a "
     "constraint beside the facts that refuses it", "continuous",
     "when continuous is given and continuous holds lapsed_years = 0"),
    ("接口_连续年数不可能", "interface.md: `continuous_years` that a lapse makes impossible is bad input; "
     "declare a constraint beside the facts that refuses it", "continuous_years",
     "when continuous_years is given and (lapsed_years > 0 or (continuous is given and not continuous)) "
     "holds continuous_years <= 1"),
    ("接口_出生前缴费", "interface.md: a `payment_date` before the person's `birth_date` is bad input; "
     "declare a constraint beside the facts that refuses it", "birth_date",
     "when payment_date is given and birth_date is given holds payment_date >= birth_date"),
    ("接口_零报销却未参保", "interface.md: `zero_claim_last_year: true` for a person not insured last year "
     "(`lapsed_years` > 0 or `continuous_years` < 2) is bad input; declare a constraint beside the facts "
     "that refuses it", "zero_claim_last_year",
     "when zero_claim_last_year holds lapsed_years = 0 and (not continuous_years is given or continuous_years >= 2)"),
    ("接口_待遇不早于出生", "benefits never start before the person is born", "benefit_start",
     "when birth_date is given holds benefit_start >= birth_date"),
    ("接口_待遇不早于缴费", "benefits bought by a payment start after the day of payment (only a newborn "
     "enrolled in time may be covered from birth, before it pays)", "benefit_start",
     "{not_newborn} holds benefit_start > payment_date"),
)


def invariants(env, ns, program: ir.Program, build) -> list[ir.InvariantIR]:
    """The contract's invariants that apply to the program (`build(env, decl, program)` is the
    checker's own, so they are typed and proved as a policy's are)."""
    newborn = _newborn(program)
    out = []
    for (name, description, anchor, _), node in zip(_CONTRACT, _parsed(newborn)):
        if name in ns.invariants:
            continue
        inv = build(env, SimpleNamespace(node=node, document=ns.document), program)
        if inv is None:
            continue
        at = ns.facts[anchor].node.span if anchor in ns.facts else (
            program.definitions[anchor].span if anchor in program.definitions else None)
        out.append(replace(inv, document=DOCUMENT, description=description, span=at))
    return out


def _newborn(program: ir.Program) -> str | None:
    fact = program.facts.get("group")
    if fact is None or not isinstance(fact.type, tuple):
        return None
    enum = program.enums[fact.type[1]]
    return enum.name_of("newborn") if "newborn" in enum.codes() else None


@lru_cache(maxsize=4)
def _parsed(newborn: str | None) -> tuple:
    from ..language.from_tree import parse_module
    lines = ['library 接口约定 "interface.md"']
    for name, _, _, text in _CONTRACT:
        text = text.format(not_newborn=f"when group != {newborn}" if newborn else "")
        lines.append(f'invariant {name} "{name}" {text}')
    module = parse_module(SourceFile("<interface.md>", "\n".join(lines) + "\n"))
    from ..language import ast as A
    return tuple(x for x in module.items if isinstance(x, A.InvariantDecl))

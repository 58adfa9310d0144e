"""What a checked program's names are on the way out: a type's output kind, the spec a case is
decoded against, a value as JSON, and whether the program holds a bounded unknown. IR notions that
the backends, the analyses, the server and the front ends all read."""
from __future__ import annotations

from . import nodes as ir
from ..runtime.core import _ABSENT, output_value


# interface.md, "Conventions": every decision about what the person pays or gets is inside the
# notice's domain or undecidable; only the year's own standards are answered for any payment.
PERSON_LEVEL = ("contribution", "self_borne_fiscal_subsidy", "assistance", "amount_due", "benefit_start",
                "benefit_end", "cesarean_benefit", "critical_illness_limit_increase")


def output_kind(t) -> str:
    if isinstance(t, tuple):
        return t[0]
    return t


def fact_spec(program: ir.Program) -> dict:
    """The spec runtime.decode_case checks a case against."""
    spec = {}
    for name, f in program.facts.items():
        t = f.type
        if isinstance(t, tuple):
            kind, aliases = t[0], program.enums[t[1]].aliases()
        else:
            kind, aliases = ("count" if f.non_negative else t), {}
        spec[name] = (kind, aliases, _ABSENT if f.default is ir.NO_DEFAULT else f.default)
    return spec


def json_value(program: ir.Program, name: str, value):
    """A fact's or definition's runtime value as JSON, for explanations."""
    if name in program.facts:
        t = program.facts[name].type
    elif name in program.definitions:
        t = program.definitions[name].type
    else:
        t = None
    if value.__class__.__name__ == "Bounded":  # an unknown with bounds: say so, with its bounds
        show = (lambda v: output_value(output_kind(t), v)) if t else str  # noqa: E731
        bounds = [f"{sign} {show(v)}" for sign, v in (("≥", value.lo), ("≤", value.hi)) if v is not None]
        return f"unknown ({', '.join(bounds)}): {value.what}"
    return output_value(output_kind(t), value) if t else value


def bounded_program(program: ir.Program) -> bool:
    """Whether any expression of the program holds a bounded unknown (the generator's slow path)."""
    for d in program.definitions.values():
        for e in ir.definition_exprs(d):
            if any(isinstance(x, ir.Unknown) and x.bounded for x in ir.subexprs(e)):
                return True
    return any(isinstance(v, ir.Unknown) and v.bounded for p in program.params.values() for v in p.values.values())
